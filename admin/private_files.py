"""Files the admin script creates (database, WAL, exports, cards) are private to its user."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

# rw------- for files, rwx------ for folders: exports and cards name people, the
# database holds their answers. SQLite gives its -wal and -shm files the database's mode.
PRIVATE_UMASK = 0o077


@contextmanager
def private_files() -> Iterator[None]:
    """Creates every file inside the block readable by its owner only."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)
