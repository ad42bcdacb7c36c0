"""Reads a written workbook back (openpyxl) and lists where it differs from the sheets given.

The check behind bench/xlsx_writers.py: every writer's file must hold, sheet by sheet
and in order, the header row and every value as the export means it (text as text,
numbers as numbers, booleans as booleans; None, NaN and empty text as a blank cell;
infinities as the text 'inf'), the header row frozen where asked, the column widths
(within one character: libraries add Excel's padding) and the picture's PNG.
"""

from __future__ import annotations

import math
import numbers
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import openpyxl
import pandas as pd

from bot.reports.xlsx import MAX_TEXT, Sheet

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHOWN = 3
"""Differences listed per sheet before the rest are only counted."""


def expected_cell(value: Any) -> Any:
    """A frame's value as the export means it to read back (None: a blank cell)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value[:MAX_TEXT] or None
    if pd.api.types.is_bool(value):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return str(number)
        return number
    raise TypeError(f"no expected cell for {type(value).__name__}")


def expected_rows(sheet: Sheet) -> list[tuple[Any, ...]]:
    """The header row and the rows of a sheet, as they should read back."""
    header = tuple(str(name) for name in sheet.frame.columns)
    body = [tuple(expected_cell(v) for v in row) for row in sheet.frame.itertuples(index=False)]
    return [_trimmed(header), *(_trimmed(row) for row in body)]


def differences(path: Path, sheets: Sequence[Sheet]) -> list[str]:
    """Where the workbook at `path` does not hold the sheets; empty when it does."""
    found: list[str] = []
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = list(book.sheetnames)
        wanted = [sheet.name for sheet in sheets]
        if names != wanted:
            return [f"sheets {names}, expected {wanted}"]
        for sheet in sheets:
            rows = [_trimmed(row) for row in book[sheet.name].iter_rows(values_only=True)]
            while rows and not rows[-1]:
                rows.pop()
            found += _value_differences(sheet.name, rows, expected_rows(sheet))
    finally:
        book.close()
    found += _layout_differences(path, sheets)
    return found


def _trimmed(row: Sequence[Any]) -> tuple[Any, ...]:
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def _same(read: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(read, bool):
        return type(read) is type(expected) and read == expected
    if isinstance(expected, numbers.Real) and isinstance(read, numbers.Real):
        return math.isclose(float(read), float(expected), rel_tol=1e-15, abs_tol=0.0)
    return type(read) is type(expected) and read == expected


def _value_differences(
    name: str, rows: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]
) -> list[str]:
    found: list[str] = []
    if len(rows) != len(expected):
        found.append(f"{name}: {len(rows)} rows, expected {len(expected)}")
    wrong = 0
    for number, (read, want) in enumerate(zip(rows, expected, strict=False), start=1):
        if len(read) == len(want) and all(_same(r, w) for r, w in zip(read, want, strict=True)):
            continue
        wrong += 1
        if wrong <= _SHOWN:
            found.append(f"{name} row {number}: {_first_difference(read, want)}")
    if wrong > _SHOWN:
        found.append(f"{name}: {wrong} rows differ in all")
    return found


def _first_difference(read: tuple[Any, ...], want: tuple[Any, ...]) -> str:
    width = max(len(read), len(want))
    padded = read + (None,) * (width - len(read)), want + (None,) * (width - len(want))
    for column, (got, expected) in enumerate(zip(*padded, strict=True)):
        if not _same(got, expected):
            return f"column {column + 1} read {got!r}, expected {expected!r}"
    return f"{len(read)} cells, expected {len(want)}"  # pragma: no cover - lengths differ


# --- layout: read from the package's XML, which openpyxl's read-only mode does not expose


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the path of its XML part inside the package."""
    from xml.etree import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        rid = next(v for k, v in sheet.attrib.items() if k.endswith("}id"))
        target = targets[rid]
        parts[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else (f"xl/{target}")
        )
    return parts


def _head(archive: zipfile.ZipFile, part: str) -> str:
    """The sheet's XML before its cells, and its tail after them."""
    text = archive.read(part).decode()
    head, _, rest = text.partition("<sheetData")
    _, _, tail = rest.rpartition("</sheetData>")
    return head + tail


def _widths(head: str) -> dict[int, float]:
    widths = {}
    for col in re.finditer(r"<col\b[^>]*>", head):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', col.group()))
        if "width" not in attrs:
            continue
        for index in range(int(attrs["min"]), int(attrs["max"]) + 1):
            widths[index] = float(attrs["width"])
    return widths


def _media(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The pictures drawn on a sheet, following its drawing relationships."""
    rels_part = str(PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels"))
    if rels_part not in archive.namelist():
        return
    for target in re.findall(r'Target="([^"]+)"', archive.read(rels_part).decode()):
        if "drawing" not in target:
            continue
        drawing = _resolve(part, target)
        drawing_rels = str(
            PurePosixPath(drawing).parent / "_rels" / (PurePosixPath(drawing).name + ".rels")
        )
        if drawing_rels not in archive.namelist():
            continue
        for image in re.findall(r'Target="([^"]+)"', archive.read(drawing_rels).decode()):
            yield archive.read(_resolve(drawing, image))


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = list(PurePosixPath(base).parent.parts)
    for piece in PurePosixPath(target).parts:
        if piece == "..":
            parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def _layout_differences(path: Path, sheets: Sequence[Sheet]) -> list[str]:
    found: list[str] = []
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        for sheet in sheets:
            head = _head(archive, parts[sheet.name])
            pane = re.search(r"<pane\b[^>]*>", head)
            frozen = pane is not None and all(
                attribute in pane.group() for attribute in ('ySplit="1"', 'state="frozen"')
            )
            if frozen != sheet.freeze_header:
                found.append(
                    f"{sheet.name}: header frozen {frozen}, expected {sheet.freeze_header}"
                )
            widths = _widths(head)
            for index, width in enumerate(sheet.widths, start=1):
                got = widths.get(index)
                if got is None or abs(got - width) > 1.0:
                    found.append(f"{sheet.name}: column {index} width {got}, expected {width}")
                    break
            pictures = list(_media(archive, parts[sheet.name]))
            for picture in sheet.pictures:
                if picture.png not in pictures:
                    found.append(f"{sheet.name}: picture missing")
    return found
