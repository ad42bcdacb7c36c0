"""The two /progres lines: who is flagged, and how far the experts agree."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.handlers.staff_reports import report_message
from bot.message_limits import utf16_length
from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.bundle import CAPTION_BUDGET, build_export_for, export_caption, research_lines
from bot.research.agreement import interval_alpha
from bot.research.live import progress_lines
from bot.services.progress import load_progress_for
from tests.admin.conftest import seed_scored_workshop
from tests.research.panels import answers, blocks, paradata

NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)

QUESTIONS = blocks(4)
HONEST = [7, 5, 8, 6, 4, 6, 5, 7, 8, 7, 9, 6, 5, 7, 6, 8]
OTHER = [6, 5, 7, 6, 5, 6, 4, 7, 8, 6, 9, 5, 5, 8, 6, 7]


def test_the_flags_line_names_each_flagged_pseudonym_under_its_flag() -> None:
    panel = answers(
        QUESTIONS,
        {"JA-001": (None, HONEST), "JA-002": (None, [6] * 16), "JA-003": (None, OTHER)},
    )
    timing = paradata(
        [("JA-003", q, 1.0, "tap", 20) for q, _, _ in QUESTIONS]
        + [("JA-001", q, 9.0, "tap", 20) for q, _, _ in QUESTIONS]
    )
    flags, _ = progress_lines(panel, lang="id", paradata=timing)
    assert flags == (
        "Penanda kualitas: 2 dari 3 responden: jawaban seragam 1 (JA-002); terlalu cepat 1 (JA-003)"
    )
    english, _ = progress_lines(panel, lang="en")
    assert english == "Quality flags: 1 of 3 respondents: straight-lining 1 (JA-002)"


def test_the_agreement_line_gives_alpha_overall_and_per_arena() -> None:
    panel = answers(QUESTIONS, {"JA-001": (None, HONEST), "JA-003": (None, OTHER)})
    _, line = progress_lines(panel, lang="en")
    overall = interval_alpha(np.array([HONEST, OTHER], dtype=float))
    government = interval_alpha(np.array([HONEST[:4], OTHER[:4]], dtype=float))
    assert overall is not None and government is not None
    assert line.startswith(f"Agreement (α): {overall:.2f} (Government {government:.2f} · ")


def test_without_answers_both_lines_say_there_is_not_enough_yet() -> None:
    empty = answers(QUESTIONS, {})
    flags, line = progress_lines(empty, lang="id")
    assert flags == "Penanda kualitas: 0 dari 0 responden"
    assert line == "Kesepakatan (α): belum cukup jawaban"
    one = answers(QUESTIONS, {"JA-001": (None, HONEST)})
    assert progress_lines(one, lang="id")[1] == "Kesepakatan (α): belum cukup jawaban"


async def test_progres_shows_the_stored_workshops_flags_and_agreement_after_the_counts(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed_scored_workshop(session_factory)
    async with session_factory() as session:
        (workshop,) = await load_progress_for(session, QuestionnaireCache(), None, NOW)
    research = await research_lines(workshop, "id")
    # JA-002 and JA-003 said "don't know" to half of the scored questions they met.
    assert research[0] == (
        "Penanda kualitas: 2 dari 3 responden: banyak 'tidak tahu' 2 (JA-002, JA-003)"
    )
    assert research[1].startswith("Kesepakatan (α): ")
    text, _keyboard = report_message(workshop, "id", research)
    lines = text.splitlines()
    counts = lines.index("Jumlah peserta: 4")
    assert lines[counts + 1 : counts + 4] == ["", *research]
    assert "Siti" not in research[0] + research[1], "pseudonyms only"


async def test_the_export_caption_adds_the_flags_and_agreement_of_its_one_workshop(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await seed_scored_workshop(session_factory)
    built = await build_export_for(session_factory, QuestionnaireCache(), [seeded.workshop_id], NOW)
    assert built is not None
    caption = export_caption(built, "en", NOW)
    flags, agreement = built.research["en"]
    assert flags == "Quality flags: 2 of 3 respondents: many 'don't know' 2 (JA-002, JA-003)"
    assert caption.endswith(f"\n{flags}\n{agreement}")
    assert utf16_length(caption) <= CAPTION_BUDGET
    # Of several workshops, the caption stays a summary: no lines for each of them.
    await seed_scored_workshop(
        session_factory, code="ID-BA-2026-12-04", province="ID-BA", prefix="BA"
    )
    both = await build_export_for(session_factory, QuestionnaireCache(), None, NOW)
    assert both is not None and both.research == {}
    assert "Quality flags" not in export_caption(both, "en", NOW)
