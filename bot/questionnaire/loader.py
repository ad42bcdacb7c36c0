"""YAML questionnaire loader: read -> validate (collecting every problem) -> frozen model.

The YAML format (see `data/igi_wip.yaml` for a full example)::

    id: igi-wip                  # questionnaire id: letters, digits, '-', '_', '.'
    version: "2026.1"            # quote it, or YAML turns 2026.10 into 2026.1
    title: {id: Kuesioner ..., en: Questionnaire ...}
    default_language: id         # optional: id (default) or en
    scale:                       # optional defaults for every scale question
      min: 1
      max: 10
      min_label: {id: Sangat buruk, en: Very poor}
      max_label: {id: Sangat baik, en: Very good}
    sections:
      - id: pemerintah
        title: {id: Pemerintah, en: Government}
        arena: government        # optional; questions inherit it
        questions:
          - id: G2P1             # unique across the form; letters, digits, '_', '-'
            type: scale          # scale | single_choice | multiple_choice | integer |
                                 # decimal | text | note
            principle: participation
            indicator: G2P1      # optional indicator code
            text: {id: Kualitas public hearing RAPBD, en: Quality of budget hearings}
            hint: {id: ..., en: ...}         # optional
            required: true                   # optional, default true (notes: never)
            dont_know: true                  # optional; default true for scale only
            scale: {min: 0, max: 5}          # optional, overrides the form default
            relevant: "${sector} != 'other'"      # optional: when to ask
            constraint: ". >= ${G2P0}"            # optional: '.' is this answer
            constraint_message: {id: ..., en: ...}

Texts are either a plain string (Indonesian only) or a mapping with `id` (required)
and `en`. Choice questions take `choices: [{value: yes, label: {id: Ya, en: Yes}}]`
(values without spaces; quote yes/no/on/off). Integer and decimal questions take
optional `min` and `max`; text questions take `max_length` (default 500).
Expressions use the XLSForm subset described in `bot.questionnaire.expressions`
and may only refer to earlier questions.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.questionnaire.errors import Problem, ProblemCode, QuestionnaireError
from bot.questionnaire.expressions import (
    Expression,
    ExpressionError,
    references,
    uses_current,
)
from bot.questionnaire.model import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Arena,
    Choice,
    LocalizedText,
    Number,
    Principle,
    Question,
    Questionnaire,
    QuestionType,
    Section,
)
from bot.questionnaire.yaml_source import LineMap, read_yaml

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

_ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_FORM_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_INDICATOR_RE = re.compile(r"([A-Z])(\d+)([A-Z])(\d+)")


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


def load_questionnaire_yaml(source: str | os.PathLike[str]) -> LoadResult:
    """Loads a questionnaire from YAML text (a `str`) or from a file (a path object)."""
    if isinstance(source, str):
        text = source
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problem = Problem(ProblemCode.FILE_NOT_READABLE, f"cannot read {source}: {exc}")
            return LoadResult(None, (problem,))
    data, syntax_problem = read_yaml(text)
    if syntax_problem is not None:
        return LoadResult(None, (syntax_problem,))
    return load_questionnaire_data(data)


def load_questionnaire_file(path: str | os.PathLike[str]) -> LoadResult:
    """Loads a questionnaire from a YAML file path."""
    return load_questionnaire_yaml(Path(path))


def load_questionnaire_data(data: Any, terms: SourceTerms = YAML_TERMS) -> LoadResult:
    """Validates already-parsed data (use `LineMap`s to get line numbers) into a model."""
    return _Builder(terms=terms).build(data)


# --- Validation ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Loc:
    line: int | None = None
    question_id: str | None = None
    section_id: str | None = None

    def at(self, line: int | None) -> _Loc:
        return _Loc(line if line is not None else self.line, self.question_id, self.section_id)


@dataclass
class _Draft:
    """A question built so far, with where it came from."""

    question: Question
    loc: _Loc
    data: Mapping[str, Any]


@dataclass
class _ScaleSpec:
    min: int = 1
    max: int = 10
    min_label: LocalizedText | None = None
    max_label: LocalizedText | None = None
    step: Number = 1


@dataclass
class _Builder:
    """Turns parsed YAML into a `Questionnaire`, recording every problem on the way."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    terms: SourceTerms = YAML_TERMS

    def error(self, code: ProblemCode, message: str, loc: _Loc) -> None:
        self.errors.append(Problem(code, message, loc.line, loc.question_id, loc.section_id))

    def warn(self, code: ProblemCode, message: str, loc: _Loc) -> None:
        self.warnings.append(Problem(code, message, loc.line, loc.question_id, loc.section_id))

    # -- structure ----------------------------------------------------------------

    def build(self, data: Any) -> LoadResult:
        root = _Loc(line=1)
        if not isinstance(data, Mapping):
            self.error(ProblemCode.NOT_A_MAPPING, "the file must be a mapping (key: value)", root)
            return self._result(None)
        self._check_fields(data, FORM_FIELDS, "the questionnaire", root)
        form_id = self._form_id(data, root)
        version = self._version(data, root)
        title = self._required_text(data, "title", root, self.terms.name("form_title", "title"))
        language = self._language(data, root)
        default_scale = self._scale(data.get("scale"), _ScaleSpec(), _loc_of(data, "scale", root))
        sections = self._sections(data, default_scale, root)
        drafts = [d for _, section_drafts in sections for d in section_drafts]
        self._check_question_ids(drafts)
        self._check_references(drafts)
        self._check_indicators(drafts)
        if self.errors or title is None:
            return self._result(None)
        questionnaire = Questionnaire(
            id=form_id,
            version=version,
            title=title,
            default_language=language,
            sections=tuple(
                Section(
                    id=section.id,
                    title=section.title,
                    arena=section.arena,
                    questions=tuple(d.question for d in section_drafts),
                )
                for section, section_drafts in sections
            ),
        )
        return self._result(questionnaire)

    def _result(self, questionnaire: Questionnaire | None) -> LoadResult:
        return LoadResult(questionnaire, _by_line(self.errors), _by_line(self.warnings))

    def _check_fields(
        self, data: Mapping[str, Any], allowed: Sequence[str], what: str, loc: _Loc
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
                _loc_of(data, str(key), loc),
            )

    def _form_id(self, data: Mapping[str, Any], loc: _Loc) -> str:
        value = data.get("id")
        if value is None:
            self.error(ProblemCode.MISSING_FIELD, "the questionnaire needs an 'id'", loc)
            return ""
        if not isinstance(value, str) or not _FORM_ID_RE.fullmatch(value):
            self.error(
                ProblemCode.INVALID_ID,
                f"questionnaire id {value!r} may only use letters, digits, '-', '_' and '.'",
                _loc_of(data, "id", loc),
            )
            return ""
        return value

    def _version(self, data: Mapping[str, Any], loc: _Loc) -> str:
        value = data.get("version")
        where = _loc_of(data, "version", loc)
        if value is None:
            self.error(ProblemCode.MISSING_FIELD, "the questionnaire needs a 'version'", loc)
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(ProblemCode.INVALID_VALUE, 'version must be text, e.g. "2026.1"', where)
            return ""
        if not isinstance(value, str):
            self.warn(
                ProblemCode.VERSION_NOT_QUOTED,
                f"version {value!r} is a number; put it in quotes so it stays exactly as written",
                where,
            )
        return str(value)

    def _language(self, data: Mapping[str, Any], loc: _Loc) -> str:
        value = data.get("default_language", DEFAULT_LANGUAGE)
        if value not in LANGUAGES:
            self.error(
                ProblemCode.UNKNOWN_LANGUAGE,
                f"default_language {value!r} is not one of: {', '.join(LANGUAGES)}",
                _loc_of(data, "default_language", loc),
            )
            return DEFAULT_LANGUAGE
        return str(value)

    def _sections(
        self, data: Mapping[str, Any], default_scale: _ScaleSpec, loc: _Loc
    ) -> list[tuple[Section, list[_Draft]]]:
        raw = data.get("sections")
        if raw is None or raw == []:
            self.error(ProblemCode.NO_SECTIONS, "the questionnaire has no sections", loc)
            return []
        if not isinstance(raw, list):
            self.error(
                ProblemCode.NOT_A_LIST,
                "'sections' must be a list (each item starts with '- ')",
                _loc_of(data, "sections", loc),
            )
            return []
        result: list[tuple[Section, list[_Draft]]] = []
        seen: dict[str, int | None] = {}
        for number, item in enumerate(raw, start=1):
            built = self._section(item, number, default_scale, _loc_of(data, "sections", loc))
            if built is None:
                continue
            section, drafts, line = built
            if section.id and section.id in seen:
                self.error(
                    ProblemCode.DUPLICATE_SECTION_ID,
                    f"section id is already used ({self.terms.position} {seen[section.id]})",
                    _Loc(line, section_id=section.id),
                )
            seen.setdefault(section.id, line)
            result.append((section, drafts))
        return result

    def _section(
        self, data: Any, number: int, default_scale: _ScaleSpec, parent: _Loc
    ) -> tuple[Section, list[_Draft], int | None] | None:
        if not isinstance(data, Mapping):
            self.error(
                ProblemCode.NOT_A_MAPPING,
                f"section #{number} must be a mapping (key: value)",
                parent,
            )
            return None
        line = getattr(data, "line", None)
        section_id = data.get("id")
        loc = _Loc(line, section_id=section_id if isinstance(section_id, str) else None)
        if section_id is None:
            self.error(ProblemCode.MISSING_FIELD, f"section #{number} needs an 'id'", loc)
            section_id = ""
        elif not isinstance(section_id, str) or not _ID_RE.fullmatch(section_id):
            self.error(
                ProblemCode.INVALID_ID,
                f"section id {section_id!r} must start with a letter and use only letters, "
                "digits, '_' and '-'",
                loc.at(_line_of(data, "id")),
            )
            section_id = ""
        self._check_fields(data, SECTION_FIELDS, "a section", loc)
        title = self._required_text(data, "title", loc) or LocalizedText("")
        arena = self._arena(data, loc, default=None)
        raw_questions = data.get("questions")
        drafts: list[_Draft] = []
        if raw_questions is None or raw_questions == []:
            self.error(ProblemCode.EMPTY_SECTION, "section has no questions", loc)
        elif not isinstance(raw_questions, list):
            self.error(
                ProblemCode.NOT_A_LIST,
                "'questions' must be a list (each item starts with '- ')",
                loc.at(_line_of(data, "questions")),
            )
        else:
            for q_number, raw in enumerate(raw_questions, start=1):
                draft = self._question(raw, q_number, section_id, arena, default_scale, loc)
                if draft is not None:
                    drafts.append(draft)
        section = Section(id=section_id, title=title, arena=arena, questions=())
        return section, drafts, line

    # -- questions ----------------------------------------------------------------

    def _question(
        self,
        data: Any,
        number: int,
        section_id: str,
        section_arena: Arena | None,
        default_scale: _ScaleSpec,
        parent: _Loc,
    ) -> _Draft | None:
        if not isinstance(data, Mapping):
            self.error(
                ProblemCode.NOT_A_MAPPING,
                f"question #{number} must be a mapping (key: value)",
                parent,
            )
            return None
        line = getattr(data, "line", None)
        raw_id = data.get("id")
        question_id = raw_id if isinstance(raw_id, str) and _ID_RE.fullmatch(raw_id) else None
        loc = _Loc(line, question_id=question_id, section_id=section_id or None)
        if raw_id is None:
            self.error(ProblemCode.MISSING_FIELD, f"question #{number} needs an 'id'", loc)
        elif question_id is None:
            self.error(
                ProblemCode.INVALID_ID,
                f"question id {raw_id!r} must start with a letter and use only letters, "
                "digits, '_' and '-'",
                loc.at(_line_of(data, "id")),
            )
        self._check_fields(data, QUESTION_FIELDS, "a question", loc)
        qtype = self._question_type(data, loc)
        text = self._required_text(data, "text", loc) or LocalizedText("")
        hint = self._optional_text(data, "hint", loc)
        arena = self._arena(data, loc, default=section_arena)
        principle = self._principle(data, loc)
        indicator = self._optional_str(data, "indicator", loc)
        kind = qtype or QuestionType.NOTE
        required = self._bool(data, "required", loc, default=kind is not QuestionType.NOTE)
        allow_dont_know = self._bool(data, "dont_know", loc, default=kind is QuestionType.SCALE)
        scale = _ScaleSpec()
        if qtype is QuestionType.SCALE:
            scale = self._scale(data.get("scale"), default_scale, _loc_of(data, "scale", loc))
        choices: tuple[Choice, ...] = ()
        if kind.is_choice:
            choices = self._choices(data, loc, duplicates="choice_filter" in data)
        min_value, max_value = (None, None)
        if kind.is_numeric:
            min_value, max_value = self._numeric_bounds(data, kind, loc)
        max_length = 500
        if kind is QuestionType.TEXT:
            max_length = self._max_length(data, loc)
        relevant = self._expression(data, "relevant", loc)
        constraint = self._expression(data, "constraint", loc)
        constraint_message = self._optional_text(data, "constraint_message", loc)
        if qtype is not None:
            self._check_applicability(data, qtype, loc)
            if qtype is QuestionType.NOTE:
                required = False
                allow_dont_know = False
            if qtype is QuestionType.SCALE and (arena is None or principle is None):
                self.warn(
                    ProblemCode.NOT_SCORED,
                    "scale question without arena and principle is not scored",
                    loc,
                )
        features = self._features(data, kind, loc)
        if kind is QuestionType.CALCULATE:
            required = allow_dont_know = False
        if constraint_message is not None and constraint is None:
            self.warn(
                ProblemCode.FIELD_NOT_APPLICABLE,
                "constraint_message is ignored without a constraint",
                loc.at(_line_of(data, "constraint_message")),
            )
        question = Question(
            id=question_id or "",
            type=kind,
            text=text,
            section_id=section_id,
            hint=hint,
            required=required,
            arena=arena,
            principle=principle,
            indicator=indicator,
            scale_min=scale.min,
            scale_max=scale.max,
            scale_min_label=scale.min_label,
            scale_max_label=scale.max_label,
            allow_dont_know=allow_dont_know,
            choices=choices,
            min_value=min_value,
            max_value=max_value,
            max_length=max_length,
            relevant=relevant,
            constraint=constraint,
            constraint_message=constraint_message,
            scale_step=scale.step,
            **features,
        )
        return _Draft(question, loc, data)

    def _features(self, data: Mapping[str, Any], kind: QuestionType, loc: _Loc) -> dict[str, Any]:
        """Reads calculation, choice_filter, required_if and default (XLSForm's features)."""
        features: dict[str, Any] = {
            key: self._expression(data, key, loc)
            for key in ("calculation", "choice_filter", "required_if")
        }
        if kind is QuestionType.CALCULATE and features["calculation"] is None:
            if "calculation" not in data:
                self.error(
                    ProblemCode.MISSING_FIELD, "a calculate question needs a 'calculation'", loc
                )
        elif kind is not QuestionType.CALCULATE and "calculation" in data:
            self.warn(
                ProblemCode.FIELD_NOT_APPLICABLE,
                f"'calculation' does not apply to {kind.value} questions and is ignored",
                loc.at(_line_of(data, "calculation")),
            )
            features["calculation"] = None
        default = data.get("default")
        if default is not None and not isinstance(default, bool):
            features["default"] = str(default)
        return features

    def _question_type(self, data: Mapping[str, Any], loc: _Loc) -> QuestionType | None:
        value = data.get("type")
        allowed = ", ".join(t.value for t in QuestionType)
        if value is None:
            self.error(ProblemCode.MISSING_FIELD, f"needs a 'type' (one of: {allowed})", loc)
            return None
        try:
            return QuestionType(value)
        except ValueError:
            self.error(
                ProblemCode.UNKNOWN_QUESTION_TYPE,
                f"unknown question type {value!r}; allowed: {allowed}",
                loc.at(_line_of(data, "type")),
            )
            return None

    def _check_applicability(self, data: Mapping[str, Any], qtype: QuestionType, loc: _Loc) -> None:
        applies = {
            "scale": qtype is QuestionType.SCALE,
            "choices": qtype.is_choice,
            "min": qtype.is_numeric,
            "max": qtype.is_numeric,
            "max_length": qtype is QuestionType.TEXT,
            "constraint": qtype is not QuestionType.NOTE,
            "dont_know": qtype is not QuestionType.NOTE,
            "required": qtype is not QuestionType.NOTE,
        }
        for key, ok in applies.items():
            if key in data and not ok:
                self.warn(
                    ProblemCode.FIELD_NOT_APPLICABLE,
                    f"'{key}' does not apply to {qtype.value} questions and is ignored",
                    loc.at(_line_of(data, key)),
                )
        if "principle" in data and qtype is not QuestionType.SCALE:
            self.warn(
                ProblemCode.NOT_SCORED,
                f"only scale questions are scored; the principle of this {qtype.value} "
                "question is kept as a label",
                loc.at(_line_of(data, "principle")),
            )

    def _arena(self, data: Mapping[str, Any], loc: _Loc, default: Arena | None) -> Arena | None:
        value = data.get("arena")
        if value is None:
            return default
        try:
            return Arena(value)
        except ValueError:
            self.error(
                ProblemCode.UNKNOWN_ARENA,
                f"unknown arena {value!r}; allowed: {', '.join(a.value for a in Arena)}",
                loc.at(_line_of(data, "arena")),
            )
            return default

    def _principle(self, data: Mapping[str, Any], loc: _Loc) -> Principle | None:
        value = data.get("principle")
        if value is None:
            return None
        try:
            return Principle(value)
        except ValueError:
            self.error(
                ProblemCode.UNKNOWN_PRINCIPLE,
                f"unknown principle {value!r}; allowed: {', '.join(p.value for p in Principle)}",
                loc.at(_line_of(data, "principle")),
            )
            return None

    def _scale(self, data: Any, default: _ScaleSpec, loc: _Loc) -> _ScaleSpec:
        if data is None:
            return default
        if not isinstance(data, Mapping):
            self.error(ProblemCode.NOT_A_MAPPING, "'scale' must be a mapping (min, max, ...)", loc)
            return default
        self._check_fields(data, SCALE_FIELDS, "scale", loc)
        spec = _ScaleSpec(
            min=default.min,
            max=default.max,
            min_label=default.min_label,
            max_label=default.max_label,
        )
        ok = True
        for key in ("min", "max"):
            if key not in data:
                continue
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int):
                self.error(
                    ProblemCode.BAD_SCALE_BOUNDS,
                    f"scale {key} must be a whole number, not {value!r}",
                    loc.at(_line_of(data, key)),
                )
                ok = False
            else:
                setattr(spec, key, value)
        step = data.get("step", 1)
        if isinstance(step, bool) or not isinstance(step, int | float) or step <= 0:
            self.error(
                ProblemCode.BAD_SCALE_BOUNDS,
                f"scale step must be a positive number, not {step!r}",
                loc.at(_line_of(data, "step")),
            )
        else:
            spec.step = step
        if "min_label" in data:
            spec.min_label = self._optional_text(data, "min_label", loc)
        if "max_label" in data:
            spec.max_label = self._optional_text(data, "max_label", loc)
        if ok and spec.min >= spec.max:
            self.error(
                ProblemCode.BAD_SCALE_BOUNDS,
                f"scale min ({spec.min}) must be smaller than max ({spec.max})",
                loc,
            )
        elif ok and (spec.max - spec.min) / spec.step + 1 > MAX_SCALE_POINTS:
            self.error(
                ProblemCode.BAD_SCALE_BOUNDS,
                f"scale {spec.min}..{spec.max} has more than {MAX_SCALE_POINTS} points",
                loc,
            )
        elif ok and (spec.max - spec.min) / spec.step + 1 > PHONE_SCALE_POINTS:
            self.warn(
                ProblemCode.LONG_SCALE,
                f"scale {spec.min}..{spec.max} has more than {PHONE_SCALE_POINTS} points; "
                "the buttons will be hard to use on a phone",
                loc,
            )
        return spec

    def _choices(
        self, data: Mapping[str, Any], loc: _Loc, duplicates: bool = False
    ) -> tuple[Choice, ...]:
        """Reads the choices; a value may repeat only in a filtered list, as in pyxform."""
        raw = data.get("choices")
        where = loc.at(_line_of(data, "choices"))
        if raw is None or raw == []:
            self.error(ProblemCode.NO_CHOICES, "a choice question needs 'choices'", where)
            return ()
        if not isinstance(raw, list):
            self.error(ProblemCode.NOT_A_LIST, "'choices' must be a list", where)
            return ()
        choices: list[Choice] = []
        seen: set[str] = set()
        for number, item in enumerate(raw, start=1):
            if not isinstance(item, Mapping):
                self.error(
                    ProblemCode.NOT_A_MAPPING,
                    f"choice #{number} must be a mapping with 'value' and 'label'",
                    where,
                )
                continue
            item_loc = loc.at(getattr(item, "line", None) or where.line)
            self._check_fields(item, CHOICE_FIELDS, "a choice", item_loc)
            value = item.get("value")
            label = self._required_text(item, "label", item_loc)
            if value is None:
                self.error(ProblemCode.MISSING_FIELD, f"choice #{number} needs a 'value'", item_loc)
                continue
            if isinstance(value, bool):
                self.error(
                    ProblemCode.INVALID_CHOICE_VALUE,
                    f"choice value {value!r} was read as true/false; put it in quotes (e.g. 'yes')",
                    item_loc,
                )
                continue
            if not isinstance(value, str | int):
                self.error(
                    ProblemCode.INVALID_CHOICE_VALUE,
                    f"choice value {value!r} must be text or a whole number",
                    item_loc,
                )
                continue
            text = str(value)
            if not text or any(ch.isspace() for ch in text):
                self.error(
                    ProblemCode.INVALID_CHOICE_VALUE,
                    f"choice value {text!r} must be non-empty and contain no spaces",
                    item_loc,
                )
                continue
            if text in seen and not duplicates:
                self.error(
                    ProblemCode.DUPLICATE_CHOICE_VALUE,
                    f"choice value {text!r} appears more than once",
                    item_loc,
                )
                continue
            seen.add(text)
            columns = item.get("columns")
            extra = tuple((str(k), str(v)) for k, v in dict(columns or {}).items())
            choices.append(Choice(text, label or LocalizedText(""), extra))
        return tuple(choices)

    def _numeric_bounds(
        self, data: Mapping[str, Any], qtype: QuestionType, loc: _Loc
    ) -> tuple[Number | None, Number | None]:
        bounds: dict[str, Number | None] = {"min": None, "max": None}
        ok = True
        for key in bounds:
            value = data.get(key)
            if value is None:
                continue
            whole = qtype is QuestionType.INTEGER
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (whole and not isinstance(value, int))
            ):
                kind = "a whole number" if whole else "a number"
                self.error(
                    ProblemCode.BAD_NUMERIC_BOUNDS,
                    f"{key} must be {kind}, not {value!r}",
                    loc.at(_line_of(data, key)),
                )
                ok = False
                continue
            bounds[key] = value
        low, high = bounds["min"], bounds["max"]
        if ok and low is not None and high is not None and low >= high:
            self.error(
                ProblemCode.BAD_NUMERIC_BOUNDS,
                f"min ({low}) must be smaller than max ({high})",
                loc.at(_line_of(data, "min")),
            )
        return low, high

    def _max_length(self, data: Mapping[str, Any], loc: _Loc) -> int:
        value = data.get("max_length", 500)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (1 <= value <= MAX_TEXT_LENGTH)
        ):
            self.error(
                ProblemCode.BAD_MAX_LENGTH,
                f"max_length must be a whole number from 1 to {MAX_TEXT_LENGTH}, not {value!r}",
                loc.at(_line_of(data, "max_length")),
            )
            return 500
        return value

    def _expression(self, data: Mapping[str, Any], key: str, loc: _Loc) -> Expression | None:
        value = data.get(key)
        if value is None:
            return None
        where = loc.at(_line_of(data, key))
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
        self, data: Mapping[str, Any], key: str, loc: _Loc, name: str | None = None
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
        self, data: Mapping[str, Any], key: str, loc: _Loc, name: str | None = None
    ) -> LocalizedText | None:
        value = data.get(key)
        if value is None:
            return None
        where = loc.at(_line_of(data, key))
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
                    where.at(_line_of(value, str(lang))),
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

    def _optional_str(self, data: Mapping[str, Any], key: str, loc: _Loc) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.error(
                ProblemCode.INVALID_VALUE,
                f"{key} must be text, not {value!r}",
                loc.at(_line_of(data, key)),
            )
            return None
        return str(value)

    def _bool(self, data: Mapping[str, Any], key: str, loc: _Loc, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(
                ProblemCode.INVALID_VALUE,
                f"{key} must be true or false, not {value!r}",
                loc.at(_line_of(data, key)),
            )
            return default
        return value

    # -- whole-form checks --------------------------------------------------------

    def _check_question_ids(self, drafts: Iterable[_Draft]) -> None:
        first_line: dict[str, int | None] = {}
        for draft in drafts:
            qid = draft.question.id
            if not qid:
                continue
            if qid in first_line:
                where = (
                    f" (first used at {self.terms.position} {first_line[qid]})"
                    if first_line[qid]
                    else ""
                )
                self.error(
                    ProblemCode.DUPLICATE_QUESTION_ID,
                    f"question id is already used{where}",
                    draft.loc,
                )
            else:
                first_line[qid] = draft.loc.line

    def _check_references(self, drafts: Sequence[_Draft]) -> None:
        position: dict[str, int] = {}
        for number, draft in enumerate(drafts):
            position.setdefault(draft.question.id, number)
        for number, draft in enumerate(drafts):
            question = draft.question
            for key, expr in (
                ("relevant", question.relevant),
                ("constraint", question.constraint),
                ("calculation", question.calculation),
                ("choice_filter", question.choice_filter),
                ("required_if", question.required_if),
            ):
                if expr is None:
                    continue
                where = draft.loc.at(_line_of(draft.data, key))
                for name in sorted(references(expr)):
                    self._check_reference(key, name, number, question, drafts, position, where)

    def _check_reference(
        self,
        key: str,
        name: str,
        number: int,
        question: Question,
        drafts: Sequence[_Draft],
        position: Mapping[str, int],
        where: _Loc,
    ) -> None:
        if name == question.id:
            advice = (
                "use '.' for this question's own answer"
                if key == "constraint"
                else ("a question cannot depend on its own answer")
            )
            self.error(
                ProblemCode.SELF_REFERENCE, f"{key} refers to the question itself; {advice}", where
            )
        elif name not in position:
            close = difflib.get_close_matches(name, list(position), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.error(
                ProblemCode.UNKNOWN_REFERENCE,
                f"{key} refers to unknown question '{name}'{hint}",
                where,
            )
        elif position[name] > number:
            self.error(
                ProblemCode.FORWARD_REFERENCE,
                f"{key} refers to question '{name}', which comes later in the form; "
                "conditions may only use earlier answers",
                where,
            )
        elif drafts[position[name]].question.type is QuestionType.NOTE and key != "calculation":
            self.error(
                ProblemCode.REFERENCE_TO_NOTE,
                f"{key} refers to '{name}', which is a note and has no answer",
                where,
            )

    def _check_indicators(self, drafts: Iterable[_Draft]) -> None:
        seen: dict[str, str] = {}
        for draft in drafts:
            question = draft.question
            code = question.indicator
            if code is None:
                continue
            where = draft.loc.at(_line_of(draft.data, "indicator"))
            if code in seen:
                self.warn(
                    ProblemCode.DUPLICATE_INDICATOR,
                    f"indicator {code} is also used by question '{seen[code]}'",
                    where,
                )
            seen.setdefault(code, question.id)
            match = _INDICATOR_RE.fullmatch(code)
            if match is None:
                continue
            arena_letter, _, principle_letter, _ = match.groups()
            if question.arena is not None and arena_letter != question.arena.letter:
                self.warn(
                    ProblemCode.INDICATOR_MISMATCH,
                    f"indicator {code} starts with {arena_letter} but the arena is "
                    f"{question.arena.value} ({question.arena.letter})",
                    where,
                )
            if question.principle is not None and principle_letter != question.principle.letter:
                self.warn(
                    ProblemCode.INDICATOR_MISMATCH,
                    f"indicator {code} has principle letter {principle_letter} but the "
                    f"principle is {question.principle.value} ({question.principle.letter})",
                    where,
                )


def _by_line(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: p.line or 0))


def _line_of(data: Mapping[str, Any], key: str) -> int | None:
    if isinstance(data, LineMap):
        return data.line_of(key)
    return None


def _loc_of(data: Mapping[str, Any], key: str, loc: _Loc) -> _Loc:
    return loc.at(_line_of(data, key))
