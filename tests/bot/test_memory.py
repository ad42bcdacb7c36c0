"""The bot's garbage collector: young objects collected less often, start-up objects frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.memory import YOUNG_THRESHOLD, tune_garbage_collector


@pytest.fixture
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_collector")
def test_tuning_collects_young_objects_less_often_and_freezes_what_exists() -> None:
    gc.unfreeze()
    before = gc.get_threshold()
    kept = [[n] for n in range(1000)]  # objects alive at start-up
    tune_garbage_collector()
    assert gc.get_threshold() == (YOUNG_THRESHOLD, before[1], before[2])
    assert gc.get_freeze_count() >= len(kept)
