"""Quality flags per response, made for panels of about 36 experts: marks, never drops.

Each rule looks at one respondent alone, so it needs no large sample (unlike the
percentile rules of survey platforms):
- straight-lining: a run of at least `min_run` equal answers over consecutive scale
  items (form order), or at least `min_flat_blocks` arena blocks whose answers barely
  vary (population SD below `flat_spread`, over at least `min_block_items` answers);
- speeding: the median net seconds per answer (taps and typed answers only; reviews and
  staff-assisted answers are not the person's own pace) below `speed_fraction` of the
  reading time of the median item at `words_per_second`;
- don't know: a share of "don't know" among the scored questions answered or declined
  of at least `dont_know_share`;
- burst after the last call: at least `burst_share` of the answers given after the
  workshop's last call, with a median gap between them under `burst_gap_seconds`.
A rule that lacks its input (no paradata, no last call) leaves its flag empty (None),
which is not the same as False.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from bot.research.frames import (
    ANSWER_COLUMNS,
    DONT_KNOW,
    PARADATA_COLUMNS,
    require_columns,
    scored_answers,
)

FLAG_COLUMNS = [
    "workshop",
    "participant",
    "longest_run",
    "flat_blocks",
    "straight_lining",
    "median_seconds",
    "speed_threshold",
    "speeding",
    "dont_know_share",
    "dont_know",
    "after_last_call",
    "burst",
    "flagged",
]
FLAG_NAMES = ("straight_lining", "speeding", "dont_know", "burst")


@dataclass(frozen=True)
class FlagRules:
    """The thresholds of the flags; researchers may change them per run."""

    min_run: int = 10
    flat_spread: float = 0.5
    min_block_items: int = 4
    min_flat_blocks: int = 2
    words_per_second: float = 4.0
    speed_fraction: float = 0.5
    min_timed_items: int = 5
    dont_know_share: float = 0.5
    burst_share: float = 0.5
    burst_gap_seconds: float = 3.0
    min_burst_items: int = 5

    def speed_threshold(self, median_words: float) -> float:
        """Seconds per item under which a response counts as speeding."""
        return self.speed_fraction * median_words / self.words_per_second


def quality_flags(
    answers: pd.DataFrame,
    paradata: pd.DataFrame | None = None,
    last_calls: Mapping[str, datetime] | None = None,
    rules: FlagRules | None = None,
) -> pd.DataFrame:
    """One row per respondent (workshop, participant) with every measure and flag."""
    require_columns(answers, ANSWER_COLUMNS, "answers")
    rules = rules or FlagRules()
    if paradata is not None:
        require_columns(paradata, PARADATA_COLUMNS, "paradata")
    timed = _timed_by_person(paradata)
    last_calls = last_calls or {}
    records: list[dict[str, Any]] = []
    for (workshop, participant), rows in answers.groupby(["workshop", "participant"], sort=False):
        run = longest_run(_scale_scores(rows))
        flat = flat_blocks(rows, rules)
        record: dict[str, Any] = {
            "workshop": workshop,
            "participant": participant,
            "longest_run": run,
            "flat_blocks": flat,
            "straight_lining": run >= rules.min_run or flat >= rules.min_flat_blocks,
            **_speed(timed.get((workshop, participant)), rules),
            **_dont_know(rows, rules),
            **_burst(rows, last_calls.get(str(workshop)), rules),
        }
        marks = [record[name] for name in FLAG_NAMES]
        record["flagged"] = any(bool(mark) for mark in marks if mark is not None)
        records.append(record)
    return pd.DataFrame.from_records(records, columns=FLAG_COLUMNS)


def longest_run(values: list[float]) -> int:
    """The length of the longest run of equal consecutive values (0 for none)."""
    best = current = 0
    previous: float | None = None
    for value in values:
        current = current + 1 if value == previous else 1
        previous = value
        best = max(best, current)
    return best


def flat_blocks(rows: pd.DataFrame, rules: FlagRules) -> int:
    """How many arena blocks of one respondent have (almost) no spread."""
    scored = scored_answers(rows)
    scored = scored[scored["score"].notna()]
    flat = 0
    for _, block in scored.groupby("question_arena", sort=False):
        values = block["score"].to_numpy(dtype=float)
        if len(values) >= rules.min_block_items and float(np.std(values)) < rules.flat_spread:
            flat += 1
    return flat


def _scale_scores(rows: pd.DataFrame) -> list[float]:
    scale = rows[(rows["question_type"] == "scale") & rows["score"].notna()]
    return [float(v) for v in scale["score"]]


def _timed_by_person(paradata: pd.DataFrame | None) -> dict[tuple[Any, Any], pd.DataFrame]:
    if paradata is None:
        return {}
    own = paradata[paradata["method"].isin(("tap", "typed"))]
    return {key: group for key, group in own.groupby(["workshop", "participant"], sort=False)}


def _speed(timed: pd.DataFrame | None, rules: FlagRules) -> dict[str, Any]:
    if timed is None or len(timed) < rules.min_timed_items:
        return {"median_seconds": None, "speed_threshold": None, "speeding": None}
    median_seconds = float(np.median(timed["seconds"].to_numpy(dtype=float)))
    threshold = rules.speed_threshold(float(np.median(timed["words"].to_numpy(dtype=float))))
    return {
        "median_seconds": median_seconds,
        "speed_threshold": threshold,
        "speeding": median_seconds < threshold,
    }


def _dont_know(rows: pd.DataFrame, rules: FlagRules) -> dict[str, Any]:
    scored = scored_answers(rows)
    considered = scored[scored["score"].notna() | (scored["status"] == DONT_KNOW)]
    if considered.empty:
        return {"dont_know_share": None, "dont_know": None}
    share = float((considered["status"] == DONT_KNOW).mean())
    return {"dont_know_share": share, "dont_know": share >= rules.dont_know_share}


def _burst(rows: pd.DataFrame, last_call: datetime | None, rules: FlagRules) -> dict[str, Any]:
    if last_call is None:
        return {"after_last_call": None, "burst": None}
    times = pd.to_datetime(rows["answered_at"], utc=True, format="ISO8601").sort_values()
    after = times[times > pd.Timestamp(last_call)]
    share = len(after) / len(times) if len(times) else 0.0
    burst = False
    if len(after) >= rules.min_burst_items and share >= rules.burst_share:
        gaps = after.diff().dropna().dt.total_seconds().to_numpy()
        burst = bool(np.median(gaps) < rules.burst_gap_seconds)
    return {"after_last_call": len(after), "burst": burst}


def flag_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """Per workshop: respondents, and how many carry each flag and any flag."""
    grouped = flags.groupby("workshop", sort=False)
    summary = grouped.size().rename("respondents").to_frame()
    for name in (*FLAG_NAMES, "flagged"):
        summary[name] = grouped[name].apply(lambda s: int(s.fillna(False).astype(bool).sum()))
    return summary.reset_index()


def explanation_rows(rules: FlagRules | None = None) -> list[tuple[str, str]]:
    """What each flag means, as (item, explanation) rows, Indonesian / English, for the
    export's `tentang` sheet beside the flags sheet."""
    r = rules or FlagRules()
    return [
        (
            "penanda / flags",
            "menandai, tidak membuang: skor dihitung dengan dan tanpa responden yang ditandai / "
            "flags mark, never drop: scores are given with and without flagged respondents",
        ),
        (
            "straight_lining",
            f"deret >= {r.min_run} jawaban sama berturut-turut, atau >= {r.min_flat_blocks} "
            f"blok arena dengan SD < {r.flat_spread} (>= {r.min_block_items} jawaban) / a run "
            f"of >= {r.min_run} equal answers, or >= {r.min_flat_blocks} arena blocks with "
            f"SD < {r.flat_spread} (>= {r.min_block_items} answers)",
        ),
        (
            "speeding",
            f"median detik per jawaban (ketuk/ketik) < {r.speed_fraction} x waktu baca butir "
            f"median pada {r.words_per_second} kata/detik / median seconds per answer (taps "
            f"and typed) < {r.speed_fraction} x the median item's reading time at "
            f"{r.words_per_second} words/s",
        ),
        (
            "dont_know",
            f"bagian 'tidak tahu' >= {r.dont_know_share} dari pertanyaan berskor / share of "
            f"'don't know' >= {r.dont_know_share} of the scored questions",
        ),
        (
            "burst",
            f">= {r.burst_share} jawaban setelah panggilan terakhir, jeda median < "
            f"{r.burst_gap_seconds} detik / >= {r.burst_share} of answers after the last "
            f"call with a median gap < {r.burst_gap_seconds} s",
        ),
        (
            "kosong / empty",
            "tidak dinilai: tanpa paradata atau waktu panggilan terakhir / not assessed: no "
            "paradata or no last-call time",
        ),
    ]
