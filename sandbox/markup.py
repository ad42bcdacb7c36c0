"""Validation of reply_markup: inline keyboards, reply keyboards, their removal, force reply."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sandbox.errors import ApiError, bad_request

MAX_CALLBACK_DATA_BYTES = 64
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_BAD_MARKUP = "can't parse reply keyboard markup JSON object"

InlineKeyboard = list[list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class ReplyKeyboard:
    """A custom keyboard that replaces the person's text keyboard."""

    rows: tuple[tuple[str, ...], ...]
    one_time: bool


@dataclass(frozen=True, slots=True)
class Markup:
    """What a reply_markup asks for; at most one of the fields is set."""

    inline: InlineKeyboard | None = None
    reply_keyboard: ReplyKeyboard | None = None
    remove_keyboard: bool = False
    force_reply: bool = False


def _inline_button(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise bad_request(_BAD_MARKUP)
    actions = [name for name in _INLINE_ACTIONS if raw.get(name) is not None]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(_BAD_MARKUP)
    button: dict[str, Any] = {"text": raw["text"], actions[0]: raw[actions[0]]}
    data = raw.get("callback_data")
    if data is not None:
        encoded = str(data).encode("utf-8")
        if not 1 <= len(encoded) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
        button["callback_data"] = str(data)
    url = raw.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return button


def _inline_keyboard(rows: Any) -> InlineKeyboard:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    return [[_inline_button(button) for button in row] for row in rows if row]


def _reply_keyboard(raw: dict[str, Any]) -> ReplyKeyboard:
    rows = raw["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
    texts: list[tuple[str, ...]] = []
    for row in rows:
        row_texts: list[str] = []
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str) or not text:
                raise bad_request(_BAD_MARKUP)
            row_texts.append(text)
        if row_texts:
            texts.append(tuple(row_texts))
    return ReplyKeyboard(rows=tuple(texts), one_time=bool(raw.get("one_time_keyboard")))


def decode_json_field(value: Any, error: ApiError) -> Any:
    """Returns a JSON value that may arrive as a JSON string (form bodies) or as-is (JSON)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise error from None


def parse_reply_markup(value: Any) -> Markup | None:
    """Returns the validated markup, None if absent, or raises Telegram's 400."""
    if value is None or value == "":
        return None
    raw = decode_json_field(value, bad_request(_BAD_MARKUP))
    if not isinstance(raw, dict):
        raise bad_request(_BAD_MARKUP)
    if "inline_keyboard" in raw:
        return Markup(inline=_inline_keyboard(raw["inline_keyboard"]))
    if "keyboard" in raw:
        return Markup(reply_keyboard=_reply_keyboard(raw))
    if raw.get("remove_keyboard") is True:
        return Markup(remove_keyboard=True)
    if raw.get("force_reply") is True:
        return Markup(force_reply=True)
    raise bad_request(_BAD_MARKUP)
