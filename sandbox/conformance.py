"""Checks each Bot API request against the Bot API as python-telegram-bot declares it.

The methods and their parameters come from `telegram.Bot`'s signatures (the camelCase
aliases are the API's method names; keyword-only parameters are PTB's own conveniences,
such as timeouts and `filename`, that never go on the wire); the limits come from
`telegram.constants`. The sandbox keeps its own copy of Telegram's rules, so the two
sources check each other: a request this checker flags is one PTB itself would not make.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cache
from typing import Any

import telegram
from telegram import constants

from sandbox.errors import ApiError
from sandbox.html_text import parse_html, utf16_length
from sandbox.markup import decode_json_field
from sandbox.params import Params

# Text parameters measured after entity parsing, with their limit and the mode parameter.
_TEXT_LIMITS: dict[str, int] = {
    "text": constants.MessageLimit.MAX_TEXT_LENGTH,
    "caption": constants.MessageLimit.CAPTION_LENGTH,
}
_TEXT_METHODS = frozenset({"sendmessage", "editmessagetext"})


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """A Bot API method: its documented name, parameters, and which are required."""

    name: str
    parameters: frozenset[str]
    required: frozenset[str]


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a request departs from the Bot API."""

    method: str
    problem: str

    def __str__(self) -> str:
        return f"{self.method}: {self.problem}"


@cache
def bot_api_methods() -> dict[str, MethodSpec]:
    """Returns the Bot API methods PTB knows, keyed by lower-cased name."""
    methods: dict[str, MethodSpec] = {}
    for name in dir(telegram.Bot):
        if not name[:1].islower() or "_" in name or name.islower():
            continue  # only the camelCase aliases are API method names
        function = getattr(telegram.Bot, name)
        if not inspect.iscoroutinefunction(function):
            continue
        wire = [
            parameter
            for parameter in inspect.signature(function).parameters.values()
            if parameter.name != "self" and parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        ]
        methods[name.lower()] = MethodSpec(
            name=name,
            parameters=frozenset(p.name for p in wire),
            required=frozenset(p.name for p in wire if p.default is inspect.Parameter.empty),
        )
    # getMe, logOut and close take no parameters but are methods all the same.
    return methods


def _rendered_length(params: Params, field: str) -> int | None:
    source = params.text(field)
    if source is None:
        return None
    if (params.text("parse_mode") or "").lower() == "html":
        try:
            source = parse_html(source)[0]
        except ApiError:
            return None  # unparsable HTML is refused by the sandbox itself
    return utf16_length(source)


def _markup_problems(params: Params) -> list[str]:
    raw = params.raw("reply_markup")
    if raw is None or raw == "":
        return []
    try:
        markup = decode_json_field(raw, ApiError(400, "bad reply_markup"))
    except ApiError:
        return ["reply_markup is not JSON"]
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list):
        return []
    problems: list[str] = []
    low = constants.InlineKeyboardButtonLimit.MIN_CALLBACK_DATA
    high = constants.InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    total = 0
    for row in rows:
        if not isinstance(row, list):
            continue
        total += len(row)
        if len(row) > constants.InlineKeyboardMarkupLimit.BUTTONS_PER_ROW:
            problems.append(f"a keyboard row has {len(row)} buttons")
        for button in row:
            data = button.get("callback_data") if isinstance(button, dict) else None
            if data is not None and not low <= len(str(data).encode("utf-8")) <= high:
                problems.append(f"callback_data {data!r} is not {low}-{high} bytes")
    if total > constants.InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER:
        problems.append(f"the keyboard has {total} buttons")
    return problems


def _command_problems(params: Params) -> list[str]:
    commands = params.json_value("commands")
    if not isinstance(commands, list):
        return []
    limit = constants.BotCommandLimit
    problems: list[str] = []
    if len(commands) > limit.MAX_COMMAND_NUMBER:
        problems.append(f"{len(commands)} commands")
    for command in commands:
        if not isinstance(command, dict):
            continue
        name = str(command.get("command", ""))
        description = str(command.get("description", ""))
        if not limit.MIN_COMMAND <= len(name) <= limit.MAX_COMMAND:
            problems.append(f"command {name!r} is not {limit.MIN_COMMAND}-{limit.MAX_COMMAND} long")
        if utf16_length(description) > limit.MAX_DESCRIPTION:
            problems.append(f"the description of /{name} is over {limit.MAX_DESCRIPTION}")
    return problems


def _limit_problems(method: str, params: Params) -> list[str]:
    problems: list[str] = []
    for field, limit in _TEXT_LIMITS.items():
        if field == "text" and method not in _TEXT_METHODS:
            continue
        length = _rendered_length(params, field)
        if length is not None and length > limit:
            problems.append(f"{field} is {length} UTF-16 code units, over {limit}")
    if method == "answercallbackquery":
        text = params.text("text")
        limit = constants.CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH
        if text is not None and utf16_length(text) > limit:
            problems.append(f"text is {utf16_length(text)} UTF-16 code units, over {limit}")
    if method == "setmycommands":
        problems.extend(_command_problems(params))
    problems.extend(_markup_problems(params))
    return problems


def check_request(method: str, params: Params) -> list[Violation]:
    """Returns how this request departs from the Bot API PTB declares (empty: it conforms)."""
    spec = bot_api_methods().get(method.lower())
    if spec is None:
        return [Violation(method, "unknown Bot API method")]
    attached = {
        value.removeprefix("attach://")
        for value in params.values.values()
        if isinstance(value, str) and value.startswith("attach://")
    }
    given = set(params.values) | (set(params.uploads) - attached)
    problems = [f"unknown parameter {name!r}" for name in sorted(given - spec.parameters)]
    problems += [f"missing parameter {name!r}" for name in sorted(spec.required - given)]
    problems += _limit_problems(spec.name.lower(), params)
    return [Violation(spec.name, problem) for problem in problems]


class ConformanceLog:
    """The violations seen so far; tests assert it stays empty."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def check(self, method: str, params: Params) -> None:
        """Checks a request and remembers what is wrong with it."""
        self.violations.extend(check_request(method, params))

    def clear(self) -> None:
        """Forgets the violations seen so far."""
        self.violations.clear()

    def as_json(self) -> list[dict[str, Any]]:
        """Returns the violations as the control API reports them."""
        return [{"method": v.method, "problem": v.problem} for v in self.violations]
