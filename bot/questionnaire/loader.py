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

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.questionnaire.errors import Problem, ProblemCode
from bot.questionnaire.loader_checks import Draft, FormChecks
from bot.questionnaire.loader_parts import ScaleSpec
from bot.questionnaire.loader_values import (
    FORM_FIELDS,
    FORM_ID_RE,
    ID_RE,
    QUESTION_FIELDS,
    SECTION_FIELDS,
    YAML_TERMS,
    LoadResult,
    Loc,
    SourceTerms,
    line_of,
    loc_of,
)
from bot.questionnaire.model import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Arena,
    Choice,
    LocalizedText,
    Principle,
    Question,
    Questionnaire,
    QuestionType,
    Section,
)
from bot.questionnaire.yaml_source import read_yaml

__all__ = [
    "YAML_TERMS",
    "LoadResult",
    "SourceTerms",
    "load_questionnaire_data",
    "load_questionnaire_file",
    "load_questionnaire_yaml",
]


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


@dataclass
class _Builder(FormChecks):
    """Turns parsed YAML into a `Questionnaire`, recording every problem on the way."""

    def build(self, data: Any) -> LoadResult:
        root = Loc(line=1)
        if not isinstance(data, Mapping):
            self.error(ProblemCode.NOT_A_MAPPING, "the file must be a mapping (key: value)", root)
            return self._result(None)
        self._check_fields(data, FORM_FIELDS, "the questionnaire", root)
        form_id = self._form_id(data, root)
        version = self._version(data, root)
        title = self._required_text(data, "title", root, self.terms.name("form_title", "title"))
        language = self._language(data, root)
        default_scale = self._scale(data.get("scale"), ScaleSpec(), loc_of(data, "scale", root))
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

    def _form_id(self, data: Mapping[str, Any], loc: Loc) -> str:
        value = data.get("id")
        if value is None:
            self.error(ProblemCode.MISSING_FIELD, "the questionnaire needs an 'id'", loc)
            return ""
        if not isinstance(value, str) or not FORM_ID_RE.fullmatch(value):
            self.error(
                ProblemCode.INVALID_ID,
                f"questionnaire id {value!r} may only use letters, digits, '-', '_' and '.'",
                loc_of(data, "id", loc),
            )
            return ""
        return value

    def _version(self, data: Mapping[str, Any], loc: Loc) -> str:
        value = data.get("version")
        where = loc_of(data, "version", loc)
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

    def _language(self, data: Mapping[str, Any], loc: Loc) -> str:
        value = data.get("default_language", DEFAULT_LANGUAGE)
        if value not in LANGUAGES:
            self.error(
                ProblemCode.UNKNOWN_LANGUAGE,
                f"default_language {value!r} is not one of: {', '.join(LANGUAGES)}",
                loc_of(data, "default_language", loc),
            )
            return DEFAULT_LANGUAGE
        return str(value)

    def _sections(
        self, data: Mapping[str, Any], default_scale: ScaleSpec, loc: Loc
    ) -> list[tuple[Section, list[Draft]]]:
        raw = data.get("sections")
        if raw is None or raw == []:
            self.error(ProblemCode.NO_SECTIONS, "the questionnaire has no sections", loc)
            return []
        if not isinstance(raw, list):
            self.error(
                ProblemCode.NOT_A_LIST,
                "'sections' must be a list (each item starts with '- ')",
                loc_of(data, "sections", loc),
            )
            return []
        result: list[tuple[Section, list[Draft]]] = []
        seen: dict[str, int | None] = {}
        for number, item in enumerate(raw, start=1):
            built = self._section(item, number, default_scale, loc_of(data, "sections", loc))
            if built is None:
                continue
            section, drafts, line = built
            if section.id and section.id in seen:
                self.error(
                    ProblemCode.DUPLICATE_SECTION_ID,
                    f"section id is already used ({self.terms.position} {seen[section.id]})",
                    Loc(line, section_id=section.id),
                )
            seen.setdefault(section.id, line)
            result.append((section, drafts))
        return result

    def _section(
        self, data: Any, number: int, default_scale: ScaleSpec, parent: Loc
    ) -> tuple[Section, list[Draft], int | None] | None:
        if not isinstance(data, Mapping):
            self.error(
                ProblemCode.NOT_A_MAPPING,
                f"section #{number} must be a mapping (key: value)",
                parent,
            )
            return None
        line = getattr(data, "line", None)
        section_id = data.get("id")
        loc = Loc(line, section_id=section_id if isinstance(section_id, str) else None)
        if section_id is None:
            self.error(ProblemCode.MISSING_FIELD, f"section #{number} needs an 'id'", loc)
            section_id = ""
        elif not isinstance(section_id, str) or not ID_RE.fullmatch(section_id):
            self.error(
                ProblemCode.INVALID_ID,
                f"section id {section_id!r} must start with a letter and use only letters, "
                "digits, '_' and '-'",
                loc.at(line_of(data, "id")),
            )
            section_id = ""
        self._check_fields(data, SECTION_FIELDS, "a section", loc)
        title = self._required_text(data, "title", loc) or LocalizedText("")
        arena = self._arena(data, loc, default=None)
        raw_questions = data.get("questions")
        drafts: list[Draft] = []
        if raw_questions is None or raw_questions == []:
            self.error(ProblemCode.EMPTY_SECTION, "section has no questions", loc)
        elif not isinstance(raw_questions, list):
            self.error(
                ProblemCode.NOT_A_LIST,
                "'questions' must be a list (each item starts with '- ')",
                loc.at(line_of(data, "questions")),
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
        default_scale: ScaleSpec,
        parent: Loc,
    ) -> Draft | None:
        if not isinstance(data, Mapping):
            self.error(
                ProblemCode.NOT_A_MAPPING,
                f"question #{number} must be a mapping (key: value)",
                parent,
            )
            return None
        line = getattr(data, "line", None)
        raw_id = data.get("id")
        question_id = raw_id if isinstance(raw_id, str) and ID_RE.fullmatch(raw_id) else None
        loc = Loc(line, question_id=question_id, section_id=section_id or None)
        if raw_id is None:
            self.error(ProblemCode.MISSING_FIELD, f"question #{number} needs an 'id'", loc)
        elif question_id is None:
            self.error(
                ProblemCode.INVALID_ID,
                f"question id {raw_id!r} must start with a letter and use only letters, "
                "digits, '_' and '-'",
                loc.at(line_of(data, "id")),
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
        scale = ScaleSpec()
        if qtype is QuestionType.SCALE:
            scale = self._scale(data.get("scale"), default_scale, loc_of(data, "scale", loc))
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
                loc.at(line_of(data, "constraint_message")),
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
        return Draft(question, loc, data)

    def _features(self, data: Mapping[str, Any], kind: QuestionType, loc: Loc) -> dict[str, Any]:
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
                loc.at(line_of(data, "calculation")),
            )
            features["calculation"] = None
        default = data.get("default")
        if default is not None and not isinstance(default, bool):
            features["default"] = str(default)
        return features

    def _question_type(self, data: Mapping[str, Any], loc: Loc) -> QuestionType | None:
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
                loc.at(line_of(data, "type")),
            )
            return None

    def _check_applicability(self, data: Mapping[str, Any], qtype: QuestionType, loc: Loc) -> None:
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
                    loc.at(line_of(data, key)),
                )
        if "principle" in data and qtype is not QuestionType.SCALE:
            self.warn(
                ProblemCode.NOT_SCORED,
                f"only scale questions are scored; the principle of this {qtype.value} "
                "question is kept as a label",
                loc.at(line_of(data, "principle")),
            )

    def _arena(self, data: Mapping[str, Any], loc: Loc, default: Arena | None) -> Arena | None:
        value = data.get("arena")
        if value is None:
            return default
        try:
            return Arena(value)
        except ValueError:
            self.error(
                ProblemCode.UNKNOWN_ARENA,
                f"unknown arena {value!r}; allowed: {', '.join(a.value for a in Arena)}",
                loc.at(line_of(data, "arena")),
            )
            return default

    def _principle(self, data: Mapping[str, Any], loc: Loc) -> Principle | None:
        value = data.get("principle")
        if value is None:
            return None
        try:
            return Principle(value)
        except ValueError:
            self.error(
                ProblemCode.UNKNOWN_PRINCIPLE,
                f"unknown principle {value!r}; allowed: {', '.join(p.value for p in Principle)}",
                loc.at(line_of(data, "principle")),
            )
            return None


def _by_line(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: p.line or 0))
