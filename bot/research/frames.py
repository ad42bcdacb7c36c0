"""The input frames' columns and the respondent x question score matrix built from them.

The answers frame is the export's `answers` sheet (`bot.reports.sheets.answers_frame`); the
columns used here are ANSWER_COLUMNS. One row per effective answer, in form order within
a participant. `score` is the answer on the 1..10 index scale (empty for "don't know",
skipped and unscored questions); `question_arena` and `principle` are empty for questions
that are not scored.

The paradata frame (stored by the bot later) has one row per answer, PARADATA_COLUMNS:
`seconds` is the time from the question being shown to it being answered, net of breaks;
`method` is one of PARADATA_METHODS; `words` is how many words the person had to read
(question and answer labels, in their language).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

ANSWER_COLUMNS = (
    "province",
    "province_name",
    "workshop",
    "participant",
    "respondent_arena",
    "question_id",
    "question_type",
    "question_arena",
    "principle",
    "status",
    "score",
    "answered_at",
)
PARADATA_COLUMNS = ("workshop", "participant", "question_id", "seconds", "method", "words")
PARADATA_METHODS = ("tap", "typed", "review", "staff")
COMPLETION_COLUMNS = ("workshop", "participant", "status")
ARENAS = ("government", "bureaucracy", "civil_society", "economic_society")
PRINCIPLES = (
    "participation",
    "fairness",
    "accountability",
    "transparency",
    "efficiency",
    "effectiveness",
)
DONT_KNOW = "dont_know"
ANSWERED = "answered"


class FrameError(ValueError):
    """A frame lacks columns this package needs (names them)."""


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raises FrameError naming the columns `frame` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FrameError(f"the {name} frame lacks column(s): {', '.join(missing)}")


def scored_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """The rows of scored questions (those with an arena and a principle)."""
    require_columns(answers, ANSWER_COLUMNS, "answers")
    return answers[answers["question_arena"].notna() & answers["principle"].notna()]


@dataclass(frozen=True)
class ScoreMatrix:
    """One workshop's scores: respondents x scored questions (NaN where no score)."""

    participants: tuple[str, ...]
    respondent_arenas: tuple[str | None, ...]
    question_ids: tuple[str, ...]
    question_arenas: tuple[str, ...]
    principles: tuple[str, ...]
    values: np.ndarray  # float, shape (participants, questions)


def score_matrix(answers: pd.DataFrame) -> ScoreMatrix:
    """Pivots the scored answers of one workshop (or a pooled set) into a ScoreMatrix."""
    rows = scored_answers(answers)
    # Questions in first-seen order (form order), participants as they come.
    questions = rows.drop_duplicates("question_id")[["question_id", "question_arena", "principle"]]
    people = rows.drop_duplicates(["workshop", "participant"])
    keys = list(zip(people["workshop"].tolist(), people["participant"].tolist(), strict=True))
    person_index = {key: i for i, key in enumerate(keys)}
    question_index = {q: i for i, q in enumerate(questions["question_id"].tolist())}
    values = np.full((len(keys), len(question_index)), np.nan)
    if len(rows):
        pairs = zip(rows["workshop"].tolist(), rows["participant"].tolist(), strict=True)
        r = [person_index[k] for k in pairs]
        c = [question_index[q] for q in rows["question_id"].tolist()]
        values[r, c] = pd.to_numeric(rows["score"], errors="coerce").to_numpy(dtype=float)
    arenas = [None if pd.isna(a) else str(a) for a in people["respondent_arena"]]
    return ScoreMatrix(
        participants=tuple(str(p) for p in people["participant"]),
        respondent_arenas=tuple(arenas),
        question_ids=tuple(str(q) for q in questions["question_id"]),
        question_arenas=tuple(str(a) for a in questions["question_arena"]),
        principles=tuple(str(p) for p in questions["principle"]),
        values=values,
    )
