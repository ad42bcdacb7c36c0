"""Quality flags on small hand-made panels: who is marked, and why."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.research.flags import (
    FlagRules,
    explanation_rows,
    flag_summary,
    longest_run,
    quality_flags,
)
from bot.research.uncertainty import index_comparison
from tests.research.panels import START, answers, blocks, paradata

QUESTIONS = blocks(4)  # 16 scale items, 4 per arena
HONEST = [7, 5, 8, 6, 4, 6, 5, 7, 8, 7, 9, 6, 5, 7, 6, 8]
STRAIGHT = [6] * 16
FLAT = [7, 7, 7, 8, 3, 3, 3, 3, 5, 9, 2, 8, 6, 1, 9, 4]  # two flat blocks, no long run


def _flags(panel: dict, **kwargs: object) -> dict[str, dict]:
    frame = quality_flags(answers(QUESTIONS, panel), **kwargs)  # type: ignore[arg-type]
    return {row["participant"]: row for row in frame.to_dict("records")}


def test_longest_run_counts_equal_neighbours() -> None:
    assert longest_run([1, 1, 2, 2, 2, 3]) == 3
    assert longest_run([]) == 0
    assert longest_run([4]) == 1


def test_a_long_run_of_one_value_is_straight_lining_and_an_honest_panel_is_not() -> None:
    flags = _flags({"JA-001": ("government", HONEST), "JA-002": ("bureaucracy", STRAIGHT)})
    assert flags["JA-002"]["longest_run"] == 16
    assert flags["JA-002"]["straight_lining"] is True
    assert flags["JA-002"]["flagged"] is True
    assert flags["JA-001"]["longest_run"] == 1  # no two equal neighbours
    assert flags["JA-001"]["straight_lining"] is False
    assert flags["JA-001"]["flagged"] is False


def test_two_arena_blocks_without_spread_are_straight_lining() -> None:
    # Government 7,7,7,8: SD 0.433 < 0.5; bureaucracy 3,3,3,3: SD 0; the rest vary.
    flags = _flags({"JA-001": (None, FLAT)})
    assert flags["JA-001"]["flat_blocks"] == 2
    assert flags["JA-001"]["longest_run"] == 4
    assert flags["JA-001"]["straight_lining"] is True
    one_flat = _flags({"JA-001": (None, FLAT)}, rules=FlagRules(min_flat_blocks=3))
    assert one_flat["JA-001"]["straight_lining"] is False


def test_speeding_compares_the_median_seconds_with_the_reading_time() -> None:
    # Median words 20 -> reading 5 s at 4 words/s; half of it = 2.5 s.
    # JA-001 median of (1, 2, 2, 3, 30) = 2 s < 2.5 -> speeding.
    # JA-002 median of (4, 5, 6, 7, 8) = 6 s -> not; its 1 s review is not counted.
    rows = [("JA-001", q, s, "tap", 20) for q, s in zip("ABCDE", [1, 2, 2, 3, 30], strict=True)]
    rows += [("JA-002", q, s, "typed", 20) for q, s in zip("ABCDE", [4, 5, 6, 7, 8], strict=True)]
    rows += [("JA-002", "F", 1, "review", 20), ("JA-002", "G", 1, "staff", 20)]
    flags = _flags({"JA-001": (None, HONEST), "JA-002": (None, HONEST)}, paradata=paradata(rows))
    assert flags["JA-001"]["median_seconds"] == 2.0
    assert flags["JA-001"]["speed_threshold"] == 2.5
    assert flags["JA-001"]["speeding"] is True
    assert flags["JA-002"]["median_seconds"] == 6.0
    assert flags["JA-002"]["speeding"] is False
    assert flags["JA-001"]["flagged"] is True and flags["JA-002"]["flagged"] is False


def test_without_paradata_or_last_call_those_flags_are_unknown_not_false() -> None:
    flags = _flags({"JA-001": (None, HONEST)})
    assert flags["JA-001"]["speeding"] is None
    assert flags["JA-001"]["burst"] is None


def test_a_high_share_of_dont_know_is_flagged() -> None:
    # 8 of 16 declined (one skipped item does not count): 8 / 15 = 0.533 >= 0.5.
    mostly_dk = ["dk"] * 8 + [5, 6, 7, 8, 5, 6, 7] + ["skip"]
    some_dk = ["dk"] * 3 + HONEST[3:]
    flags = _flags({"JA-001": (None, mostly_dk), "JA-002": (None, some_dk)})
    assert flags["JA-001"]["dont_know_share"] == pytest.approx(8 / 15)
    assert flags["JA-001"]["dont_know"] is True
    assert flags["JA-002"]["dont_know_share"] == pytest.approx(3 / 16)
    assert flags["JA-002"]["dont_know"] is False


def test_answers_rushed_in_after_the_last_call_are_a_burst() -> None:
    last_call = START + dt.timedelta(minutes=30)
    early = answers(QUESTIONS, {"JA-001": (None, HONEST)}, gap_seconds=60)
    late = answers(
        QUESTIONS,
        {"JA-002": (None, HONEST)},
        gap_seconds=2,
        start=last_call + dt.timedelta(seconds=5),
    )
    slow_late = answers(
        QUESTIONS,
        {"JA-003": (None, HONEST)},
        gap_seconds=20,
        start=last_call + dt.timedelta(seconds=5),
    )
    import pandas as pd

    frame = quality_flags(
        pd.concat([early, late, slow_late]), last_calls={"ID-JA-2026-12-03": last_call}
    )
    flags = {row["participant"]: row for row in frame.to_dict("records")}
    assert flags["JA-001"]["after_last_call"] == 0 and flags["JA-001"]["burst"] is False
    assert flags["JA-002"]["after_last_call"] == 16 and flags["JA-002"]["burst"] is True
    assert flags["JA-003"]["after_last_call"] == 16 and flags["JA-003"]["burst"] is False


def test_flag_summary_counts_each_flag_per_workshop() -> None:
    frame = quality_flags(
        answers(QUESTIONS, {"A": (None, HONEST), "B": (None, STRAIGHT), "C": (None, FLAT)})
    )
    summary = flag_summary(frame).iloc[0]
    assert summary["respondents"] == 3
    assert summary["straight_lining"] == 2
    assert summary["speeding"] == 0
    assert summary["flagged"] == 2


def test_flagged_responses_are_kept_and_the_index_is_given_with_and_without_them() -> None:
    # Two government participation items only: the index is the mean of the item means.
    qs = [("G1", "government", "participation"), ("G2", "government", "participation")]
    panel = answers(qs, {"A": (None, [8, 6]), "B": (None, [4, 4]), "C": (None, [9, 7])})
    flags = quality_flags(panel, rules=FlagRules(min_run=2))
    assert flags.set_index("participant")["flagged"].to_dict() == {
        "A": False,
        "B": True,
        "C": False,
    }
    table = index_comparison(panel, flags).iloc[0]
    assert table["index"] == pytest.approx(((8 + 4 + 9) / 3 + (6 + 4 + 7) / 3) / 2)
    assert table["index_unflagged"] == pytest.approx(((8 + 9) / 2 + (6 + 7) / 2) / 2)
    assert table["index_equal"] == pytest.approx(table["index"])  # one cell: weights cancel
    assert table["flagged_respondents"] == 1
    assert table["respondents"] == 3, "flags mark, never drop"


def test_the_explanation_rows_state_each_rule_with_its_threshold() -> None:
    rows = dict(explanation_rows(FlagRules(min_run=12, dont_know_share=0.4)))
    assert set(rows) >= {"straight_lining", "speeding", "dont_know", "burst"}
    assert "a run of >= 12 equal answers" in rows["straight_lining"]
    assert "'don't know' >= 0.4" in rows["dont_know"]
