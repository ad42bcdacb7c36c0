"""Point scores against a hand computation, and the seeded bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.questionnaire.scoring import Weights
from bot.research.uncertainty import (
    intervals_and_national,
    resample_counts,
    score_intervals,
    workshop_generator,
)
from tests.research.panels import answers

QUESTIONS = [
    ("GP1", "government", "participation"),
    ("GP2", "government", "participation"),
    ("GF1", "government", "fairness"),
    ("BA1", "bureaucracy", "accountability"),
]
PEOPLE = {
    "JA-001": ("government", [8, 10, 6, 4]),
    "JA-002": ("civil_society", [6, "dk", None, "skip"]),
    "JA-003": ("bureaucracy", ["dk", 3.25, "dk", 7]),
}
# The hand computation of tests/admin/test_export_scores.py, on the same answers.
GP1, GP2, GF1, BA1 = (8 + 6) / 2, (10 + 3.25) / 2, 6.0, (4 + 7) / 2
GOV_PARTICIPATION = (GP1 + GP2) / 2
GOVERNMENT = (GOV_PARTICIPATION * 0.120 + GF1 * 0.189) / (0.120 + 0.189)
OTHER_ARENA = (1 - 0.302) / 3
INDEX = (GOVERNMENT * 0.302 + BA1 * OTHER_ARENA) / (0.302 + OTHER_ARENA)


def _levels(frame: pd.DataFrame) -> dict[tuple[str, str | None, str | None], pd.Series]:
    def key(value: object) -> str | None:
        return None if pd.isna(value) else str(value)

    return {
        (row["level"], key(row["arena"]), key(row["principle"])): row for _, row in frame.iterrows()
    }


def test_point_scores_match_the_hand_computation() -> None:
    levels = _levels(score_intervals(answers(QUESTIONS, PEOPLE), resamples=0))
    assert levels[("cell", "government", "participation")]["score"] == pytest.approx(
        GOV_PARTICIPATION
    )
    assert levels[("cell", "government", "fairness")]["score"] == pytest.approx(GF1)
    assert levels[("arena", "government", None)]["score"] == pytest.approx(GOVERNMENT)
    assert levels[("arena", "bureaucracy", None)]["score"] == pytest.approx(BA1)
    assert levels[("principle", None, "accountability")]["score"] == pytest.approx(BA1)
    index = levels[("index", None, None)]
    assert index["score"] == pytest.approx(INDEX)
    assert round(INDEX, 2) == 5.96 and index["band"] == "fair"
    assert index["respondents"] == 3
    assert len([k for k in levels if k[0] == "cell"]) == 3


def test_equal_weights_give_the_plain_mean_of_cells_and_arenas() -> None:
    levels = _levels(score_intervals(answers(QUESTIONS, PEOPLE), Weights.equal(), resamples=0))
    government = (GOV_PARTICIPATION + GF1) / 2
    assert levels[("arena", "government", None)]["score"] == pytest.approx(government)
    assert levels[("index", None, None)]["score"] == pytest.approx((government + BA1) / 2)


def test_resample_counts_draw_each_respondent_set_of_the_same_size() -> None:
    counts = resample_counts(workshop_generator(7, "ID-JA"), 5, 200)
    assert counts.shape == (200, 5)
    assert set(counts.sum(axis=1)) == {5.0}
    again = resample_counts(workshop_generator(7, "ID-JA"), 5, 200)
    assert np.array_equal(counts, again)
    other = resample_counts(workshop_generator(7, "ID-JB"), 5, 200)
    assert not np.array_equal(counts, other)


def _spread_panel() -> pd.DataFrame:
    questions = [("G1", "government", "participation"), ("B1", "bureaucracy", "fairness")]
    values = [[2, 3], [4, 5], [6, 6], [8, 7], [9, 9], [5, 4]]
    return answers(questions, {f"P{i}": (None, v) for i, v in enumerate(values)})


def test_the_bootstrap_is_seeded_and_reproducible() -> None:
    first = score_intervals(_spread_panel(), resamples=300, seed=11)
    second = score_intervals(_spread_panel(), resamples=300, seed=11)
    pd.testing.assert_frame_equal(first, second)
    other = score_intervals(_spread_panel(), resamples=300, seed=12)
    assert not np.allclose(first["low"], other["low"])


def test_intervals_hold_the_point_and_an_interval_across_bands_says_so() -> None:
    frame = score_intervals(_spread_panel(), resamples=500, seed=3)
    assert (frame["low"] <= frame["score"]).all() and (frame["score"] <= frame["high"]).all()
    index = frame[frame["level"] == "index"].iloc[0]
    assert index["high"] - index["low"] > 1.3, "six spread-out experts: wider than a band"
    assert bool(index["spans_bands"]) is True
    assert index["band_low"] != index["band_high"]


def test_unanimous_experts_give_an_interval_of_zero_width_in_one_band() -> None:
    questions = [("G1", "government", "participation")]
    panel = answers(questions, {f"P{i}": (None, [7]) for i in range(5)})
    index = score_intervals(panel, resamples=100).query("level == 'index'").iloc[0]
    assert (index["low"], index["score"], index["high"]) == (7.0, 7.0, 7.0)
    assert bool(index["spans_bands"]) is False


def test_each_workshop_is_resampled_on_its_own_and_does_not_depend_on_the_others() -> None:
    alone = score_intervals(_spread_panel(), resamples=200, seed=5)
    other = _spread_panel().assign(workshop="ID-JB-2026-12-04", province="ID-JB")
    together = score_intervals(pd.concat([other, _spread_panel()]), resamples=200, seed=5)
    mine = together[together["workshop"] == "ID-JA-2026-12-03"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, mine)


def test_the_national_index_is_the_mean_of_workshop_indices_with_a_stratified_interval() -> None:
    questions = [("G1", "government", "participation")]
    sure = answers(questions, {f"P{i}": (None, [7]) for i in range(4)})
    other = answers(
        questions,
        {f"Q{i}": (None, [5]) for i in range(4)},
        workshop="ID-BA-2026-12-04",
        province="ID-BA",
    )
    _, national = intervals_and_national(pd.concat([sure, other]), resamples=50)
    assert national is not None
    assert (national.score, national.low, national.high) == (6.0, 6.0, 6.0)
    assert national.workshops == 2 and national.spans_bands is False

    spread = pd.concat([_spread_panel(), other])
    frame, national = intervals_and_national(spread, resamples=400, seed=2)
    assert national is not None
    indices = frame[frame["level"] == "index"]["score"]
    assert national.score == pytest.approx(indices.mean())
    jambi = frame[(frame["level"] == "index") & (frame["workshop"] == "ID-JA-2026-12-03")]
    # Bali's index never moves, so the national interval is Jambi's halved around the mean.
    assert national.high - national.low == pytest.approx(
        (jambi["high"].iloc[0] - jambi["low"].iloc[0]) / 2, abs=0.05
    )
    assert national.low <= national.score <= national.high
