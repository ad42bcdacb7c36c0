"""Re-imports match people by identity, report every row, and refuse what is ambiguous."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main
from bot.roster.identity import bare_name
from bot.roster.reading import read_participant_list
from bot.roster.writing import apply_plan, plan_import
from storage.models import Participant, Workshop
from tests.admin.conftest import NOW, Workshops

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


async def people(factory: async_sessionmaker[AsyncSession], workshop_id: int) -> list[Participant]:
    async with factory() as session:
        rows = await session.scalars(
            select(Participant).where(Participant.workshop_id == workshop_id).order_by("id")
        )
        return list(rows.all())


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


FIRST = "Nama;Arena\nSiti Aminah;Pemerintah\nBambang Wijaya;Birokrasi\nRina Wati;LSM\n"
# The same three: phones and e-mail added, titles and degrees added, case changed.
SECOND = (
    "Nama;Arena;No HP;Email\n"
    "Dr. Hj. Siti Aminah, M.Si.;Pemerintah;0812-3456-7890;\n"
    "Ir. BAMBANG WIJAYA S.E.;Birokrasi;;Bambang@Bappeda.go.id\n"
    "rina wati;LSM;+62 813 1111 2222;\n"
    "Yusuf Kalla;Dunia Usaha;0813 9999 0000;\n"
)


@pytest.mark.parametrize(
    ("written", "bare"),
    [
        ("Dr. Hj. Siti Aminah, M.Si.", "siti aminah"),
        ("Ir. BAMBANG WIJAYA S.E.", "bambang wijaya"),
        ("Prof. Dr. Ir. H. Joko Susilo, M.Sc., Ph.D.", "joko susilo"),
        ("Ir. Bambang O'Neil", "bambang oneil"),
        ("H.", "h"),
    ],
)
def test_bare_names_lose_titles_degrees_case_and_punctuation(written: str, bare: str) -> None:
    assert bare_name(written) == bare


async def test_reimport_with_phones_and_titles_added_updates_everyone_and_reports_each_row(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        await run("participants", "import", write(tmp_path, "a.csv", FIRST), "--workshop", JAMBI)
        == 0
    )
    before = {
        p.id: (p.pseudonym, p.invite_code) for p in await people(session_factory, workshops.jambi)
    }
    capsys.readouterr()
    assert (
        await run("participants", "import", write(tmp_path, "b.csv", SECOND), "--workshop", JAMBI)
        == 0
    )
    out = capsys.readouterr().out
    after = await people(session_factory, workshops.jambi)
    assert len(after) == 4
    assert {p.id: (p.pseudonym, p.invite_code) for p in after[:3]} == before
    assert after[0].name == "Dr. Hj. Siti Aminah, M.Si." and after[0].phone == "+6281234567890"
    assert after[1].email == "Bambang@Bappeda.go.id"
    assert after[1].import_key == "email:bambang@bappeda.go.id"
    assert "1 new, 3 updated, 0 row(s) skipped." in out
    for row, pseudonym in (
        (2, after[0].pseudonym),
        (3, after[1].pseudonym),
        (4, after[2].pseudonym),
    ):
        assert f"│ {row}   │ {pseudonym}" in out or f"│ {row} │ {pseudonym}" in out
    assert out.count("updated (name)") == 3


async def test_a_row_matching_two_people_is_refused_and_nothing_changes(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    listed = (
        "Nama;Arena;HP\nAni Lestari;Birokrasi;0812 1111 2222\nBudi Santoso;LSM;0812 3333 4444\n"
    )
    assert (
        await run("participants", "import", write(tmp_path, "a.csv", listed), "--workshop", JAMBI)
        == 0
    )
    capsys.readouterr()
    # Ani's name with Budi's phone, and a Budi Santoso with a third number.
    muddled = (
        "Nama;Arena;HP\n"
        "Ani Lestari;Birokrasi;0812 3333 4444\n"
        "Budi Santoso, S.E.;LSM;0812 5555 6666\n"
    )
    path = write(tmp_path, "b.csv", muddled)
    assert await run("participants", "import", path, "--workshop", JAMBI) == 2
    err = capsys.readouterr().err
    stored = await people(session_factory, workshops.jambi)
    ani, budi = stored
    assert (
        f"[row 2] matches {budi.pseudonym} (by phone) and {ani.pseudonym} (by name, with "
        "another phone number): which one is it? Nothing was changed"
    ) in err
    assert f"[row 3] same name as {budi.pseudonym} but another phone number" in err
    assert "nothing was imported" in err
    assert [(p.name, p.phone) for p in stored] == [
        ("Ani Lestari", "+6281211112222"),
        ("Budi Santoso", "+6281233334444"),
    ]


async def test_the_first_visible_sheet_is_read_unless_another_is_named(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    book = openpyxl.Workbook()
    old = book.active
    assert old is not None
    old.title = "Lama"
    old.append(["Nama", "Arena"])
    old.append(["Orang Lama", "Birokrasi"])
    old.sheet_state = "hidden"
    current = book.create_sheet("Daftar 2026")
    current.append(["Nama", "Arena"])
    current.append(["Orang Baru", "Birokrasi"])
    path = tmp_path / "daftar.xlsx"
    book.save(path)

    parsed = read_participant_list(path)
    assert [row.profile.name for row in parsed.rows] == ["Orang Baru"]
    assert "skipped hidden sheet(s) 'Lama'; pass --sheet NAME to read one" in parsed.warnings
    assert [row.profile.name for row in read_participant_list(path, "lama").rows] == ["Orang Lama"]
    assert (
        await run("participants", "import", str(path), "--workshop", JAMBI, "--sheet", "Nope") == 2
    )
    assert "no sheet 'Nope'; the workbook has 'Lama', 'Daftar 2026'" in capsys.readouterr().err


def test_a_two_row_merged_header_keeps_the_phone_and_email_columns(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["No", "Nama", "Arena", "Kontak", None])
    sheet.append([None, None, None, "No HP", "Email"])
    sheet.append([1, "Siti Aminah", "Pemerintah", "0812 3456 7890", "siti@example.id"])
    sheet.merge_cells("D1:E1")
    for column in "ABC":
        sheet.merge_cells(f"{column}1:{column}2")
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "merged.xlsx"
    path.write_bytes(buffer.getvalue())

    parsed = read_participant_list(path)
    assert parsed.problems == ()
    [row] = parsed.rows
    assert (row.row, row.profile.phone, row.profile.email) == (
        3,
        "+6281234567890",
        "siti@example.id",
    )
    assert any("the header spans rows 1 and 2" in warning for warning in parsed.warnings)


def test_rows_swallowed_by_a_stray_opening_quote_are_reported(tmp_path: Path) -> None:
    text = (
        "Nama;Arena\n"
        "Ani;Birokrasi\n"
        '"Budi Santoso;LSM\n'
        "Citra;Pemerintah\n"
        "Dewi;Pemerintah\n"
        'Eko";Birokrasi\n'
        "Fajar;LSM\n"
    )
    parsed = read_participant_list(write(tmp_path, "quote.csv", text))
    assert [row.profile.name for row in parsed.rows] == ["Ani", "Fajar"]
    [lost] = parsed.problems
    assert lost.row == 3
    assert "lines 3-6 of the file were read as this one cell" in str(lost)


async def test_more_than_500_people_for_one_workshop_needs_yes(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
    workshops: Workshops,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = "".join(f"Peserta Nomor {n};Birokrasi;0812{n:08d}\n" for n in range(1, 502))
    path = write(tmp_path, "big.csv", "Nama;Arena;HP\n" + rows)
    assert await run("participants", "import", path, "--workshop", JAMBI) == 2
    err = capsys.readouterr().err
    assert f"This would give {JAMBI} 501 participants (501 new), more than 500" in err
    assert await people(session_factory, workshops.jambi) == []
    assert await run("participants", "import", path, "--workshop", JAMBI, "--yes") == 0
    assert len(await people(session_factory, workshops.jambi)) == 501


async def test_imports_write_in_short_batches_with_pseudonyms_out_of_file_order(
    session_factory: async_sessionmaker[AsyncSession], workshops: Workshops, tmp_path: Path
) -> None:
    rows = "".join(f"Peserta Nomor {n};Birokrasi\n" for n in range(40))
    parsed = read_participant_list(write(tmp_path, "list.csv", "Nama;Arena\n" + rows))
    async with session_factory() as session:
        workshop = await session.get(Workshop, workshops.jambi)
        assert workshop is not None
        plan = await plan_import(session, workshop, parsed.rows)
    commits: list[int] = []
    engine = session_factory.kw["bind"].sync_engine
    listener = lambda _connection: commits.append(1)  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        done = await apply_plan(session_factory, plan, NOW, batch_size=15)
    finally:
        event.remove(engine, "commit", listener)
    assert len(commits) == 3  # 15 + 15 + 10 rows
    assert [item.row for item in done] == list(range(2, 42))
    numbers = [int(item.pseudonym.removeprefix("JA-")) for item in done]
    assert sorted(numbers) == list(range(1, 41))
    assert numbers != sorted(numbers)  # 1 chance in 40! of failing by luck
