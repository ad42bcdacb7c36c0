"""XLSForm import and export: workbook -> the YAML loader's checks -> frozen model, and back.

Reading uses pyxform, the XLSForm reference implementation: it opens the workbook (.xlsx or
.xls), normalises column headers and their aliases, cleans cell text and parses
`parameters`; a form that passes our own checks must also pass pyxform's
`workbook_to_json`, so what wipbot accepts is a valid XLSForm. The rows are then turned into
the same intermediate data the YAML loader validates (`load_questionnaire_data`), so every
check (ids, scales, bounds, expressions, references, indicators) exists once; each problem
points at its sheet and row, e.g. ``[row 8] survey: question 'q2': relevant refers to
unknown question 'x'``.

Supported (sheet `survey`):
  type            note | integer | decimal | text | range | select_one LIST |
                  select_multiple LIST | begin_group / end_group (one level: a group is a
                  section; questions outside any group form a section titled like the form)
  name            unique across the whole form (XLSForm only asks this per group)
  label, hint,    one column per language: label::Indonesian (id), label::English (en)
  constraint_message   (also label::Bahasa Indonesia (id), label::Indonesian, label::English;
                  a column without a language is in the settings' default_language, else
                  Indonesian). Other languages are ignored with a warning.
  required        yes/no (also true/false, 1/0, true()/false()); blank means no, as in ODK
  relevant,       the XLSForm expression subset of `bot.questionnaire.expressions`; `TRUE()`
  constraint      is read as `true()`, and `${name}` of the question itself in its own
                  constraint as `.`. A group's `relevant` applies to each question in it.
  parameters      range: start, end (default 1 and 10: a standard scale), step (must be 1),
                  tick_labelset (a choice list naming the start and end values: the scale's
                  end labels)
wipbot's own columns (ODK ignores them):
  arena, principle   model keys or their English/Indonesian names (Pemerintah, Birokrasi,
                     Masyarakat Sipil, Masyarakat Ekonomi / Dunia Usaha; Partisipasi, Keadilan,
                     Akuntabilitas, Transparansi, Efisiensi, Efektivitas); arena on a group
                     row applies to its questions
  indicator          indicator code, e.g. G2P1
  dont_know          yes/no: offer "Tidak tahu". Default yes for range (scale) questions and
                     no for others; write `no` on a range row to turn it off.
  min, max           bounds of integer/decimal answers
  max_length         longest text answer (default 500)
Sheet `choices`: list_name, name (no spaces, unique per list), label::... .
Sheet `settings`: form_id (else the file name), version (required), form_title (Indonesian),
form_title_en (wipbot's: English title), default_language.

Refused with the row and the feature named: repeats, nested groups, calculate, dates and
times, locations, media and file uploads, barcode, acknowledge/trigger, rank, hidden,
select_one_from_file / select_one_external, or_other, choice_filter, read_only, dynamic
`required`, and expression functions or arithmetic outside the subset (e.g.
string-length: use max_length). Ignored with a warning: the metadata types ODK adds by
default (start, end, today, deviceid, username, ...) and columns that only change how ODK
displays a form (appearance, media, guidance_hint, ...) or that wipbot does not know.
"""

from __future__ import annotations

import difflib
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from pyxform import aliases, constants
from pyxform.errors import PyXFormError
from pyxform.parsing.parameters import parse as parse_parameters
from pyxform.parsing.sheet_headers import clean_text_values, process_header, to_snake_case
from pyxform.question import MultipleChoiceQuestion, Option
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.survey import Survey
from pyxform.validators.pyxform.sheet_misspellings import find_sheet_misspellings
from pyxform.xls2json import (
    RE_BEGIN_CONTROL,
    RE_END_CONTROL,
    RE_SELECT,
    dealias_types,
    workbook_to_json,
)
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from bot.questionnaire.errors import Problem, ProblemCode
from bot.questionnaire.expressions import FUNCTIONS
from bot.questionnaire.loader import LoadResult, SourceTerms, load_questionnaire_data
from bot.questionnaire.model import (
    DEFAULT_LANGUAGE,
    Arena,
    LocalizedText,
    Principle,
    Question,
    Questionnaire,
    QuestionType,
)
from bot.questionnaire.yaml_source import LineMap

SURVEY: Final = "survey"
CHOICES: Final = "choices"
SETTINGS: Final = "settings"
_SHEET_ORDER = (SURVEY, CHOICES, SETTINGS)

LANGUAGE_COLUMNS: Final = {"id": "Indonesian (id)", "en": "English (en)"}
"""The language suffixes `export_xlsform` writes (label::Indonesian (id), ...)."""

XLSFORM_TERMS = SourceTerms(
    position="row",
    fields={
        "id": "name",
        "text": "label",
        "title": "label",
        "form_title": "form_title",
        "value": "name",
        "min_label": "start label",
        "max_label": "end label",
    },
    add_indonesian="add a column such as 'label::Indonesian (id)'",
)

_HEADER_ROW = 1
_FIRST_ROW = 2  # pyxform keeps blank rows, so data row i is spreadsheet row i + 2
_DEFAULT_MAX_LENGTH = 500
_MAX_ROWS_LISTED = 5

_LANGUAGE_CODES = {"id": "id", "in": "id", "ind": "id", "en": "en", "eng": "en"}
_LANGUAGE_NAMES = {
    "indonesian": "id",
    "bahasa indonesia": "id",
    "bahasa": "id",
    "indonesia": "id",
    "english": "en",
    "inggris": "en",
    "bahasa inggris": "en",
}
_LANGUAGE_CODE_RE = re.compile(r"\(\s*([A-Za-z-]+)\s*\)\s*$")

_YES = frozenset({"yes", "y", "true", "true()", "1", "ya"})
_NO = frozenset({"no", "n", "false", "false()", "0", "tidak"})

# Plain XLSForm types wipbot asks; pyxform's older aliases ("int", "string", "q note", ...)
# are recognised by having the same definition in pyxform's type dictionary.
_PLAIN_TYPES = {
    "note": QuestionType.NOTE,
    "integer": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "text": QuestionType.TEXT,
    "range": QuestionType.SCALE,
}
_UNSUPPORTED_TYPES = {
    "calculate": "calculations",
    "date": "dates",
    "time": "times",
    "datetime": "dates and times",
    "geopoint": "locations",
    "geotrace": "locations",
    "geoshape": "locations",
    "start-geopoint": "locations",
    "background-geopoint": "locations",
    "photo": "images",
    "audio": "audio recordings",
    "background-audio": "audio recordings",
    "video": "videos",
    "file": "file uploads",
    "barcode": "barcodes",
    "acknowledge": "acknowledgements",
    "trigger": "acknowledgements",
    "hidden": "hidden fields",
    "rank": "ranking",
    "xml-external": "external data",
    "csv-external": "external data",
    "osm": "OpenStreetMap questions",
}

# Survey columns (as pyxform normalises them) and what wipbot does with them.
_QUESTION_COLUMNS = {
    ("type",),
    ("name",),
    ("label",),
    ("hint",),
    ("bind", "relevant"),
    ("bind", "required"),
    ("bind", "constraint"),
    ("bind", "jr:constraintMsg"),
    ("parameters",),
    ("arena",),
    ("principle",),
    ("indicator",),
    ("dont_know",),
    ("min",),
    ("max",),
    ("max_length",),
}
_REFUSED_COLUMNS = {
    ("choice_filter",): "filtered choice lists",
    ("trigger",): "answers reset by another question",
    ("bind", "calculate"): "calculated answers",
    ("bind", "readonly"): "read-only questions",
    ("control", "jr:count"): "repeats",
    ("disabled",): "disabled rows",
    ("bind", "entities:saveto"): "entities",
}
# Refused only when set to a yes-like value; "no" means the feature is off.
_REFUSED_WHEN_YES = {("bind", "readonly"), ("disabled",)}
_TRANSLATED = {("label",), ("hint",), ("guidance_hint",), ("bind", "jr:constraintMsg")}
_GROUP_COLUMNS = {("type",), ("name",), ("label",), ("arena",), ("bind", "relevant")}

_SURVEY_COLUMNS = set(MultipleChoiceQuestion.get_slot_names())
_CHOICE_COLUMNS = set(Option.get_slot_names())
_SETTINGS_COLUMNS = set(Survey.get_slot_names())
_FORM_TITLE_EN = "form_title_en"
_SETTINGS_USED = {
    ("id_string",),
    ("version",),
    ("title",),
    ("default_language",),
    (_FORM_TITLE_EN,),
}

_ARENA_ALIASES = {"dunia usaha": Arena.ECONOMIC_SOCIETY, "business": Arena.ECONOMIC_SOCIETY}
_FUNCTION_CALL_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_.:\-]*)\s*\(")
_STRING_RE = re.compile(r"('[^']*'|\"[^\"]*\")")
_REF_RE = re.compile(r"\$\{[^}]*\}")
_ARITHMETIC_RE = re.compile(r"[+*|/]|\b(div|mod)\b")
_PYXFORM_ROW_RE = re.compile(r"^\s*\[row\s*:\s*(\d+)\]\s*")
_PYXFORM_SHEET_RE = re.compile(r"'(survey|choices|settings)' sheet")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- Loading ---------------------------------------------------------------------------


def load_xlsform(source: str | os.PathLike[str] | bytes) -> LoadResult:
    """Loads a questionnaire from an XLSForm workbook (.xlsx or .xls): a path or its bytes."""
    fallback_id: str | None = None
    if isinstance(source, bytes):
        content = source
    else:
        path = Path(source)
        try:
            content = path.read_bytes()
        except OSError as exc:
            problem = Problem(ProblemCode.FILE_NOT_READABLE, f"cannot read {path}: {exc}")
            return LoadResult(None, (problem,))
        fallback_id = path.stem
    workbook = _read_workbook(content)
    if isinstance(workbook, Problem):
        return LoadResult(None, (workbook,))
    return _FormReader(workbook, fallback_id).load()


def _read_workbook(content: bytes) -> DefinitionData | Problem:
    """Reads the sheets with pyxform; the file type is sniffed, not guessed from the name."""
    if content.startswith(_XLSX_MAGIC):
        file_type = ".xlsx"
    elif content.startswith(_XLS_MAGIC):
        file_type = ".xls"
    else:
        return Problem(ProblemCode.FILE_NOT_READABLE, "the file is not an Excel workbook")
    try:
        workbook: DefinitionData = get_xlsform(content, file_type=file_type)
    except PyXFormError as exc:
        # pyxform's own wording for an unreadable file lists formats wipbot does not take.
        detail = "" if "not recognized" in str(exc) else f": {exc}"
        return Problem(ProblemCode.FILE_NOT_READABLE, f"cannot read the workbook{detail}")
    return workbook


class _At(int):
    """A row number that remembers its sheet.

    The YAML checks only know line numbers; an `int` that also carries the sheet passes
    through them unchanged, so each problem they report can be traced to sheet and row.
    """

    sheet: str

    def __new__(cls, sheet: str, row: int) -> _At:
        at = super().__new__(cls, row)
        at.sheet = sheet
        return at


Tokens = tuple[str, ...]


@dataclass(frozen=True)
class _Row:
    """One spreadsheet row: cleaned cell text keyed by normalised column."""

    at: _At
    cells: dict[Tokens, str]
    headers: Mapping[Tokens, str]

    def header(self, tokens: Tokens) -> str:
        """Returns the original header of a normalised column."""
        return self.headers.get(tokens, "::".join(tokens))

    def get(self, *column: str) -> str | None:
        """Returns the cell of `column`, or None when blank."""
        return self.cells.get(column)


@dataclass(frozen=True)
class _Sheet:
    """A sheet's columns (original header -> normalised tokens) and non-blank rows."""

    name: str
    columns: dict[str, Tokens]
    rows: tuple[_Row, ...]

    def rows_using(self, tokens: Tokens) -> list[int]:
        """Returns the rows with a value in the column."""
        return [int(row.at) for row in self.rows if tokens in row.cells]


@dataclass
class _Draft:
    """A section being collected: its data for the YAML checks and where it began."""

    data: LineMap
    questions: list[LineMap]
    relevant: str | None = None
    relevant_at: _At | None = None
    implicit: bool = False


@dataclass
class _FormReader:
    """Turns workbook rows into the YAML loader's data, recording problems on the way."""

    workbook: DefinitionData
    fallback_id: str | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    default_language_name: str = constants.DEFAULT_LANGUAGE_VALUE
    default_language: str = DEFAULT_LANGUAGE
    group_rows: set[int] = field(default_factory=set)
    list_names: set[str] = field(default_factory=set)
    languages: dict[tuple[str, Tokens], str | None] = field(default_factory=dict)

    def error(
        self, code: ProblemCode, message: str, at: _At | None, question_id: str | None = None
    ) -> None:
        self.errors.append(_problem(code, message, at, question_id))

    def warn(
        self, code: ProblemCode, message: str, at: _At | None, question_id: str | None = None
    ) -> None:
        self.warnings.append(_problem(code, message, at, question_id))

    def load(self) -> LoadResult:
        # Settings come first: a label column without a language is in default_language.
        settings = self._sheet(SETTINGS, aliases.settings_header, _SETTINGS_COLUMNS)
        form = self._settings(settings)
        survey = self._sheet(SURVEY, aliases.survey_header, _SURVEY_COLUMNS)
        if survey is None or not survey.rows:
            missing = (
                "the workbook has no 'survey' sheet" if survey is None else "the sheet has no rows"
            )
            hint = find_sheet_misspellings(key=SURVEY, keys=self.workbook.sheet_names)
            message = f"{missing}. {hint}" if hint else missing
            problem = Problem(ProblemCode.NO_SECTIONS, message, sheet=SURVEY)
            return LoadResult(None, (problem, *self.errors), tuple(self.warnings))
        choices = self._sheet(CHOICES, aliases.list_header, _CHOICE_COLUMNS)
        lists = self._choice_lists(choices)
        title: dict[str, str | None] = form["title"]
        form["sections"] = self._sections(survey, lists, choices is not None, title)
        result = load_questionnaire_data(form, XLSFORM_TERMS)
        errors = [*self.errors, *(self._traced(p) for p in result.errors)]
        warnings = [*self.warnings, *(self._traced(p) for p in result.warnings)]
        if not errors:
            errors.extend(self._pyxform_check())
        questionnaire = result.questionnaire if not errors else None
        return LoadResult(questionnaire, _sorted(errors), _sorted(warnings))

    # -- sheets -------------------------------------------------------------------

    def _sheet(
        self, name: str, header_aliases: Mapping[str, Any], known: set[str]
    ) -> _Sheet | None:
        raw_rows: Sequence[dict[str, Any]] | None = getattr(self.workbook, name)
        header_rows: Sequence[dict[str, Any]] | None = getattr(self.workbook, f"{name}_header")
        if raw_rows is None and not header_rows:
            return None
        headers = list(header_rows[0]) if header_rows else []
        double_colon = any("::" in h for h in headers)
        columns: dict[str, Tokens] = {}
        seen: dict[Tokens, str] = {}
        for header in headers:
            _, tokens = process_header(header, double_colon, header_aliases, known)
            tokens = (to_snake_case(tokens[0]), *tokens[1:])
            if tokens in seen:
                self.error(
                    ProblemCode.DUPLICATE_KEY,
                    f"columns '{seen[tokens]}' and '{header}' mean the same; keep one",
                    _At(name, _HEADER_ROW),
                )
                continue
            seen[tokens] = header
            columns[header] = tokens
        rows = []
        headers_of = {tokens: header for header, tokens in columns.items()}
        for number, raw in enumerate(raw_rows or (), start=_FIRST_ROW):
            cells = {
                columns[header]: clean_text_values(str(value), strip_whitespace=True)
                for header, value in raw.items()
                if header in columns and value is not None and str(value).strip()
            }
            if cells:
                rows.append(_Row(_At(name, number), cells, headers_of))
        sheet = _Sheet(name, columns, tuple(rows))
        self._check_languages(sheet)
        return sheet

    def _check_languages(self, sheet: _Sheet) -> None:
        """Maps each translated column to id/en; warns about others, refuses doubles."""
        translated = _TRANSLATED if sheet.name == SURVEY else {("label",)}
        seen: dict[tuple[Tokens, str], str] = {}
        for header, tokens in sheet.columns.items():
            column = next((t for t in translated if tokens[: len(t)] == t), None)
            if column is None or len(tokens) > len(column) + 1:
                continue
            name = tokens[len(column)] if len(tokens) > len(column) else None
            code = _language_code(name or self.default_language_name, self.default_language)
            self.languages[(sheet.name, tokens)] = code
            if code is None:
                if sheet.rows_using(tokens):
                    self.warn(
                        ProblemCode.IGNORED_FEATURE,
                        f"column '{header}' is ignored: wipbot speaks Indonesian (id) and "
                        "English (en) only",
                        _At(sheet.name, _HEADER_ROW),
                    )
                continue
            if (column, code) in seen:
                self.error(
                    ProblemCode.DUPLICATE_KEY,
                    f"columns '{seen[(column, code)]}' and '{header}' are both "
                    f"{_language_label(code)}; keep one",
                    _At(sheet.name, _HEADER_ROW),
                )
            seen.setdefault((column, code), header)

    def _texts(self, sheet: str, row: _Row, column: Tokens) -> dict[str, str] | None:
        """Returns the row's {id, en} texts of a translated column, or None when blank."""
        texts: dict[str, str] = {}
        for tokens, value in row.cells.items():
            if tokens[: len(column)] != column or len(tokens) > len(column) + 1:
                continue
            code = self.languages.get((sheet, tokens))
            if code is not None:
                texts.setdefault(code, value)
        return texts or None

    # -- settings -----------------------------------------------------------------

    def _settings(self, sheet: _Sheet | None) -> LineMap:
        """Returns the form-level data: id, version, title and default language."""
        row = sheet.rows[0] if sheet is not None and sheet.rows else None
        at = row.at if row is not None else None
        form = LineMap(line=at)
        cells = row.cells if row is not None else {}
        if sheet is not None:
            self._ignore_columns(sheet, {t for t in sheet.columns.values()} - _SETTINGS_USED)
            for extra in sheet.rows[1:]:
                self.warn(
                    ProblemCode.IGNORED_FEATURE,
                    "only the first row of the settings sheet is read",
                    extra.at,
                )
        language = cells.get(("default_language",))
        if language is not None:
            code = _language_code(language, None)
            if code is None:
                self.error(
                    ProblemCode.UNKNOWN_LANGUAGE,
                    f"default_language {language!r} is neither Indonesian (id) nor English (en)",
                    at,
                )
            else:
                self.default_language_name, self.default_language = language, code
                form["default_language"] = code
        form_id = cells.get(("id_string",))
        if form_id is None and self.fallback_id is not None:
            # pyxform names a form after its file too.
            self.warn(
                ProblemCode.MISSING_FIELD,
                f"form_id is missing; using the file name '{self.fallback_id}'",
                at,
            )
            form_id = self.fallback_id
        if form_id is None:
            self.error(ProblemCode.MISSING_FIELD, "form_id is missing", at)
            form_id = "form"  # stands in so the remaining checks still run
        form["id"] = form_id
        version = cells.get(("version",))
        if version is None:
            self.error(
                ProblemCode.MISSING_FIELD,
                "version is missing (wipbot keeps each version of a form apart)",
                at,
            )
            version = "0"
        form["version"] = version
        title_id, title_en = cells.get(("title",)), cells.get((_FORM_TITLE_EN,))
        if title_id is None:
            title_id = title_en or form_id
            self.warn(ProblemCode.MISSING_FIELD, f"form_title is missing; using '{title_id}'", at)
            # The title is made up here, so it is not reported again for lacking English.
            title_en = title_en or title_id
        form["title"] = {"id": title_id, "en": title_en}
        return form

    # -- choices ------------------------------------------------------------------

    def _choice_lists(self, sheet: _Sheet | None) -> dict[str, list[LineMap]]:
        """Returns each list's valid choices; reports unnamed, invalid and repeated ones."""
        lists: dict[str, list[LineMap]] = {}
        if sheet is None:
            return lists
        used = {("list_name",), ("name",)} | {t for t in sheet.columns.values() if t[0] == "label"}
        self._ignore_columns(sheet, set(sheet.columns.values()) - used)
        first_row: dict[tuple[str, str], int] = {}
        for row in sheet.rows:
            list_name, name = row.get("list_name"), row.get("name")
            if list_name is not None:
                self.list_names.add(list_name)
            if list_name is None or name is None:
                missing = "list_name" if list_name is None else "name"
                self.error(ProblemCode.MISSING_FIELD, f"the choice has no {missing}", row.at)
                continue
            if any(ch.isspace() for ch in name):
                self.error(
                    ProblemCode.INVALID_CHOICE_VALUE,
                    f"choice name {name!r} must not contain spaces",
                    row.at,
                )
                continue
            if (list_name, name) in first_row:
                self.error(
                    ProblemCode.DUPLICATE_CHOICE_VALUE,
                    f"choice '{name}' appears twice in list '{list_name}' "
                    f"(first at row {first_row[(list_name, name)]})",
                    row.at,
                )
                continue
            first_row[(list_name, name)] = int(row.at)
            choice = LineMap({"value": name}, line=row.at)
            label = self._texts(CHOICES, row, ("label",))
            if label is not None:
                choice["label"] = label
            lists.setdefault(list_name, []).append(choice)
        return lists

    # -- survey -------------------------------------------------------------------

    def _sections(
        self,
        sheet: _Sheet,
        lists: Mapping[str, list[LineMap]],
        has_choices_sheet: bool,
        form_title: Mapping[str, str | None],
    ) -> list[LineMap]:
        """Walks the survey rows: groups become sections, their rows questions."""
        used = {t for t in sheet.columns.values() if _column_of(t) in _QUESTION_COLUMNS}
        refused = {t for t in sheet.columns.values() if t in _REFUSED_COLUMNS}
        self._ignore_columns(sheet, set(sheet.columns.values()) - used - refused)
        sections: list[_Draft] = []
        open_groups: list[tuple[str, _At]] = []  # (kind, begin row), innermost last
        current: _Draft | None = None
        for row in sheet.rows:
            self._refuse_columns(row)
            kind = _row_kind(row.get("type"))
            if kind.group_begin is not None:
                if kind.group_begin != constants.GROUP:
                    feature = f"type '{row.get('type')}' ({kind.group_begin}s)"
                    self._unsupported(row, feature, row.get("name"))
                elif open_groups:
                    advice = "end the outer group first; each group is one section"
                    self._unsupported(row, "a group inside a group", row.get("name"), advice)
                else:
                    current = self._group(row)
                    sections.append(current)
                open_groups.append((kind.group_begin, row.at))
                continue
            if kind.group_end is not None:
                if not open_groups or open_groups[-1][0] != kind.group_end:
                    self.error(
                        ProblemCode.UNMATCHED_GROUP,
                        f"end_{kind.group_end} has no matching begin_{kind.group_end}",
                        row.at,
                    )
                    continue
                open_groups.pop()
                if not open_groups:
                    current = None
                continue
            question = self._question(row, kind, lists, has_choices_sheet)
            if question is None:
                continue
            if current is None:
                current = self._implicit_section(row.at, form_title)
                sections.append(current)
            if current.relevant is not None:
                _add_group_relevance(question, current.relevant, current.relevant_at)
            current.questions.append(question)
        for kind_name, at in open_groups:
            self.error(
                ProblemCode.UNMATCHED_GROUP,
                f"begin_{kind_name} is never closed with end_{kind_name}",
                at,
            )
        _name_implicit_sections(sections)
        for section in sections:
            section.data["questions"] = section.questions
        return [s.data for s in sections]

    def _group(self, row: _Row) -> _Draft:
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
            if _column_of(tokens) in _QUESTION_COLUMNS - _GROUP_COLUMNS:
                self.warn(
                    ProblemCode.FIELD_NOT_APPLICABLE,
                    f"'{row.header(tokens)}' does not apply to a group and is ignored",
                    row.at,
                )
        relevant = self._expression(row, "relevant", None)
        return _Draft(data, [], relevant, row.at if relevant is not None else None)

    def _implicit_section(self, at: _At, form_title: Mapping[str, str | None]) -> _Draft:
        data = LineMap(line=at)
        # The title is made up here, so a missing English form title is reported only once.
        data["title"] = {"id": form_title["id"], "en": form_title["en"] or form_title["id"]}
        return _Draft(data, [], implicit=True)

    def _question(
        self,
        row: _Row,
        kind: _RowKind,
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
            return _placeholder(name, row.at)
        if kind.metadata:
            self.warn(
                ProblemCode.IGNORED_FEATURE,
                f"metadata '{raw_type}' is not collected by wipbot; the row is ignored",
                row.at,
            )
            return None
        if kind.unsupported is not None:
            feature = f"type '{raw_type}' ({kind.unsupported})"
            self._unsupported(row, feature, name, kind.advice)
            return _placeholder(name, row.at)
        if kind.qtype is None:
            allowed = [*_PLAIN_TYPES, "select_one LIST", "select_multiple LIST", "begin_group"]
            close = difflib.get_close_matches(raw_type, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.error(
                ProblemCode.UNKNOWN_QUESTION_TYPE,
                f"unknown type '{raw_type}'{hint}; allowed: {', '.join(allowed)}",
                row.at,
                name,
            )
            return _placeholder(name, row.at)
        qtype = kind.qtype
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
                data[key] = _number(value)
        for key in ("relevant", "constraint"):
            expression = self._expression(row, key, name)
            if expression is not None:
                data[key] = expression
        if qtype is QuestionType.SCALE:
            scale = self._scale(row, lists, name)
            if scale is None:
                return _placeholder(name, row.at)
            data["scale"] = scale
        elif row.get("parameters") is not None:
            self.warn(
                ProblemCode.IGNORED_FEATURE,
                f"parameters '{row.get('parameters')}' are ignored on a {raw_type} row",
                row.at,
                name,
            )
        if qtype.is_choice:
            choices = self._choices_of(row, kind.list_name or "", lists, has_choices_sheet, name)
            if choices is None:
                return _placeholder(name, row.at)
            data["choices"] = choices
        return data

    def _flags(self, row: _Row, qtype: QuestionType, data: LineMap) -> None:
        """Reads required (XLSForm default: no) and dont_know (wipbot default by type)."""
        required = row.get("bind", "required")
        if required is not None or qtype is not QuestionType.NOTE:
            flag = self._yes_no(row, ("bind", "required"), "required", data["id"])
            if flag is not None or required is None:
                data["required"] = bool(flag)
        dont_know = self._yes_no(row, ("dont_know",), "dont_know", data["id"])
        if dont_know is not None:
            data["dont_know"] = dont_know

    def _yes_no(self, row: _Row, column: Tokens, name: str, question_id: str) -> bool | None:
        value = row.cells.get(column)
        if value is None:
            return None
        flag = _read_yes_no(value)
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
        self, row: _Row, key: str, enum: type[Arena] | type[Principle], name: str | None
    ) -> str | None:
        """Returns the arena or principle key for a model key or an English/Indonesian name."""
        value = row.get(key)
        if value is None:
            return None
        found = _find_tag(value, enum)
        if found is None:
            allowed = ", ".join(f"{m.value} ({m.label.id})" for m in enum)
            code = ProblemCode.UNKNOWN_ARENA if enum is Arena else ProblemCode.UNKNOWN_PRINCIPLE
            self.error(code, f"unknown {key} {value!r}; allowed: {allowed}", row.at, name)
        return found

    def _scale(
        self, row: _Row, lists: Mapping[str, list[LineMap]], name: str
    ) -> dict[str, Any] | None:
        """Turns range parameters into a scale: start..end, end labels from tick_labelset."""
        try:
            parameters: dict[str, str] = parse_parameters(row.get("parameters") or "", int(row.at))
        except PyXFormError as exc:
            self.error(ProblemCode.INVALID_VALUE, _pyxform_message(exc), row.at, name)
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
        if _number(parameters.get("step", "1")) != 1:
            self._unsupported(row, "a range step other than 1", name, "use step=1")
            ok = False
        start, end = _number(parameters.get("start", "1")), _number(parameters.get("end", "10"))
        scale: dict[str, Any] = {"min": start, "max": end}
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
                value = _number(str(tick["value"]))
                if value in (start, end):
                    if "label" in tick:
                        scale["min_label" if value == start else "max_label"] = tick["label"]
                else:
                    self.warn(
                        ProblemCode.IGNORED_FEATURE,
                        f"tick label '{tick['value']}' of list '{labelset}' is ignored: wipbot "
                        "labels only the start and end of a scale",
                        tick.line if isinstance(tick.line, _At) else row.at,
                    )
        return scale if ok else None

    def _choices_of(
        self,
        row: _Row,
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

    def _expression(self, row: _Row, key: str, name: str | None) -> str | None:
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

    # -- columns and refusals -----------------------------------------------------

    def _ignore_columns(self, sheet: _Sheet, columns: Iterable[Tokens]) -> None:
        """Warns once per ignored column that has values, naming the rows."""
        for tokens in sorted(columns):
            rows = sheet.rows_using(tokens)
            if not rows:
                continue
            header = next(h for h, t in sheet.columns.items() if t == tokens)
            known = tokens[0] in _SURVEY_COLUMNS | _CHOICE_COLUMNS | _SETTINGS_COLUMNS
            why = "wipbot does not use it" if known else "it is not an XLSForm or wipbot column"
            self.warn(
                ProblemCode.IGNORED_FEATURE,
                f"column '{header}' is ignored: {why} ({_rows_text(rows)})",
                _At(sheet.name, _HEADER_ROW),
            )

    def _refuse_columns(self, row: _Row) -> None:
        for tokens, feature in _REFUSED_COLUMNS.items():
            value = row.cells.get(tokens)
            if value is None:
                continue
            if tokens in _REFUSED_WHEN_YES and _read_yes_no(value) is False:
                continue
            self._unsupported(row, f"column '{row.header(tokens)}' ({feature})", row.get("name"))

    def _unsupported(
        self, row: _Row, feature: str, name: str | None, advice: str | None = None
    ) -> None:
        self.error(
            ProblemCode.UNSUPPORTED_FEATURE,
            f"{feature} is not supported by wipbot; {advice or 'change or remove this row'}",
            row.at,
            name,
        )

    # -- results ------------------------------------------------------------------

    def _traced(self, problem: Problem) -> Problem:
        """Replaces a YAML-check line number by the sheet and row it came from."""
        at = problem.line
        if not isinstance(at, _At):
            # Only form-level checks report without a row (e.g. a survey with no questions).
            return replace(problem, line=None)
        traced = replace(problem, line=int(at), sheet=at.sheet)
        if at.sheet != SURVEY:
            # A choice or setting is shared; the question that uses it is not the place.
            return replace(traced, question_id=None, section_id=None)
        if int(at) in self.group_rows:
            return replace(traced, question_id=None)
        # On a question row the row says enough; a made-up section name would only confuse.
        return replace(traced, section_id=None)

    def _pyxform_check(self) -> list[Problem]:
        """Runs pyxform's own conversion so what wipbot accepts stays a valid XLSForm."""
        try:
            workbook_to_json(self.workbook, warnings=[])
        except PyXFormError as exc:
            message = _pyxform_message(exc)
            row = _PYXFORM_ROW_RE.match(str(exc))
            sheet = _PYXFORM_SHEET_RE.search(message)
            return [
                Problem(
                    ProblemCode.XLSFORM_INVALID,
                    f"pyxform refuses the form: {message}",
                    line=int(row.group(1)) if row else None,
                    sheet=sheet.group(1) if sheet else SURVEY,
                )
            ]
        return []


@dataclass(frozen=True)
class _RowKind:
    """What a survey row's type asks for."""

    qtype: QuestionType | None = None
    list_name: str | None = None
    group_begin: str | None = None
    group_end: str | None = None
    metadata: bool = False
    unsupported: str | None = None
    advice: str | None = None


def _row_kind(raw_type: str | None) -> _RowKind:
    """Classifies a type cell with pyxform's own patterns and type dictionary."""
    if raw_type is None:
        return _RowKind()
    text = " ".join(raw_type.split())
    begin = RE_BEGIN_CONTROL.search(text)
    if begin:
        return _RowKind(group_begin=aliases.control[begin.group("type")])
    end = RE_END_CONTROL.search(text)
    if end:
        return _RowKind(group_end=aliases.control[end.group("type")])
    select = RE_SELECT.search(text)
    if select:
        command = select.group("select_command")
        kind = aliases.select[command]
        if command in aliases.select_from_file:
            return _RowKind(unsupported="choices from a file")
        if kind == constants.SELECT_ONE_EXTERNAL:
            return _RowKind(unsupported="choices from external_choices")
        if kind == constants.RANK:
            return _RowKind(unsupported="ranking")
        if select.group("specify_other"):
            return _RowKind(
                unsupported="or_other",
                advice="add an 'other' choice and a text question relevant when it is chosen",
            )
        qtype = (
            QuestionType.SINGLE_CHOICE
            if kind == constants.SELECT_ONE
            else QuestionType.MULTIPLE_CHOICE
        )
        return _RowKind(qtype=qtype, list_name=select.group("list_name"))
    name = dealias_types([{"type": text}])[0]["type"]  # e.g. image -> photo
    if name.startswith("select"):
        return _RowKind()  # a select without a list name: reported as an unknown type
    for plain, qtype in _PLAIN_TYPES.items():
        if name == plain or QUESTION_TYPE_DICT.get(name) == QUESTION_TYPE_DICT[plain]:
            return _RowKind(qtype=qtype)
    definition = QUESTION_TYPE_DICT.get(name)
    if definition is not None and ("jr:preload" in definition.get("bind", {}) or name == "audit"):
        return _RowKind(metadata=True)
    if name in _UNSUPPORTED_TYPES:
        return _RowKind(unsupported=_UNSUPPORTED_TYPES[name])
    if definition is not None:
        return _RowKind(unsupported=f"{name} questions")
    return _RowKind()


# --- Expressions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Unsupported:
    """An XLSForm expression feature the engine's language does not have."""

    feature: str
    advice: str | None = None


def translate_expression(source: str, own_name: str | None = None) -> str | Unsupported:
    """Rewrites an XLSForm expression into the engine's syntax, or names what it lacks.

    The syntax is shared, so this is mostly the identity: it trims the text, reads
    `TRUE()`/`FALSE()` as `true()`/`false()` and, in a constraint (`own_name` given), a
    reference to the question itself as `.`, which ODK allows and the engine spells `.`.
    Quoted text is never touched. Syntax errors are left to the engine's parser.
    """
    parts = _STRING_RE.split(source.strip())
    for index in range(0, len(parts), 2):  # even parts lie outside quotes
        code = parts[index]
        for call in _FUNCTION_CALL_RE.finditer(code):
            function = call.group(1)
            if function.lower() in ("true", "false"):
                continue
            if function not in FUNCTIONS and function not in ("and", "or"):
                advice = (
                    "limit text with the max_length column" if function == "string-length" else None
                )
                return Unsupported(f"the function {function}()", advice)
        arithmetic = _ARITHMETIC_RE.search(_REF_RE.sub("", code))
        if arithmetic:
            return Unsupported(f"arithmetic or a path ('{arithmetic.group(0)}')")
        code = re.sub(
            r"\b(true|false)\s*\(\s*\)",
            lambda m: f"{m.group(1).lower()}()",
            code,
            flags=re.IGNORECASE,
        )
        if own_name is not None:
            code = re.sub(r"\$\{\s*" + re.escape(own_name) + r"\s*\}", ".", code)
        parts[index] = code
    return "".join(parts)


def _add_group_relevance(question: LineMap, group: str, at: _At | None) -> None:
    """Makes a question inside a relevant group relevant only when the group is."""
    own = question.get("relevant")
    if own is None:
        question["relevant"] = group
        if at is not None:
            # Problems in the group's condition belong to the group row, reported once.
            question.key_lines["relevant"] = at
    else:
        question["relevant"] = f"({group}) and ({own})"


# --- Small readers -----------------------------------------------------------------------


def _problem(code: ProblemCode, message: str, at: _At | None, question_id: str | None) -> Problem:
    if at is None:
        return Problem(code, message, None, question_id, sheet=SETTINGS)
    return Problem(code, message, int(at), question_id, sheet=at.sheet)


def _placeholder(name: str | None, at: _At) -> LineMap | None:
    """Stands in for a refused question so references to it do not report twice."""
    if name is None:
        return None
    text = {"id": name, "en": name}
    return LineMap({"id": name, "type": "text", "text": text, "required": False}, line=at)


def _name_implicit_sections(sections: Sequence[_Draft]) -> None:
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


def _column_of(tokens: Tokens) -> Tokens:
    """Returns the column without its language suffix (label::English (en) -> label)."""
    for column in _TRANSLATED:
        if tokens[: len(column)] == column:
            return column
    return tokens


def _language_code(name: str, default: str | None) -> str | None:
    """Returns id or en for a language column suffix or setting; None if neither."""
    if name == constants.DEFAULT_LANGUAGE_VALUE:
        return default
    code = _LANGUAGE_CODE_RE.search(name)
    if code:
        return _LANGUAGE_CODES.get(code.group(1).lower())
    plain = " ".join(name.lower().split())
    return _LANGUAGE_NAMES.get(plain) or _LANGUAGE_CODES.get(plain)


def _language_label(code: str) -> str:
    return LANGUAGE_COLUMNS[code]


def _read_yes_no(value: str) -> bool | None:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _find_tag(value: str, enum: type[Arena] | type[Principle]) -> str | None:
    wanted = _tag_key(value)
    if enum is Arena and wanted in _ARENA_ALIASES:
        return _ARENA_ALIASES[wanted].value
    for member in enum:
        if wanted in {
            _tag_key(member.value),
            _tag_key(member.label.id),
            _tag_key(str(member.label.en)),
        }:
            return member.value
    return None


def _tag_key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def _number(text: str) -> int | float | str:
    """Reads a cell as int or float; other text is returned for the checks to refuse."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_MAX_ROWS_LISTED])
    more = ", ..." if len(rows) > _MAX_ROWS_LISTED else ""
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}{more}"


def _pyxform_message(exc: PyXFormError) -> str:
    return _PYXFORM_ROW_RE.sub("", str(exc)).strip()


def _sorted(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    unique = list(dict.fromkeys(problems))
    order = {sheet: n for n, sheet in enumerate(_SHEET_ORDER)}
    return tuple(sorted(unique, key=lambda p: (order.get(p.sheet or "", len(order)), p.line or 0)))


# --- Export ------------------------------------------------------------------------------


SURVEY_HEADER: Final = (
    "type",
    "name",
    "label::Indonesian (id)",
    "label::English (en)",
    "hint::Indonesian (id)",
    "hint::English (en)",
    "required",
    "relevant",
    "constraint",
    "constraint_message::Indonesian (id)",
    "constraint_message::English (en)",
    "parameters",
    "dont_know",
    "min",
    "max",
    "max_length",
    "arena",
    "principle",
    "indicator",
)
CHOICES_HEADER: Final = ("list_name", "name", "label::Indonesian (id)", "label::English (en)")
SETTINGS_HEADER: Final = ("form_id", "version", "form_title", _FORM_TITLE_EN, "default_language")

_Labelset = tuple[int, int, LocalizedText | None, LocalizedText | None]
_TYPE_NAMES = {
    QuestionType.SCALE: "range",
    QuestionType.SINGLE_CHOICE: "select_one",
    QuestionType.MULTIPLE_CHOICE: "select_multiple",
    QuestionType.INTEGER: "integer",
    QuestionType.DECIMAL: "decimal",
    QuestionType.TEXT: "text",
    QuestionType.NOTE: "note",
}


def export_xlsform(questionnaire: Questionnaire) -> bytes:
    """Writes the questionnaire as an XLSForm workbook that `load_xlsform` reads back equal."""
    survey: list[dict[str, str]] = []
    choices: list[tuple[str, str, LocalizedText]] = []
    labelsets: dict[_Labelset, str] = {}
    taken = {q.id for q in questionnaire.questions}
    for section in questionnaire.sections:
        group = {"type": "begin_group", "name": section.id, **_text_cells("label", section.title)}
        if section.arena is not None:
            group["arena"] = section.arena.value
        survey.append(group)
        for question in section.questions:
            row = _question_row(question)
            if question.type.is_choice:
                row["type"] += f" {question.id}"
                choices.extend((question.id, c.value, c.label) for c in question.choices)
            if question.type is QuestionType.SCALE:
                row["parameters"] = _scale_parameters(question, labelsets, taken, choices)
            survey.append(row)
        survey.append({"type": "end_group"})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SURVEY
    _write(sheet, SURVEY_HEADER, survey)
    _write(
        workbook.create_sheet(CHOICES),
        CHOICES_HEADER,
        [
            {"list_name": name, "name": value, **_text_cells("label", label)}
            for name, value, label in choices
        ],
    )
    _write(
        workbook.create_sheet(SETTINGS),
        SETTINGS_HEADER,
        [
            {
                "form_id": questionnaire.id,
                "version": questionnaire.version,
                "form_title": questionnaire.title.id,
                _FORM_TITLE_EN: questionnaire.title.en or "",
                "default_language": LANGUAGE_COLUMNS[questionnaire.default_language],
            }
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _question_row(question: Question) -> dict[str, str]:
    row = {"type": _TYPE_NAMES[question.type], "name": question.id}
    row.update(_text_cells("label", question.text))
    row.update(_text_cells("hint", question.hint))
    row.update(_text_cells("constraint_message", question.constraint_message))
    if question.required and question.type is not QuestionType.NOTE:
        row["required"] = "yes"
    if question.relevant is not None:
        row["relevant"] = question.relevant.source
    if question.constraint is not None:
        row["constraint"] = question.constraint.source
    if question.type is not QuestionType.NOTE and question.allow_dont_know != (
        question.type is QuestionType.SCALE
    ):
        row["dont_know"] = "yes" if question.allow_dont_know else "no"
    if question.type.is_numeric:
        # Text cells keep 2 and 2.0 apart, as the definition does.
        for key, bound in (("min", question.min_value), ("max", question.max_value)):
            if bound is not None:
                row[key] = repr(bound)
    if question.type is QuestionType.TEXT and question.max_length != _DEFAULT_MAX_LENGTH:
        row["max_length"] = str(question.max_length)
    if question.arena is not None:
        row["arena"] = question.arena.value
    if question.principle is not None:
        row["principle"] = question.principle.value
    if question.indicator is not None:
        row["indicator"] = question.indicator
    return row


def _scale_parameters(
    question: Question,
    labelsets: dict[_Labelset, str],
    taken: set[str],
    choices: list[tuple[str, str, LocalizedText]],
) -> str:
    """Returns range parameters; end labels go to a shared tick_labelset choice list."""
    parameters = f"start={question.scale_min} end={question.scale_max}"
    low, high = question.scale_min_label, question.scale_max_label
    if low is None and high is None:
        return parameters
    key = (question.scale_min, question.scale_max, low, high)
    if key not in labelsets:
        name = f"scale_{question.scale_min}_{question.scale_max}"
        while name in taken:
            name += "_"
        taken.add(name)
        labelsets[key] = name
        for value, label in ((question.scale_min, low), (question.scale_max, high)):
            if label is not None:
                choices.append((name, str(value), label))
    return f"{parameters} tick_labelset={labelsets[key]}"


def _text_cells(column: str, text: LocalizedText | None) -> dict[str, str]:
    if text is None:
        return {}
    cells = {f"{column}::{LANGUAGE_COLUMNS['id']}": text.id}
    if text.en:
        cells[f"{column}::{LANGUAGE_COLUMNS['en']}"] = text.en
    return cells


def _write(sheet: Worksheet, header: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Every value is written as text, so version "2026.10" and name "1" stay as written.
        sheet.append([row.get(column) or None for column in header])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # openpyxl would store it as a formula
    sheet.freeze_panes = "A2"
    for column_cells in sheet.columns:
        width = max(len(str(c.value or "")) for c in column_cells)
        letter = column_cells[0].column_letter
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
