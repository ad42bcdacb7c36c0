"""Invitation cards: a real PDF that a viewer renders, with readable QR codes and names."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import segno
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cards import (
    CARDS_PER_PAGE,
    PAGE_HEIGHT,
    CardPerson,
    missing_glyphs,
    qr_box,
    render_cards,
)
from admin.cli import main
from bot.invites import deep_link, format_code, new_invite_code
from tests.admin.conftest import Workshops

BOT = "wipbot_jambi_bot"
SCALE = 4  # pixels per PDF point when rendering


def people(count: int) -> list[CardPerson]:
    names = [
        "Dr. Hj. Siti Aminah, M.Si.",
        "Ir. Bambang O'Neil",
        'Rina "Ina" Wati, S.H.',
        "Ni Luh Putu Ayu Śrīwati",
        "Đặng Văn Minh",
        "Łukasz Żółkiewski",
        "Prof. Dr. Ir. H. Johni Najwan, S.H., M.H., Ph.D. (Guru Besar Emeritus Hukum Tata Negara)",
    ]
    arenas = ["government", "bureaucracy", "civil_society", "economic_society"]
    return [
        CardPerson(
            name=names[i % len(names)] + (f" {i}" if i >= len(names) else ""),
            invite_code=new_invite_code(),
            organisation="Dinas Komunikasi dan Informatika Provinsi Jambi" if i % 2 else None,
            position="Kepala Bidang" if i % 3 == 0 else None,
            arena=arenas[i % 4],
        )
        for i in range(count)
    ]


def render(pdf: bytes) -> list[Image.Image]:
    with pdfium.PdfDocument(pdf) as document:
        return [page.render(scale=SCALE).to_pil().convert("L") for page in document]


def page_text(pdf: bytes) -> list[str]:
    with pdfium.PdfDocument(pdf) as document:
        return [page.get_textpage().get_text_range() for page in document]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    with pdfium.PdfDocument(pdf) as document:
        return [page.get_size() for page in document]


def read_qr_modules(image: Image.Image, index: int, modules: int) -> list[list[bool]]:
    """Samples the centre of every module of card `index`'s QR code on the rendered page."""
    box = qr_box(index)
    size = box.width / modules
    grid = []
    for row in range(modules):
        line = []
        for column in range(modules):
            x = box.x + (column + 0.5) * size
            y = box.y + box.height - (row + 0.5) * size
            pixel = image.getpixel((round(x * SCALE), round((PAGE_HEIGHT - y) * SCALE)))
            assert isinstance(pixel, int)
            line.append(pixel < 128)
        grid.append(line)
    return grid


def test_cards_render_on_a4_pages_with_names_codes_and_scannable_links() -> None:
    persons = people(10)
    sheet = render_cards(persons, bot_username=BOT, workshop_title="Lokakarya Tata Kelola · Jambi")
    assert sheet.pdf.startswith(b"%PDF")
    assert sheet.pages == 2
    assert sheet.warnings == ()

    images = render(sheet.pdf)
    assert len(images) == 2
    for size in page_sizes(sheet.pdf):
        assert size == pytest.approx((595.28, 841.89), abs=0.01), "A4 portrait"
    for image, cards in zip(images, (8, 2), strict=True):
        histogram = image.histogram()
        dark = sum(histogram[:128]) / sum(histogram)
        assert 0.01 * cards < dark < 0.5, "a page of cards is neither blank nor black"

    texts = page_text(sheet.pdf)
    for index, person in enumerate(persons):
        text = texts[index // CARDS_PER_PAGE]
        # Long names wrap over two lines; every word is on the card.
        assert all(word in text for word in person.name.split()), person.name
        assert format_code(person.invite_code) in text
    assert "Masyarakat Sipil" in texts[0] and "Masyarakat Ekonomi" in texts[0]
    assert f"@{BOT}" in texts[0] and "Pindai kode QR" in texts[0]

    for index, person in enumerate(persons):
        expected = [
            [bool(cell) for cell in row]
            for row in segno.make(deep_link(BOT, person.invite_code), error="m").matrix
        ]
        image = images[index // CARDS_PER_PAGE]
        assert read_qr_modules(image, index, len(expected)) == expected, person.name


def test_characters_the_font_lacks_are_reported() -> None:
    assert missing_glyphs("Đặng Śrīwati Łukasz O'Neil “Ani”") == []
    assert missing_glyphs("王小明") == ["小", "明", "王"]
    sheet = render_cards(
        [CardPerson("王小明", new_invite_code())], bot_username=BOT, workshop_title="Uji"
    )
    assert sheet.warnings == ("card of '王小明': the font has no glyph for '小明王'",)


async def test_cli_writes_cards_for_every_participant_sorted_by_name(
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
    listing = tmp_path / "peserta.csv"
    listing.write_text(
        "Nama;Arena;Instansi\n"
        + "".join(f"Peserta {chr(ord('Z') - i)};Birokrasi;Dinas {i}\n" for i in range(9)),
        encoding="utf-8",
    )
    assert (
        await asyncio.to_thread(
            main, ["participants", "import", str(listing), "--workshop", "ID-JA-2026-12-03"]
        )
        == 0
    )
    out = tmp_path / "kartu" / "cards.pdf"
    cards = ["invites", "cards", "--workshop", "ID-JA-2026-12-03", "--out", str(out)]

    assert await asyncio.to_thread(main, cards) == 2
    assert "--bot-username" in capsys.readouterr().err

    monkeypatch.setenv("WIPBOT_BOT_USERNAME", BOT)
    assert await asyncio.to_thread(main, cards) == 0
    assert "Wrote 9 card(s) for ID-JA-2026-12-03 on 2 A4 page(s)" in capsys.readouterr().out
    pdf = out.read_bytes()
    texts = page_text(pdf)
    assert len(texts) == 2
    first_page = texts[0]
    positions = [first_page.index(f"Peserta {letter}") for letter in "RSTUVWXY"]
    assert positions == sorted(positions), "cards are in name order"
    assert "Peserta Z" in texts[1]
    assert all(image.histogram()[0] > 0 for image in render(pdf))
