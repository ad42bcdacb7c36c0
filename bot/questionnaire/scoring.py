"""IGI-style scoring: question means -> arena x principle cells -> arenas -> overall index.

Only scale questions with an arena and a principle are scored. "Don't know", skipped and
irrelevant answers are left out. Scale answers are mapped linearly onto 1..10 first, so a
1..5 item and a 1..10 item share the index scale. A cell is the plain mean of its question
means; arenas and the index are weighted means whose weights are renormalised over the
parts that have data, so a missing cell neither counts as zero nor breaks the index.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from bot.questionnaire.model import (
    Answer,
    AnswerStatus,
    Arena,
    LocalizedText,
    Principle,
    Question,
    Questionnaire,
)
from bot.questionnaire.relevance import effective_answers

INDEX_MIN = 1.0
INDEX_MAX = 10.0

_K = TypeVar("_K", Arena, Principle)


# --- Weights ---------------------------------------------------------------------------


def fill_weights(known: Mapping[_K, float], keys: Iterable[_K]) -> dict[_K, float]:
    """Completes `known` weights by splitting what is left of 1.0 equally over the rest."""
    keys = tuple(keys)
    rest = [k for k in keys if k not in known]
    remainder = max(0.0, 1.0 - sum(known.values()))
    share = remainder / len(rest) if rest else 0.0
    return {k: float(known[k]) if k in known else share for k in keys}


@dataclass(frozen=True)
class Weights:
    """Arena weights and, per arena, principle weights (need not sum to 1)."""

    arenas: Mapping[Arena, float]
    principles: Mapping[Arena, Mapping[Principle, float]]

    def __post_init__(self) -> None:
        values = [*self.arenas.values()]
        values += [w for per_arena in self.principles.values() for w in per_arena.values()]
        if any(not math.isfinite(w) or w < 0 for w in values):
            raise ValueError("weights must be finite and non-negative")

    @classmethod
    def default(cls) -> Weights:
        """The IGI 2012 weights where known, equal shares of the remainder elsewhere."""
        government_principles = {
            Principle.PARTICIPATION: 0.120,
            Principle.FAIRNESS: 0.189,
            Principle.ACCOUNTABILITY: 0.259,
        }
        return cls(
            arenas=fill_weights({Arena.GOVERNMENT: 0.302}, Arena),
            principles={
                arena: fill_weights(
                    government_principles if arena is Arena.GOVERNMENT else {}, Principle
                )
                for arena in Arena
            },
        )

    @classmethod
    def equal(cls) -> Weights:
        """Equal weights everywhere."""
        return cls(
            arenas=fill_weights({}, Arena),
            principles={arena: fill_weights({}, Principle) for arena in Arena},
        )

    def arena_weight(self, arena: Arena) -> float:
        """Returns the arena's weight (0 when not given)."""
        return self.arenas.get(arena, 0.0)

    def principle_weight(self, arena: Arena, principle: Principle) -> float:
        """Returns the principle's weight within the arena (0 when not given)."""
        return self.principles.get(arena, {}).get(principle, 0.0)


# --- Bands -----------------------------------------------------------------------------


class Band(StrEnum):
    """The seven published IGI score bands."""

    VERY_POOR = "very_poor"
    POOR = "poor"
    RATHER_POOR = "rather_poor"
    FAIR = "fair"
    RATHER_GOOD = "rather_good"
    GOOD = "good"
    VERY_GOOD = "very_good"

    @property
    def label(self) -> LocalizedText:
        """The band's name in Indonesian and English."""
        return _BAND_LABELS[self]


_BAND_LABELS = {
    Band.VERY_POOR: LocalizedText("Sangat buruk", "Very poor"),
    Band.POOR: LocalizedText("Buruk", "Poor"),
    Band.RATHER_POOR: LocalizedText("Cenderung buruk", "Rather poor"),
    Band.FAIR: LocalizedText("Sedang", "Fair"),
    Band.RATHER_GOOD: LocalizedText("Cenderung baik", "Rather good"),
    Band.GOOD: LocalizedText("Baik", "Good"),
    Band.VERY_GOOD: LocalizedText("Sangat baik", "Very good"),
}

BAND_UPPER_BOUNDS: tuple[tuple[float, Band], ...] = (
    (2.29, Band.VERY_POOR),
    (3.57, Band.POOR),
    (4.86, Band.RATHER_POOR),
    (6.14, Band.FAIR),
    (7.43, Band.RATHER_GOOD),
    (8.71, Band.GOOD),
)
"""Inclusive upper bounds; anything above the last is `Band.VERY_GOOD`."""


def band(score: float) -> Band:
    """Returns the band of a 1..10 score, judged on the score rounded to 2 decimals."""
    # Scores are published with two decimals; banding the rounded value keeps the
    # printed number and its band consistent (6.144 prints 6.14 and is "sedang").
    rounded = round(score, 2)
    for upper, name in BAND_UPPER_BOUNDS:
        if rounded <= upper:
            return name
    return Band.VERY_GOOD


# --- Scores ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """One respondent's answers, optionally with the arena they represent."""

    answers: Mapping[str, Answer]
    respondent_arena: Arena | None = None


@dataclass(frozen=True)
class QuestionScore:
    """Mean (on 1..10) and counts for one scored question."""

    question_id: str
    arena: Arena
    principle: Principle
    mean: float | None
    count: int
    dont_know: int
    skipped: int


@dataclass(frozen=True)
class Scores:
    """Every level of the index; levels without data are absent (or None for overall)."""

    respondents: int
    questions: Mapping[str, QuestionScore]
    cells: Mapping[tuple[Arena, Principle], float] = field(default_factory=dict)
    arenas: Mapping[Arena, float] = field(default_factory=dict)
    principles: Mapping[Principle, float] = field(default_factory=dict)
    overall: float | None = None

    def cell(self, arena: Arena, principle: Principle) -> float | None:
        """Returns the arena x principle mean, or None without data."""
        return self.cells.get((arena, principle))


def normalise(value: float, low: int, high: int) -> float:
    """Maps `value` on a low..high scale linearly onto 1..10."""
    return INDEX_MIN + (INDEX_MAX - INDEX_MIN) * (value - low) / (high - low)


def score(
    questionnaire: Questionnaire,
    responses: Iterable[Mapping[str, Answer] | Response],
    weights: Weights | None = None,
) -> Scores:
    """Scores responses (answer mappings or `Response`s) with `weights` (IGI defaults)."""
    weights = weights or Weights.default()
    scored = [q for q in questionnaire.questions if q.is_scored]
    values: dict[str, list[float]] = {q.id: [] for q in scored}
    dont_know: dict[str, int] = dict.fromkeys(values, 0)
    skipped: dict[str, int] = dict.fromkeys(values, 0)
    respondents = 0
    for response in responses:
        respondents += 1
        answers = response.answers if isinstance(response, Response) else response
        effective = effective_answers(questionnaire, answers)
        for question in scored:
            answer = effective.get(question.id)
            if answer is None:
                continue
            if answer.status is AnswerStatus.DONT_KNOW:
                dont_know[question.id] += 1
            elif answer.status is AnswerStatus.SKIPPED:
                skipped[question.id] += 1
            elif isinstance(answer.value, int | float) and not isinstance(answer.value, bool):
                values[question.id].append(_normalised(question, answer.value))
    question_scores = {
        q.id: _question_score(q, values[q.id], dont_know[q.id], skipped[q.id]) for q in scored
    }
    return _aggregate(respondents, question_scores, weights)


def _normalised(question: Question, value: float) -> float:
    if (question.scale_min, question.scale_max) == (1, 10):
        return float(value)
    return normalise(value, question.scale_min, question.scale_max)


def _question_score(
    question: Question, values: list[float], dont_know: int, skipped: int
) -> QuestionScore:
    assert question.arena is not None and question.principle is not None
    return QuestionScore(
        question_id=question.id,
        arena=question.arena,
        principle=question.principle,
        mean=sum(values) / len(values) if values else None,
        count=len(values),
        dont_know=dont_know,
        skipped=skipped,
    )


def _aggregate(
    respondents: int, questions: Mapping[str, QuestionScore], weights: Weights
) -> Scores:
    by_cell: dict[tuple[Arena, Principle], list[float]] = defaultdict(list)
    for item in questions.values():
        if item.mean is not None:
            by_cell[(item.arena, item.principle)].append(item.mean)
    cells = {
        (arena, principle): sum(by_cell[(arena, principle)]) / len(by_cell[(arena, principle)])
        for arena in Arena
        for principle in Principle
        if by_cell.get((arena, principle))
    }
    arenas: dict[Arena, float] = {}
    for arena in Arena:
        mean = _weighted_mean(
            (cells[(arena, p)], weights.principle_weight(arena, p))
            for p in Principle
            if (arena, p) in cells
        )
        if mean is not None:
            arenas[arena] = mean
    principles: dict[Principle, float] = {}
    for principle in Principle:
        mean = _weighted_mean(
            (cells[(a, principle)], weights.arena_weight(a))
            for a in Arena
            if (a, principle) in cells
        )
        if mean is not None:
            principles[principle] = mean
    overall = _weighted_mean((arenas[a], weights.arena_weight(a)) for a in arenas)
    return Scores(respondents, dict(questions), cells, arenas, principles, overall)


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    items = list(pairs)
    total = sum(w for _, w in items)
    if not items or total <= 0:
        return None
    return sum(v * w for v, w in items) / total
