"""Reading the cells of an organiser's XLSX workbook, within limits checked before loading.

A workbook is a zip of XML: 1.5 KB can declare a cell at XFD1048576, which a whole-sheet
reader turns into a 16384 x 1048576 table (over 4 GB). So the archive's unpacked size and
the sheet's declared range are checked first, and rows are read one at a time.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl.utils import get_column_letter

MAX_ROWS = 20_000
"""A participant list with more rows than this is not a list of one workshop's experts."""
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
PREFERRED_SHEETS = ("peserta", "participants")


class SpreadsheetError(Exception):
    """The workbook cannot be read as a participant list (nothing is imported)."""


@dataclass(frozen=True)
class SheetCells:
    """The chosen sheet's cells as text, one list per spreadsheet row (row 1 first)."""

    sheet: str
    rows: list[list[str]]
    skipped_hidden: tuple[str, ...]


def read_sheet(data: bytes, sheet: str | None = None) -> SheetCells:
    """The cells of the named sheet, else of the first visible 'Peserta'/'Participants'
    sheet, else of the first visible sheet."""
    import openpyxl  # imported here: costs every other admin command ~0.3 s

    _check_archive(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise SpreadsheetError(f"not a readable XLSX workbook: {exc}") from None
    try:
        chosen, hidden = _choose(book.worksheets, sheet)
        rows = _cells(chosen)
    finally:
        book.close()
    return SheetCells(chosen.title, rows, hidden)


def _check_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetError("not a readable XLSX workbook (not a zip archive)") from None
    unpacked = sum(entry.file_size for entry in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            f"the workbook unpacks to {unpacked // (1024 * 1024)} MB, more than a participant "
            f"list needs ({MAX_UNPACKED_BYTES // (1024 * 1024)} MB): save only the list"
        )


def _choose(worksheets: list[Any], wanted: str | None) -> tuple[Any, tuple[str, ...]]:
    names = [str(ws.title) for ws in worksheets]
    if wanted is not None:
        for ws in worksheets:
            if ws.title.strip().casefold() == wanted.strip().casefold():
                return ws, ()
        raise SpreadsheetError(
            f"no sheet {wanted!r}; the workbook has {', '.join(repr(n) for n in names)}"
        )
    visible = [ws for ws in worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    hidden = tuple(str(ws.title) for ws in worksheets if ws not in visible)
    if not visible:
        raise SpreadsheetError("every sheet of the workbook is hidden; name one with --sheet")
    preferred = next(
        (ws for ws in visible if ws.title.strip().casefold() in PREFERRED_SHEETS), visible[0]
    )
    return preferred, hidden


def _cells(ws: Any) -> list[list[str]]:
    rows_declared, columns_declared = ws.max_row, ws.max_column
    if (rows_declared or 0) > MAX_ROWS or (columns_declared or 0) > MAX_COLUMNS:
        corner = f"{get_column_letter(columns_declared or 1)}{rows_declared or 1}"
        raise SpreadsheetError(
            f"sheet {ws.title!r} reaches cell {corner} ({rows_declared} rows, "
            f"{columns_declared} columns); a participant list has at most {MAX_ROWS} rows "
            f"and {MAX_COLUMNS} columns: delete what lies beyond the list, or save the list "
            "alone"
        )
    rows: list[list[str]] = []
    for number, record in enumerate(ws.iter_rows(values_only=True), start=1):
        # The declared range can be missing or wrong: guard while reading too.
        if number > MAX_ROWS or len(record) > MAX_COLUMNS:
            raise SpreadsheetError(
                f"sheet {ws.title!r} has more than {MAX_ROWS} rows or {MAX_COLUMNS} columns"
            )
        rows.append([cell_text(value) for value in record])
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def cell_text(value: Any) -> str:
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
