"""The export's research sheets: stored paradata, quality flags and agreement, after the
sheets it had before, which stay as they were."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.export import build_export, xlsx_bytes
from bot.reports.research_frames import research_inputs
from bot.research.paradata import words_to_read
from bot.research.results import PARADATA_FROM_ANSWER_TIMES, PARADATA_STORED
from bot.services.progress import WorkshopProgress, load_progress_for
from storage.models import Answer, Participant, Response
from storage.repositories import workshops as workshop_repo
from storage.repositories.workshops import AgendaItem
from tests.admin.conftest import ANSWERED_AT, seed_scored_workshop

NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
SHEETS_BEFORE = ["tentang", "completion", "answers", "responses", "scores", "matrix", "heatmap"]
RESEARCH = ["paradata", "flags", "flag_rules", "agreement", "items"]


async def _give_paradata(
    session_factory: async_sessionmaker[AsyncSession], workshop_id: int
) -> None:
    """JA-001 saw each question 30 s before answering it, in English, by tapping; GP2 was
    shown at 10:30 (Jambi) and a focus group ran 10:31-10:40 before its answer at 10:42."""
    async with session_factory.begin() as session:
        rows = await session.execute(
            select(Answer.id, Answer.question_id, Answer.answered_at)
            .join(Response, Response.id == Answer.response_id)
            .join(Participant, Participant.id == Response.participant_id)
            .where(Participant.pseudonym == "JA-001")
        )
        for answer_id, question_id, answered_at in rows.all():
            shown = answered_at - dt.timedelta(seconds=30)
            if question_id == "GP2":
                shown = ANSWERED_AT - dt.timedelta(minutes=10)
            await session.execute(
                update(Answer)
                .where(Answer.id == answer_id)
                .values(shown_at=shown, method="tap", language="en")
            )
        await workshop_repo.replace_agenda(
            session,
            workshop_id,
            [
                AgendaItem(
                    "fgd",
                    "Diskusi",
                    "Focus group",
                    ANSWERED_AT - dt.timedelta(minutes=9),
                    ANSWERED_AT,
                )
            ],
        )


async def _read(session_factory: async_sessionmaker[AsyncSession]) -> list[WorkshopProgress]:
    async with session_factory() as session:
        return await load_progress_for(session, QuestionnaireCache(), None, NOW)


async def test_the_paradata_sheet_gives_each_answers_stored_seconds_net_of_sessions(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await seed_scored_workshop(session_factory)
    await _give_paradata(session_factory, seeded.workshop_id)
    workshops = await _read(session_factory)
    sheet = build_export(workshops, generated_at=NOW).sheets["paradata"]
    mine = sheet[sheet["participant"] == "JA-001"].set_index("question_id")
    assert mine.loc["GP1", "seconds"] == 30.0
    assert mine.loc["GP1", "method"] == "tap"
    assert mine.loc["GP1", "language"] == "en"
    assert mine.loc["GP1", "shown_at"] == "2026-12-03T10:40:30+07:00"
    assert mine.loc["GP1", "answered_at"] == "2026-12-03T10:41:00+07:00"
    # Shown 10:30, answered 10:42, a focus group 10:31-10:40 in between: 3 minutes.
    assert mine.loc["GP2", "seconds"] == 180.0
    question = workshops[0].questionnaire.question("GP1")
    assert mine.loc["GP1", "words"] == words_to_read(question, "en")
    # JA-003's answers were stored without paradata: no time on screen, not a guess.
    theirs = sheet[sheet["participant"] == "JA-003"]
    assert len(theirs) > 0
    assert theirs["seconds"].isna().all() and theirs["shown_at"].isna().all()
    # Only effective answers, as in the answers sheet: JA-002's GF1 is no longer relevant.
    answers = build_export(workshops, generated_at=NOW).sheets["answers"]
    assert len(sheet) == len(answers)
    assert not ((sheet["participant"] == "JA-002") & (sheet["question_id"] == "GF1")).any()


async def test_flags_use_stored_times_when_there_are_any_and_answer_gaps_otherwise(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await seed_scored_workshop(session_factory)
    before = research_inputs(await _read(session_factory))
    timing, source = before.timing()
    assert source == PARADATA_FROM_ANSWER_TIMES
    # The seeded answers are a minute apart (two where one between no longer counts).
    assert set(timing["seconds"]) == {60.0, 120.0}
    await _give_paradata(session_factory, seeded.workshop_id)
    timing, source = research_inputs(await _read(session_factory)).timing()
    assert source == PARADATA_STORED
    assert set(timing["participant"]) == {"JA-001"}
    # The filter, shown 10:39:30 during the focus group and answered as it ended, counts
    # its 30 s: only a session wholly between shown and answered is taken off.
    assert sorted(timing["seconds"]) == [30.0] * (len(timing) - 1) + [180.0]


async def test_the_workbook_adds_the_research_sheets_after_the_sheets_it_had(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await seed_scored_workshop(session_factory)
    await _give_paradata(session_factory, seeded.workshop_id)
    export = build_export(await _read(session_factory), generated_at=NOW)
    book = pd.read_excel(io.BytesIO(xlsx_bytes(export)), sheet_name=None)
    assert list(book) == SHEETS_BEFORE + RESEARCH
    flags = book["flags"].set_index("participant")
    assert sorted(flags.index) == ["JA-001", "JA-002", "JA-003"]
    # JA-003 said "don't know" to 2 of the 4 scored questions it met, JA-002 to 1 of 2
    # (a skip is neither): half, the threshold. Marked, not dropped: still in every sheet.
    assert flags.loc["JA-003", "dont_know_share"] == pytest.approx(0.5)
    assert flags.loc["JA-002", "dont_know_share"] == pytest.approx(0.5)
    assert flags["flagged"].to_dict() == {"JA-001": False, "JA-002": True, "JA-003": True}
    assert set(book["answers"]["participant"]) >= {"JA-002", "JA-003"}
    assert flags.loc["JA-001", "median_seconds"] == 30.0
    assert "speeding" in set(book["flag_rules"]["flag"])
    agreement = book["agreement"]
    assert "all" in set(agreement["block"])
    items = book["items"].set_index("question_id")
    # GP1: JA-001 gave 8, JA-002 6; JA-003 did not know.
    assert items.loc["GP1", "mean"] == pytest.approx(7.0)
    assert items.loc["GP1", "n"] == 2
