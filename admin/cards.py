"""Printable invitation cards: A4 sheets of 2 x 4 cards with cut marks.

Each card carries the participant's name, organisation and arena, a QR code of their
deep link (scanning it opens the bot with the code filled in), the code in large type
for typing by hand, and three lines of instructions in Indonesian.

Text is set in DejaVu Sans (shipped with matplotlib) rather than reportlab's built-in
Helvetica, whose Latin-1 encoding cannot show names such as "Đặng" or "Łukasz";
characters DejaVu lacks as well are reported, so the operator can check those cards.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from bot.invites import deep_link, format_code
from bot.notices import format_day
from bot.questionnaire.model import Arena

COLUMNS = 2
ROWS = 4
CARDS_PER_PAGE = COLUMNS * ROWS
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 10 * mm
MARGIN_Y = 12 * mm
CARD_WIDTH = (PAGE_WIDTH - 2 * MARGIN_X) / COLUMNS
CARD_HEIGHT = (PAGE_HEIGHT - 2 * MARGIN_Y) / ROWS
PADDING = 5 * mm
QR_SIZE = 30 * mm
CUT_MARK = 6 * mm
CUT_GAP = 1.5 * mm

REGULAR, BOLD, MONO = "WipSans", "WipSans-Bold", "WipMono-Bold"
_FONT_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono-Bold.ttf",
}


@dataclass(frozen=True)
class CardPerson:
    """What one card shows."""

    name: str
    invite_code: str
    organisation: str | None = None
    position: str | None = None
    arena: str | None = None


@dataclass(frozen=True)
class CardSheet:
    """The PDF and anything the operator should check before printing."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin bottom left."""

    x: float
    y: float
    width: float
    height: float


def card_box(index: int) -> Box:
    """The card's rectangle on its page (cards fill rows left to right, top down)."""
    slot = index % CARDS_PER_PAGE
    row, column = divmod(slot, COLUMNS)
    x = MARGIN_X + column * CARD_WIDTH
    y = PAGE_HEIGHT - MARGIN_Y - (row + 1) * CARD_HEIGHT
    return Box(x, y, CARD_WIDTH, CARD_HEIGHT)


def qr_box(index: int) -> Box:
    """Where the card's QR code is drawn (quiet zone excluded)."""
    card = card_box(index)
    return Box(
        card.x + card.width - PADDING - QR_SIZE,
        card.y + card.height - PADDING - 5 * mm - QR_SIZE,
        QR_SIZE,
        QR_SIZE,
    )


def instructions(bot_username: str) -> tuple[str, str, str]:
    """The three lines printed under the code."""
    return (
        f"1. Pindai kode QR, atau cari @{bot_username} di Telegram.",
        "2. Tekan «Mulai» (Start); bila diminta, ketik kode di atas.",
        "3. Jawab satu per satu; setiap jawaban langsung tersimpan.",
    )


def render_cards(
    people: Sequence[CardPerson],
    *,
    bot_username: str,
    workshop_title: str,
    workshop_date: date | None = None,
) -> CardSheet:
    """Lays the cards out on A4 pages and returns the PDF."""
    if not people:
        raise ValueError("no participants to print cards for")
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Kartu undangan · {workshop_title}")
    canvas.setAuthor("wipbot")
    heading = workshop_title
    if workshop_date is not None:
        heading += f" · {indonesian_date(workshop_date)}"
    warnings: list[str] = []
    pages = 0
    for index, person in enumerate(people):
        if index % CARDS_PER_PAGE == 0:
            if index:
                canvas.showPage()
            pages += 1
            _draw_cut_marks(canvas)
        _draw_card(canvas, index, person, bot_username, heading)
        missing = missing_glyphs(person.name + (person.organisation or ""))
        if missing:
            warnings.append(
                f"card of {person.name!r}: the font has no glyph for {''.join(missing)!r}"
            )
    canvas.showPage()
    canvas.save()
    return CardSheet(buffer.getvalue(), pages, tuple(warnings))


def write_cards(sheet: CardSheet, out: Path) -> Path:
    """Writes the PDF to `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(sheet.pdf)
    return out


def indonesian_date(day: date) -> str:
    """3 Desember 2026."""
    return format_day(day, "id")


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` the card font cannot draw (spaces and controls ignored)."""
    _register_fonts()
    font = pdfmetrics.getFont(REGULAR)
    char_to_glyph = font.face.charToGlyph
    return sorted(
        {ch for ch in text if ch.isprintable() and not ch.isspace()}
        - {chr(code) for code in char_to_glyph}
    )


@cache
def _register_fonts() -> None:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))


def _draw_cut_marks(canvas: Canvas) -> None:
    """Short lines in the margins on every cutting line, clear of the cards."""
    canvas.saveState()
    canvas.setLineWidth(0.4)
    canvas.setStrokeGray(0.35)
    left, right = MARGIN_X, PAGE_WIDTH - MARGIN_X
    bottom, top = MARGIN_Y, PAGE_HEIGHT - MARGIN_Y
    for column in range(COLUMNS + 1):
        x = left + column * CARD_WIDTH
        canvas.line(x, top + CUT_GAP, x, top + CUT_GAP + CUT_MARK)
        canvas.line(x, bottom - CUT_GAP, x, bottom - CUT_GAP - CUT_MARK)
    for row in range(ROWS + 1):
        y = bottom + row * CARD_HEIGHT
        canvas.line(left - CUT_GAP, y, left - CUT_GAP - CUT_MARK, y)
        canvas.line(right + CUT_GAP, y, right + CUT_GAP + CUT_MARK, y)
    # Faint dotted guides between the cards, for scissors rather than a guillotine.
    canvas.setDash(1, 3)
    canvas.setStrokeGray(0.75)
    for column in range(1, COLUMNS):
        x = left + column * CARD_WIDTH
        canvas.line(x, bottom, x, top)
    for row in range(1, ROWS):
        y = bottom + row * CARD_HEIGHT
        canvas.line(left, y, right, y)
    canvas.restoreState()


def _draw_card(
    canvas: Canvas, index: int, person: CardPerson, bot_username: str, heading: str
) -> None:
    card, qr = card_box(index), qr_box(index)
    left = card.x + PADDING
    top = card.y + card.height - PADDING
    text_width = qr.x - left - 3 * mm
    full_width = card.width - 2 * PADDING

    canvas.setFillGray(0.35)
    _fit_line(canvas, heading, REGULAR, 7.5, left, top - 6, full_width)
    canvas.setFillGray(0)

    y = qr.y + qr.height + 2
    y = _draw_wrapped(canvas, person.name, BOLD, 12.5, left, y, text_width, 3)
    if person.position:
        y = _draw_wrapped(canvas, person.position, REGULAR, 8.5, left, y - 2, text_width, 1)
    if person.organisation:
        y = _draw_wrapped(canvas, person.organisation, REGULAR, 8.5, left, y - 1, text_width, 2)
    if person.arena:
        label = Arena(person.arena).label.id if person.arena in set(Arena) else person.arena
        canvas.setFillGray(0.25)
        _draw_wrapped(canvas, f"Arena: {label}", REGULAR, 8.5, left, y - 3, text_width, 1)
        canvas.setFillGray(0)

    _draw_qr(canvas, deep_link(bot_username, person.invite_code), qr)

    bottom = card.y + PADDING - 1 * mm
    canvas.setFont(REGULAR, 7.5)
    canvas.drawString(left, bottom + 17.5 * mm, "Kode undangan:")
    _fit_line(canvas, format_code(person.invite_code), MONO, 21, left, bottom + 11 * mm, full_width)
    line_y = bottom + 2 * 3.2 * mm
    for line in instructions(bot_username):
        _fit_line(canvas, line, REGULAR, 7.2, left, line_y, full_width)
        line_y -= 3.2 * mm


def _draw_qr(canvas: Canvas, link: str, box: Box) -> None:
    """Draws the QR code as vector squares filling `box` (the quiet zone lies outside)."""
    code = segno.make(link, error="m", micro=False)
    matrix = [list(row) for row in code.matrix]
    modules = len(matrix)
    size = box.width / modules
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    quiet = 2 * size
    canvas.rect(box.x - quiet, box.y - quiet, box.width + 2 * quiet, box.height + 2 * quiet, 0, 1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            if dark:
                path.rect(
                    box.x + column_index * size,
                    box.y + box.height - (row_index + 1) * size,
                    size,
                    size,
                )
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _draw_wrapped(
    canvas: Canvas,
    text: str,
    font: str,
    size: float,
    x: float,
    y: float,
    width: float,
    max_lines: int,
) -> float:
    """Draws `text` wrapped to `width`, shrinking it to fit `max_lines`; returns the next y."""
    while True:
        lines = simpleSplit(text, font, size, width)
        if len(lines) <= max_lines or size <= 6:
            break
        size -= 0.5
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    canvas.setFont(font, size)
    for line in lines:
        y -= size * 1.15
        _fit_line(canvas, line, font, size, x, y, width)
    return y


def _fit_line(
    canvas: Canvas, text: str, font: str, size: float, x: float, y: float, width: float
) -> None:
    """Draws one line, shrinking the type until it fits `width`."""
    while size > 5 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.25
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)
