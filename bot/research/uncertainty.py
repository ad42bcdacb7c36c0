"""Point scores and seeded bootstrap intervals over respondents, with the bands they span.

Respondents are resampled with replacement within each workshop; every level (cell,
arena, principle, index) is recomputed per resample with the export's rules, and the
interval is the percentile interval of the resamples that have the level. The generator
is seeded from `seed` and the workshop code, so a workshop's interval does not depend on
which other workshops are in the run.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bot.questionnaire.scoring import Weights, band
from bot.research.frames import ARENAS, PRINCIPLES, score_matrix, scored_answers
from bot.research.index import IndexArrays, index_arrays, point_index

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20121
DEFAULT_LEVEL = 0.95
SCORE_COLUMNS = [
    "workshop",
    "province",
    "level",
    "arena",
    "principle",
    "score",
    "band",
    "low",
    "high",
    "band_low",
    "band_high",
    "spans_bands",
    "respondents",
]


def workshop_generator(seed: int, workshop: str) -> np.random.Generator:
    """The generator for one workshop's resamples: fixed by the seed and the code."""
    return np.random.default_rng(np.random.SeedSequence([seed, *workshop.encode()]))


def resample_counts(rng: np.random.Generator, respondents: int, resamples: int) -> np.ndarray:
    """How often each respondent is drawn in each resample: (resamples, respondents)."""
    drawn = rng.integers(0, respondents, size=(resamples, respondents))
    counts = np.zeros((resamples, respondents))
    np.add.at(counts, (np.repeat(np.arange(resamples), respondents), drawn.ravel()), 1.0)
    return counts


@dataclass(frozen=True)
class NationalIndex:
    """The mean of the workshop indices and its interval: each workshop's respondents
    resampled on their own (a stratified bootstrap), the indices averaged per resample."""

    score: float
    low: float
    high: float
    workshops: int

    @property
    def spans_bands(self) -> bool:
        """Tells whether the interval reaches into another band."""
        return band(self.low) is not band(self.high)


def score_intervals(
    answers: pd.DataFrame,
    weights: Weights | None = None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Every cell, arena, principle and index score per workshop with its interval."""
    frame, _ = intervals_and_national(answers, weights, resamples=resamples, seed=seed, level=level)
    return frame


def intervals_and_national(
    answers: pd.DataFrame,
    weights: Weights | None = None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> tuple[pd.DataFrame, NationalIndex | None]:
    """`score_intervals`, and the national mean of the workshop indices with its interval
    (None without any index), from the same resamples."""
    weights = weights or Weights.default()
    records: list[dict[str, Any]] = []
    indices: list[float] = []
    index_draws: list[np.ndarray] = []
    rows = scored_answers(answers)
    for workshop, group in rows.groupby("workshop", sort=False):
        matrix = score_matrix(group)
        province = str(group["province"].iloc[0])
        point = point_index(matrix, weights)
        if resamples > 0 and matrix.participants:
            counts = resample_counts(
                workshop_generator(seed, str(workshop)), len(matrix.participants), resamples
            )
            boot = index_arrays(matrix, counts, weights)
        else:
            boot = point
        base = {"workshop": workshop, "province": province, "respondents": len(matrix.participants)}
        if not np.isnan(point.overall[0]):
            indices.append(float(point.overall[0]))
            index_draws.append(boot.overall)
        for name, arena, principle, estimate, draws in _levels(point, boot):
            if np.isnan(estimate):
                continue
            low, high = _interval(draws, level, float(estimate))
            records.append(
                {
                    **base,
                    "level": name,
                    "arena": arena,
                    "principle": principle,
                    "score": float(estimate),
                    "band": band(float(estimate)).value,
                    "low": low,
                    "high": high,
                    "band_low": band(low).value,
                    "band_high": band(high).value,
                    "spans_bands": band(low) is not band(high),
                }
            )
    frame = pd.DataFrame.from_records(records, columns=SCORE_COLUMNS)
    if not indices:
        return frame, None
    score = sum(indices) / len(indices)
    if resamples > 0:
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a resample without any index
            draws = np.nanmean(np.vstack(index_draws), axis=0)
        low, high = _interval(draws, level, score)
    else:
        low = high = score
    return frame, NationalIndex(score, low, high, len(indices))


def _levels(
    point: IndexArrays, boot: IndexArrays
) -> Iterator[tuple[str, str | None, str | None, float, np.ndarray]]:
    for a, arena in enumerate(ARENAS):
        for p, principle in enumerate(PRINCIPLES):
            yield "cell", arena, principle, point.cells[0, a, p], boot.cells[:, a, p]
    for a, arena in enumerate(ARENAS):
        yield "arena", arena, None, point.arenas[0, a], boot.arenas[:, a]
    for p, principle in enumerate(PRINCIPLES):
        yield "principle", None, principle, point.principles[0, p], boot.principles[:, p]
    yield "index", None, None, point.overall[0], boot.overall


def _interval(draws: np.ndarray, level: float, estimate: float) -> tuple[float, float]:
    defined = draws[~np.isnan(draws)]
    if defined.size == 0:  # no resample had the level: nothing to say beyond the point
        return estimate, estimate
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(defined, [tail, 100.0 - tail])
    return float(low), float(high)


def index_table(answers: pd.DataFrame, weights: Weights | None = None) -> pd.DataFrame:
    """The index per workshop (no intervals): workshop, province, index, respondents."""
    weights = weights or Weights.default()
    records = []
    for workshop, group in scored_answers(answers).groupby("workshop", sort=False):
        matrix = score_matrix(group)
        overall = point_index(matrix, weights).overall[0]
        records.append(
            {
                "workshop": workshop,
                "province": str(group["province"].iloc[0]),
                "index": None if np.isnan(overall) else float(overall),
                "respondents": len(matrix.participants),
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["workshop", "province", "index", "respondents"]
    )


def index_comparison(
    answers: pd.DataFrame, flagged: pd.DataFrame, weights: Weights | None = None
) -> pd.DataFrame:
    """The index per workshop with configured and equal weights, with and without the
    flagged responses (`flagged`: workshop, participant, flagged), side by side: workshop,
    province, index, respondents, index_equal, index_unflagged, index_equal_unflagged,
    flagged_respondents."""
    weights = weights or Weights.default()
    marked = flagged.loc[flagged["flagged"].astype(bool), ["workshop", "participant"]]
    keys = set(zip(marked["workshop"], marked["participant"], strict=True))
    equal = Weights.equal()
    records = []
    for workshop, group in scored_answers(answers).groupby("workshop", sort=False):
        matrix = score_matrix(group)
        # Leaving a respondent out is drawing them zero times.
        everyone = np.ones((1, len(matrix.participants)))
        unflagged = np.array([[0.0 if (workshop, p) in keys else 1.0 for p in matrix.participants]])
        values = {
            "index": index_arrays(matrix, everyone, weights).overall[0],
            "index_equal": index_arrays(matrix, everyone, equal).overall[0],
            "index_unflagged": index_arrays(matrix, unflagged, weights).overall[0],
            "index_equal_unflagged": index_arrays(matrix, unflagged, equal).overall[0],
        }
        records.append(
            {
                "workshop": workshop,
                "province": str(group["province"].iloc[0]),
                "respondents": len(matrix.participants),
                **{k: None if np.isnan(v) else float(v) for k, v in values.items()},
                "flagged_respondents": sum(1 for w, _ in keys if w == workshop),
            }
        )
    columns = [
        "workshop",
        "province",
        "index",
        "respondents",
        "index_equal",
        "index_unflagged",
        "index_equal_unflagged",
        "flagged_respondents",
    ]
    return pd.DataFrame.from_records(records, columns=columns)
