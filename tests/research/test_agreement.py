"""Item statistics, Krippendorff's alpha and the respondent x question arena table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.questionnaire.scoring import Weights
from bot.research.agreement import agreement, arena_crosstab, interval_alpha, item_statistics
from tests.research.panels import answers

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, values 1-5, missing values as None. Published interval alpha
# 0.849.
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _as_array(rows: list[list[int | None]]) -> np.ndarray:
    return np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=float)


def test_interval_alpha_reproduces_krippendorffs_worked_example() -> None:
    assert round(interval_alpha(_as_array(KRIPPENDORFF_EXAMPLE)) or 0, 3) == 0.849


def test_alpha_of_the_worked_example_as_an_answers_frame_is_the_same_overall() -> None:
    questions = [(f"G{u + 1}", "government", "participation") for u in range(12)]
    people = {
        f"JA-00{i + 1}": (None, [v for v in row]) for i, row in enumerate(KRIPPENDORFF_EXAMPLE)
    }
    table = agreement(answers(questions, people)).set_index("block")
    # Unit 12 has one value only: it is not pairable and drops out, as in the paper.
    assert table.loc["all", "alpha"] == pytest.approx(0.849, abs=5e-4)
    assert table.loc["government", "alpha"] == pytest.approx(table.loc["all", "alpha"])
    assert table.loc["all", "coders"] == 4
    assert "bureaucracy" not in table.index


def test_alpha_is_none_without_variation_or_pairable_units() -> None:
    assert interval_alpha(np.array([[5.0, 5.0], [5.0, 5.0]])) is None
    assert interval_alpha(np.array([[5.0, math.nan], [math.nan, 4.0]])) is None


def test_perfect_agreement_gives_alpha_one() -> None:
    assert interval_alpha(np.array([[2.0, 5.0, 9.0], [2.0, 5.0, 9.0]])) == pytest.approx(1.0)


def test_item_statistics_match_a_hand_computation() -> None:
    questions = [("G1", "government", "participation"), ("B1", "bureaucracy", "fairness")]
    panel = answers(
        questions,
        {
            "A": (None, [2, "dk"]),
            "B": (None, [4, 7]),
            "C": (None, [9, "skip"]),
            "D": (None, [5, None]),
        },
    )
    stats = item_statistics(panel).set_index("question_id")
    g1 = stats.loc["G1"]
    assert (g1["n"], g1["dont_know"]) == (4, 0)
    assert g1["mean"] == pytest.approx(5.0)  # (2 + 4 + 9 + 5) / 4
    assert g1["median"] == pytest.approx(4.5)
    # Deviations -3, -1, 4, 0: sum of squares 26, over n - 1 = 3.
    assert g1["sd"] == pytest.approx(math.sqrt(26 / 3))
    assert g1["iqr"] == pytest.approx(6.0 - 3.5)  # numpy's linear quartiles of 2, 4, 5, 9
    assert (g1["min"], g1["max"]) == (2.0, 9.0)
    b1 = stats.loc["B1"]
    assert (b1["n"], b1["dont_know"], b1["mean"]) == (1, 1, 7.0)
    assert b1["sd"] is None or math.isnan(b1["sd"])


def test_crosstab_gives_each_respondent_arenas_scores_of_each_question_arena() -> None:
    questions = [("G1", "government", "participation"), ("B1", "bureaucracy", "participation")]
    panel = answers(
        questions,
        {
            "A": ("government", [9, 4]),
            "B": ("government", [7, 6]),
            "C": ("bureaucracy", [3, 8]),
            "D": (None, [5, 5]),
        },
    )
    table = arena_crosstab(panel, Weights.default()).set_index("respondent_arena", drop=False)
    assert table["respondent_arena"].tolist() == ["government", "bureaucracy", "unassigned"]
    government = table.iloc[0]
    assert government["government"] == pytest.approx(8.0)  # (9 + 7) / 2: rate their own arena
    assert government["bureaucracy"] == pytest.approx(5.0)
    assert government["respondents"] == 2
    bureaucracy = table.iloc[1]
    assert (bureaucracy["government"], bureaucracy["bureaucracy"]) == (3.0, 8.0)
    assert bureaucracy["civil_society"] is None or math.isnan(bureaucracy["civil_society"])
