"""Every research result of one round, computed once from the frames: what the report prints.

`research_results` runs the flags, the intervals, the side-by-side indices, agreement and
the arena table over an answers frame (the export's answers sheet) and, optionally, the
completion sheet, paradata and the workshops' last-call times.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from bot.questionnaire.scoring import Weights
from bot.research.agreement import agreement, arena_crosstab, item_statistics
from bot.research.flags import FlagRules, flag_summary, quality_flags
from bot.research.frames import COMPLETION_COLUMNS, require_columns
from bot.research.uncertainty import (
    DEFAULT_LEVEL,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    NationalIndex,
    index_comparison,
    intervals_and_national,
)

COMPLETION_STATUSES = ("submitted", "in_progress", "not_started")
PARADATA_STORED = "stored"
PARADATA_FROM_ANSWER_TIMES = "answer_times"
"""The stand-in of `bot.research.paradata.paradata_from_answer_times`."""
NATIONAL = "ALL"
"""The workshop name of results that pool every respondent of the round."""


@dataclass(frozen=True)
class ResearchSettings:
    """The choices of one run, printed on the methods page."""

    weights: Weights = field(default_factory=Weights.default)
    weights_source: str | None = None
    """The weights file's name; None for the built-in IGI weights."""
    rules: FlagRules = field(default_factory=FlagRules)
    resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    level: float = DEFAULT_LEVEL


@dataclass(frozen=True)
class ResearchResults:
    """The frames of one round (see each function for its columns)."""

    settings: ResearchSettings
    intervals: pd.DataFrame
    ranking: pd.DataFrame
    national: pd.DataFrame
    national_index: NationalIndex | None
    flags: pd.DataFrame
    flag_counts: pd.DataFrame
    agreement: pd.DataFrame
    items: pd.DataFrame
    crosstab: pd.DataFrame
    national_crosstab: pd.DataFrame
    """The crosstab over every respondent of the round pooled (workshop NATIONAL)."""
    completion: pd.DataFrame
    assessed: frozenset[str]
    """Which of 'speeding' and 'burst' had their inputs."""
    paradata_source: str | None = None
    """PARADATA_STORED, PARADATA_FROM_ANSWER_TIMES, or None without paradata."""


def research_results(
    answers: pd.DataFrame,
    *,
    settings: ResearchSettings | None = None,
    completion: pd.DataFrame | None = None,
    paradata: pd.DataFrame | None = None,
    paradata_source: str = PARADATA_STORED,
    last_calls: Mapping[str, datetime] | None = None,
) -> ResearchResults:
    """Computes every result the national report shows."""
    settings = settings or ResearchSettings()
    flags = quality_flags(answers, paradata, last_calls, settings.rules)
    intervals, national_index = intervals_and_national(
        answers,
        settings.weights,
        resamples=settings.resamples,
        seed=settings.seed,
        level=settings.level,
    )
    assessed = frozenset(
        name
        for name, given in (("speeding", paradata is not None), ("burst", bool(last_calls)))
        if given
    )
    return ResearchResults(
        settings=settings,
        intervals=intervals,
        ranking=ranking_frame(answers, intervals, flags, settings.weights),
        national=national_means(intervals),
        national_index=national_index,
        flags=flags,
        flag_counts=flag_summary(flags),
        agreement=agreement(answers),
        items=item_statistics(answers),
        crosstab=arena_crosstab(answers, settings.weights),
        national_crosstab=arena_crosstab(answers.assign(workshop=NATIONAL), settings.weights),
        completion=completion_counts(answers, completion),
        assessed=assessed,
        paradata_source=paradata_source if paradata is not None else None,
    )


def ranking_frame(
    answers: pd.DataFrame, intervals: pd.DataFrame, flags: pd.DataFrame, weights: Weights
) -> pd.DataFrame:
    """Workshops by index, highest first: rank, province, province_name, workshop, index,
    low, high, band, band_low, band_high, spans_bands, index_equal, index_unflagged,
    index_equal_unflagged, flagged_respondents, respondents."""
    index = intervals[intervals["level"] == "index"].drop(columns=["level", "arena", "principle"])
    side = index_comparison(answers, flags, weights).drop(columns=["province", "index"])
    table = index.rename(columns={"score": "index"}).merge(
        side.drop(columns="respondents"), on="workshop", how="left"
    )
    names = answers.drop_duplicates("workshop").set_index("workshop")["province_name"]
    table["province_name"] = table["workshop"].map(names)
    table = table.sort_values(["index", "workshop"], ascending=[False, True], kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index(drop=True)


def national_means(intervals: pd.DataFrame) -> pd.DataFrame:
    """The plain mean over workshops of each level's score (level, arena, principle, score,
    workshops): how the IGI reports a national average."""
    keyed = intervals.fillna({"arena": "", "principle": ""})
    grouped = keyed.groupby(["level", "arena", "principle"], sort=False)["score"]
    frame = grouped.agg(score="mean", workshops="count").reset_index()
    return frame.replace({"arena": {"": None}, "principle": {"": None}})


def completion_counts(answers: pd.DataFrame, completion: pd.DataFrame | None) -> pd.DataFrame:
    """Per workshop: total participants and how many are submitted, in progress, not
    started (from the completion sheet; without it, the respondents with answers)."""
    if completion is None:
        people = answers.drop_duplicates(["workshop", "participant"])
        counts = people.groupby("workshop", sort=False).size()
        return pd.DataFrame(
            {
                "workshop": counts.index,
                "total": counts.to_numpy(),
                "submitted": None,
                "in_progress": None,
                "not_started": None,
            }
        )
    require_columns(completion, COMPLETION_COLUMNS, "completion")
    table = pd.crosstab(completion["workshop"], completion["status"])
    table = table.reindex(columns=list(COMPLETION_STATUSES), fill_value=0)
    table.insert(0, "total", table.sum(axis=1))
    return table.reset_index().rename_axis(columns=None)
