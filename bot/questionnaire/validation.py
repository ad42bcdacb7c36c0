"""Validating and coercing raw answer input (typed text or button data) into answer values."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from bot.questionnaire.evaluation import EvalContext, is_true
from bot.questionnaire.expressions import Value
from bot.questionnaire.model import AnswerValue, Choice, Number, Question, QuestionType
from bot.questionnaire.typed_values import parse_date, parse_datetime, parse_time


class InvalidCode(StrEnum):
    """Why an input was refused; the host turns each into a polite, localised message."""

    NOT_A_NUMBER = "not_a_number"
    NOT_A_DATE = "not_a_date"
    NOT_A_TIME = "not_a_time"
    NOT_ON_SCALE = "not_on_scale"
    NOT_AN_INTEGER = "not_an_integer"
    BELOW_MIN = "below_min"
    ABOVE_MAX = "above_max"
    TOO_LONG = "too_long"
    EMPTY = "empty"
    UNKNOWN_CHOICE = "unknown_choice"
    CONSTRAINT_FAILED = "constraint_failed"
    REQUIRED = "required"
    DONT_KNOW_NOT_ALLOWED = "dont_know_not_allowed"
    WRONG_KIND = "wrong_kind"


Params = Mapping[str, str | int | float]


@dataclass(frozen=True)
class Rejection:
    """A refused input: a code plus the numbers or values its message needs."""

    code: InvalidCode
    params: Params = field(default_factory=dict)


_INTEGER_RE = re.compile(r"[+-]?\d+")
# Indonesians write a decimal comma ("7,5"); a point is accepted too. No thousands separators.
_DECIMAL_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_SPLIT_RE = re.compile(r"[\s,;]+")
_N = TypeVar("_N", int, float)


def coerce_answer(question: Question, raw: object) -> AnswerValue | Rejection:
    """Converts raw input to the question's value type, or explains why it cannot."""
    match question.type:
        case QuestionType.SCALE if question.scale_step != 1:
            return _coerce_step(question, raw)
        case QuestionType.SCALE:
            return _coerce_integer(raw, question.scale_min, question.scale_max)
        case QuestionType.INTEGER:
            return _coerce_integer(raw, question.min_value, question.max_value)
        case QuestionType.DECIMAL:
            return _coerce_decimal(raw, question.min_value, question.max_value)
        case QuestionType.SINGLE_CHOICE:
            return _coerce_single(question, raw)
        case QuestionType.MULTIPLE_CHOICE:
            return _coerce_multiple(question, raw)
        case QuestionType.TEXT:
            return _coerce_text(raw, question.max_length)
        case QuestionType.DATE | QuestionType.TIME | QuestionType.DATETIME:
            return _coerce_moment(question.type, raw)
        case QuestionType.NOTE | QuestionType.CALCULATE:
            return Rejection(InvalidCode.WRONG_KIND)


def validate_answer(
    question: Question, raw: object, values: Mapping[str, Value]
) -> AnswerValue | Rejection:
    """Coerces `raw` and checks the question's constraint with `.` bound to the new value."""
    value = coerce_answer(question, raw)
    if isinstance(value, Rejection):
        return value
    if question.choice_filter is not None:
        offered = {c.value for c in offered_choices(question, values)}
        chosen = value if isinstance(value, tuple) else (str(value),)
        outside = next((v for v in chosen if v not in offered), None)
        if outside is not None:
            return Rejection(InvalidCode.UNKNOWN_CHOICE, {"value": outside})
    if question.constraint is not None and not is_true(question.constraint, values, value):
        return Rejection(InvalidCode.CONSTRAINT_FAILED, {"constraint": question.constraint.source})
    return value


def _coerce_integer(raw: object, low: Number | None, high: Number | None) -> int | Rejection:
    # Typed whole numbers must be plain digits: "1.000" is one thousand to an Indonesian
    # reader and 1.0 to Python, so any separator is refused rather than guessed at.
    if isinstance(raw, str) and not _INTEGER_RE.fullmatch(raw.strip()):
        code = InvalidCode.NOT_AN_INTEGER if _DECIMAL_RE.fullmatch(raw.strip()) else None
        return Rejection(code or InvalidCode.NOT_A_NUMBER)
    number = _read_number(raw)
    if isinstance(number, Rejection):
        return number
    if not float(number).is_integer():
        return Rejection(InvalidCode.NOT_AN_INTEGER)
    return _check_range(int(number), low, high)


def _coerce_decimal(raw: object, low: Number | None, high: Number | None) -> float | Rejection:
    number = _read_number(raw)
    if isinstance(number, Rejection):
        return number
    return _check_range(float(number), low, high)


def _read_number(raw: object) -> int | float | Rejection:
    if isinstance(raw, bool):
        return Rejection(InvalidCode.NOT_A_NUMBER)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else Rejection(InvalidCode.NOT_A_NUMBER)
    if not isinstance(raw, str):
        return Rejection(InvalidCode.NOT_A_NUMBER)
    text = raw.strip()
    if _INTEGER_RE.fullmatch(text):
        return int(text)
    if _DECIMAL_RE.fullmatch(text):
        return float(text.replace(",", "."))
    return Rejection(InvalidCode.NOT_A_NUMBER)


def _check_range(value: _N, low: Number | None, high: Number | None) -> _N | Rejection:
    params: dict[str, str | int | float] = {}
    if low is not None:
        params["min"] = low
    if high is not None:
        params["max"] = high
    if low is not None and value < low:
        return Rejection(InvalidCode.BELOW_MIN, params)
    if high is not None and value > high:
        return Rejection(InvalidCode.ABOVE_MAX, params)
    return value


def _coerce_single(question: Question, raw: object) -> str | Rejection:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return Rejection(InvalidCode.WRONG_KIND)
    value = str(raw).strip()
    if question.choice(value) is None:
        return Rejection(InvalidCode.UNKNOWN_CHOICE, {"value": value})
    return value


def _coerce_multiple(question: Question, raw: object) -> tuple[str, ...] | Rejection:
    items: Iterable[object]
    if isinstance(raw, str):
        items = [part for part in _SPLIT_RE.split(raw) if part]
    elif isinstance(raw, list | tuple | set | frozenset):
        items = raw
    else:
        return Rejection(InvalidCode.WRONG_KIND)
    chosen: set[str] = set()
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int):
            return Rejection(InvalidCode.WRONG_KIND)
        value = str(item).strip()
        if question.choice(value) is None:
            return Rejection(InvalidCode.UNKNOWN_CHOICE, {"value": value})
        chosen.add(value)
    if not chosen:
        return Rejection(InvalidCode.EMPTY)
    # Store selections in form order so equal selections compare equal.
    return tuple(v for v in question.choice_values if v in chosen)


def _coerce_text(raw: object, max_length: int) -> str | Rejection:
    if not isinstance(raw, str):
        return Rejection(InvalidCode.WRONG_KIND)
    text = raw.strip()
    if not text:
        return Rejection(InvalidCode.EMPTY)
    if len(text) > max_length:
        return Rejection(InvalidCode.TOO_LONG, {"max_length": max_length, "length": len(text)})
    return text


def offered_choices(question: Question, values: Mapping[str, Value]) -> tuple[Choice, ...]:
    """Returns the choices to show: all of them, or those the choice_filter keeps."""
    if question.choice_filter is None:
        return question.choices
    kept: list[Choice] = []
    seen: set[str] = set()
    for choice in question.choices:
        columns = {"name": choice.value, **dict(choice.columns)}
        context = EvalContext(choice=columns)
        # pyxform allows a name twice in a filtered list; the first one offered counts.
        if choice.value not in seen and is_true(question.choice_filter, values, context=context):
            kept.append(choice)
            seen.add(choice.value)
    return tuple(kept)


def _coerce_step(question: Question, raw: object) -> int | float | Rejection:
    number = _read_number(raw)
    if isinstance(number, Rejection):
        return number
    for allowed in question.scale_values():
        if abs(float(allowed) - float(number)) < 1e-9:
            return allowed
    params = {"min": question.scale_min, "max": question.scale_max, "step": question.scale_step}
    return Rejection(InvalidCode.NOT_ON_SCALE, params)


def _coerce_moment(kind: QuestionType, raw: object) -> str | Rejection:
    """Reads a typed date/time (Indonesian, English or ISO formats) into ISO 8601 text."""
    if not isinstance(raw, str):
        return Rejection(InvalidCode.WRONG_KIND)
    if kind is QuestionType.DATE:
        day = parse_date(raw)
        return day.isoformat() if day is not None else Rejection(InvalidCode.NOT_A_DATE)
    if kind is QuestionType.TIME:
        moment = parse_time(raw)
        if moment is None:
            return Rejection(InvalidCode.NOT_A_TIME)
        return moment.isoformat(timespec="minutes" if moment.second == 0 else "seconds")
    stamp = parse_datetime(raw)
    if stamp is None:
        return Rejection(InvalidCode.NOT_A_DATE)
    return stamp.isoformat(timespec="minutes" if stamp.second == 0 else "seconds")
