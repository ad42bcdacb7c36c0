"""Telegram's message limits, counted as Telegram counts: UTF-16 code units after entity parsing.

Python's `len` counts code points: an emoji or a rare CJK character is one for Python and
two for Telegram, and `<b>` or `&amp;` count for Python but not once Telegram has parsed
the HTML. Every text the bot builds from someone's content is measured here before sending.
The values mirror `telegram.constants` (a test keeps them equal) so that use cases can
check them without importing Telegram's client.
"""

from __future__ import annotations

import html
import re

TEXT_LIMIT = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH
CAPTION_LIMIT = 1024  # telegram.constants.MessageLimit.CAPTION_LENGTH
CALLBACK_DATA_BYTES = 64  # telegram.constants.InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
BUTTON_TEXT_LIMIT = 64  # what a phone shows of a button before it cuts the label off

_TAG = re.compile(r"<[^>]*>")


def utf16_length(text: str) -> int:
    """The length Telegram sees for plain text."""
    return len(text.encode("utf-16-le")) // 2


def html_length(text: str) -> int:
    """The length Telegram sees for HTML text: tags dropped, entities read as one character."""
    return utf16_length(html.unescape(_TAG.sub("", text)))


def fits(text: str, limit: int = TEXT_LIMIT, *, is_html: bool = False) -> bool:
    """Tells whether Telegram accepts the text under the limit."""
    return (html_length(text) if is_html else utf16_length(text)) <= limit


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cuts plain text into pieces Telegram accepts, at line breaks or spaces where it can."""
    pieces: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        cut = _last_fitting_index(rest, limit)
        skip = 0
        for separator in ("\n", " "):
            at = rest.rfind(separator, 0, cut + 1)
            if at > cut // 2:
                cut, skip = at, 1  # the separator itself starts no piece
                break
        pieces.append(rest[:cut])
        rest = rest[cut + skip :]
    if rest:
        pieces.append(rest)
    return pieces


def _last_fitting_index(text: str, limit: int) -> int:
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
