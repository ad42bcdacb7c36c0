"""bot/message_limits.py: lengths as Telegram counts them, and its limits as PTB declares them."""

from __future__ import annotations

from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.message_limits import (
    CALLBACK_DATA_BYTES,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    fits,
    html_length,
    split_text,
    utf16_length,
)


def test_the_limits_are_the_ones_python_telegram_bot_declares() -> None:
    assert TEXT_LIMIT == MessageLimit.MAX_TEXT_LENGTH
    assert CAPTION_LIMIT == MessageLimit.CAPTION_LENGTH
    assert CALLBACK_DATA_BYTES == InlineKeyboardButtonLimit.MAX_CALLBACK_DATA


def test_characters_outside_the_basic_plane_count_twice() -> None:
    assert utf16_length("Tata kelola") == 11
    assert utf16_length("📢") == 2
    assert utf16_length("é") == 1
    assert not fits("📢" * 2049) and fits("📢" * 2048)


def test_html_is_measured_after_parsing_tags_and_entities() -> None:
    assert html_length("<b>Bagian A</b> &amp; B") == len("Bagian A & B")
    assert fits("<i>" + "x" * 4096 + "</i>", is_html=True)
    assert not fits("<i>" + "x" * 4096 + "</i>")


def test_long_text_is_split_at_line_breaks_into_pieces_telegram_accepts() -> None:
    text = "\n".join(f"Baris {n}: " + "kata " * 20 for n in range(300))
    pieces = split_text(text, 1000)
    assert all(utf16_length(piece) <= 1000 for piece in pieces)
    assert "\n".join(pieces) == text
    emoji = split_text("📢" * 700, 1000)
    assert [utf16_length(p) for p in emoji] == [1000, 400]
