"""Compact button payloads (Telegram allows 64 bytes) and their parsing.

Question buttons carry the question's position in the form, so a tap is always
attributed to the question it was shown with, never to whatever is current now.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.questionnaire.interpret import Tap, TapKind


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
        if not index_text.isdigit():
            return None
        return Payload(action, int(index_text), argument)
    return Payload(action, None, rest)


def mask_of(indices: set[int] | frozenset[int]) -> str:
    """Encodes selected choice indices as a hex bit mask."""
    return format(sum(1 << i for i in indices), "x")


def indices_of(mask: str) -> frozenset[int] | None:
    """Decodes a hex bit mask; None if malformed."""
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


def as_tap(payload: Payload) -> Tap | None:
    """What a question button's payload asks the engine, as plain data; None if malformed."""
    kind = _TAP_KINDS.get(payload.action)
    if kind is None:
        return None
    argument = payload.argument
    value = int(argument) if argument.lstrip("-").isdigit() and argument.count("-") <= 1 else None
    if kind is TapKind.ANSWER and value is None:
        return None
    selection = None
    if kind is TapKind.DONE:
        mask = indices_of(argument)
        if mask is None:
            return None
        selection = tuple(sorted(mask))
    return Tap(kind, payload.question_index, value=value, selection=selection)
