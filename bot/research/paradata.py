"""Paradata helpers for the host that stores it: net seconds per answer and words to read.

The paradata sheet has one row per answer, PARADATA_SHEET_COLUMNS; the flags need only
`bot.research.frames.PARADATA_COLUMNS` of it. `seconds` is `net_seconds(shown_at,
answered_at, pauses)` where the pauses are the agenda sessions in which the questionnaire
is put away (focus groups, plenary), so a question shown at the end of one break and
answered in the next counts only its minutes on screen during breaks. `words` is
`words_to_read(question, language)`: what the person had to read before answering.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.questionnaire.model import LocalizedText, Question

PARADATA_SHEET_COLUMNS = (
    "workshop",
    "participant",
    "question_id",
    "shown_at",
    "answered_at",
    "seconds",
    "method",
    "changes",
    "language",
    "words",
)
"""`method`: tap, typed, review (changed from the review screen) or staff (entered by a
facilitator for the person); `changes`: how often the answer was changed."""


def net_seconds(
    shown_at: datetime, answered_at: datetime, pauses: Iterable[tuple[datetime, datetime]]
) -> float:
    """Seconds from shown to answered, less the time that falls inside any pause."""
    total = max(0.0, (answered_at - shown_at).total_seconds())
    clipped = sorted(
        (max(start, shown_at), min(end, answered_at))
        for start, end in pauses
        if end > shown_at and start < answered_at
    )
    paused = 0.0
    current_start: datetime | None = None
    current_end: datetime | None = None
    for start, end in clipped:  # merge overlapping pauses so none is subtracted twice
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                paused += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        paused += (current_end - current_start).total_seconds()
    return max(0.0, total - paused)


def words_to_read(question: Question, lang: str) -> int:
    """Words in the question, its hint, the scale's end labels and the choice labels."""
    texts: list[LocalizedText | None] = [
        question.text,
        question.hint,
        question.scale_min_label,
        question.scale_max_label,
        *(choice.label for choice in question.choices),
    ]
    return sum(len(t.get(lang).split()) for t in texts if t is not None)
