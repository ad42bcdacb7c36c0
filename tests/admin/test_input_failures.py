"""Bad files get one clear line naming the file, row or setting, and exit status 2."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main
from bot.roster import reading, spreadsheets
from bot.roster.spreadsheets import MAX_ROWS
from storage.models import AgendaSession, Participant, Workshop
from tests.admin.conftest import Workshops

JAMBI = "ID-JA-2026-12-03"


@pytest.fixture
def cli(
    migrated_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    monkeypatch.delenv("WIPBOT_BOT_USERNAME", raising=False)
    return monkeypatch


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


def refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


async def test_a_csv_field_over_128_kb_is_one_line_naming_where_it_starts(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "big.csv"
    body = "".join(f"Peserta {n};Birokrasi\n" for n in range(9000))
    path.write_text(f'Nama;Arena\nAni;Birokrasi\n"Budi;LSM\n{body}', encoding="utf-8")
    assert await run("participants", "import", str(path), "--workshop", JAMBI) == 2
    line = refused_in_one_line(capsys)
    assert line.startswith(f"Cannot import {path}: line 3: a cell is longer than 128 KB")
    async with session_factory() as session:
        assert (await session.scalars(select(Participant))).all() == []


async def test_an_xlsx_reaching_cell_xfd1048576_is_refused_before_loading(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Nama"
    sheet["B1"] = "Arena"
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(buffer.getvalue()) < 10_000
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    assert await run("participants", "import", str(path), "--workshop", JAMBI) == 2
    line = refused_in_one_line(capsys)
    assert "sheet 'Sheet' reaches cell XFD1048576 (1048576 rows, 16384 columns)" in line


async def test_a_workbook_unpacking_beyond_the_limit_is_refused_before_it_is_opened(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import openpyxl as openpyxl_module

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nama", "Arena"])
    sheet.append(["Ani", "Birokrasi"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    assert len(buffer.getvalue()) < 50_000, "small on disk, 3 MB unpacked"
    path = tmp_path / "padded.xlsx"
    path.write_bytes(buffer.getvalue())
    cli.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    opened: list[object] = []
    cli.setattr(openpyxl_module, "load_workbook", lambda *a, **k: opened.append(a))
    assert await run("participants", "import", str(path), "--workshop", JAMBI) == 2
    line = refused_in_one_line(capsys)
    assert line == (
        f"Cannot import {path}: the workbook unpacks to 3 MB, more than a participant list "
        "needs (2 MB): save only the list."
    )
    assert opened == []


async def test_a_list_of_more_than_20000_rows_is_one_line_and_imports_nothing(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "everyone.csv"
    rows = "".join(f"Peserta {n};Birokrasi;0812{n:08d}\n" for n in range(MAX_ROWS + 20))
    path.write_text("Nama;Arena;HP\n" + rows, encoding="utf-8")
    assert await run("participants", "import", str(path), "--workshop", JAMBI, "--yes") == 2
    line = refused_in_one_line(capsys)
    assert line == (
        f"Cannot import {path}: more than {MAX_ROWS} rows: this is not the list of one "
        "workshop's experts."
    )
    async with session_factory() as session:
        assert (await session.scalars(select(Participant))).all() == []


async def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("Nama;Arena\n" + "Ani;Birokrasi\n" * 200_000, encoding="utf-8")
    cli.setattr(reading, "MAX_FILE_BYTES", 1024 * 1024)
    read: list[Path] = []
    cli.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    assert await run("participants", "import", str(path), "--workshop", JAMBI) == 2
    line = refused_in_one_line(capsys)
    assert line == (
        f"Cannot import {path}: the file is 3 MB, more than a participant list needs (1 MB): "
        "save only the list."
    )
    assert read == []


@pytest.mark.parametrize("nesting", ["yaml", "expression"])
def test_a_deeply_nested_questionnaire_is_a_problem_not_a_recursion_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    nesting: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "deep.yaml"
    if nesting == "yaml":
        path.write_text("sections: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    else:
        relevant = "(" * 5000 + "1 = 1" + ")" * 5000
        path.write_text(
            'id: x\nversion: "1"\ntitle: {id: X}\nsections:\n  - id: s\n    title: {id: S}\n'
            "    questions:\n      - {id: q, type: scale, text: {id: Q}, "
            f'relevant: "{relevant}"}}\n',
            encoding="utf-8",
        )
    assert main(["questionnaire", "validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "RecursionError" not in captured.err
    assert f"{path} nests lists, mappings or brackets too deeply to read" in captured.err


DST_AGENDA = (
    "sessions:\n"
    '  - {kind: opening, title_id: Buka, start: "01:30", end: "02:30"}\n'
    '  - {kind: closing, title_id: Tutup, start: "02:30", end: "04:00"}\n'
)


@pytest.mark.parametrize(
    ("day", "why"),
    [("2026-03-29", "does not exist (the clocks jump forward then)"),
     ("2026-10-25", "happens twice (the clocks go back then)")],
)  # fmt: skip
async def test_an_agenda_time_that_daylight_saving_skips_or_repeats_is_refused(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
    day: str,
    why: str,
) -> None:
    agenda = tmp_path / "agenda.yaml"
    agenda.write_text(DST_AGENDA, encoding="utf-8")
    argv = ["workshop", "create", "--province", "ID-JA", "--date", day]
    assert await run(*argv, "--timezone", "Europe/Amsterdam", "--agenda", str(agenda)) == 2
    line = refused_in_one_line(capsys)
    assert line.startswith(f"{agenda}, line 2: 02:30 on ") and why in line
    async with session_factory() as session:
        assert (await session.scalars(select(Workshop))).all() == []
        assert (await session.scalars(select(AgendaSession))).all() == []


async def test_moving_a_session_into_the_hour_daylight_saving_skips_is_refused(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    agenda = tmp_path / "agenda.yaml"
    agenda.write_text(DST_AGENDA.replace("01:30", "00:30").replace("02:30", "01:30"), "utf-8")
    argv = ["workshop", "create", "--province", "ID-JA", "--date", "2026-03-29", "--code", "NL"]
    assert await run(*argv, "--timezone", "Europe/Amsterdam", "--agenda", str(agenda)) == 0
    capsys.readouterr()
    assert await run("workshop", "move", "NL", "--session", "2", "--to", "02:15") == 2
    assert "--to 02:15: 02:15 on " in refused_in_one_line(capsys)


def test_a_deeply_nested_agenda_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    agenda = tmp_path / "deep.yaml"
    agenda.write_text("sessions: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    argv = ["workshop", "agenda", "ID-JA-2026-12-03", str(agenda)]
    assert main(argv) == 2
    assert "nests lists or mappings too deeply" in refused_in_one_line(capsys)
