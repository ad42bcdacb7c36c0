"""The export's score sheets: scores per workshop and pooled, and the arena x principle matrix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bot.questionnaire.model import (
    Arena,
    Principle,
    Questionnaire,
)
from bot.questionnaire.scoring import Response as ScoredResponse
from bot.questionnaire.scoring import Scores, Weights, band, score
from bot.reports.sheets import ALL_SCOPE
from bot.services.progress import RespondentProgress, WorkshopProgress


@dataclass(frozen=True)
class ScoreScope:
    """Scores of one workshop, or of several pooled (`workshops` lists their codes)."""

    name: str
    questionnaire: Questionnaire
    scores: Scores
    workshops: tuple[str, ...]
    province: str = ""

    @property
    def pooled(self) -> bool:
        """Tells whether the scope pools several workshops."""
        return not self.province


def score_scopes(
    workshops: Sequence[WorkshopProgress], weights: Weights | None = None
) -> list[ScoreScope]:
    """Scores each workshop and, for several, the pooled respondents per questionnaire."""
    weights = weights or Weights.default()
    scopes = [
        ScoreScope(
            name=w.code,
            questionnaire=w.questionnaire,
            scores=score(w.questionnaire, _scored_responses(w.respondents), weights),
            workshops=(w.code,),
            province=w.province_code,
        )
        for w in workshops
    ]
    if len(workshops) > 1:
        groups: dict[str, list[WorkshopProgress]] = {}
        for w in workshops:
            groups.setdefault(w.questionnaire.content_hash(), []).append(w)
        several = len(groups) > 1
        for group in groups.values():
            questionnaire = group[0].questionnaire
            name = (
                f"{ALL_SCOPE} {questionnaire.id}@{questionnaire.version}" if several else ALL_SCOPE
            )
            pooled = [r for w in group for r in _scored_responses(w.respondents)]
            scopes.append(
                ScoreScope(
                    name=name,
                    questionnaire=questionnaire,
                    scores=score(questionnaire, pooled, weights),
                    workshops=tuple(w.code for w in group),
                )
            )
    return scopes


def _scored_responses(respondents: Iterable[RespondentProgress]) -> list[ScoredResponse]:
    return [
        ScoredResponse(
            answers=r.state.answers,
            respondent_arena=Arena(r.participant.arena) if r.participant.arena else None,
        )
        for r in respondents
        if r.answers
    ]


def scores_frame(scopes: Sequence[ScoreScope], weights: Weights) -> pd.DataFrame:
    """Every level of the index per scope, long format: question, cell, arena, principle,
    index (and, for pooled scopes, the mean of the workshop indices)."""
    records: list[dict[str, Any]] = []
    indices = {s.name: s.scores.overall for s in scopes if not s.pooled}
    for scope in scopes:
        questionnaire, scores = scope.questionnaire, scope.scores
        base = {"scope": scope.name, "province": scope.province, "respondents": scores.respondents}
        for question in questionnaire.questions:
            item = scores.questions.get(question.id)
            if item is None:
                continue
            records.append(
                {
                    **base,
                    "level": "question",
                    "arena": item.arena.value,
                    "principle": item.principle.value,
                    "question_id": question.id,
                    "indicator": question.indicator,
                    **_score_columns(item.mean),
                    "n": item.count,
                    "dont_know": item.dont_know,
                    "skipped": item.skipped,
                }
            )
        for arena in Arena:
            for principle in Principle:
                cell = scores.cell(arena, principle)
                if cell is None:
                    continue
                records.append(
                    {
                        **base,
                        "level": "cell",
                        "arena": arena.value,
                        "principle": principle.value,
                        **_score_columns(cell),
                        "n": sum(
                            1
                            for q in scores.questions.values()
                            if q.arena is arena and q.principle is principle and q.count
                        ),
                        "weight": weights.principle_weight(arena, principle),
                    }
                )
        for arena, value in scores.arenas.items():
            records.append(
                {
                    **base,
                    "level": "arena",
                    "arena": arena.value,
                    **_score_columns(value),
                    "weight": weights.arena_weight(arena),
                }
            )
        for principle, value in scores.principles.items():
            records.append(
                {
                    **base,
                    "level": "principle",
                    "principle": principle.value,
                    **_score_columns(value),
                }
            )
        records.append({**base, "level": "index", **_score_columns(scores.overall)})
        workshop_indices = [
            index for code in scope.workshops if (index := indices.get(code)) is not None
        ]
        if scope.pooled and workshop_indices:
            mean = sum(workshop_indices) / len(workshop_indices)
            records.append(
                {
                    **base,
                    "level": "index_mean_of_workshops",
                    **_score_columns(mean),
                    "n": len(workshop_indices),
                }
            )
    return pd.DataFrame.from_records(records, columns=_SCORE_COLUMNS)


_SCORE_COLUMNS = [
    "scope",
    "province",
    "level",
    "arena",
    "principle",
    "question_id",
    "indicator",
    "score",
    "band",
    "band_label",
    "n",
    "dont_know",
    "skipped",
    "respondents",
    "weight",
]


def _score_columns(value: float | None) -> dict[str, Any]:
    if value is None:
        return {"score": None, "band": None, "band_label": None}
    found = band(value)
    return {"score": value, "band": found.value, "band_label": found.label.id}


def matrix_frame(scopes: Sequence[ScoreScope]) -> pd.DataFrame:
    """The arena x principle matrix per scope, with arena scores, principle scores and the
    index (row arena 'all')."""
    records: list[dict[str, Any]] = []
    for scope in scopes:
        name, scores = scope.name, scope.scores
        for arena in Arena:
            records.append(
                {
                    "scope": name,
                    "arena": arena.value,
                    "arena_label": arena.label.id,
                    **{p.value: scores.cell(arena, p) for p in Principle},
                    "arena_score": scores.arenas.get(arena),
                }
            )
        records.append(
            {
                "scope": name,
                "arena": "all",
                "arena_label": "Semua arena",
                **{p.value: scores.principles.get(p) for p in Principle},
                "arena_score": scores.overall,
            }
        )
    columns = ["scope", "arena", "arena_label", *(p.value for p in Principle), "arena_score"]
    return pd.DataFrame.from_records(records, columns=columns)


# --- about -------------------------------------------------------------------------------
