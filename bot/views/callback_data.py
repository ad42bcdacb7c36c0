"""Every button payload the bot makes, participant and staff, and their parsing (one registry).

Telegram allows 1-64 bytes of callback data. Question buttons carry the question's
position in the form, so a tap is always attributed to the question it was shown with,
never to whatever is current now. Staff buttons start with their feature's prefix
(`StaffFeature`), distinct from every participant `Action`. Anything a forger sends that
is not one of these parses to None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.message_limits import CALLBACK_DATA_BYTES
from bot.questionnaire.interpret import Tap, TapKind

_NUMBER = re.compile(r"-?[0-9]{1,18}")
_HEX = re.compile(r"[0-9a-f]{1,32}")


class Action(StrEnum):
    """What a participant's button does."""

    ANSWER = "a"  # scale value or single-choice index
    TOGGLE = "m"  # multiple choice: the selection mask after this toggle
    DONE = "M"  # multiple choice: submit the selection mask
    DONT_KNOW = "d"
    SKIP = "s"
    BACK = "b"
    NEXT = "n"  # acknowledge a note
    GOTO = "g"  # re-open a question (review, missing list)
    CONSENT = "consent"
    CONSENT_LANGUAGE = "clang"  # switch the consent text's language
    LANGUAGE = "lang"
    SUBMIT = "submit"  # ask for confirmation
    SUBMIT_CONFIRM = "submit_yes"
    SUBMIT_CANCEL = "submit_no"
    REVIEW = "review"  # show the review page of one section
    RESUME = "resume"
    DECLINE = "decline"  # the consent's "Tidak bersedia"
    EXPLAIN = "explain"  # show the current question's explanation (its hint)


RESUME_FROM_REMINDER = "r"
"""The argument of a reminder's «Lanjutkan»: the reminder's button goes once pressed."""


_QUESTION_ACTIONS = {
    Action.ANSWER,
    Action.TOGGLE,
    Action.DONE,
    Action.DONT_KNOW,
    Action.SKIP,
    Action.BACK,
    Action.NEXT,
    Action.GOTO,
}


@dataclass(frozen=True)
class Payload:
    """A parsed button payload."""

    action: Action
    question_index: int | None = None
    argument: str = ""


def encode(action: Action, question_index: int | None = None, argument: str | int = "") -> str:
    """Builds a payload such as 'a:12:7'."""
    parts = [action.value]
    if question_index is not None:
        parts.append(str(question_index))
    if argument != "":
        parts.append(str(argument))
    data = ":".join(parts)
    if len(data.encode()) > 64:  # pragma: no cover - guarded by construction
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Payload | None:
    """Parses a payload; None for anything malformed or foreign."""
    if not data:
        return None
    head, _, rest = data.partition(":")
    try:
        action = Action(head)
    except ValueError:
        return None
    if action in _QUESTION_ACTIONS:
        index_text, _, argument = rest.partition(":")
        index = number(index_text)
        if index is None or index < 0:
            return None
        return Payload(action, index, argument)
    return Payload(action, None, rest)


def mask_of(indices: set[int] | frozenset[int]) -> str:
    """Encodes selected choice indices as a hex bit mask."""
    return format(sum(1 << i for i in indices), "x")


def indices_of(mask: str) -> frozenset[int] | None:
    """Decodes a hex bit mask; None if malformed."""
    if mask and not _HEX.fullmatch(mask):
        return None
    try:
        value = int(mask, 16) if mask else 0
    except ValueError:
        return None
    if value < 0:
        return None
    return frozenset(i for i in range(value.bit_length()) if value >> i & 1)


_TAP_KINDS = {
    Action.ANSWER: TapKind.ANSWER,
    Action.DONE: TapKind.DONE,
    Action.DONT_KNOW: TapKind.DONT_KNOW,
    Action.SKIP: TapKind.SKIP,
    Action.BACK: TapKind.BACK,
    Action.NEXT: TapKind.NEXT,
    Action.GOTO: TapKind.GOTO,
}


# A scale button whose value is not whole (a step of 0.5) carries its position: "i3".
SCALE_POSITION = "i"


def as_tap(payload: Payload) -> Tap | None:
    """What a question button's payload asks the engine, as plain data; None if malformed."""
    kind = _TAP_KINDS.get(payload.action)
    if kind is None:
        return None
    argument = payload.argument
    value = number(argument)
    position = None
    if kind is TapKind.ANSWER and argument.startswith(SCALE_POSITION):
        position = number(argument.removeprefix(SCALE_POSITION))
        if position is None or position < 0:
            return None
        return Tap(kind, payload.question_index, position=position)
    if kind is TapKind.ANSWER and value is None:
        return None
    selection = None
    if kind is TapKind.DONE:
        mask = indices_of(argument)
        if mask is None:
            return None
        selection = tuple(sorted(mask))
    return Tap(kind, payload.question_index, value=value, selection=selection)


def number(text: str) -> int | None:
    """A whole number written in ASCII digits ("²" or "٣" are not); None otherwise."""
    return int(text) if _NUMBER.fullmatch(text) else None


class StaffFeature(StrEnum):
    """The prefix of each staff feature's buttons (never a participant Action's value)."""

    BROADCAST = "sb"
    AGENDA = "ag"
    REPORT = "rep"


def staff_data(feature: StaffFeature, *parts: str | int) -> str:
    """A staff button's payload, e.g. 'sb:ok:12'; refuses one Telegram would refuse."""
    data = ":".join([feature.value, *(str(part) for part in parts)])
    if len(data.encode()) > CALLBACK_DATA_BYTES:
        raise ValueError(f"callback data over {CALLBACK_DATA_BYTES} bytes: {data!r}")
    return data


def staff_parts(data: str | None, feature: StaffFeature) -> list[str] | None:
    """The parts after the feature's prefix; None if the payload is not the feature's."""
    head, _, rest = (data or "").partition(":")
    if head != feature.value:
        return None
    return rest.split(":") if rest else []


def staff_pattern(feature: StaffFeature) -> str:
    """The CallbackQueryHandler pattern that routes the feature's buttons."""
    return f"^{feature.value}:"
