"""The IGI index computed on arrays, for many resamples at once, as `bot.questionnaire.scoring`.

Same rules as the export's scores sheet: question means over the answers with a score,
a cell is the plain mean of its question means, arenas and principles are weighted means
of cells and the index a weighted mean of arenas, each renormalised over the parts that
have data. Each function takes a (resamples x respondents) multiplicity matrix, so the
point estimate is one row of ones and a bootstrap is B rows of resampled counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.questionnaire.model import Arena, Principle
from bot.questionnaire.scoring import Weights
from bot.research.frames import ARENAS, PRINCIPLES, ScoreMatrix


@dataclass(frozen=True)
class IndexArrays:
    """Every level of the index per resample; NaN where a level has no data."""

    questions: np.ndarray  # (B, questions)
    cells: np.ndarray  # (B, arenas, principles)
    arenas: np.ndarray  # (B, arenas)
    principles: np.ndarray  # (B, principles)
    overall: np.ndarray  # (B,)


def weight_arrays(weights: Weights) -> tuple[np.ndarray, np.ndarray]:
    """The arena weights (4,) and the principle weights per arena (4, 6)."""
    arena = np.array([weights.arena_weight(Arena(a)) for a in ARENAS])
    principle = np.array(
        [[weights.principle_weight(Arena(a), Principle(p)) for p in PRINCIPLES] for a in ARENAS]
    )
    return arena, principle


def index_arrays(matrix: ScoreMatrix, multiplicity: np.ndarray, weights: Weights) -> IndexArrays:
    """Computes every level of the index for each row of `multiplicity`."""
    present = ~np.isnan(matrix.values)
    sums = multiplicity @ np.where(present, matrix.values, 0.0)
    counts = multiplicity @ present.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        questions = sums / counts  # NaN where nobody in the resample scored the question
    cell_of = np.zeros((len(matrix.question_ids), len(ARENAS) * len(PRINCIPLES)))
    for q, (arena, principle) in enumerate(
        zip(matrix.question_arenas, matrix.principles, strict=True)
    ):
        cell_of[q, ARENAS.index(arena) * len(PRINCIPLES) + PRINCIPLES.index(principle)] = 1.0
    has_mean = ~np.isnan(questions)
    cell_sums = np.where(has_mean, questions, 0.0) @ cell_of
    cell_counts = has_mean.astype(float) @ cell_of
    with np.errstate(invalid="ignore", divide="ignore"):
        cells = (cell_sums / cell_counts).reshape(-1, len(ARENAS), len(PRINCIPLES))
    arena_w, principle_w = weight_arrays(weights)
    arenas = _weighted(cells, principle_w[None, :, :], axis=2)
    principles = _weighted(cells, arena_w[None, :, None], axis=1)
    overall = _weighted(arenas, arena_w[None, :], axis=1)
    return IndexArrays(questions, cells, arenas, principles, overall)


def point_index(matrix: ScoreMatrix, weights: Weights) -> IndexArrays:
    """The index of the respondents as they are (one resample of everyone once)."""
    return index_arrays(matrix, np.ones((1, len(matrix.participants))), weights)


def _weighted(values: np.ndarray, weights: np.ndarray, axis: int) -> np.ndarray:
    has = ~np.isnan(values)
    w = np.where(has, np.broadcast_to(weights, values.shape), 0.0)
    total = w.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (np.where(has, values, 0.0) * w).sum(axis=axis) / total
    return np.where(total > 0, mean, np.nan)
