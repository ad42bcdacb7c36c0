"""The round's results against hand computations: the bootstrap interval, the national
average, the ranking and the completion counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.research.results import ResearchSettings, research_results
from bot.research.uncertainty import resample_counts, score_intervals, workshop_generator
from tests.research.panels import answers, question

ONE = [question("G1", "government", "participation")]


def test_the_interval_is_the_percentile_of_the_respondent_means_of_each_resample() -> None:
    panel = answers(ONE, {"JA-001": (None, [4]), "JA-002": (None, [6]), "JA-003": (None, [8])})
    frame = score_intervals(panel, resamples=400, seed=5)
    index = frame[frame["level"] == "index"].iloc[0]
    # By hand: each resample draws three respondents with replacement; with one question
    # the cell, the arena (the only one with data) and the index are their mean.
    counts = resample_counts(workshop_generator(5, "ID-JA-2026-12-03"), 3, 400)
    means = counts @ np.array([4.0, 6.0, 8.0]) / 3
    low, high = np.percentile(means, [2.5, 97.5])
    assert index["score"] == pytest.approx(6.0)
    assert (index["low"], index["high"]) == (pytest.approx(low), pytest.approx(high))
    assert 4.0 <= index["low"] < 6.0 < index["high"] <= 8.0


def test_ranking_national_average_and_completion_match_a_hand_computation() -> None:
    jambi = answers(ONE, {"JA-001": (None, [4]), "JA-002": (None, [6])})
    jabar = answers(
        ONE,
        {"JB-001": (None, [8]), "JB-002": (None, [9])},
        workshop="ID-JB-2026-12-04",
        province="ID-JB",
    )
    completion = pd.DataFrame(
        {
            "workshop": ["ID-JA-2026-12-03"] * 3 + ["ID-JB-2026-12-04"] * 2,
            "participant": ["JA-001", "JA-002", "JA-003", "JB-001", "JB-002"],
            "status": ["submitted", "in_progress", "not_started", "submitted", "submitted"],
        }
    )
    results = research_results(
        pd.concat([jambi, jabar], ignore_index=True),
        settings=ResearchSettings(resamples=50, seed=1),
        completion=completion,
    )
    ranking = results.ranking.set_index("workshop")
    assert ranking.loc["ID-JB-2026-12-04", "rank"] == 1  # (8 + 9) / 2 = 8.5
    assert ranking.loc["ID-JA-2026-12-03", "rank"] == 2  # (4 + 6) / 2 = 5.0
    assert ranking.loc["ID-JA-2026-12-03", "index"] == pytest.approx(5.0)
    national = results.national.set_index("level").loc["index"]
    assert national["score"] == pytest.approx((5.0 + 8.5) / 2)
    assert national["workshops"] == 2
    assert results.national_index is not None
    assert results.national_index.score == pytest.approx(6.75)
    counts = results.completion.set_index("workshop")
    assert counts.loc["ID-JA-2026-12-03"].tolist() == [3, 1, 1, 1]
    assert counts.loc["ID-JB-2026-12-04"].tolist() == [2, 2, 0, 0]
