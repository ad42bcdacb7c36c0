"""The garbage collector tuned for a long-running bot that holds many people in memory.

Python's cyclic collector runs a young collection every 700 new container objects and
promotes what survives it. Every update allocates thousands (PTB parses each update and
each reply into objects), and under load many are still referenced by updates waiting
their turn when a collection comes, so they are promoted, and the full collections that
follow walk everything the bot keeps: questionnaires, the answers of every recent
response, PTB's and SQLAlchemy's caches. With 1,400 people answering, the collector took
about a quarter of the bot's CPU (py-spy --native: `gc_collect_main`). Collecting young
objects less often lets most of them die first, and the objects that exist once the bot
is set up (modules, classes, the application) are frozen out of the collector's walks.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000  # new container objects between young collections (Python's: 700)


def tune_garbage_collector() -> None:
    """Collects young objects less often and leaves what exists now out of every walk."""
    _, middle, old = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
