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

from bot.research.frames import ANSWER_COLUMNS, DONT_KNOW, PARADATA_COLUMNS, require_columns

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
    last_calls = {k: pd.Timestamp(v).as_unit("ns") for k, v in (last_calls or {}).items()}
    # Columns as arrays once, then each respondent's rows by position: a national round
    # has ~1,400 respondents, and pandas operations per respondent would dominate.
    scores = pd.to_numeric(answers["score"], errors="coerce").to_numpy(dtype=float)
    has_score = ~np.isnan(scores)
    scored = (answers["question_arena"].notna() & answers["principle"].notna()).to_numpy()
    scale = (answers["question_type"] == "scale").to_numpy()
    dont_know = (answers["status"] == DONT_KNOW).to_numpy()
    arenas = answers["question_arena"].to_numpy()
    times = None
    if last_calls:
        parsed = pd.to_datetime(answers["answered_at"], utc=True, format="ISO8601")
        times = parsed.dt.tz_convert(None).dt.as_unit("ns").to_numpy().view("int64")
    records: list[dict[str, Any]] = []
    groups = answers.groupby(["workshop", "participant"], sort=False).indices
    for (workshop, participant), positions in groups.items():
        run = longest_run(scores[positions[scale[positions] & has_score[positions]]].tolist())
        mine = positions[scored[positions] & has_score[positions]]
        flat = flat_block_count(arenas[mine].tolist(), scores[mine], rules)
        last_call = last_calls.get(str(workshop))
        record: dict[str, Any] = {
            "workshop": workshop,
            "participant": participant,
            "longest_run": run,
            "flat_blocks": flat,
            "straight_lining": run >= rules.min_run or flat >= rules.min_flat_blocks,
            **_speed(timed.get((workshop, participant)), rules),
            **_dont_know(has_score[positions], dont_know[positions], scored[positions], rules),
            **_burst(
                None if times is None or last_call is None else times[positions],
                last_call,
                rules,
            ),
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


def flat_block_count(arenas: list[Any], scores: np.ndarray, rules: FlagRules) -> int:
    """How many arena blocks of one respondent's scores have (almost) no spread."""
    blocks: dict[Any, list[float]] = {}
    for arena, value in zip(arenas, scores.tolist(), strict=True):
        blocks.setdefault(arena, []).append(value)
    return sum(
        1
        for values in blocks.values()
        if len(values) >= rules.min_block_items and float(np.std(values)) < rules.flat_spread
    )


def _timed_by_person(paradata: pd.DataFrame | None) -> dict[tuple[Any, Any], np.ndarray]:
    """Per respondent: their own (tap, typed) answers' seconds and words, as (n, 2)."""
    if paradata is None:
        return {}
    own = paradata[paradata["method"].isin(("tap", "typed"))]
    values = own[["seconds", "words"]].to_numpy(dtype=float)
    groups = own.groupby(["workshop", "participant"], sort=False).indices
    return {key: values[positions] for key, positions in groups.items()}


def _speed(timed: np.ndarray | None, rules: FlagRules) -> dict[str, Any]:
    if timed is None or len(timed) < rules.min_timed_items:
        return {"median_seconds": None, "speed_threshold": None, "speeding": None}
    median_seconds = float(np.median(timed[:, 0]))
    threshold = rules.speed_threshold(float(np.median(timed[:, 1])))
    return {
        "median_seconds": median_seconds,
        "speed_threshold": threshold,
        "speeding": median_seconds < threshold,
    }


def _dont_know(
    has_score: np.ndarray, dont_know: np.ndarray, scored: np.ndarray, rules: FlagRules
) -> dict[str, Any]:
    considered = scored & (has_score | dont_know)
    if not considered.any():
        return {"dont_know_share": None, "dont_know": None}
    share = float(dont_know[considered].mean())
    return {"dont_know_share": share, "dont_know": share >= rules.dont_know_share}


def _burst(
    times: np.ndarray | None, last_call: pd.Timestamp | None, rules: FlagRules
) -> dict[str, Any]:
    if times is None or last_call is None:
        return {"after_last_call": None, "burst": None}
    ordered = np.sort(times)
    after = ordered[ordered > last_call.value]
    share = len(after) / len(ordered) if len(ordered) else 0.0
    burst = False
    if len(after) >= rules.min_burst_items and share >= rules.burst_share:
        gaps = np.diff(after) / 1e9
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
