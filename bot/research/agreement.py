"""How far the experts agree: item statistics, Krippendorff's alpha, and who rates whom.

Alpha is for interval data (the 1..10 scores), computed by the `krippendorff` package with
respondents as coders and scored questions as units; "don't know" and skipped answers are
missing values, which alpha allows. It is given per arena block (the questions assessing
one arena) and over all scored questions, per workshop; it is None where fewer than two
units have two scores or the scores do not vary at all.
"""

from __future__ import annotations

from typing import Any

import krippendorff
import numpy as np
import pandas as pd

from bot.questionnaire.scoring import Weights
from bot.research.frames import ARENAS, DONT_KNOW, score_matrix, scored_answers
from bot.research.index import point_index

ITEM_COLUMNS = [
    "workshop",
    "question_id",
    "question_arena",
    "principle",
    "n",
    "dont_know",
    "mean",
    "median",
    "sd",
    "iqr",
    "min",
    "max",
]
ALPHA_COLUMNS = ["workshop", "block", "alpha", "units", "coders"]
OVERALL_BLOCK = "all"
NO_ARENA = "unassigned"
"""The respondent arena of participants imported without one."""


def item_statistics(answers: pd.DataFrame) -> pd.DataFrame:
    """Per workshop and scored question: n, don't knows, mean, median, SD (n-1), IQR
    (linear quartiles, as numpy), min and max; empty where nobody gave a score."""
    rows = scored_answers(answers)
    rows = rows.assign(
        _score=pd.to_numeric(rows["score"], errors="coerce"),
        _dont_know=(rows["status"] == DONT_KNOW).astype(int),
    )
    keys = ["workshop", "question_id"]
    grouped = rows.groupby(keys, sort=False)
    score = grouped["_score"]
    frame = grouped[["question_arena", "principle"]].first()
    frame["n"] = score.count()
    frame["dont_know"] = grouped["_dont_know"].sum()
    frame["mean"] = score.mean()
    frame["median"] = score.median()
    frame["sd"] = score.std(ddof=1)
    frame["iqr"] = score.quantile(0.75) - score.quantile(0.25)
    frame["min"] = score.min()
    frame["max"] = score.max()
    frame = frame.reset_index()
    return frame.astype({"n": int, "dont_know": int})[ITEM_COLUMNS]


def interval_alpha(values: np.ndarray) -> float | None:
    """Krippendorff's alpha (interval) of a coders x units array with NaN for missing."""
    pairable = (~np.isnan(values)).sum(axis=0) >= 2
    data = values[:, pairable]
    if data.shape[1] < 2:
        return None
    present = data[~np.isnan(data)]
    if present.size == 0 or np.all(present == present[0]):
        return None  # no variation at all: alpha is undefined (0 / 0)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))


def agreement(answers: pd.DataFrame) -> pd.DataFrame:
    """Alpha per workshop, per arena block and over all scored questions."""
    records: list[dict[str, Any]] = []
    for workshop, group in scored_answers(answers).groupby("workshop", sort=False):
        matrix = score_matrix(group)
        blocks = [(arena, [a == arena for a in matrix.question_arenas]) for arena in ARENAS]
        blocks.append((OVERALL_BLOCK, [True] * len(matrix.question_ids)))
        for name, columns in blocks:
            values = matrix.values[:, np.array(columns, dtype=bool)]
            if values.shape[1] == 0:
                continue
            records.append(
                {
                    "workshop": workshop,
                    "block": name,
                    "alpha": interval_alpha(values),
                    "units": values.shape[1],
                    "coders": int((~np.isnan(values)).any(axis=1).sum()),
                }
            )
    return pd.DataFrame.from_records(records, columns=ALPHA_COLUMNS)


def arena_crosstab(answers: pd.DataFrame, weights: Weights | None = None) -> pd.DataFrame:
    """Arena scores given by each respondent arena: rows respondent arena, columns question
    arena, per workshop (and `respondents` per row); do insiders rate their arena higher?"""
    weights = weights or Weights.default()
    records: list[dict[str, Any]] = []
    rows = scored_answers(answers)
    for (workshop, respondent_arena), group in rows.groupby(
        ["workshop", "respondent_arena"], sort=False, dropna=False
    ):
        matrix = score_matrix(group)
        arenas = point_index(matrix, weights).arenas[0]
        records.append(
            {
                "workshop": workshop,
                "respondent_arena": NO_ARENA if pd.isna(respondent_arena) else respondent_arena,
                "respondents": len(matrix.participants),
                **{
                    arena: None if np.isnan(arenas[i]) else float(arenas[i])
                    for i, arena in enumerate(ARENAS)
                },
            }
        )
    order = {arena: i for i, arena in enumerate(ARENAS)}
    frame = pd.DataFrame.from_records(
        records, columns=["workshop", "respondent_arena", "respondents", *ARENAS]
    )
    frame["_order"] = frame["respondent_arena"].map(lambda a: order.get(a, len(ARENAS)))
    return frame.sort_values(["workshop", "_order"], kind="stable").drop(columns="_order")
