"""Reading the organisers' participant lists (CSV or XLSX) and importing them into a workshop.

Reading is a pipeline, like the questionnaire loader: bytes -> raw table (every physical
row kept, so problems carry the row number the organiser sees in the spreadsheet, the
header being row 1 of a plain list) -> typed rows and problems -> database.

Columns are found by name (case, spacing and punctuation ignored) in Indonesian or
English. Indonesian Excel saves CSV with semicolons, other tools with commas; the
delimiter that makes the header recognisable wins. A title above the header (common in
real lists) is tolerated: the header is the first of the top rows with a name column.

Re-importing a corrected list never duplicates anyone: each row gets an import key,

    phone:<normalised phone>   if the row has a phone number, else
    email:<casefolded e-mail>  if it has an e-mail address, else
    name:<casefolded name, whitespace collapsed>,

and the workshop's participant with the same key is updated (keeping their invite code,
pseudonym and Telegram binding) instead of a new one being created. A person whose
phone number changes between two imports therefore becomes a new participant.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.invites import new_invite_code
from bot.questionnaire.model import Arena
from storage.models import Language, Participant, Workshop
from storage.repositories import participants as participant_repo
from storage.repositories.participants import ParticipantProfile

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SHEET_NAMES = ("peserta", "participants")
HEADER_SEARCH_ROWS = 10
"""How many top rows may hold a title before the header row."""

IMPORT_KEY_LENGTH = 128  # storage.models.Participant.import_key


class Column(StrEnum):
    """The participant fields a list can provide."""

    NAME = "name"
    ARENA = "arena"
    CATEGORY = "category"
    ORGANISATION = "organisation"
    POSITION = "position"
    PHONE = "phone"
    EMAIL = "email"
    LANGUAGE = "language"


REQUIRED_COLUMNS = (Column.NAME, Column.ARENA)

# Header spellings after `_header_key` (lower case, punctuation as spaces, single spaces).
HEADER_ALIASES: dict[Column, tuple[str, ...]] = {
    Column.NAME: ("nama", "name", "nama lengkap", "full name", "nama peserta", "peserta"),
    Column.ARENA: ("arena", "sektor", "sector", "unsur", "arena sektor"),
    Column.CATEGORY: ("kategori", "category", "kategori peserta"),
    Column.ORGANISATION: (
        "instansi",
        "lembaga",
        "organisasi",
        "organisation",
        "organization",
        "instansi lembaga",
        "asal instansi",
        "asal lembaga",
        "institution",
    ),
    Column.POSITION: ("jabatan", "position", "job title"),
    Column.PHONE: (
        "no hp",
        "nomor hp",
        "no hp wa",
        "nomor hp wa",
        "hp",
        "hp wa",
        "telepon",
        "no telepon",
        "nomor telepon",
        "telp",
        "no telp",
        "phone",
        "phone number",
        "mobile",
        "whatsapp",
        "no wa",
        "nomor wa",
    ),
    Column.EMAIL: ("email", "e mail", "alamat email", "alamat e mail", "surel"),
    Column.LANGUAGE: ("bahasa", "language"),
}
_HEADER_LOOKUP = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}

# Arena spellings after `_value_key`; the keys themselves and IGI's letters work too.
ARENA_ALIASES: dict[str, Arena] = {
    **{
        spelling: Arena.GOVERNMENT
        for spelling in (
            "pemerintah",
            "pemerintahan",
            "government",
            "pejabat politik",
            "pemerintah pejabat politik",
            "pemerintah dprd",
            "dprd",
            "political office",
            "g",
        )
    },
    **{
        spelling: Arena.BUREAUCRACY
        for spelling in ("birokrasi", "bureaucracy", "birokrat", "skpd", "opd", "b")
    },
    **{
        spelling: Arena.CIVIL_SOCIETY
        for spelling in (
            "masyarakat sipil",
            "civil society",
            "cso",
            "csos",
            "lsm",
            "ngo",
            "ormas",
            "masyarakat madani",
            "c",
        )
    },
    **{
        spelling: Arena.ECONOMIC_SOCIETY
        for spelling in (
            "dunia usaha",
            "masyarakat ekonomi",
            "swasta",
            "sektor swasta",
            "business",
            "economic society",
            "private sector",
            "pengusaha",
            "e",
        )
    },
    **{arena.value.replace("_", " "): arena for arena in Arena},
}

LANGUAGE_ALIASES: dict[str, Language] = {
    "id": Language.ID,
    "ind": Language.ID,
    "indonesia": Language.ID,
    "bahasa indonesia": Language.ID,
    "indonesian": Language.ID,
    "en": Language.EN,
    "eng": Language.EN,
    "english": Language.EN,
    "inggris": Language.EN,
    "bahasa inggris": Language.EN,
}

_PHONE_JUNK = re.compile(r"[\s.\-()/]+")
_PHONE_SPLIT = re.compile(r"\s*(?:[/;,]|\bdan\b|\batau\b|\bor\b)\s*")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Indonesian numbers after the country code: 8 to 12 digits, never starting with 0.
_NATIONAL_NUMBER = re.compile(r"^[1-9]\d{7,11}$")


class ImportFileError(Exception):
    """The file as a whole cannot be read as a participant list (nothing is imported)."""


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be imported, with its spreadsheet row number."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f" {self.column}:" if self.column else ""
        return f"[row {self.row}]{where} {self.message}"


@dataclass(frozen=True)
class ImportRow:
    """One valid participant row."""

    row: int
    profile: ParticipantProfile
    import_key: str


@dataclass(frozen=True)
class RawTable:
    """The file's cells as text: the header row and the rows below it, with row numbers."""

    header_row: int
    headers: tuple[str, ...]
    frame: pd.DataFrame  # one column per header position plus "row"; cells are str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedList:
    """A participant list read and checked: valid rows, problem rows and warnings."""

    rows: tuple[ImportRow, ...]
    problems: tuple[RowProblem, ...]
    warnings: tuple[str, ...]
    columns: dict[Column, str]  # field -> header as written in the file

    @property
    def ok(self) -> bool:
        """Tells whether every non-blank row is valid."""
        return not self.problems

    def frame(self) -> pd.DataFrame:
        """The valid rows as a table (row, import_key and the profile fields)."""
        return pd.DataFrame(
            [
                {
                    "row": item.row,
                    "import_key": item.import_key,
                    "name": item.profile.name,
                    "arena": item.profile.arena,
                    "category": item.profile.category,
                    "organisation": item.profile.organisation,
                    "position": item.profile.position,
                    "phone": item.profile.phone,
                    "email": item.profile.email,
                    "language": item.profile.language,
                }
                for item in self.rows
            ]
        )


@dataclass(frozen=True)
class ImportedParticipant:
    """A participant after the import, with what to hand them."""

    row: int
    participant_id: int
    pseudonym: str
    invite_code: str
    name: str
    arena: str | None
    created: bool


# --- reading -----------------------------------------------------------------------------


def read_participant_list(path: str | Path) -> ParsedList:
    """Reads and checks a CSV or XLSX participant list; raises ImportFileError if unusable."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_participant_list(read_table(data, path.name))


def read_table(data: bytes, filename: str) -> RawTable:
    """Reads the cells of a CSV or XLSX file, by extension (CSV when unsure)."""
    suffix = Path(filename).suffix.lower()
    if suffix in XLSX_SUFFIXES or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if suffix == ".xls":
        raise ImportFileError("old .xls workbooks are not supported: save as .xlsx or CSV")
    return _read_csv(data)


def _read_csv(data: bytes) -> RawTable:
    text, warnings = _decode(data)
    lines = text.splitlines()
    best: tuple[int, int, str] | None = None
    for delimiter in (";", ",", "\t"):
        rows = list(csv.reader(io.StringIO("\n".join(lines[:50])), delimiter=delimiter))
        found = _find_header(rows)
        score = (len(found[1]), -found[0]) if found else (0, 0)
        if best is None or score > best[:2]:
            best = (*score, delimiter)
    assert best is not None
    delimiter = best[2]
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _raw_table(rows, warnings)


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, [
            f"the file is not UTF-8; read it as {encoding} (Windows/Latin-1). Check accented "
            "names below, or save the file as 'CSV UTF-8' next time."
        ]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _read_xlsx(data: bytes) -> RawTable:
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(f"not a readable XLSX workbook: {exc}") from None
    names = [str(name) for name in book.sheet_names]
    sheet = next((n for n in names if n.strip().casefold() in SHEET_NAMES), names[0])
    frame = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    rows = [[_cell_text(value) for value in record] for record in frame.itertuples(index=False)]
    warnings = [f"read sheet {sheet!r}"] if len(names) > 1 else []
    return _raw_table(rows, warnings)


def _cell_text(value: Any) -> str:
    """Spreadsheet cell -> text; whole floats (phone numbers Excel made numeric) lose '.0'."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _raw_table(rows: list[list[str]], warnings: list[str]) -> RawTable:
    found = _find_header(rows)
    if found is None:
        raise ImportFileError(
            "no header row with a name column (Nama / Name / Nama Lengkap) in the first "
            f"{HEADER_SEARCH_ROWS} rows"
        )
    header_index, _ = found
    width = max(len(row) for row in rows[header_index:])
    headers = tuple(_pad(rows[header_index], width))
    body = [
        [*_pad(row, width), str(number)]
        for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2)
    ]
    frame = pd.DataFrame(body, columns=[*range(width), "row"], dtype=object)
    return RawTable(header_index + 1, headers, frame, tuple(warnings))


def _pad(row: Sequence[str], width: int) -> list[str]:
    return [*row, *[""] * (width - len(row))]


def _find_header(rows: Sequence[Sequence[str]]) -> tuple[int, dict[Column, int]] | None:
    """Returns the index of the first top row naming a name column, and its columns."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[Column, int] = {}
        for position, header in enumerate(row):
            column = _HEADER_LOOKUP.get(_header_key(header))
            if column is not None and column not in columns:
                columns[column] = position
        if Column.NAME in columns:
            return index, columns
    return None


# --- checking ----------------------------------------------------------------------------


def parse_participant_list(table: RawTable) -> ParsedList:
    """Checks every non-blank row; blank rows (also ';;;' rows) are ignored."""
    warnings = list(table.warnings)
    columns: dict[Column, int] = {}
    for position, header in enumerate(table.headers):
        column = _HEADER_LOOKUP.get(_header_key(header))
        if column is None:
            if header.strip():
                warnings.append(f"column {header.strip()!r} is not used")
            continue
        if column in columns:
            raise ImportFileError(
                f"columns {table.headers[columns[column]].strip()!r} and {header.strip()!r} "
                f"both look like {column.value}; rename or remove one"
            )
        columns[column] = position
    missing = [c.value for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(
            f"missing column(s): {', '.join(missing)} (header in row {table.header_row})"
        )
    labels = {column: table.headers[position].strip() for column, position in columns.items()}

    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    first_row_of_key: dict[str, int] = {}
    for record in table.frame.to_dict("records"):
        cells = {column: str(record[position]) for column, position in columns.items()}
        if not any(str(record[i]).strip() for i in range(len(table.headers))):
            continue
        number = int(record["row"])
        parsed = _parse_row(number, cells, labels)
        if isinstance(parsed, list):
            problems.extend(parsed)
            continue
        earlier = first_row_of_key.get(parsed.import_key)
        if earlier is not None:
            problems.append(
                RowProblem(number, None, f"same person as row {earlier} ({_key_kind(parsed)})")
            )
            continue
        first_row_of_key[parsed.import_key] = number
        rows.append(parsed)
    if not rows and not problems:
        raise ImportFileError("the list has a header but no participants")
    return ParsedList(tuple(rows), tuple(problems), tuple(warnings), labels)


def _parse_row(
    number: int, cells: dict[Column, str], labels: dict[Column, str]
) -> ImportRow | list[RowProblem]:
    problems: list[RowProblem] = []

    def problem(column: Column, message: str) -> None:
        problems.append(RowProblem(number, labels[column], message))

    name = _clean(cells.get(Column.NAME, ""))
    if not name:
        problem(Column.NAME, "the name is empty")
    arena_text = _clean(cells.get(Column.ARENA, ""))
    arena = parse_arena(arena_text)
    if not arena_text:
        problem(Column.ARENA, "the arena is empty")
    elif arena is None:
        problem(
            Column.ARENA,
            f"unknown arena {arena_text!r} (use Pemerintah, Birokrasi, Masyarakat Sipil or "
            "Dunia Usaha)",
        )
    phone_text = _clean(cells.get(Column.PHONE, ""))
    phone = normalise_phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        problem(Column.PHONE, f"{phone_text!r} is not an Indonesian phone number")
    email = _clean(cells.get(Column.EMAIL, "")) or None
    if email is not None and not _EMAIL.match(email):
        problem(Column.EMAIL, f"{email!r} is not an e-mail address")
    language_text = _clean(cells.get(Column.LANGUAGE, ""))
    language = parse_language(language_text) if language_text else Language.ID
    if language is None:
        problem(Column.LANGUAGE, f"unknown language {language_text!r} (use id or en)")
    if problems:
        return problems
    assert arena is not None and language is not None
    profile = ParticipantProfile(
        name=name,
        arena=arena.value,
        category=_clean(cells.get(Column.CATEGORY, "")) or None,
        organisation=_clean(cells.get(Column.ORGANISATION, "")) or None,
        position=_clean(cells.get(Column.POSITION, "")) or None,
        phone=phone,
        email=email,
        language=language.value,
    )
    return ImportRow(number, profile, import_key(profile))


def _clean(text: str) -> str:
    """Trims outer whitespace (no-break spaces too); the inside is kept exactly."""
    return text.strip().strip("\u00a0\u200b\ufeff").strip()


def _header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", folded).replace("_", " ").split())


_value_key = _header_key


def parse_arena(text: str) -> Arena | None:
    """Maps an arena as organisers write it (either language, common spellings) to a key."""
    key = _value_key(text)
    found = ARENA_ALIASES.get(key)
    if found is None and "/" in text:
        # "Pemerintah / DPRD", "LSM/Ormas": accept when every part names the same arena.
        parts = {ARENA_ALIASES.get(_value_key(part)) for part in text.split("/")}
        if len(parts) == 1:
            found = parts.pop()
    return found


def parse_language(text: str) -> Language | None:
    """Maps 'id', 'Indonesia', 'English', 'Inggris', ... to a language."""
    return LANGUAGE_ALIASES.get(_value_key(text))


def normalise_phone(text: str) -> str | None:
    """Returns an Indonesian number as +62XXXXXXXXX, or None if it is not one.

    Accepts 08xx, 8xx (Excel dropped the 0), 62xx, +62 xx-xxx, +62 (0)8xx, with spaces,
    dots, dashes and parentheses; of several numbers in one cell the first is taken.
    """
    first = _PHONE_SPLIT.split(text.strip(), maxsplit=1)[0]
    digits = _PHONE_JUNK.sub("", first)
    if digits.startswith("+"):
        if not digits.startswith("+62"):
            return None
        national = digits[3:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    national = national.removeprefix("0")  # "+62 (0)812..."
    if not _NATIONAL_NUMBER.match(national):
        return None
    return f"+62{national}"


def import_key(profile: ParticipantProfile) -> str:
    """The row's identity across imports: phone, else e-mail, else name (see module doc)."""
    if profile.phone:
        return f"phone:{profile.phone}"
    if profile.email:
        return f"email:{profile.email.casefold()}"
    name = " ".join(unicodedata.normalize("NFC", profile.name).casefold().split())
    key = f"name:{name}"
    if len(key) > IMPORT_KEY_LENGTH:
        key = "name#" + hashlib.sha256(name.encode()).hexdigest()
    return key


def _key_kind(row: ImportRow) -> str:
    kind = row.import_key.split(":", 1)[0].split("#", 1)[0]
    return {"phone": "same phone number", "email": "same e-mail", "name": "same name"}[kind]


# --- importing ---------------------------------------------------------------------------


def pseudonym_prefix(province_code: str) -> str:
    """'ID-JA' -> 'JA': pseudonyms read like JA-017."""
    return province_code.upper().removeprefix("ID-")


def format_pseudonym(prefix: str, number: int) -> str:
    """'JA', 17 -> 'JA-017'."""
    return f"{prefix}-{number:03d}"


async def next_pseudonym_number(session: AsyncSession, prefix: str) -> int:
    """The next free sequence number for the province (numbers are never reused)."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    taken = await session.scalars(
        select(Participant.pseudonym).where(Participant.pseudonym.like(f"{prefix}-%"))
    )
    numbers = [int(m.group(1)) for p in taken.all() if (m := pattern.match(p))]
    return max(numbers, default=0) + 1


async def import_participants(
    session: AsyncSession, workshop: Workshop, rows: Sequence[ImportRow], now: datetime
) -> list[ImportedParticipant]:
    """Creates or updates the workshop's participants; the caller commits.

    New participants get a fresh invite code and the next pseudonym of the province
    (JA-001, JA-002, ... in file order, numbered across the province's workshops so a
    pseudonym stays unique and stable). Existing ones keep code, pseudonym and binding.
    """
    prefix = pseudonym_prefix(workshop.province_code)
    number = await next_pseudonym_number(session, prefix)
    imported: list[ImportedParticipant] = []
    for row in rows:
        participant, created = await participant_repo.upsert_imported(
            session,
            workshop_id=workshop.id,
            import_key=row.import_key,
            profile=row.profile,
            invite_code=new_invite_code(),
            pseudonym=format_pseudonym(prefix, number),
            now=now,
        )
        if created:
            number += 1
        imported.append(
            ImportedParticipant(
                row=row.row,
                participant_id=participant.id,
                pseudonym=participant.pseudonym,
                invite_code=participant.invite_code,
                name=participant.name,
                arena=participant.arena,
                created=created,
            )
        )
    return imported
