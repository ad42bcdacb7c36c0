"""The research scores recomputed from the export's answers sheet equal its scores sheet."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.export import build_export
from bot.research.uncertainty import score_intervals
from bot.services.progress import load_progress_for
from tests.admin.conftest import seed_scored_workshop

NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


async def test_scores_from_the_answers_sheet_equal_the_exports_scores_sheet(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed_scored_workshop(session_factory)
    await seed_scored_workshop(
        session_factory, code="ID-JB-2026-12-04", province="ID-JB", prefix="JB"
    )
    async with session_factory() as session:
        reports = await load_progress_for(session, QuestionnaireCache(), None, NOW)
    export = build_export(reports, generated_at=NOW)
    ours = score_intervals(export.sheets["answers"], resamples=0)
    theirs = export.sheets["scores"]
    theirs = theirs[theirs["level"].isin(["cell", "arena", "principle", "index"])]
    theirs = theirs[theirs["province"] != ""]  # the workshops, not the pooled scope
    assert len(ours) == len(theirs) == 2 * (3 + 2 + 3 + 1)
    key = ["workshop", "level", "arena", "principle"]
    merged = ours.merge(
        theirs.rename(columns={"scope": "workshop"}).fillna({"arena": "", "principle": ""}),
        on=key[:2],
        suffixes=("", "_export"),
    )
    merged = merged[
        (merged["arena"].fillna("") == merged["arena_export"].fillna(""))
        & (merged["principle"].fillna("") == merged["principle_export"].fillna(""))
    ]
    assert len(merged) == len(ours)
    for _, row in merged.iterrows():
        assert row["score"] == pytest.approx(row["score_export"], abs=1e-12)
        assert f"{row['score']:.2f}" == f"{row['score_export']:.2f}"
        assert row["band"] == row["band_export"]
