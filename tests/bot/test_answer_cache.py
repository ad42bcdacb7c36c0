"""The in-memory copy of recent responses' answers and its revision check."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.model import Answer, AnswerStatus
from bot.services.answer_cache import AnswerCache

NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
FORM = load_default_questionnaire()


def _answers(value: int) -> dict[str, Answer]:
    return {"q": Answer("q", AnswerStatus.ANSWERED, value, NOW)}


def test_a_copy_is_current_only_for_its_revision_and_questionnaire() -> None:
    cache = AnswerCache()
    cache.put(7, 3, FORM, _answers(1))
    assert cache.get(7, 3, FORM) == _answers(1)
    assert cache.get(7, 4, FORM) is None  # changed since: read again
    assert cache.get(7, 2, FORM) is None
    assert cache.get(8, 3, FORM) is None  # another response
    other_form = dataclasses.replace(FORM)  # equal content, another object
    assert cache.get(7, 3, other_form) is None
    cache.put(7, 4, FORM, _answers(2))
    assert cache.get(7, 4, FORM) == _answers(2)


def test_the_least_recently_used_copy_goes_first() -> None:
    cache = AnswerCache(size=2)
    cache.put(1, 0, FORM, _answers(1))
    cache.put(2, 0, FORM, _answers(2))
    assert cache.get(1, 0, FORM) is not None  # 1 is now the most recent
    cache.put(3, 0, FORM, _answers(3))
    assert len(cache) == 2
    assert cache.get(2, 0, FORM) is None
    assert cache.get(1, 0, FORM) is not None and cache.get(3, 0, FORM) is not None
