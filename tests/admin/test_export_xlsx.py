"""The workbook writer behind the XLSX export: what goes in comes back, typed."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image

from bot.reports.xlsx import MAX_TEXT, Picture, Sheet, column_letter, png_size, workbook_bytes


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG", dpi=(120, 120))
    return buffer.getvalue()


def mixed_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": ["plain", "a & b < c > d", "'=SUM(A1)", "  padded ", "line\nbreak"],
            "number": [1.5, math.nan, 8.0, 0.1 + 0.2, -3.25],
            "count": [0, 1, 2, 3, 12345678901],
            "flag": [True, False, True, False, True],
            "mixed": ["x", 7, None, 2.5, ""],
        }
    )


def test_values_come_back_with_their_types_and_blanks_stay_blank() -> None:
    data = workbook_bytes([Sheet("data", mixed_frame(), freeze_header=True)])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["data"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["text", "number", "count", "flag", "mixed"]
    assert rows[1] == ["plain", 1.5, 0, True, "x"]
    assert rows[2] == ["a & b < c > d", None, 1, False, 7]
    assert rows[3] == ["'=SUM(A1)", 8, 2, True, None]
    # 16 significant digits, as openpyxl wrote numbers before.
    assert rows[4] == ["  padded ", 0.3, 3, False, 2.5]
    assert rows[5] == ["line\nbreak", -3.25, 12345678901, True, None]
    assert sheet["C6"].data_type == "n" and sheet["D2"].data_type == "b"
    assert sheet["A4"].data_type == "s", "text starting with an apostrophe is not a formula"
    assert sheet.freeze_panes == "A2"
    assert sheet.dimensions == "A1:E6"
    back = pd.read_excel(io.BytesIO(data), sheet_name="data")
    assert back["text"].tolist() == mixed_frame()["text"].tolist()
    assert back["flag"].tolist() == [True, False, True, False, True]


def test_characters_xml_cannot_hold_are_escaped_and_carriage_returns_kept() -> None:
    frame = pd.DataFrame({"text": ["bell\x07here", "cr\rlf\r\n", "tab\tin"]})
    data = workbook_bytes([Sheet("s", frame)])
    values = [c.value for c in openpyxl.load_workbook(io.BytesIO(data))["s"]["A"]][1:]
    # openpyxl leaves Excel's _xHHHH_ escape as it is; Excel reads it as the character.
    assert values == ["bell_x0007_here", "cr\rlf\r\n", "tab\tin"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        strings = package.read("xl/sharedStrings.xml").decode()
    assert "\x07" not in strings


def test_excel_limits_text_to_32767_characters() -> None:
    frame = pd.DataFrame({"long": ["x" * (MAX_TEXT + 10)]})
    data = workbook_bytes([Sheet("s", frame)])
    assert openpyxl.load_workbook(io.BytesIO(data))["s"]["A2"].value == "x" * MAX_TEXT


def test_numpy_scalars_infinity_and_missing_markers() -> None:
    frame = pd.DataFrame(
        {
            "v": pd.Series(
                [np.int64(4), np.float32(0.5), np.bool_(True), math.inf, pd.NA], dtype=object
            )
        }
    )
    data = workbook_bytes([Sheet("s", frame)])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["s"]
    assert [sheet.cell(row, 1).value for row in range(2, 7)] == [4, 0.5, True, "inf", None]


def test_dates_are_refused_rather_than_guessed() -> None:
    frame = pd.DataFrame({"at": pd.Series([dt.date(2026, 12, 3)], dtype=object)})
    with pytest.raises(TypeError, match="date"):
        workbook_bytes([Sheet("s", frame)])


def test_sheets_keep_their_order_widths_and_a_picture_at_its_cell() -> None:
    picture = png(300, 120)
    sheets = [
        Sheet("first", pd.DataFrame({"a": [1]}), widths=[12]),
        Sheet("pictured", pd.DataFrame({"caption": ["see below"]}), pictures=[Picture(picture, 4)]),
        Sheet("empty", pd.DataFrame({"a": [], "b": []})),
    ]
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(sheets)))
    assert book.sheetnames == ["first", "pictured", "empty"]
    assert book["first"].column_dimensions["A"].width == 12
    assert book["first"].freeze_panes is None
    (image,) = book["pictured"]._images  # openpyxl keeps embedded pictures here
    assert image._data() == picture
    assert (image.anchor._from.col, image.anchor._from.row) == (0, 4)
    assert (image.anchor.ext.width, image.anchor.ext.height) == (300 * 9525, 120 * 9525)
    assert [[c.value for c in row] for row in book["empty"].iter_rows()] == [["a", "b"]]


def test_helpers() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert png_size(png(7, 3)) == (7, 3)
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(30))
    with pytest.raises(ValueError):
        workbook_bytes([])
