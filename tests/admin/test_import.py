"""Participant list import: messy CSV and XLSX files written inline, then the database."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main
from bot.invites import ALPHABET, CODE_LENGTH
from bot.roster.identity import normalise_phone
from bot.roster.reading import (
    ImportFileError,
    ParsedList,
    parse_arena,
    read_participant_list,
)
from bot.roster.writing import import_participants
from storage.models import Participant, Workshop
from tests.admin.conftest import NOW, Workshops

# Indonesian Excel's "CSV": semicolons, a BOM, CRLF, a row-number column, titles with
# commas, doubled quotes, blank lines (one of bare semicolons), arena spellings in both
# languages and any case, phone numbers written every way, two bad rows.
MESSY_CSV = (
    "\ufeffNo;Nama Lengkap;Instansi;Jabatan;Arena;Kategori;No. HP;E-mail;Bahasa\r\n"
    '1;"Dr. Hj. Siti Aminah, M.Si.";DPRD Provinsi Jambi;Ketua Komisi I;Pemerintahan;'
    "Pengambil keputusan;0812-3456-7890; Siti.Aminah@Example.id ;Indonesia\r\n"
    "2;Ir. Bambang O'Neil;Bappeda Provinsi Jambi;Kepala Bidang;BIROKRASI;Birokrat;"
    "+62 813 1111 2222;;\r\n"
    "\r\n"
    '3;"Rina ""Ina"" Wati, S.H.";LSM Lestari;Direktur;LSM;Masyarakat sipil;8577.123.4567;;'
    "English\r\n"
    ";;;;;;;;\r\n"
    "4;Budi Santoso;Kadin Jambi;Ketua;Dunia usaha;Asosiasi;12345;;\r\n"
    "5;Ni Luh Putu Ayu Śrīwati;Kamar Dagang;Wakil Ketua;Economic Society;;(0741) 123-456;;\r\n"
    "6;Ahmad Zulkifli;Universitas Jambi;Dosen;Masyarakat Sipil;Akademisi;6281299998888;;\r\n"
    '7;"Hj. Nur\'aini ""Ani""";Dinas PU;Sekretaris;Pemerintah / DPRD;;;nur@example.id;\r\n'
    "8;;Harian Jambi;Redaktur;Pers;;;;\r\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def by_row(parsed: ParsedList) -> dict[int, dict[str, object]]:
    return {item.row: {**vars_of(item.profile), "key": item.import_key} for item in parsed.rows}


def vars_of(profile: object) -> dict[str, object]:
    fields = ("name", "arena", "category", "organisation", "position", "phone", "email")
    return {name: getattr(profile, name) for name in (*fields, "language")}


def test_messy_semicolon_csv_reads_every_field_and_reports_bad_rows_by_spreadsheet_row(
    tmp_path: Path,
) -> None:
    parsed = read_participant_list(write(tmp_path, "peserta.csv", MESSY_CSV))

    assert by_row(parsed) == {
        2: {
            "name": "Dr. Hj. Siti Aminah, M.Si.",
            "arena": "government",
            "category": "Pengambil keputusan",
            "organisation": "DPRD Provinsi Jambi",
            "position": "Ketua Komisi I",
            "phone": "+6281234567890",
            "email": "Siti.Aminah@Example.id",
            "language": "id",
            "key": "phone:+6281234567890",
        },
        3: {
            "name": "Ir. Bambang O'Neil",
            "arena": "bureaucracy",
            "category": "Birokrat",
            "organisation": "Bappeda Provinsi Jambi",
            "position": "Kepala Bidang",
            "phone": "+6281311112222",
            "email": None,
            "language": "id",
            "key": "phone:+6281311112222",
        },
        5: {
            "name": 'Rina "Ina" Wati, S.H.',
            "arena": "civil_society",
            "category": "Masyarakat sipil",
            "organisation": "LSM Lestari",
            "position": "Direktur",
            "phone": "+6285771234567",
            "email": None,
            "language": "en",
            "key": "phone:+6285771234567",
        },
        8: {
            "name": "Ni Luh Putu Ayu Śrīwati",
            "arena": "economic_society",
            "category": None,
            "organisation": "Kamar Dagang",
            "position": "Wakil Ketua",
            "phone": "+62741123456",
            "email": None,
            "language": "id",
            "key": "phone:+62741123456",
        },
        9: {
            "name": "Ahmad Zulkifli",
            "arena": "civil_society",
            "category": "Akademisi",
            "organisation": "Universitas Jambi",
            "position": "Dosen",
            "phone": "+6281299998888",
            "email": None,
            "language": "id",
            "key": "phone:+6281299998888",
        },
        10: {
            "name": 'Hj. Nur\'aini "Ani"',
            "arena": "government",
            "category": None,
            "organisation": "Dinas PU",
            "position": "Sekretaris",
            "phone": None,
            "email": "nur@example.id",
            "language": "id",
            "key": "email:nur@example.id",
        },
    }
    assert [str(p) for p in parsed.problems] == [
        "[row 7] No. HP: '12345' is not an Indonesian phone number",
        "[row 11] Nama Lengkap: the name is empty",
        "[row 11] Arena: unknown arena 'Pers' (use Pemerintah, Birokrasi, Masyarakat Sipil or "
        "Dunia Usaha)",
    ]
    assert parsed.warnings == ("column 'No' is not used",)
    assert parsed.columns["phone"] == "No. HP" and parsed.columns["email"] == "E-mail"


def test_comma_csv_without_bom_with_quoted_commas_and_a_title_row(tmp_path: Path) -> None:
    content = (
        "Daftar Peserta Lokakarya IGI Jambi 2026\n"
        "\n"
        "Name,Organization,Position,Sector,Category,Phone,Email,Language\n"
        '"Prof. Dr. Ir. H. Johni Najwan, S.H., M.H.","Universitas Jambi, Fakultas Hukum",'
        "Guru Besar,Civil Society,Academic,+62 (0)812 7000 1111,,id\n"
        "\n"
        '"Sjafril, S.E.",Swasta,Direktur,Swasta,,"0812 7000 2222 / 0813 1234 5678",,\n'
    )
    parsed = read_participant_list(write(tmp_path, "participants.csv", content))
    assert parsed.ok
    assert by_row(parsed) == {
        4: {
            "name": "Prof. Dr. Ir. H. Johni Najwan, S.H., M.H.",
            "arena": "civil_society",
            "category": "Academic",
            "organisation": "Universitas Jambi, Fakultas Hukum",
            "position": "Guru Besar",
            "phone": "+6281270001111",
            "email": None,
            "language": "id",
            "key": "phone:+6281270001111",
        },
        6: {
            "name": "Sjafril, S.E.",
            "arena": "economic_society",
            "category": None,
            "organisation": "Swasta",
            "position": "Direktur",
            "phone": "+6281270002222",
            "email": None,
            "language": "id",
            "key": "phone:+6281270002222",
        },
    }


def test_windows_1252_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    content = "Nama;Arena;HP\r\nNur’aini José;Birokrasi;0812 1111 3333\r\n".encode("cp1252")
    parsed = read_participant_list(write(tmp_path, "lama.csv", content))
    assert [item.profile.name for item in parsed.rows] == ["Nur’aini José"]
    assert any("not UTF-8" in warning and "cp1252" in warning for warning in parsed.warnings)


def test_xlsx_reads_the_peserta_sheet_with_numeric_phones_and_blank_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    info = book.active
    assert info is not None
    info.title = "Info"
    info["A1"] = "Lokakarya IGI Jambi"
    sheet = book.create_sheet("Peserta")
    sheet.append(["NAMA", " Sektor ", "Lembaga", "No HP", "Email", "Kategori"])
    sheet.append(["Dr. Hj. Siti Aminah, M.Si.", "pemerintah", "DPRD", 81234567890, None, None])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Đặng Văn Minh", "CSO", "LSM Hijau", "+62-811-222-333", "dang@lsm.id", "LSM"])
    sheet.append(["Tanpa Arena", None, "Dinas", 6281300001111.0, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = read_participant_list(write(tmp_path, "peserta.xlsx", buffer.getvalue()))

    assert by_row(parsed) == {
        2: {
            "name": "Dr. Hj. Siti Aminah, M.Si.",
            "arena": "government",
            "category": None,
            "organisation": "DPRD",
            "position": None,
            "phone": "+6281234567890",
            "email": None,
            "language": "id",
            "key": "phone:+6281234567890",
        },
        4: {
            "name": "Đặng Văn Minh",
            "arena": "civil_society",
            "category": "LSM",
            "organisation": "LSM Hijau",
            "position": None,
            "phone": "+62811222333",
            "email": "dang@lsm.id",
            "language": "id",
            "key": "phone:+62811222333",
        },
    }
    assert [str(p) for p in parsed.problems] == ["[row 5] Sektor: the arena is empty"]
    assert "read sheet 'Peserta'" in parsed.warnings


def test_the_same_person_twice_in_one_file_is_a_row_problem(tmp_path: Path) -> None:
    content = "Nama,Arena,HP\nAni,Birokrasi,0812 1111 2222\nAni W.,Birokrasi,+6281211112222\n"
    parsed = read_participant_list(write(tmp_path, "dup.csv", content))
    assert [str(p) for p in parsed.problems] == ["[row 3] same person as row 2 (same phone number)"]


def test_files_without_the_needed_columns_are_refused_whole(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no header row with a name column"):
        read_participant_list(write(tmp_path, "a.csv", "Foo;Bar\n1;2\n"))
    with pytest.raises(ImportFileError, match="missing column"):
        read_participant_list(write(tmp_path, "b.csv", "Nama;HP\nAni;0812 1111 2222\n"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 812.3456.7890", "+6281234567890"),
        ("+62 (0) 812 3456 7890", "+6281234567890"),
        ("(0741) 60 12 34", "+62741601234"),
        ("12345", None),
        ("+1 202 555 0100", None),
        ("0812", None),
        ("nomor hp", None),
    ],
)
def test_phone_numbers_are_normalised_to_plus_62(text: str, expected: str | None) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "arena"),
    [
        ("Pemerintah", "government"),
        ("PEMERINTAHAN", "government"),
        ("Government", "government"),
        ("Pemerintah / DPRD", "government"),
        ("birokrasi", "bureaucracy"),
        ("Bureaucracy", "bureaucracy"),
        ("Masyarakat Sipil", "civil_society"),
        ("civil society", "civil_society"),
        ("CSO", "civil_society"),
        ("LSM/Ormas", "civil_society"),
        ("Dunia Usaha", "economic_society"),
        ("Masyarakat Ekonomi", "economic_society"),
        ("swasta", "economic_society"),
        ("Business", "economic_society"),
        ("economic_society", "economic_society"),
        ("Pers", None),
    ],
)
def test_arena_spellings(text: str, arena: str | None) -> None:
    found = parse_arena(text)
    assert (found.value if found else None) == arena


async def _participants(
    session_factory: async_sessionmaker[AsyncSession], workshop_id: int
) -> list[Participant]:
    async with session_factory() as session:
        rows = await session.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop_id)
            .order_by(Participant.id)
        )
        return list(rows.all())


async def _import(
    session_factory: async_sessionmaker[AsyncSession], workshop_id: int, parsed: ParsedList
) -> list[tuple[str, str, bool]]:
    async with session_factory.begin() as session:
        workshop = await session.get(Workshop, workshop_id)
        assert workshop is not None
        imported = await import_participants(session, workshop, parsed.rows, NOW)
    return [(item.pseudonym, item.invite_code, item.created) for item in imported]


async def test_reimport_updates_instead_of_duplicating_and_keeps_codes_and_pseudonyms(
    tmp_path: Path, session_factory: async_sessionmaker[AsyncSession], workshops: Workshops
) -> None:
    parsed = read_participant_list(write(tmp_path, "peserta.csv", MESSY_CSV))
    first = await _import(session_factory, workshops.jambi, parsed)
    # The province's first numbers, dealt out in random order (not the file's).
    assert sorted(p for p, _, _ in first) == [f"JA-00{n}" for n in range(1, 7)]
    assert all(created for _, _, created in first)
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for _, code, _ in first)
    assert len({code for _, code, _ in first}) == 6

    # A corrected list: a new position for Siti, a new person; same file otherwise.
    corrected = MESSY_CSV.replace("Ketua Komisi I", "Wakil Ketua DPRD") + (
        "9;Yusuf Kalla;Kadin Jambi;Anggota;Dunia Usaha;;0813 9999 0000;;\r\n"
    )
    second = await _import(
        session_factory,
        workshops.jambi,
        read_participant_list(write(tmp_path, "v2.csv", corrected)),
    )
    assert second[:6] == [(p, code, False) for p, code, _ in first]
    assert second[6][0] == "JA-007" and second[6][2]

    stored = await _participants(session_factory, workshops.jambi)
    assert len(stored) == 7
    siti = next(p for p in stored if p.name.startswith("Dr. Hj. Siti"))
    assert siti.position == "Wakil Ketua DPRD"
    assert siti.name == "Dr. Hj. Siti Aminah, M.Si."
    assert siti.import_key == "phone:+6281234567890"

    # The province's numbering continues in its next workshop; Bali starts its own.
    other = read_participant_list(write(tmp_path, "2027.csv", "Nama;Arena\nAni;Birokrasi\n"))
    assert [p for p, _, _ in await _import(session_factory, workshops.jambi_next_year, other)] == [
        "JA-008"
    ]
    assert [p for p, _, _ in await _import(session_factory, workshops.bali, other)] == ["BA-001"]


async def test_cli_imports_nothing_with_invalid_rows_unless_told_to_skip_them(
    tmp_path: Path,
    migrated_db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    workshops: Workshops,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    monkeypatch.delenv("WIPBOT_BOT_USERNAME", raising=False)
    path = str(write(tmp_path, "peserta.csv", MESSY_CSV))

    argv = ["participants", "import", path, "--workshop", "ID-JA-2026-12-03"]
    assert await asyncio.to_thread(main, argv) == 2
    refused = capsys.readouterr()
    assert "[row 7] No. HP: '12345' is not an Indonesian phone number" in refused.err
    assert "2 invalid row(s); nothing was imported" in refused.err
    assert await _participants(session_factory, workshops.jambi) == []

    argv += ["--skip-invalid", "--bot-username", "@wipbot_jambi_bot"]
    assert await asyncio.to_thread(main, argv) == 0
    done = capsys.readouterr()
    stored = await _participants(session_factory, workshops.jambi)
    assert len(stored) == 6
    for participant in stored:
        assert participant.pseudonym in done.out
        assert f"https://t.me/wipbot_jambi_bot?start={participant.invite_code}" in done.out
    assert "6 new, 0 updated" in done.out

    # By numeric id, twice more: no duplicates; without a username, codes and a hint.
    again = ["participants", "import", path, "--workshop", str(workshops.jambi), "--skip-invalid"]
    assert await asyncio.to_thread(main, again) == 0
    assert await asyncio.to_thread(main, again) == 0
    repeated = capsys.readouterr()
    assert "0 new, 6 updated" in repeated.out
    assert "WIPBOT_BOT_USERNAME" in repeated.err
    assert len(await _participants(session_factory, workshops.jambi)) == 6

    assert (
        await asyncio.to_thread(main, ["participants", "list", "--workshop", "id-ja-2026-12-03"])
        == 0
    )
    listing = capsys.readouterr().out
    assert "Dr. Hj. Siti Aminah, M.Si." in listing
    assert listing.count("not bound") == 6
    assert "0 submitted, 0 in progress, 6 not started, of 6." in listing

    assert await asyncio.to_thread(main, ["participants", "list", "--workshop", "ID-XX-1"]) == 2
    assert "No workshop 'ID-XX-1'" in capsys.readouterr().err
