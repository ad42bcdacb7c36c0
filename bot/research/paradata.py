"""Paradata helpers for the host that stores it: net seconds per answer and words to read.

The paradata sheet has one row per answer, PARADATA_SHEET_COLUMNS; the flags need only
`bot.research.frames.PARADATA_COLUMNS` of it. `seconds` is `net_seconds(shown_at,
answered_at, pauses)` where the pauses are the agenda sessions in which the questionnaire
is put away (focus groups, plenary), so a question shown at the end of one break and
answered in the next counts only its minutes on screen during breaks (a session only
partly within the span is not taken off: see `net_seconds`). `words` is
`words_to_read(question, language)`: what the person had to read before answering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import pandas as pd

from bot.questionnaire.model import LocalizedText, Question
from bot.research.frames import require_columns

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
    """Seconds from shown to answered, less the pauses that lie wholly in between.

    A question shown before a focus group and answered after it was put away for the
    session; one shown or answered during a session was on screen then (a person who
    answers in a session does so on their own time), so a pause that only overlaps the
    span is not taken off: that would make an honest person answering during a session
    look like a speeder.
    """
    total = max(0.0, (answered_at - shown_at).total_seconds())
    inside = sorted(
        (start, end) for start, end in pauses if shown_at <= start and end <= answered_at
    )
    paused = 0.0
    current_start: datetime | None = None
    current_end: datetime | None = None
    for start, end in inside:  # merge overlapping pauses so none is subtracted twice
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


def paradata_from_answer_times(
    answers: pd.DataFrame, words: Mapping[str, int], *, max_gap_seconds: float = 600.0
) -> pd.DataFrame:
    """A stand-in paradata frame from the answers sheet alone, until paradata is stored:
    seconds = the time since the same person's previous answer (form order by time).

    A gap longer than `max_gap_seconds` (a session in between, a phone put away) is left
    out rather than counted; the first answer of each person has no gap. `method` is
    'tap' (unknown, so counted as the person's own pace); `words` comes from `words`
    (question id -> words to read), 0 where unknown.
    """
    require_columns(answers, ("workshop", "participant", "question_id", "answered_at"), "answers")
    at = pd.to_datetime(answers["answered_at"], utc=True, format="ISO8601")
    frame = answers[["workshop", "participant", "question_id"]].assign(_at=at)
    frame = frame.sort_values(["workshop", "participant", "_at"], kind="stable")
    gaps = frame.groupby(["workshop", "participant"], sort=False)["_at"].diff()
    frame = frame.assign(seconds=gaps.dt.total_seconds())
    frame = frame[frame["seconds"].notna() & (frame["seconds"] <= max_gap_seconds)]
    return pd.DataFrame(
        {
            "workshop": frame["workshop"],
            "participant": frame["participant"],
            "question_id": frame["question_id"],
            "seconds": frame["seconds"].astype(float),
            "method": "tap",
            "words": [int(words.get(q, 0)) for q in frame["question_id"]],
        }
    ).reset_index(drop=True)
