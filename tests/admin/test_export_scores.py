"""The export's sheets against a hand computation on a small form with four respondents."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.export import build_export, xlsx_bytes
from bot.services.progress import load_progress_for
from tests.admin.conftest import RESPONDENTS, seed_scored_workshop

NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)

# --- the hand computation --------------------------------------------------------------
# Question means (1..10; GP2 is a 1..5 item mapped by 1 + 9 * (v - 1) / 4):
GP1 = (8 + 6) / 2  # JA-003 said "don't know"
GP2 = (10.0 + 3.25) / 2  # 5 -> 10, 2 -> 3.25; JA-002 "don't know"
GF1 = 6.0  # JA-002's 9 is irrelevant (filter "tidak"), JA-003 "don't know"
BA1 = (4 + 7) / 2  # JA-002 skipped
# Cells: plain means of their questions.
GOV_PARTICIPATION = (GP1 + GP2) / 2
GOV_FAIRNESS = GF1
BUR_ACCOUNTABILITY = BA1
# Arenas: IGI 2012 principle weights within Government (participation .120, fairness .189),
# renormalised over the cells with data.
GOVERNMENT = (GOV_PARTICIPATION * 0.120 + GOV_FAIRNESS * 0.189) / (0.120 + 0.189)
BUREAUCRACY = BUR_ACCOUNTABILITY
# Index: Government weighs .302, every other arena (1 - .302) / 3.
OTHER_ARENA = (1 - 0.302) / 3
INDEX = (GOVERNMENT * 0.302 + BUREAUCRACY * OTHER_ARENA) / (0.302 + OTHER_ARENA)


async def _workbook(
    session_factory: async_sessionmaker[AsyncSession], *, with_names: bool = False
) -> bytes:
    async with session_factory() as session:
        reports = await load_progress_for(session, QuestionnaireCache(), None, NOW)
    return xlsx_bytes(build_export(reports, generated_at=NOW, with_names=with_names))


def _sheets(data: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(data), sheet_name=None)


async def test_scores_sheet_matches_the_hand_computation(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed_scored_workshop(session_factory)
    scores = _sheets(await _workbook(session_factory))["scores"]
    scores = scores[scores["scope"] == "ID-JA-2026-12-03"]

    def level(name: str) -> pd.DataFrame:
        return scores[scores["level"] == name].reset_index(drop=True)

    questions = level("question").set_index("question_id")
    assert list(questions.index) == ["GP1", "GP2", "GF1", "BA1"]
    assert questions.loc["GP1", "score"] == pytest.approx(GP1)
    assert questions.loc["GP2", "score"] == pytest.approx(GP2)
    assert questions.loc["GF1", "score"] == pytest.approx(GF1)
    assert questions.loc["BA1", "score"] == pytest.approx(BA1)
    assert questions["n"].tolist() == [2, 2, 1, 2]
    assert questions["dont_know"].tolist() == [1, 1, 1, 0]
    assert questions["skipped"].tolist() == [0, 0, 0, 1]
    assert questions["indicator"].tolist() == ["G1P1", "G2P1", "G1F1", "B1A1"]
    assert questions.loc["GP1", "band_label"] == "Cenderung baik"
    assert set(questions["respondents"]) == {3}, "JA-004 answered nothing"

    cells = level("cell").set_index(["arena", "principle"])
    assert cells.loc[("government", "participation"), "score"] == pytest.approx(GOV_PARTICIPATION)
    assert cells.loc[("government", "fairness"), "score"] == pytest.approx(GOV_FAIRNESS)
    assert cells.loc[("bureaucracy", "accountability"), "score"] == pytest.approx(
        BUR_ACCOUNTABILITY
    )
    assert len(cells) == 3
    assert cells.loc[("government", "fairness"), "weight"] == pytest.approx(0.189)

    arenas = level("arena").set_index("arena")
    assert arenas.loc["government", "score"] == pytest.approx(GOVERNMENT)
    assert arenas.loc["bureaucracy", "score"] == pytest.approx(BUREAUCRACY)
    assert arenas.loc["bureaucracy", "weight"] == pytest.approx(OTHER_ARENA)
    assert len(arenas) == 2

    principles = level("principle").set_index("principle")["score"].to_dict()
    assert principles == pytest.approx(
        {
            "participation": GOV_PARTICIPATION,
            "fairness": GOV_FAIRNESS,
            "accountability": BUR_ACCOUNTABILITY,
        }
    )

    index = level("index")
    assert index.loc[0, "score"] == pytest.approx(INDEX)
    assert round(INDEX, 2) == 5.96
    assert (index.loc[0, "band"], index.loc[0, "band_label"]) == ("fair", "Sedang")


async def test_matrix_sheet_is_arena_by_principle_with_arena_and_index_columns(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed_scored_workshop(session_factory)
    matrix = _sheets(await _workbook(session_factory))["matrix"].set_index("arena")
    assert list(matrix.index) == [
        "government",
        "bureaucracy",
        "civil_society",
        "economic_society",
        "all",
    ]
    assert list(matrix.columns) == [
        "scope",
        "arena_label",
        "participation",
        "fairness",
        "accountability",
        "transparency",
        "efficiency",
        "effectiveness",
        "arena_score",
    ]
    assert matrix.loc["government", "arena_label"] == "Pemerintah"
    assert matrix.loc["government", "participation"] == pytest.approx(GOV_PARTICIPATION)
    assert matrix.loc["government", "fairness"] == pytest.approx(GOV_FAIRNESS)
    assert pd.isna(matrix.loc["government", "accountability"])
    assert matrix.loc["bureaucracy", "accountability"] == pytest.approx(BUR_ACCOUNTABILITY)
    assert matrix.loc["government", "arena_score"] == pytest.approx(GOVERNMENT)
    assert pd.isna(matrix.loc["civil_society", "arena_score"])
    assert matrix.loc["all", "arena_score"] == pytest.approx(INDEX)
    assert matrix.loc["all", "participation"] == pytest.approx(GOV_PARTICIPATION)


async def test_answers_responses_and_completion_sheets_hold_every_value(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed_scored_workshop(session_factory)
    sheets = _sheets(await _workbook(session_factory))

    answers = sheets["answers"]
    got = {
        (row.participant, row.question_id): (row.status, row.value, row.value_label, row.score)
        for row in answers.itertuples()
    }
    nan = float("nan")
    expected = {
        ("JA-001", "filter"): ("answered", "ya", "Ya", nan),
        ("JA-001", "GP1"): ("answered", 8, "8", 8.0),
        ("JA-001", "GP2"): ("answered", 5, "5", 10.0),
        ("JA-001", "GF1"): ("answered", 6, "6", 6.0),
        ("JA-001", "komentar"): ("answered", "=SUM(A1:A9)", "=SUM(A1:A9)", nan),
        ("JA-001", "BA1"): ("answered", 4, "4", 4.0),
        ("JA-002", "filter"): ("answered", "tidak", "Tidak", nan),
        ("JA-002", "GP1"): ("answered", 6, "6", 6.0),
        ("JA-002", "GP2"): ("dont_know", nan, "Tidak tahu", nan),
        ("JA-002", "BA1"): ("skipped", nan, "Dilewati", nan),
        ("JA-003", "filter"): ("answered", "ya", "Ya", nan),
        ("JA-003", "GP1"): ("dont_know", nan, "Tidak tahu", nan),
        ("JA-003", "GP2"): ("answered", 2, "2", 3.25),
        ("JA-003", "GF1"): ("dont_know", nan, "Tidak tahu", nan),
        ("JA-003", "komentar"): ("answered", "@semua -5", "@semua -5", nan),
        ("JA-003", "BA1"): ("answered", 7, "7", 7.0),
    }
    assert got.keys() == expected.keys(), "irrelevant GF1 of JA-002 is left out"
    for key, (status, value, label, score) in expected.items():
        row = got[key]
        assert row[0] == status, key
        assert (pd.isna(row[1]) and pd.isna(value)) or row[1] == value, key
        assert row[2] == label, key
        assert (pd.isna(row[3]) and pd.isna(score)) or row[3] == pytest.approx(score), key
    first = answers.iloc[0]
    assert first["province"] == "ID-JA" and first["province_name"] == "Jambi"
    assert first["workshop"] == "ID-JA-2026-12-03"
    assert first["respondent_arena"] == "government"
    assert first["section"] == "gov" and first["question_type"] == "single_choice"
    assert first["answered_at"] == "2026-12-03T10:40:00+07:00"
    assert first["zone"] == "Asia/Jakarta"
    gp2 = answers[(answers.participant == "JA-001") & (answers.question_id == "GP2")].iloc[0]
    assert (gp2["indicator"], gp2["question_arena"], gp2["principle"]) == (
        "G2P1",
        "government",
        "participation",
    )
    assert gp2["answered_at"] == "2026-12-03T10:42:00+07:00"
    assert answers["dont_know"].tolist().count(True) == 3

    responses = sheets["responses"].set_index("participant")
    assert list(responses.columns[5:]) == ["filter", "GP1", "GP2", "GF1", "komentar", "BA1"]
    assert responses.loc["JA-001", ["GP1", "GP2", "GF1", "BA1"]].tolist() == [8, 5, 6, 4]
    assert responses.loc["JA-002", "GP2"] == "DK" and responses.loc["JA-002", "BA1"] == "SKIP"
    assert pd.isna(responses.loc["JA-002", "GF1"]), "irrelevant answers are blank"
    assert responses.loc["JA-003", "komentar"] == "@semua -5"
    assert responses.loc["JA-004"].iloc[5:].isna().all()
    assert responses["status"].tolist() == ["submitted", "in_progress", "submitted", "not_started"]

    completion = sheets["completion"].set_index("participant")
    assert completion["status"].to_dict() == {
        "JA-001": "submitted",
        "JA-002": "in_progress",
        "JA-003": "submitted",
        "JA-004": "not_started",
    }
    assert completion["answered"].tolist() == [6, 4, 6, 0]
    # GF1 asks only after "ya": not relevant for JA-002 ("tidak") nor yet for JA-004.
    assert completion["relevant"].tolist() == [6, 5, 6, 5]
    assert completion.loc["JA-001", "submitted_at"] == "2026-12-03T11:10:00+07:00"
    assert completion.loc["JA-001", "started_at"] == "2026-12-03T10:40:00+07:00"
    assert pd.isna(completion.loc["JA-002", "submitted_at"])
    assert not completion["bound"].any()


async def test_export_is_pseudonymous_unless_names_are_asked_for(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed_scored_workshop(session_factory)
    names = {name for name, *_ in RESPONDENTS.values()}
    phones = {phone for _, _, phone, *_ in RESPONDENTS.values()}

    anonymous = openpyxl.load_workbook(io.BytesIO(await _workbook(session_factory)))
    assert "roster" not in anonymous.sheetnames
    for sheet in anonymous.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                text = str(value)
                assert not any(name in text for name in names), (sheet.title, value)
                assert not any(phone in text for phone in phones), (sheet.title, value)

    named = _sheets(await _workbook(session_factory, with_names=True))
    roster = named["roster"].set_index("participant")
    assert roster.loc["JA-003", "name"] == "Ir. Bambang O'Neil"
    # pandas reads '+62...' text as a number unless told otherwise; the cell is text.
    phones = pd.read_excel(
        io.BytesIO(await _workbook(session_factory, with_names=True)),
        sheet_name="roster",
        dtype=str,
    ).set_index("participant")["phone"]
    assert phones["JA-001"] == "+6281234567890", "a text cell, as given"
    assert roster.loc["JA-004", "respondent_arena"] == "economic_society"


async def test_text_that_looks_like_a_formula_is_a_text_cell_kept_as_given(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed_scored_workshop(session_factory)
    book = openpyxl.load_workbook(io.BytesIO(await _workbook(session_factory)))
    cells = [cell for row in book["answers"].iter_rows() for cell in row]
    comment = next(c for c in cells if isinstance(c.value, str) and "SUM(A1:A9)" in c.value)
    assert comment.value == "=SUM(A1:A9)", "no apostrophe: an XLSX text cell is never run"
    assert comment.data_type == "s"
    assert not any(c.data_type == "f" for sheet in book.worksheets for r in sheet for c in r)


async def test_several_workshops_are_scored_each_and_pooled(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed_scored_workshop(session_factory)
    await seed_scored_workshop(
        session_factory, code="ID-BA-2026-12-03", province="ID-BA", prefix="BA"
    )
    sheets = _sheets(await _workbook(session_factory))
    scores = sheets["scores"]
    index = scores[scores.level == "index"].set_index("scope")["score"]
    assert index.to_dict() == pytest.approx(
        {"ID-BA-2026-12-03": INDEX, "ID-JA-2026-12-03": INDEX, "ALL": INDEX}
    )
    pooled = scores[(scores.scope == "ALL") & (scores.level == "question")]
    assert pooled.set_index("question_id")["n"].to_dict() == {
        "GP1": 4,
        "GP2": 4,
        "GF1": 2,
        "BA1": 4,
    }
    mean = scores[scores.level == "index_mean_of_workshops"]
    assert mean["score"].tolist() == pytest.approx([INDEX]) and mean["n"].tolist() == [2]

    answers = sheets["answers"]
    bali = answers[answers.workshop == "ID-BA-2026-12-03"]
    assert set(bali["zone"]) == {"Asia/Makassar"}
    assert bali.iloc[0]["answered_at"] == "2026-12-03T11:40:00+08:00"
    assert set(answers.participant) == {"JA-001", "JA-002", "JA-003", "BA-001", "BA-002", "BA-003"}
