"""A small XLSX writer for the results exports: data frames as sheets, one picture.

An export of a national event holds well over a million cells (1,400 questionnaires:
80,000 answer rows of 20 columns). openpyxl, behind `DataFrame.to_excel`, builds a Python
object per cell and took 50 s to write them on a busy 2-core machine, XlsxWriter cell by
cell 12 s; this writer turns each column into XML text directly and took 1.4 s. It
writes only what the exports need:

- text (shared strings), numbers and booleans; blank for None and NaN; anything else is
  refused rather than guessed (dates and times are ISO text in the exports);
- per sheet: column widths, the header row frozen, and a PNG picture anchored at a cell;
- the parts openpyxl wrote (workbook, one plain cell style, relationships, document
  properties; no theme), laid out the same way, so Excel, LibreOffice, pandas and
  openpyxl read the files as before.

Numbers are written as openpyxl wrote them (16 significant digits), empty text as a blank
cell as openpyxl did. Text is escaped for XML: control characters, which XML cannot
hold, as Excel's `_xHHHH_` escapes, carriage returns as character references (openpyxl
wrote them raw, and readers got line feeds); text beyond Excel's 32,767 characters is
cut.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import struct
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

import pandas as pd

MAX_TEXT = 32_767
"""Excel's limit on the characters in one cell."""
_ROWS_PER_CHUNK = 2_000
_EMU_PER_PIXEL = 9_525

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Picture:
    """A PNG shown at its size in pixels, its top left corner on a cell (0-based)."""

    png: bytes
    row: int
    column: int = 0


@dataclass(frozen=True)
class Sheet:
    """One sheet: the frame's column names as the header row, then its rows."""

    name: str
    frame: pd.DataFrame
    widths: Sequence[float] = ()
    """Column widths in characters, from the first column on."""
    freeze_header: bool = False
    pictures: Sequence[Picture] = field(default=())


def workbook_bytes(sheets: Sequence[Sheet], *, compresslevel: int = 1) -> bytes:
    """The sheets, in order, as an XLSX workbook."""
    buffer = io.BytesIO()
    write_workbook(buffer, sheets, compresslevel=compresslevel)
    return buffer.getvalue()


def write_workbook(target: IO[bytes], sheets: Sequence[Sheet], *, compresslevel: int = 1) -> None:
    """Writes the sheets, in order, as an XLSX workbook into a binary file.

    Deflate level 1 by default: on the repetitive sheet XML it takes a third of the time
    of zlib's default level 6 for a file a quarter larger (about the size openpyxl's were).
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    strings = _SharedStrings()
    drawings: list[Sequence[Picture]] = []
    images: list[bytes] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr("[Content_Types].xml", _content_types(sheets))
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("docProps/app.xml", _APP)
        zf.writestr("docProps/core.xml", _core(datetime.now(UTC)))
        zf.writestr("xl/workbook.xml", _workbook(sheets))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(sheets))
        zf.writestr("xl/styles.xml", _STYLES)
        for number, sheet in enumerate(sheets, start=1):
            drawing = None
            if sheet.pictures:
                drawings.append(sheet.pictures)
                drawing = len(drawings)
            with zf.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                _write_sheet(part.write, sheet, strings, drawing)
            if drawing is not None:
                zf.writestr(
                    f"xl/worksheets/_rels/sheet{number}.xml.rels",
                    _rels([(1, "drawing", f"../drawings/drawing{drawing}.xml")]),
                )
        for drawing, pictures in enumerate(drawings, start=1):
            first = len(images) + 1
            images.extend(p.png for p in pictures)
            zf.writestr(f"xl/drawings/drawing{drawing}.xml", _drawing(pictures))
            zf.writestr(
                f"xl/drawings/_rels/drawing{drawing}.xml.rels",
                _rels(
                    [
                        (index, "image", f"../media/image{first + index - 1}.png")
                        for index in range(1, len(pictures) + 1)
                    ]
                ),
            )
        for number, png in enumerate(images, start=1):
            zf.writestr(f"xl/media/image{number}.png", png)
        zf.writestr("xl/sharedStrings.xml", strings.xml())


# --- cells -----------------------------------------------------------------------------


class _SharedStrings:
    """Text cells refer to a workbook-wide table of distinct strings by index.

    `tails` maps each text to the end of the XML of a cell holding it (after the cell
    reference): the index is formatted once per distinct text, not once per cell.
    """

    def __init__(self) -> None:
        self.tails: dict[str, str] = {}

    def tail(self, text: str) -> str:
        """The end of a cell holding the text, added to the table if new."""
        found = self.tails.get(text)
        if found is None:
            found = self.tails[text] = f'" t="s"><v>{len(self.tails)}</v></c>'
        return found

    def xml(self) -> str:
        items = "".join(_string_item(text) for text in self.tails)
        return f'{_DECLARATION}<sst xmlns="{_MAIN}" uniqueCount="{len(self.tails)}">{items}</sst>'


# Characters XML 1.0 cannot carry, and underscores that would read as such an escape:
# written as _xHHHH_ like Excel does. A carriage return is legal but a parser would read
# it as a line feed: it goes as a character reference.
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def _string_item(text: str) -> str:
    text = text[:MAX_TEXT]
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _NEEDS_ESCAPE.sub(lambda found: f"_x{ord(found.group()):04X}_", text)
    text = text.replace("\r", "&#13;")
    if text != text.strip():
        return f'<si><t xml:space="preserve">{text}</t></si>'
    return f"<si><t>{text}</t></si>"


def column_letter(index: int) -> str:
    """'A' for 0, 'Z' for 25, 'AA' for 26."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _write_sheet(
    write: Callable[[bytes], Any], sheet: Sheet, strings: _SharedStrings, drawing: int | None
) -> None:
    frame = sheet.frame
    letters = [column_letter(i) for i in range(len(frame.columns))]
    last_row = len(frame) + 1
    dimension = f"A1:{letters[-1]}{last_row}" if letters else "A1"
    if sheet.freeze_header:
        view = (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
        )
    else:
        view = '<selection activeCell="A1" sqref="A1"/>'
    columns = "".join(
        f'<col min="{i}" max="{i}" width="{_number(width)}" customWidth="1"/>'
        for i, width in enumerate(sheet.widths, start=1)
    )
    write(
        (
            f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr>'
            f'<dimension ref="{dimension}"/>'
            f'<sheetViews><sheetView workbookViewId="0">{view}</sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{columns}</cols>" if columns else "")
            + "<sheetData>"
        ).encode()
    )
    header = [str(name) for name in frame.columns]
    values = [frame[name].tolist() for name in frame.columns]
    write(_rows(letters, [[h] for h in header], 1, strings).encode())
    for start in range(0, len(frame), _ROWS_PER_CHUNK):
        chunk = [column[start : start + _ROWS_PER_CHUNK] for column in values]
        write(_rows(letters, chunk, start + 2, strings).encode())
    tail = '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
    tail += 'header="0.5" footer="0.5"/>'
    if drawing is not None:
        tail += '<drawing r:id="rId1"/>'
    write((tail + "</worksheet>").encode())


def _rows(
    letters: Sequence[str], columns: Sequence[list[Any]], first_row: int, strings: _SharedStrings
) -> str:
    """The <row> elements of a block of rows, given column by column: one loop per column
    with its letter fixed, and the cells' text put together from ready-made pieces."""
    tails = strings.tails
    rows = [str(row) for row in range(first_row, first_row + len(columns[0]))] if columns else []
    cells_by_column = []
    for letter, values in zip(letters, columns, strict=True):
        start = '<c r="' + letter
        cells: list[str] = []
        append = cells.append
        for row, value in zip(rows, values, strict=True):
            kind = type(value)
            if kind is str:
                if not value:  # blank, as openpyxl wrote empty text
                    append("")
                    continue
                tail = tails.get(value)
                if tail is None:
                    tail = strings.tail(value)
                append(start + row + tail)
            elif kind is float:
                if value != value:  # NaN: blank
                    append("")
                elif value in (math.inf, -math.inf):
                    append(_cell(letter, row, value, strings))
                else:
                    append(f'{start}{row}"><v>{value:.16g}</v></c>')
            elif kind is int:
                append(f'{start}{row}"><v>{value}</v></c>')
            elif kind is bool:
                append(f'{start}{row}" t="b"><v>{value:d}</v></c>')
            elif value is None:
                append("")
            else:
                append(_cell(letter, row, value, strings))
        cells_by_column.append(cells)
    return "".join(
        [
            '<row r="' + row + '">' + "".join(cells) + "</row>"
            for row, cells in zip(rows, zip(*cells_by_column, strict=True), strict=True)
        ]
    )


def _cell(letter: str, row: str, value: Any, strings: _SharedStrings) -> str:
    """The cell for a value of a less common type (NumPy scalars, missing markers, inf)."""
    if pd.api.types.is_bool(value):  # bool, NumPy's bool_
        return f'<c r="{letter}{row}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return ""
        if math.isinf(number):
            # As pandas wrote infinities through openpyxl: the text 'inf' or '-inf'.
            return f'<c r="{letter}{row}{strings.tail(str(number))}'
        if isinstance(value, numbers.Integral):
            return f'<c r="{letter}{row}"><v>{int(value)}</v></c>'
        return f'<c r="{letter}{row}"><v>{number:.16g}</v></c>'
    if value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, str):  # a subclass of str
        if not value:
            return ""
        return f'<c r="{letter}{row}{strings.tail(str(value))}'
    raise TypeError(f"cannot write {type(value).__name__} {value!r} to a sheet cell")


def _number(value: float) -> str:
    return f"{value:.16g}"


# --- pictures ----------------------------------------------------------------------------


def png_size(png: bytes) -> tuple[int, int]:
    """The width and height in pixels from a PNG's header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG picture")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _drawing(pictures: Sequence[Picture]) -> str:
    anchors = []
    for number, picture in enumerate(pictures, start=1):
        width, height = png_size(picture.png)
        anchors.append(
            "<xdr:oneCellAnchor>"
            f"<xdr:from><xdr:col>{picture.column}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{picture.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{width * _EMU_PER_PIXEL}" cy="{height * _EMU_PER_PIXEL}"/>'
            "<xdr:pic><xdr:nvPicPr>"
            f'<xdr:cNvPr id="{number}" name="Image {number}" descr="Picture"/>'
            '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
            f'<xdr:blipFill><a:blip r:embed="rId{number}"/>'
            "<a:stretch><a:fillRect/></a:stretch></xdr:blipFill>"
            '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
            "</xdr:pic><xdr:clientData/></xdr:oneCellAnchor>"
        )
    return (
        f"{_DECLARATION}<xdr:wsDr"
        ' xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
        ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        f' xmlns:r="{_REL}">{"".join(anchors)}</xdr:wsDr>'
    )


# --- package parts -----------------------------------------------------------------------


def _escape_attribute(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _rels(targets: Sequence[tuple[int, str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="rId{number}" Type="{_REL}/{kind}" Target="{target}"/>'
        for number, kind, target in targets
    )
    return f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">{items}</Relationships>'


_ROOT_RELS = (
    f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    f"{_DECLARATION}<Properties"
    ' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>wipbot</Application></Properties>"
)
_STYLES = (
    f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _core(created: datetime) -> str:
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_DECLARATION}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>wipbot</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook(sheets: Sequence[Sheet]) -> str:
    listed = "".join(
        f'<sheet name="{_escape_attribute(sheet.name)}" sheetId="{number}" r:id="rId{number}"/>'
        for number, sheet in enumerate(sheets, start=1)
    )
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets>{listed}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(sheets: Sequence[Sheet]) -> str:
    count = len(sheets)
    targets = [(n, "worksheet", f"worksheets/sheet{n}.xml") for n in range(1, count + 1)]
    targets.append((count + 1, "styles", "styles.xml"))
    targets.append((count + 2, "sharedStrings", "sharedStrings.xml"))
    return _rels(targets)


def _content_types(sheets: Sequence[Sheet]) -> str:
    office = "application/vnd.openxmlformats-officedocument"
    parts = [
        ("/xl/workbook.xml", f"{office}.spreadsheetml.sheet.main+xml"),
        ("/xl/styles.xml", f"{office}.spreadsheetml.styles+xml"),
        ("/xl/sharedStrings.xml", f"{office}.spreadsheetml.sharedStrings+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", f"{office}.extended-properties+xml"),
    ]
    parts += [
        (f"/xl/worksheets/sheet{n}.xml", f"{office}.spreadsheetml.worksheet+xml")
        for n in range(1, len(sheets) + 1)
    ]
    drawings = sum(1 for sheet in sheets if sheet.pictures)
    parts += [
        (f"/xl/drawings/drawing{n}.xml", f"{office}.drawing+xml") for n in range(1, drawings + 1)
    ]
    overrides = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in parts)
    return (
        f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels"'
        ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        f"{overrides}</Types>"
    )
