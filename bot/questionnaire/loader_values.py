"""The loader's shared part: terms, results, locations and reading texts, flags, expressions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.questionnaire.errors import Problem, ProblemCode, QuestionnaireError
from bot.questionnaire.expressions import Expression, ExpressionError, uses_current
from bot.questionnaire.model import (
    LANGUAGES,
    LocalizedText,
    Questionnaire,
)
from bot.questionnaire.yaml_source import LineMap

FORM_FIELDS = ("id", "version", "title", "default_language", "scale", "sections")
SECTION_FIELDS = ("id", "title", "arena", "questions")
QUESTION_FIELDS = (
    "id",
    "type",
    "text",
    "hint",
    "required",
    "arena",
    "principle",
    "indicator",
    "scale",
    "dont_know",
    "choices",
    "min",
    "max",
    "max_length",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "choice_filter",
    "required_if",
    "default",
)
SCALE_FIELDS = ("min", "max", "min_label", "max_label", "step")
CHOICE_FIELDS = ("value", "label", "columns")

MAX_TEXT_LENGTH = 4000  # a Telegram message holds 4096 characters
MAX_SCALE_POINTS = 101
PHONE_SCALE_POINTS = 11  # more buttons than this do not fit a phone keyboard

ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
FORM_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
INDICATOR_RE = re.compile(r"([A-Z])(\d+)([A-Z])(\d+)")


# --- Result ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceTerms:
    """How messages name fields and positions, so other formats can reuse these checks."""

    position: str = "line"
    fields: Mapping[str, str] = field(default_factory=dict)
    add_indonesian: str = "add 'id: ...'"

    def name(self, key: str, default: str | None = None) -> str:
        """Returns what the source format calls the field `key` (else `default` or `key`)."""
        return self.fields.get(key, default or key)


YAML_TERMS = SourceTerms()


@dataclass(frozen=True)
class LoadResult:
    """The outcome of loading: a questionnaire only when there are no errors."""

    questionnaire: Questionnaire | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Tells whether loading succeeded."""
        return self.questionnaire is not None and not self.errors

    def unwrap(self) -> Questionnaire:
        """Returns the questionnaire or raises `QuestionnaireError` with every error."""
        if self.questionnaire is None or self.errors:
            raise QuestionnaireError(self.errors, self.warnings)
        return self.questionnaire


@dataclass(frozen=True)
class Loc:
    line: int | None = None
    question_id: str | None = None
    section_id: str | None = None

    def at(self, line: int | None) -> Loc:
        return Loc(line if line is not None else self.line, self.question_id, self.section_id)


@dataclass
class ValueReader:
    """Collects problems and reads a mapping's values: texts, flags, names, expressions."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    terms: SourceTerms = YAML_TERMS

    def error(self, code: ProblemCode, message: str, loc: Loc) -> None:
        self.errors.append(Problem(code, message, loc.line, loc.question_id, loc.section_id))

    def warn(self, code: ProblemCode, message: str, loc: Loc) -> None:
        self.warnings.append(Problem(code, message, loc.line, loc.question_id, loc.section_id))

    def _check_fields(
        self, data: Mapping[str, Any], allowed: Sequence[str], what: str, loc: Loc
    ) -> None:
        for key, line in getattr(data, "duplicate_keys", []):
            self.error(ProblemCode.DUPLICATE_KEY, f"'{key}' is given twice", loc.at(line))
        for key in data:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.error(
                ProblemCode.UNKNOWN_FIELD,
                f"unknown field '{key}' in {what}{hint}; allowed: {', '.join(allowed)}",
                loc_of(data, str(key), loc),
            )

    def _expression(self, data: Mapping[str, Any], key: str, loc: Loc) -> Expression | None:
        value = data.get(key)
        if value is None:
            return None
        where = loc.at(line_of(data, key))
        if not isinstance(value, str):
            self.error(ProblemCode.INVALID_VALUE, f"{key} must be text, not {value!r}", where)
            return None
        try:
            expr = Expression.parse(value, choice_filter=key == "choice_filter")
        except ExpressionError as exc:
            self.error(
                ProblemCode.INVALID_EXPRESSION,
                f"{key} cannot be read: {exc.message} at character {exc.position + 1} of {value!r}",
                where,
            )
            return None
        if key == "relevant" and uses_current(expr):
            self.error(
                ProblemCode.CURRENT_IN_RELEVANT,
                "relevant cannot use '.' (the answer does not exist yet); "
                "'.' is only for constraints",
                where,
            )
        return expr

    # -- values -------------------------------------------------------------------

    def _required_text(
        self, data: Mapping[str, Any], key: str, loc: Loc, name: str | None = None
    ) -> LocalizedText | None:
        if data.get(key) is None:
            self.error(
                ProblemCode.MISSING_INDONESIAN_TEXT,
                f"'{name or self.terms.name(key)}' is missing; give at least the Indonesian text",
                loc,
            )
            return None
        return self._optional_text(data, key, loc, name)

    def _optional_text(
        self, data: Mapping[str, Any], key: str, loc: Loc, name: str | None = None
    ) -> LocalizedText | None:
        value = data.get(key)
        if value is None:
            return None
        where = loc.at(line_of(data, key))
        name = name or self.terms.name(key)
        if isinstance(value, str):
            text = value.strip()
            if not text:
                self.error(ProblemCode.MISSING_INDONESIAN_TEXT, f"'{name}' is empty", where)
                return None
            self.warn(ProblemCode.MISSING_ENGLISH_TEXT, f"'{name}' has no English text", where)
            return LocalizedText(text)
        if not isinstance(value, Mapping):
            self.error(
                ProblemCode.INVALID_VALUE,
                f"'{key}' must be text or a mapping with 'id' and 'en'",
                where,
            )
            return None
        for lang in value:
            if lang not in LANGUAGES:
                self.error(
                    ProblemCode.UNKNOWN_LANGUAGE,
                    f"'{key}' has unknown language {lang!r}; allowed: {', '.join(LANGUAGES)}",
                    where.at(line_of(value, str(lang))),
                )
        texts: dict[str, str | None] = {}
        for lang in LANGUAGES:
            raw = value.get(lang)
            if raw is not None and not isinstance(raw, str):
                raw = str(raw)
            texts[lang] = raw.strip() if raw is not None and raw.strip() else None
        indonesian = texts["id"]
        if indonesian is None:
            self.error(
                ProblemCode.MISSING_INDONESIAN_TEXT,
                f"'{name}' has no Indonesian text ({self.terms.add_indonesian})",
                where,
            )
            return None
        if texts["en"] is None:
            self.warn(ProblemCode.MISSING_ENGLISH_TEXT, f"'{name}' has no English text", where)
        return LocalizedText(indonesian, texts["en"])

    def _optional_str(self, data: Mapping[str, Any], key: str, loc: Loc) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.error(
                ProblemCode.INVALID_VALUE,
                f"{key} must be text, not {value!r}",
                loc.at(line_of(data, key)),
            )
            return None
        return str(value)

    def _bool(self, data: Mapping[str, Any], key: str, loc: Loc, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(
                ProblemCode.INVALID_VALUE,
                f"{key} must be true or false, not {value!r}",
                loc.at(line_of(data, key)),
            )
            return default
        return value


def line_of(data: Mapping[str, Any], key: str) -> int | None:
    if isinstance(data, LineMap):
        return data.line_of(key)
    return None


def loc_of(data: Mapping[str, Any], key: str, loc: Loc) -> Loc:
    return loc.at(line_of(data, key))
