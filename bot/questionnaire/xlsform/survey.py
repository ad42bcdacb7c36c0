"""The survey sheet: groups become sections, rows become questions for the YAML checks."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyxform import constants
from pyxform.errors import PyXFormError
from pyxform.parsing.parameters import parse as parse_parameters
from pyxform.validators.pyxform.sheet_misspellings import find_sheet_misspellings

from bot.questionnaire.errors import ProblemCode
from bot.questionnaire.model import (
    Arena,
    Principle,
    QuestionType,
)
from bot.questionnaire.xlsform.columns import (
    CHOICES,
    DEFAULT_MAX_LENGTH,
    GROUP_COLUMNS,
    PLAIN_TYPES,
    QUESTION_COLUMNS,
    REFUSED_COLUMNS,
    SURVEY,
    WIPBOT_REQUIRED,
    At,
    Row,
    RowKind,
    Sheet,
    Tokens,
    column_of,
    find_tag,
    placeholder,
    pyxform_message,
    read_number,
    read_yes_no,
    row_kind,
)
from bot.questionnaire.xlsform.expressions import (
    Unsupported,
    strip_bound_clauses,
    translate_expression,
)
from bot.questionnaire.xlsform.features import FeatureReader
from bot.questionnaire.yaml_source import LineMap


@dataclass
class Draft:
    """A section being collected: its data for the YAML checks and where it began."""

    data: LineMap
    questions: list[LineMap]
    relevant: str | None = None
    relevant_at: At | None = None
    implicit: bool = False


@dataclass
class _Group:
    """An open begin_group (or a refused begin_repeat) and the sections it has produced."""

    kind: str
    at: At
    draft: Draft | None  # None for a refused kind of group
    fragments: int = 0
    nested: bool = False


@dataclass
class SurveyReader(FeatureReader):
    """Reads the survey sheet into sections of questions."""

    def _sections(
        self,
        sheet: Sheet,
        lists: Mapping[str, list[LineMap]],
        has_choices_sheet: bool,
        form_title: Mapping[str, str | None],
    ) -> list[LineMap]:
        """Walks the survey rows: groups become sections, their rows questions."""
        used = {t for t in sheet.columns.values() if column_of(t) in QUESTION_COLUMNS}
        refused = {t for t in sheet.columns.values() if t in REFUSED_COLUMNS}
        self._ignore_columns(sheet, set(sheet.columns.values()) - used - refused)
        sections: list[Draft] = []
        open_groups: list[_Group] = []  # innermost last
        current: Draft | None = None
        first_use: dict[str, tuple[int, str | None]] = {}  # question id -> (row, group row)
        for row in sheet.rows:
            self._refuse_columns(row)
            kind = row_kind(row.get("type"))
            if (
                self.skip_unsupported
                and kind.group_end is None
                and any(g.draft is None for g in open_groups)
            ):
                self._unsupported(row, "a row inside a skipped repeat", row.get("name"))
                continue
            if kind.group_begin is not None:
                if kind.group_begin != constants.GROUP:
                    feature = f"type '{row.get('type')}' ({kind.group_begin}s)"
                    self._unsupported(row, feature, row.get("name"))
                    open_groups.append(_Group(kind.group_begin, row.at, None))
                else:
                    open_groups.append(_Group(constants.GROUP, row.at, self._group(row)))
                current = None  # a group's questions start a section of their own
                continue
            if kind.group_end is not None:
                if not open_groups or open_groups[-1].kind != kind.group_end:
                    self.error(
                        ProblemCode.UNMATCHED_GROUP,
                        f"end_{kind.group_end} has no matching begin_{kind.group_end}",
                        row.at,
                    )
                    continue
                group = open_groups.pop()
                empty = group.draft is not None and not group.fragments and not group.nested
                if group.draft is not None and empty and not self.skip_unsupported:
                    sections.append(group.draft)  # an empty group: reported as such
                elif empty:
                    self.warn(
                        ProblemCode.IGNORED_FEATURE,
                        "the group has no question left to ask and is left out",
                        group.at,
                    )
                if open_groups:
                    open_groups[-1].nested = True
                current = None
                continue
            if self._is_grid_header(row, kind):
                continue
            question = self._question(row, kind, lists, has_choices_sheet)
            if question is None or int(row.at) in self.skipped_rows:
                if question is not None:
                    self.skipped_rows[int(row.at)] = str(question["id"])
                continue
            if current is None:
                current = self._section_for(open_groups, row.at, form_title)
                sections.append(current)
            follow = self._or_other(row, kind, question)
            for asked in (question, follow):
                if asked is None:
                    continue
                self._qualify(asked, open_groups, first_use)
                for group in open_groups:
                    if group.draft is not None and group.draft.relevant is not None:
                        relevant, at = group.draft.relevant, group.draft.relevant_at
                        _add_group_relevance(asked, relevant, at)
                current.questions.append(asked)
        for group in open_groups:
            self.error(
                ProblemCode.UNMATCHED_GROUP,
                f"begin_{group.kind} is never closed with end_{group.kind}",
                group.at,
            )
        _name_implicit_sections(sections)
        self._drop_skipped([q for s in sections for q in s.questions])
        for section in sections:
            section.data["questions"] = section.questions
        return [s.data for s in sections]

    def _section_for(
        self, open_groups: Sequence[_Group], at: At, form_title: Mapping[str, str | None]
    ) -> Draft:
        """Starts the section for a question: its innermost group's, titled by the nearest
        labelled group (a group inside a group is flattened into a section of its own)."""
        groups = [g for g in open_groups if g.draft is not None]
        if not groups:
            return self._implicit_section(at, form_title)
        inner = groups[-1]
        assert inner.draft is not None
        inner.fragments += 1
        data = LineMap(inner.draft.data, line=inner.draft.data.line)
        data.key_lines.update(inner.draft.data.key_lines)
        if inner.fragments > 1:
            data["id"] = f"{data['id']}_{inner.fragments}"
        if "title" not in data:
            titled = [g.draft for g in groups if g.draft is not None and "title" in g.draft.data]
            if titled:
                data["title"] = titled[-1].data["title"]
            else:
                name = str(data["id"]).replace("_", " ").replace("-", " ").strip()
                label = name[:1].upper() + name[1:]
                data["title"] = {"id": label, "en": label}
        arenas = [g.draft.data["arena"] for g in groups if g.draft and "arena" in g.draft.data]
        if arenas:
            data["arena"] = arenas[-1]
        return Draft(data, [])

    def _qualify(
        self,
        question: LineMap,
        open_groups: Sequence[_Group],
        first_use: dict[str, tuple[int, str | None]],
    ) -> None:
        """Renames a question whose name another group already uses, as XLSForm allows."""
        name = str(question["id"])
        group = next((g for g in reversed(open_groups) if g.draft is not None), None)
        group_id = str(group.draft.data["id"]) if group and group.draft else None
        if name not in first_use:
            first_use[name] = (int(question.line or 0), group_id)
            return
        first_row, first_group = first_use[name]
        if group_id is None or group_id == first_group:
            return  # the same name twice in one group: the loader reports it
        qualified = f"{group_id}_{name}"
        while qualified in first_use:
            qualified += "_"
        first_use[qualified] = (int(question.line or 0), group_id)
        question["id"] = qualified
        self.warn(
            ProblemCode.DUPLICATE_KEY,
            f"name '{name}' is also used at row {first_row}; this question is '{qualified}' "
            f"in wipbot (references to '{name}' mean the first one)",
            question.line if isinstance(question.line, At) else None,
        )

    def _group(self, row: Row) -> Draft:
        self.group_rows.add(int(row.at))
        data = LineMap(line=row.at)
        name = row.get("name")
        if name is None:
            self.error(ProblemCode.MISSING_FIELD, "the group has no name", row.at)
            name = f"group_{int(row.at)}"  # stands in so the remaining checks still run
        data["id"] = name
        label = self._texts(SURVEY, row, ("label",))
        if label is not None:
            data["title"] = label
        arena = self._tag(row, "arena", Arena, name)
        if arena is not None:
            data["arena"] = arena
        for tokens in row.cells:
            if column_of(tokens) in QUESTION_COLUMNS - GROUP_COLUMNS:
                self.warn(
                    ProblemCode.FIELD_NOT_APPLICABLE,
                    f"'{row.header(tokens)}' does not apply to a group and is ignored",
                    row.at,
                )
        relevant = self._expression(row, "relevant", None)
        return Draft(data, [], relevant, row.at if relevant is not None else None)

    def _implicit_section(self, at: At, form_title: Mapping[str, str | None]) -> Draft:
        data = LineMap(line=at)
        # The title is made up here, so a missing English form title is reported only once.
        data["title"] = {"id": form_title["id"], "en": form_title["en"] or form_title["id"]}
        return Draft(data, [], implicit=True)

    def _question(
        self,
        row: Row,
        kind: RowKind,
        lists: Mapping[str, list[LineMap]],
        has_choices_sheet: bool,
    ) -> LineMap | None:
        """Returns the question's data for the YAML checks, or None for a skipped row."""
        name = row.get("name")
        raw_type = row.get("type")
        if raw_type is None:
            if name is None and self._texts(SURVEY, row, ("label",)) is None:
                self.warn(
                    ProblemCode.IGNORED_FEATURE,
                    "row without type, name or label is skipped",
                    row.at,
                )
                return None
            self.error(ProblemCode.MISSING_FIELD, "the row has no type", row.at, name)
            return placeholder(name, row.at)
        if kind.metadata:
            self.warn(
                ProblemCode.IGNORED_FEATURE,
                f"metadata '{raw_type}' is not collected by wipbot; the row is ignored",
                row.at,
            )
            if name is not None:
                self.metadata_names.add(name)
            return None
        if kind.unsupported is not None:
            feature = f"type '{raw_type}' ({kind.unsupported})"
            self._unsupported(row, feature, name, kind.advice)
            return placeholder(name, row.at)
        if kind.qtype is None:
            allowed = [*PLAIN_TYPES, "select_one LIST", "select_multiple LIST", "begin_group"]
            close = difflib.get_close_matches(raw_type, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.error(
                ProblemCode.UNKNOWN_QUESTION_TYPE,
                f"unknown type '{raw_type}'{hint}; allowed: {', '.join(allowed)}",
                row.at,
                name,
            )
            return placeholder(name, row.at)
        qtype = self._read_only(row, kind.qtype)
        if name is None:
            if qtype is not QuestionType.NOTE:
                self.error(ProblemCode.MISSING_FIELD, "the question has no name", row.at)
                return None
            name = f"note_{int(row.at)}"  # as pyxform does, a note may go unnamed
        data = LineMap({"id": name, "type": qtype.value}, line=row.at)
        for key, column in (
            ("text", ("label",)),
            ("hint", ("hint",)),
            ("constraint_message", ("bind", "jr:constraintMsg")),
        ):
            texts = self._texts(SURVEY, row, column)
            if texts is not None:
                data[key] = texts
        self._flags(row, qtype, data)
        for key, enum in (("arena", Arena), ("principle", Principle)):
            tag = self._tag(row, key, enum, name)
            if tag is not None:
                data[key] = tag
        indicator = row.get("indicator")
        if indicator is not None:
            data["indicator"] = indicator
        for key in ("min", "max", "max_length"):
            value = row.get(key)
            if value is not None:
                data[key] = read_number(value)
        for key in ("relevant", "constraint"):
            expression = self._expression(row, key, name)
            if expression is not None:
                data[key] = expression
        if "constraint" in data:
            # An export states min, max and max_length as ODK constraints too; read once.
            numeric = qtype.is_numeric
            own = strip_bound_clauses(
                str(data["constraint"]),
                data.get("min") if numeric else None,
                data.get("max") if numeric else None,
                data.get("max_length", DEFAULT_MAX_LENGTH) if qtype is QuestionType.TEXT else None,
            )
            if own is None:
                del data["constraint"]
            else:
                data["constraint"] = own
        if qtype is QuestionType.SCALE:
            scale = self._scale(row, lists, name)
            if scale is None:
                return placeholder(name, row.at)
            data["scale"] = scale
        elif row.get("parameters") is not None:
            self.warn(
                ProblemCode.IGNORED_FEATURE,
                f"parameters '{row.get('parameters')}' are ignored on a {raw_type} row",
                row.at,
                name,
            )
        self._features(row, kind, qtype, data)
        if qtype.is_choice:
            source = self.external_lists if kind.external else lists
            choices = self._choices_of(row, kind.list_name or "", source, has_choices_sheet, name)
            if choices is None:
                return placeholder(name, row.at)
            if self._check_duplicates(kind.list_name or "", data):
                choices = list({str(c["value"]): c for c in reversed(choices)}.values())[::-1]
            data["choices"] = choices
        return data

    def _check_duplicates(self, list_name: str, data: LineMap) -> bool:
        """Refuses a name twice in a list, unless the question filters it (as pyxform).

        Tells whether the list's repeated names must be dropped (they are reported once).
        """
        if "choice_filter" in data or list_name not in self.duplicate_choices:
            return False
        if list_name in self.duplicates_reported:
            return True
        for name, at, first in self.duplicate_choices.get(list_name, []):
            self.error(
                ProblemCode.DUPLICATE_CHOICE_VALUE,
                f"choice '{name}' appears twice in list '{list_name}' (first at row {first})",
                at,
            )
        self.duplicates_reported.add(list_name)
        return True

    def _flags(self, row: Row, qtype: QuestionType, data: LineMap) -> None:
        """Reads required (XLSForm default: no) and dont_know (wipbot default by type)."""
        required = row.get("bind", "required")
        if self._required_condition(row, data):
            pass
        elif required is not None or qtype is not QuestionType.NOTE:
            flag = self._yes_no(row, ("bind", "required"), "required", data["id"])
            if flag is not None or required is None:
                data["required"] = bool(flag)
        in_wipbot = self._yes_no(row, (WIPBOT_REQUIRED,), WIPBOT_REQUIRED, data["id"])
        if in_wipbot is not None:
            data["required"] = in_wipbot
        dont_know = self._yes_no(row, ("dont_know",), "dont_know", data["id"])
        if dont_know is not None:
            data["dont_know"] = dont_know

    def _yes_no(self, row: Row, column: Tokens, name: str, question_id: str) -> bool | None:
        value = row.cells.get(column)
        if value is None:
            return None
        flag = read_yes_no(value)
        if flag is None:
            if name == "required" and any(ch in value for ch in "$(=<>"):
                feature = f"a condition in 'required' ({value!r})"
                advice = "use yes or no, and 'relevant' to ask only when it applies"
                self._unsupported(row, feature, question_id, advice)
            else:
                self.error(
                    ProblemCode.INVALID_VALUE,
                    f"{name} must be yes or no, not {value!r}",
                    row.at,
                    question_id,
                )
        return flag

    def _tag(
        self, row: Row, key: str, enum: type[Arena] | type[Principle], name: str | None
    ) -> str | None:
        """Returns the arena or principle key for a model key or an English/Indonesian name."""
        value = row.get(key)
        if value is None:
            return None
        found = find_tag(value, enum)
        if found is None:
            allowed = ", ".join(f"{m.value} ({m.label.id})" for m in enum)
            code = ProblemCode.UNKNOWN_ARENA if enum is Arena else ProblemCode.UNKNOWN_PRINCIPLE
            self.error(code, f"unknown {key} {value!r}; allowed: {allowed}", row.at, name)
        return found

    def _scale(
        self, row: Row, lists: Mapping[str, list[LineMap]], name: str
    ) -> dict[str, Any] | None:
        """Turns range parameters into a scale: start..end, end labels from tick_labelset."""
        try:
            parameters: dict[str, str] = parse_parameters(row.get("parameters") or "", int(row.at))
        except PyXFormError as exc:
            self.error(ProblemCode.INVALID_VALUE, pyxform_message(exc), row.at, name)
            return None
        ok = True
        for key in parameters:
            if key not in {"start", "end", "step", "tick_labelset", "tick_interval", "placeholder"}:
                self.error(
                    ProblemCode.INVALID_VALUE,
                    f"unknown range parameter '{key}'; use start, end and tick_labelset",
                    row.at,
                    name,
                )
                ok = False
        for key in ("tick_interval", "placeholder"):
            if key in parameters:
                self.warn(
                    ProblemCode.IGNORED_FEATURE,
                    f"range parameter '{key}' is ignored: the scale shows one button per value",
                    row.at,
                    name,
                )
        start, end = (
            read_number(parameters.get("start", "1")),
            read_number(parameters.get("end", "10")),
        )
        scale: dict[str, Any] = {"min": start, "max": end}
        step = read_number(parameters.get("step", "1"))
        if step != 1:
            scale["step"] = step
        labelset = parameters.get("tick_labelset")
        if labelset is not None:
            ticks = lists.get(labelset)
            if ticks is None:
                self.error(
                    ProblemCode.UNKNOWN_CHOICE_LIST,
                    f"tick_labelset '{labelset}' is not a list on the choices sheet",
                    row.at,
                    name,
                )
                return None
            for tick in ticks:
                value = read_number(str(tick["value"]))
                if value in (start, end):
                    if "label" in tick:
                        scale["min_label" if value == start else "max_label"] = tick["label"]
                else:
                    self.warn(
                        ProblemCode.IGNORED_FEATURE,
                        f"tick label '{tick['value']}' of list '{labelset}' is ignored: wipbot "
                        "labels only the start and end of a scale",
                        tick.line if isinstance(tick.line, At) else row.at,
                    )
        return scale if ok else None

    def _choices_of(
        self,
        row: Row,
        list_name: str,
        lists: Mapping[str, list[LineMap]],
        has_choices_sheet: bool,
        name: str,
    ) -> list[LineMap] | None:
        choices = lists.get(list_name)
        if choices is not None or list_name in self.list_names:
            return choices  # a list whose rows are all refused was reported on its rows
        if not has_choices_sheet:
            hint = find_sheet_misspellings(key=CHOICES, keys=self.workbook.sheet_names) or ""
            message = f"choice list '{list_name}' needs a 'choices' sheet. {hint}".strip()
        else:
            close = difflib.get_close_matches(list_name, list(lists), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            message = f"choice list '{list_name}' is not on the choices sheet{hint}"
        self.error(ProblemCode.UNKNOWN_CHOICE_LIST, message, row.at, name)
        return None

    def _expression(self, row: Row, key: str, name: str | None) -> str | None:
        """Translates an XLSForm expression into the engine's; None when blank or refused."""
        value = row.get("bind", key)
        if value is None:
            return None
        translated = translate_expression(value, own_name=name if key == "constraint" else None)
        if isinstance(translated, Unsupported):
            feature = f"{translated.feature} in '{key}'"
            self._unsupported(row, feature, name, translated.advice)
            return None
        return translated


def _add_group_relevance(question: LineMap, group: str, at: At | None) -> None:
    """Makes a question inside a relevant group relevant only when the group is."""
    own = question.get("relevant")
    if own is None:
        question["relevant"] = group
        if at is not None:
            # Problems in the group's condition belong to the group row, reported once.
            question.key_lines["relevant"] = at
    else:
        question["relevant"] = f"({group}) and ({own})"


def _name_implicit_sections(sections: Sequence[Draft]) -> None:
    taken = {s.data.get("id") for s in sections}
    number = 0
    for section in sections:
        if not section.implicit:
            continue
        number += 1
        name = "questions" if number == 1 else f"questions_{number}"
        while name in taken:
            name = f"{name}_"
        taken.add(name)
        section.data["id"] = name
