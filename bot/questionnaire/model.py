"""The frozen questionnaire definition model and answer values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from bot.questionnaire.expressions import Expression

SCHEMA_VERSION = 1
"""Version of the `Questionnaire.to_dict()` layout; bump when it changes incompatibly."""

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

Number = int | float
AnswerValue = int | float | str | tuple[str, ...]
"""scale/integer -> int, decimal -> float, single_choice/text -> str, multiple_choice -> tuple."""


@dataclass(frozen=True)
class LocalizedText:
    """Text in Indonesian (required) and English (optional)."""

    id: str
    en: str | None = None

    def get(self, lang: str) -> str:
        """Returns the text in `lang`, falling back to Indonesian."""
        if lang == "en" and self.en:
            return self.en
        return self.id

    def to_dict(self) -> dict[str, str | None]:
        """Returns a JSON-safe dict."""
        return {"id": self.id, "en": self.en}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LocalizedText:
        """Inverts `to_dict`."""
        return cls(id=data["id"], en=data.get("en"))


class Arena(StrEnum):
    """The four governance arenas."""

    GOVERNMENT = "government"
    BUREAUCRACY = "bureaucracy"
    CIVIL_SOCIETY = "civil_society"
    ECONOMIC_SOCIETY = "economic_society"

    @property
    def label(self) -> LocalizedText:
        """The arena's name in Indonesian and English."""
        return _ARENA_LABELS[self]

    @property
    def letter(self) -> str:
        """The arena letter used in indicator codes (G, B, C, E)."""
        return _ARENA_LETTERS[self]


class Principle(StrEnum):
    """The six good-governance principles."""

    PARTICIPATION = "participation"
    FAIRNESS = "fairness"
    ACCOUNTABILITY = "accountability"
    TRANSPARENCY = "transparency"
    EFFICIENCY = "efficiency"
    EFFECTIVENESS = "effectiveness"

    @property
    def label(self) -> LocalizedText:
        """The principle's name in Indonesian and English."""
        return _PRINCIPLE_LABELS[self]

    @property
    def letter(self) -> str:
        """The principle letter used in indicator codes (P, F, A, T, E, K)."""
        return _PRINCIPLE_LETTERS[self]


_ARENA_LABELS = {
    Arena.GOVERNMENT: LocalizedText("Pemerintah", "Government"),
    Arena.BUREAUCRACY: LocalizedText("Birokrasi", "Bureaucracy"),
    Arena.CIVIL_SOCIETY: LocalizedText("Masyarakat Sipil", "Civil Society"),
    Arena.ECONOMIC_SOCIETY: LocalizedText("Masyarakat Ekonomi", "Economic Society"),
}
_ARENA_LETTERS = {
    Arena.GOVERNMENT: "G",
    Arena.BUREAUCRACY: "B",
    Arena.CIVIL_SOCIETY: "C",
    Arena.ECONOMIC_SOCIETY: "E",
}
_PRINCIPLE_LABELS = {
    Principle.PARTICIPATION: LocalizedText("Partisipasi", "Participation"),
    Principle.FAIRNESS: LocalizedText("Keadilan", "Fairness"),
    Principle.ACCOUNTABILITY: LocalizedText("Akuntabilitas", "Accountability"),
    Principle.TRANSPARENCY: LocalizedText("Transparansi", "Transparency"),
    Principle.EFFICIENCY: LocalizedText("Efisiensi", "Efficiency"),
    Principle.EFFECTIVENESS: LocalizedText("Efektivitas", "Effectiveness"),
}
# Efficiency and effectiveness both start with E; effectiveness takes the K of efeKtivitas.
_PRINCIPLE_LETTERS = {
    Principle.PARTICIPATION: "P",
    Principle.FAIRNESS: "F",
    Principle.ACCOUNTABILITY: "A",
    Principle.TRANSPARENCY: "T",
    Principle.EFFICIENCY: "E",
    Principle.EFFECTIVENESS: "K",
}


class QuestionType(StrEnum):
    """The kinds of question the engine can ask."""

    SCALE = "scale"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    NOTE = "note"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    CALCULATE = "calculate"

    @property
    def is_choice(self) -> bool:
        """Tells whether the type picks from a list of choices."""
        return self in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)

    @property
    def is_numeric(self) -> bool:
        """Tells whether the type takes a typed-in number."""
        return self in (QuestionType.INTEGER, QuestionType.DECIMAL)

    @property
    def is_moment(self) -> bool:
        """Tells whether the type takes a typed date, time or both (stored as ISO 8601 text)."""
        return self in (QuestionType.DATE, QuestionType.TIME, QuestionType.DATETIME)

    @property
    def is_asked(self) -> bool:
        """Tells whether a participant sees the question (a calculation never is)."""
        return self is not QuestionType.CALCULATE


class AnswerStatus(StrEnum):
    """How a question was dealt with."""

    ANSWERED = "answered"
    DONT_KNOW = "dont_know"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Choice:
    """One option of a choice question."""

    value: str
    label: LocalizedText
    # Other columns of the choice (e.g. state=jambi), read by a question's choice_filter.
    columns: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Returns a JSON-safe dict (columns only when there are some)."""
        data: dict[str, Any] = {"value": self.value, "label": self.label.to_dict()}
        if self.columns:
            data["columns"] = dict(self.columns)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Choice:
        """Inverts `to_dict`."""
        return cls(
            value=data["value"],
            label=LocalizedText.from_dict(data["label"]),
            columns=tuple(dict(data.get("columns") or {}).items()),
        )


@dataclass(frozen=True)
class Question:
    """One question; type-specific fields are ignored by other types."""

    id: str
    type: QuestionType
    text: LocalizedText
    section_id: str = ""
    hint: LocalizedText | None = None
    required: bool = True
    arena: Arena | None = None
    principle: Principle | None = None
    indicator: str | None = None
    scale_min: int = 1
    scale_max: int = 10
    scale_min_label: LocalizedText | None = None
    scale_max_label: LocalizedText | None = None
    # The YAML loader defaults this to True for scale questions and False otherwise.
    allow_dont_know: bool = False
    choices: tuple[Choice, ...] = ()
    min_value: Number | None = None
    max_value: Number | None = None
    max_length: int = 500
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: LocalizedText | None = None
    # XLSForm features; to_dict writes them only when set, so older definitions keep
    # their canonical JSON and content hash.
    scale_step: Number = 1
    calculation: Expression | None = None  # a calculate question's value
    choice_filter: Expression | None = None  # which choices are offered (bare names: columns)
    required_if: Expression | None = None  # required only while this holds
    default: str | None = None  # offered as a one-tap answer

    @property
    def is_scored(self) -> bool:
        """Tells whether answers feed the index (a scale with arena and principle)."""
        return (
            self.type is QuestionType.SCALE
            and self.arena is not None
            and self.principle is not None
        )

    @property
    def choice_values(self) -> tuple[str, ...]:
        """The allowed choice values in form order."""
        return tuple(c.value for c in self.choices)

    def choice(self, value: str) -> Choice | None:
        """Returns the choice with `value`, or None."""
        return next((c for c in self.choices if c.value == value), None)

    def to_dict(self) -> dict[str, Any]:
        """Returns a JSON-safe dict (section_id is implied by the enclosing section)."""
        return {
            "id": self.id,
            "type": self.type.value,
            "text": self.text.to_dict(),
            "hint": _opt_text(self.hint),
            "required": self.required,
            "arena": self.arena.value if self.arena else None,
            "principle": self.principle.value if self.principle else None,
            "indicator": self.indicator,
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "scale_min_label": _opt_text(self.scale_min_label),
            "scale_max_label": _opt_text(self.scale_max_label),
            "allow_dont_know": self.allow_dont_know,
            "choices": [c.to_dict() for c in self.choices],
            "min_value": self.min_value,
            "max_value": self.max_value,
            "max_length": self.max_length,
            "relevant": self.relevant.source if self.relevant else None,
            "constraint": self.constraint.source if self.constraint else None,
            "constraint_message": _opt_text(self.constraint_message),
            **self._features_dict(),
        }

    def _features_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.scale_step != 1:
            data["scale_step"] = self.scale_step
        for key, expression in (
            ("calculation", self.calculation),
            ("choice_filter", self.choice_filter),
            ("required_if", self.required_if),
        ):
            if expression is not None:
                data[key] = expression.source
        if self.default is not None:
            data["default"] = self.default
        return data

    def scale_values(self) -> tuple[Number, ...]:
        """The values a scale offers: start to end by step (end included when reached)."""
        step = self.scale_step
        count = int((self.scale_max - self.scale_min) / step + 1e-9) + 1
        values = [self.scale_min + i * step for i in range(count)]
        return tuple(int(v) if float(v).is_integer() else round(v, 10) for v in values)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], section_id: str) -> Question:
        """Inverts `to_dict`."""
        return cls(
            id=data["id"],
            type=QuestionType(data["type"]),
            text=LocalizedText.from_dict(data["text"]),
            section_id=section_id,
            hint=_read_opt_text(data.get("hint")),
            required=data["required"],
            arena=Arena(data["arena"]) if data.get("arena") else None,
            principle=Principle(data["principle"]) if data.get("principle") else None,
            indicator=data.get("indicator"),
            scale_min=data["scale_min"],
            scale_max=data["scale_max"],
            scale_min_label=_read_opt_text(data.get("scale_min_label")),
            scale_max_label=_read_opt_text(data.get("scale_max_label")),
            allow_dont_know=data["allow_dont_know"],
            choices=tuple(Choice.from_dict(c) for c in data.get("choices", ())),
            min_value=data.get("min_value"),
            max_value=data.get("max_value"),
            max_length=data["max_length"],
            relevant=Expression.parse(data["relevant"]) if data.get("relevant") else None,
            constraint=Expression.parse(data["constraint"]) if data.get("constraint") else None,
            constraint_message=_read_opt_text(data.get("constraint_message")),
            scale_step=data.get("scale_step", 1),
            calculation=_read_expression(data.get("calculation")),
            choice_filter=_read_expression(data.get("choice_filter"), choice_filter=True),
            required_if=_read_expression(data.get("required_if")),
            default=data.get("default"),
        )


@dataclass(frozen=True)
class Section:
    """A titled group of questions, optionally about one arena."""

    id: str
    title: LocalizedText
    arena: Arena | None
    questions: tuple[Question, ...]

    def to_dict(self) -> dict[str, Any]:
        """Returns a JSON-safe dict."""
        return {
            "id": self.id,
            "title": self.title.to_dict(),
            "arena": self.arena.value if self.arena else None,
            "questions": [q.to_dict() for q in self.questions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Section:
        """Inverts `to_dict`."""
        return cls(
            id=data["id"],
            title=LocalizedText.from_dict(data["title"]),
            arena=Arena(data["arena"]) if data.get("arena") else None,
            questions=tuple(Question.from_dict(q, data["id"]) for q in data["questions"]),
        )


@dataclass(frozen=True)
class Questionnaire:
    """A complete, validated questionnaire definition."""

    id: str
    version: str
    title: LocalizedText
    sections: tuple[Section, ...]
    default_language: str = DEFAULT_LANGUAGE
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for position, question in enumerate(q for s in self.sections for q in s.questions):
            if question.id in index:
                raise ValueError(f"duplicate question id {question.id!r}")
            index[question.id] = position
        object.__setattr__(self, "_index", index)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """All questions in form order."""
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def calculations(self) -> tuple[Question, ...]:
        """The calculate questions (never asked; their values are stored), form order."""
        return tuple(q for q in self.questions if q.calculation is not None)

    def question(self, question_id: str) -> Question:
        """Returns the question with `question_id`, raising KeyError if unknown."""
        return self.questions[self._index[question_id]]

    def has_question(self, question_id: str) -> bool:
        """Tells whether `question_id` exists."""
        return question_id in self._index

    def index_of(self, question_id: str) -> int:
        """Returns the question's position in form order, raising KeyError if unknown."""
        return self._index[question_id]

    def section(self, section_id: str) -> Section:
        """Returns the section with `section_id`, raising KeyError if unknown."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def section_of(self, question_id: str) -> Section:
        """Returns the section containing `question_id`, raising KeyError if unknown."""
        return self.section(self.question(question_id).section_id)

    def to_dict(self) -> dict[str, Any]:
        """Returns a JSON-safe dict that `from_dict` turns back into an equal questionnaire."""
        return {
            "schema": SCHEMA_VERSION,
            "id": self.id,
            "version": self.version,
            "title": self.title.to_dict(),
            "default_language": self.default_language,
            "sections": [s.to_dict() for s in self.sections],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Questionnaire:
        """Inverts `to_dict`; raises ValueError for an unknown schema version."""
        if data.get("schema") != SCHEMA_VERSION:
            raise ValueError(f"unsupported questionnaire schema {data.get('schema')!r}")
        return cls(
            id=data["id"],
            version=data["version"],
            title=LocalizedText.from_dict(data["title"]),
            sections=tuple(Section.from_dict(s) for s in data["sections"]),
            default_language=data["default_language"],
        )

    def canonical_json(self) -> str:
        """Returns the canonical JSON text (sorted keys, no spaces) of `to_dict()`."""
        return canonical_json(self.to_dict())

    def content_hash(self) -> str:
        """Returns the SHA-256 hex digest of the canonical JSON."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Answer:
    """One respondent's answer; `value` is None unless status is answered (and not a note)."""

    question_id: str
    status: AnswerStatus
    value: AnswerValue | None
    answered_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """Returns a JSON-safe dict (tuples become lists, time becomes ISO 8601)."""
        return {
            "question_id": self.question_id,
            "status": self.status.value,
            "value": value_to_json(self.value),
            "answered_at": self.answered_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Answer:
        """Inverts `to_dict`."""
        return cls(
            question_id=data["question_id"],
            status=AnswerStatus(data["status"]),
            value=value_from_json(data.get("value")),
            answered_at=datetime.fromisoformat(data["answered_at"]),
        )


class ReadOnlyAnswers(dict[str, Answer]):
    """Answers by question id that cannot be changed once built (a `State`'s answers).

    A dict underneath, so reading is as fast as a dict's; every method that would change
    it raises TypeError. Because it never changes, the same object always means the same
    answers, which lets `bot.questionnaire.relevance` remember its results by identity.
    """

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> Any:
        raise TypeError("answers are read-only; build a new State instead")

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only


def value_to_json(value: AnswerValue | None) -> int | float | str | list[str] | None:
    """Converts an answer value to JSON (a multiple-choice tuple becomes a list)."""
    return list(value) if isinstance(value, tuple) else value


def value_from_json(value: Any) -> AnswerValue | None:
    """Converts a JSON answer value back (a list becomes a tuple)."""
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if value is None or isinstance(value, int | float | str):
        return value
    raise ValueError(f"not an answer value: {value!r}")


def canonical_json(data: Any) -> str:
    """Serialises `data` deterministically: sorted keys, compact separators, UTF-8 text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _opt_text(text: LocalizedText | None) -> dict[str, str | None] | None:
    return text.to_dict() if text is not None else None


def _read_opt_text(data: Mapping[str, Any] | None) -> LocalizedText | None:
    return LocalizedText.from_dict(data) if data is not None else None


def _read_expression(source: str | None, choice_filter: bool = False) -> Expression | None:
    return Expression.parse(source, choice_filter) if source else None
