"""`wipbot-admin report`: the PDF from the database, and its numbers equal the export's."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main
from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.export import build_export
from bot.services.progress import load_progress_for
from tests.admin.conftest import seed_scored_workshop
from tests.research.pdf_text import page_texts

NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


async def _export_scores(session_factory: async_sessionmaker[AsyncSession]):  # type: ignore[no-untyped-def]
    async with session_factory() as session:
        reports = await load_progress_for(session, QuestionnaireCache(), None, NOW)
    return build_export(reports, generated_at=NOW).sheets["scores"]


async def test_report_writes_a_pdf_whose_numbers_equal_the_xlsx_export(
    tmp_path: Path,
    migrated_db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    await seed_scored_workshop(session_factory)
    await seed_scored_workshop(
        session_factory, code="ID-BA-2026-12-04", province="ID-BA", prefix="BA"
    )
    out = tmp_path / "laporan.pdf"
    assert await asyncio.to_thread(main, ["report", "--all", "--out", str(out)]) == 0
    assert f"Wrote the report on 2 workshop(s) to {out}" in capsys.readouterr().out
    pages = page_texts(out.read_bytes())
    assert len(pages) == 4  # ranking, two provinces, methods

    scores = await _export_scores(session_factory)
    jambi = scores[scores["scope"] == "ID-JA-2026-12-03"].set_index("level", drop=False)
    index = f"{jambi.loc['index', 'score']:.2f}".replace(".", ",")
    assert index == "5,96"
    ranked = re.findall(r"\d (Jambi|Bali) \(ID-..\) ([\d,]+) ", pages[0])
    assert sorted(ranked) == [("Bali", index), ("Jambi", index)]
    page = next(p for p in pages if "(ID-JA)" in p.splitlines()[0])
    arenas = jambi[jambi["level"] == "arena"].set_index("arena")["score"]
    for arena, label in (("government", "Pemerintah"), ("bureaucracy", "Birokrasi")):
        printed = f"{arenas[arena]:.2f}".replace(".", ",")
        assert re.search(rf"^{label} {printed} ", page, re.MULTILINE), (label, printed)
    principles = jambi[jambi["level"] == "principle"].set_index("principle")["score"]
    printed = f"{principles['accountability']:.2f}".replace(".", ",")
    assert re.search(rf"^Akuntabilitas {printed} ", page, re.MULTILINE)
    assert "2 dari 4 peserta mengirim, 1 sedang mengisi, 1 belum mulai" in page

    english = tmp_path / "report-en"
    argv = ["report", "--workshop", "ID-JA-2026-12-03", "--out", str(english), "--lang", "en"]
    assert await asyncio.to_thread(main, argv) == 0
    pages = page_texts((tmp_path / "report-en.pdf").read_bytes())
    assert len(pages) == 3
    assert "Jambi (ID-JA) 5.96 " in pages[0]
    assert "2 of 4 participants submitted" in pages[1]


async def test_report_with_a_broken_weights_file_says_so_in_one_line_and_writes_nothing(
    tmp_path: Path,
    migrated_db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    await seed_scored_workshop(session_factory)
    weights = tmp_path / "bobot.yaml"
    weights.write_text("arenas: {government: 2}\nprinciples: {}\n", encoding="utf-8")
    out = tmp_path / "laporan.pdf"
    argv = ["report", "--all", "--out", str(out), "--weights", str(weights)]
    assert await asyncio.to_thread(main, argv) == 2
    error = capsys.readouterr().err
    assert error == f"{weights}: arenas: the weight of 'bureaucracy' is missing\n"
    assert not out.exists()
    assert await asyncio.to_thread(main, ["report", "--workshop", "ID-XX", "--out", str(out)]) == 2
    assert "No workshop 'ID-XX'" in capsys.readouterr().err
    assert (
        await asyncio.to_thread(main, ["report", "--all", "--out", str(out), "--resamples", "0"])
        == 2
    )
    assert capsys.readouterr().err == "--resamples must be 1 or more, not 0.\n"
    assert not out.exists()


async def test_report_uses_the_weights_file_it_is_given(
    tmp_path: Path,
    migrated_db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.questionnaire.scoring import Weights
    from bot.research.weights import weights_yaml

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    await seed_scored_workshop(session_factory)
    weights = tmp_path / "sama.yaml"
    weights.write_text(weights_yaml(Weights.equal()), encoding="utf-8")
    out = tmp_path / "laporan.pdf"
    argv = ["report", "--all", "--out", str(out), "--weights", str(weights), "--lang", "en"]
    assert await asyncio.to_thread(main, argv) == 0
    first, *_, methods = page_texts(out.read_bytes())
    # Equal weights: government participation (7 + 6.625) / 2 = 6.8125, fairness 6, so
    # government 6.40625; with bureaucracy 5.5 the index is 5.953125; the "equal weights"
    # column says the same.
    assert re.search(r"Jambi \(ID-JA\) 5\.95 [\d.]+–[\d.]+ .* 5\.95 ", first.replace("\n", " "))
    assert "Weights from: sama.yaml" in methods
