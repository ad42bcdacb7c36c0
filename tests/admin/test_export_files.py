"""`wipbot-admin export`: the files it writes open in the tools researchers use."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main
from tests.admin.conftest import seed_scored_workshop

SHEETS = ["tentang", "completion", "answers", "responses", "scores", "matrix", "heatmap"]
# After them, for researchers (bot/reports/research_frames.py).
SHEETS += ["paradata", "flags", "flag_rules", "agreement", "items"]


@pytest.fixture
def cli_env(tmp_path: Path, migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Runs the admin script against the test database from an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    return tmp_path


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


def check_heatmap(png: bytes) -> None:
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    assert image.width > 800 and image.height > 400
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50, "cells, text and a colour bar"
    reds_and_greens = {(r, g, b) for _, (r, g, b) in colours if abs(r - g) > 80 and b < 120}
    assert reds_and_greens, "the 1-10 scale is drawn in colour"


async def test_xlsx_export_writes_a_workbook_every_tool_reads_and_a_png_beside_it(
    cli_env: Path,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed_scored_workshop(session_factory)
    assert await run("export", "--workshop", "ID-JA-2026-12-03", "--out", "out/results.xlsx") == 0
    printed = capsys.readouterr().out
    assert "Exported 1 workshop(s), 4 participant(s) (pseudonymous)" in printed

    workbook = cli_env / "out" / "results.xlsx"
    picture = cli_env / "out" / "results.png"
    assert "out/results.xlsx" in printed and "out/results.png" in printed
    frames = pd.read_excel(workbook, sheet_name=None)
    assert list(frames) == SHEETS
    assert all(len(name) <= 31 for name in frames)
    assert len(frames["answers"]) == 16
    assert len(frames["responses"]) == 4 and len(frames["completion"]) == 4
    assert set(frames["scores"]["level"]) == {"question", "cell", "arena", "principle", "index"}
    assert len(frames["matrix"]) == 5
    assert frames["tentang"]["item"].str.contains("nama").any()

    book = openpyxl.load_workbook(workbook)
    images = book["heatmap"]._images  # openpyxl keeps embedded pictures here
    assert len(images) == 1
    check_heatmap(images[0]._data())
    assert book["answers"].freeze_panes == "A2"
    check_heatmap(picture.read_bytes())


async def test_csv_export_writes_a_folder_of_utf8_csv_files_and_heatmap_png(
    cli_env: Path,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed_scored_workshop(session_factory)
    assert await run("export", "--all", "--out", "hasil", "--format", "csv", "--with-names") == 0
    assert "with names" in capsys.readouterr().out
    folder = cli_env / "hasil"
    names = sorted(path.name for path in folder.iterdir())
    assert names == sorted(
        [*(f"{s}.csv" for s in SHEETS if s != "heatmap"), "roster.csv", "heatmap.png"]
    )
    raw = (folder / "roster.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    roster = pd.read_csv(folder / "roster.csv", encoding="utf-8-sig")
    assert "Ir. Bambang O'Neil" in roster["name"].tolist()
    answers = pd.read_csv(folder / "answers.csv", encoding="utf-8-sig")
    assert len(answers) == 16
    assert "'=SUM(A1:A9)" in answers["value"].tolist()
    check_heatmap((folder / "heatmap.png").read_bytes())


async def test_export_refuses_unknown_workshops_and_a_file_as_csv_folder(
    cli_env: Path,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed_scored_workshop(session_factory)
    assert await run("export", "--workshop", "ID-XX", "--out", "x.xlsx") == 2
    assert "No workshop 'ID-XX'" in capsys.readouterr().err
    (cli_env / "taken").write_text("not a folder")
    assert await run("export", "--all", "--out", "taken", "--format", "csv") == 2
    assert "is a file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        await run("export", "--out", "x.xlsx")  # neither --workshop nor --all
