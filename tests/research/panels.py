"""Small hand-made panels as answers and paradata frames (the export's answers columns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from bot.research.frames import ANSWER_COLUMNS

Value = float | str | None
"""A 1..10 score, "dk" (don't know), "skip", or None for a question left unanswered."""

START = dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC)


def question(qid: str, arena: str, principle: str) -> tuple[str, str, str]:
    """A scored scale question: (id, arena, principle)."""
    return (qid, arena, principle)


def answers(
    questions: Sequence[tuple[str, str, str]],
    people: Mapping[str, tuple[str | None, Sequence[Value]]],
    *,
    workshop: str = "ID-JA-2026-12-03",
    province: str = "ID-JA",
    gap_seconds: float = 60.0,
    start: dt.datetime = START,
) -> pd.DataFrame:
    """An answers frame: `people` maps a pseudonym to (respondent arena, values in order)."""
    records: list[dict[str, Any]] = []
    for participant, (respondent_arena, values) in people.items():
        at = start
        for (qid, arena, principle), value in zip(questions, values, strict=True):
            if value is None:
                continue
            status = {"dk": "dont_know", "skip": "skipped"}.get(str(value), "answered")
            records.append(
                {
                    "province": province,
                    "province_name": "Jambi",
                    "workshop": workshop,
                    "participant": participant,
                    "respondent_arena": respondent_arena,
                    "respondent_category": None,
                    "section": arena,
                    "question_id": qid,
                    "question_type": "scale",
                    "indicator": qid,
                    "question_arena": arena,
                    "principle": principle,
                    "status": status,
                    "value": value if status == "answered" else None,
                    "value_label": str(value),
                    "dont_know": status == "dont_know",
                    "score": float(value) if status == "answered" else None,  # type: ignore[arg-type]
                    "answered_at": at.isoformat(timespec="seconds"),
                    "zone": "Asia/Jakarta",
                    "changes": 0,
                }
            )
            at += dt.timedelta(seconds=gap_seconds)
    return pd.DataFrame.from_records(records, columns=[*ANSWER_COLUMNS, "section", "value"])


def paradata(
    rows: Sequence[tuple[str, str, float, str, int]], workshop: str = "ID-JA-2026-12-03"
) -> pd.DataFrame:
    """A paradata frame from (participant, question, seconds, method, words) rows."""
    return pd.DataFrame.from_records(
        [
            {
                "workshop": workshop,
                "participant": p,
                "question_id": q,
                "seconds": s,
                "method": m,
                "words": w,
            }
            for p, q, s, m, w in rows
        ]
    )


def blocks(per_arena: int) -> list[tuple[str, str, str]]:
    """`per_arena` questions for each arena, principles in turn."""
    principles = ["participation", "fairness", "accountability", "transparency"]
    arenas = ["government", "bureaucracy", "civil_society", "economic_society"]
    return [
        question(f"{arena[0].upper()}{i + 1}", arena, principles[i % len(principles)])
        for arena in arenas
        for i in range(per_arena)
    ]
