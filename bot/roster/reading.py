"""Reading and checking the organisers' participant lists (CSV or XLSX).

Reading is a pipeline, like the questionnaire loader: bytes -> raw table (every physical
row kept, so problems carry the row number the organiser sees in the spreadsheet, the
header being row 1 of a plain list) -> typed rows and problems.

Columns are found by name (case, spacing and punctuation ignored) in Indonesian or
English. Indonesian Excel saves CSV with semicolons, other tools with commas; the
delimiter that makes the header recognisable wins. A title above the header (common in
real lists) is tolerated: the header is the first of the top rows with a name column,
and a second header row under it (merged cells such as "Kontak" over "No HP" and
"E-mail") is read too. A CSV cell that swallowed whole rows after a stray opening quote
is reported with its row.

Who a row is (phone, e-mail, name without titles) is bot/roster/identity.py's business;
matching rows to a workshop's participants and writing them is bot/roster/writing.py's.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pandas as pd

from bot.questionnaire.model import Arena
from bot.roster.identity import Identity, contradiction, identity, matched_by, normalise_phone
from bot.roster.spreadsheets import MAX_ROWS, SpreadsheetError, read_sheet
from storage.models import Language
from storage.repositories.participants import ParticipantProfile

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SHEET_NAMES = ("peserta", "participants")
HEADER_SEARCH_ROWS = 10
"""How many top rows may hold a title before the header row."""
CSV_FIELD_LIMIT = 128 * 1024  # Python's csv module's own limit, named in the message
MAX_FILE_BYTES = 20 * 1024 * 1024
"""A list of a few hundred people is well under 1 MB, even as XLSX with a logo; checked
before the file is read into memory."""


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

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    identity: Identity

    @property
    def import_key(self) -> str:
        """The key stored with the participant (phone, else e-mail, else bare name)."""
        return self.identity.key()


@dataclass(frozen=True)
class RawTable:
    """The file's cells as text: the header row and the rows below it, with row numbers."""

    header_row: int
    headers: tuple[str, ...]
    frame: pd.DataFrame  # one column per header position plus "row"; cells are str
    warnings: tuple[str, ...] = ()
    problems: tuple[RowProblem, ...] = ()  # rows the file's quoting swallowed


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


# --- reading -----------------------------------------------------------------------------


def read_participant_list(path: str | Path, sheet: str | None = None) -> ParsedList:
    """Reads and checks a CSV or XLSX participant list; raises ImportFileError if unusable."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError(
                f"the file is {size / (1024 * 1024):.0f} MB, more than a participant list "
                f"needs ({MAX_FILE_BYTES // (1024 * 1024)} MB): save only the list"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_participant_list(read_table(data, path.name, sheet))


def read_table(data: bytes, filename: str, sheet: str | None = None) -> RawTable:
    """Reads the cells of a CSV or XLSX file, by extension (CSV when unsure)."""
    suffix = Path(filename).suffix.lower()
    if suffix in XLSX_SUFFIXES or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, sheet)
    if suffix == ".xls":
        raise ImportFileError("old .xls workbooks are not supported: save as .xlsx or CSV")
    if sheet is not None:
        raise ImportFileError("--sheet is for XLSX workbooks; a CSV file has one table")
    return _read_csv(data)


def _read_csv(data: bytes) -> RawTable:
    text, warnings = _decode(data)
    lines = text.splitlines()
    best: tuple[int, int, str] | None = None
    for delimiter in (";", ",", "\t"):
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines[:50])), delimiter=delimiter))
        except csv.Error:
            continue
        found = _find_header(rows)
        score = (len(found[1]), -found[0]) if found else (0, 0)
        if best is None or score > best[:2]:
            best = (*score, delimiter)
    delimiter = best[2] if best is not None else ";"
    rows, swallowed = _csv_records(text, delimiter)
    return _raw_table(rows, warnings, swallowed)


def _csv_records(text: str, delimiter: str) -> tuple[list[list[str]], list[RowProblem]]:
    """The file's records, and a problem for every record that swallowed whole lines.

    A stray opening quote (`"Budi` with no closing quote) makes everything up to the next
    quote one cell: rows vanish into a name. Such a cell holds line breaks and the
    delimiter; a genuine multi-line cell (an address) rarely holds the delimiter.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    swallowed: list[RowProblem] = []
    first_line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ImportFileError(
                    f"line {first_line}: a cell is longer than {CSV_FIELD_LIMIT // 1024} KB, "
                    'most likely after a stray opening quote (") that is never closed; '
                    "remove it and import again"
                ) from None
            raise ImportFileError(f"line {reader.line_num}: {exc}") from None
        if len(rows) >= MAX_ROWS + HEADER_SEARCH_ROWS:
            raise ImportFileError(
                f"more than {MAX_ROWS} rows: this is not the list of one workshop's experts"
            )
        last_line = reader.line_num
        lost = [cell for cell in record if "\n" in cell and delimiter in cell]
        # A swallowing record is kept as a blank row: its number stays, its text is no name.
        rows.append([""] if lost else record)
        if lost:
            swallowed.append(
                RowProblem(
                    len(rows),
                    None,
                    f'a cell opens with a quote (") that is not closed where it should be: '
                    f"lines {first_line}-{last_line} of the file were read as this one cell, "
                    f"so about {last_line - first_line} row(s) in it are missing; remove the "
                    "stray quote",
                )
            )
        first_line = last_line + 1
    return rows, swallowed


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


def _read_xlsx(data: bytes, sheet: str | None) -> RawTable:
    try:
        cells = read_sheet(data, sheet)
    except SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from None
    warnings = [f"read sheet {cells.sheet!r}"]
    if cells.skipped_hidden:
        hidden = ", ".join(repr(name) for name in cells.skipped_hidden)
        warnings.append(f"skipped hidden sheet(s) {hidden}; pass --sheet NAME to read one")
    return _raw_table(cells.rows, warnings, [])


def _raw_table(rows: list[list[str]], warnings: list[str], swallowed: list[RowProblem]) -> RawTable:
    found = _find_header(rows)
    if found is None:
        raise ImportFileError(
            "no header row with a name column (Nama / Name / Nama Lengkap) in the first "
            f"{HEADER_SEARCH_ROWS} rows"
        )
    header_index, columns = found
    width = max(len(row) for row in rows[header_index:])
    headers = _pad(rows[header_index], width)
    first_data = header_index + 1
    below = _pad(rows[first_data], width) if first_data < len(rows) else None
    if below is not None and _continues_header(headers, below, columns):
        # A two-row header (a merged "Kontak" over "No HP" and "E-mail"): the second row
        # names the columns the first leaves blank or unrecognised.
        named = set(columns.values())
        headers = [
            lower if position not in named and _HEADER_LOOKUP.get(_header_key(lower)) else upper
            for position, (upper, lower) in enumerate(zip(headers, below, strict=True))
        ]
        first_data += 1
        warnings.append(
            f"the header spans rows {header_index + 1} and {header_index + 2}; "
            "column names were taken from both"
        )
    body = [
        [*_pad(row, width), str(number)]
        for number, row in enumerate(rows[first_data:], start=first_data + 1)
    ]
    frame = pd.DataFrame(body, columns=[*range(width), "row"], dtype=object)
    return RawTable(header_index + 1, tuple(headers), frame, tuple(warnings), tuple(swallowed))


def _continues_header(headers: list[str], below: list[str], columns: dict[Column, int]) -> bool:
    """Tells whether the row under the header names more columns (a multi-row header)."""
    if below[columns[Column.NAME]].strip():
        return False  # a person's name: the row is data
    return any(
        _HEADER_LOOKUP.get(_header_key(cell)) not in (None, *columns)
        for position, cell in enumerate(below)
        if position not in columns.values()
    )


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
    problems: list[RowProblem] = list(table.problems)
    seen = _Seen()
    for record in table.frame.to_dict("records"):
        cells = {column: str(record[position]) for column, position in columns.items()}
        if not any(str(record[i]).strip() for i in range(len(table.headers))):
            continue
        number = int(record["row"])
        parsed = _parse_row(number, cells, labels)
        if isinstance(parsed, list):
            problems.extend(parsed)
            continue
        same = seen.same_person(parsed)
        if same is not None:
            problems.append(
                RowProblem(number, None, f"same person as row {same[0].row} ({same[1]})")
            )
            continue
        rows.append(parsed)
        seen.add(parsed)
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
    return ImportRow(number, profile, identity(profile.name, profile.phone, profile.email))


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


class _Seen:
    """The rows kept so far, found by phone, e-mail and bare name."""

    def __init__(self) -> None:
        self._by: dict[tuple[str, str], list[ImportRow]] = {}

    def add(self, row: ImportRow) -> None:
        for part in _parts(row.identity):
            self._by.setdefault(part, []).append(row)

    def same_person(self, row: ImportRow) -> tuple[ImportRow, str] | None:
        """The earlier row that is the same person, with why, or None."""
        for part in _parts(row.identity):
            for other in self._by.get(part, ()):
                parts = matched_by(row.identity, other.identity)
                if parts == ("name",) and contradiction(row.identity, other.identity):
                    continue  # two people of one name, told apart by phone or e-mail
                return other, _SAME[part[0]]
        return None


def _parts(person: Identity) -> list[tuple[str, str]]:
    found = [("phone", person.phone), ("email", person.email), ("name", person.name)]
    return [(kind, value) for kind, value in found if value]


_SAME = {"phone": "same phone number", "email": "same e-mail", "name": "same name"}
