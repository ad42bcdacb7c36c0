"""The XLSForm vocabulary wipbot reads: sheets, columns, types, languages, cell readers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from pyxform import aliases, constants
from pyxform.errors import PyXFormError
from pyxform.question import MultipleChoiceQuestion, Option
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.survey import Survey
from pyxform.xls2json import (
    RE_BEGIN_CONTROL,
    RE_END_CONTROL,
    RE_SELECT,
    dealias_types,
)

from bot.questionnaire.errors import Problem, ProblemCode
from bot.questionnaire.loader import SourceTerms
from bot.questionnaire.model import (
    Arena,
    Principle,
    QuestionType,
)
from bot.questionnaire.yaml_source import LineMap

SURVEY: Final = "survey"
CHOICES: Final = "choices"
SETTINGS: Final = "settings"
EXTERNAL_CHOICES: Final = "external_choices"
WIPBOT_REQUIRED: Final = "wipbot_required"
"""wipbot's column: required in the bot although ODK may leave it blank ("don't know")."""
_SHEET_ORDER = (SURVEY, CHOICES, EXTERNAL_CHOICES, SETTINGS)

LANGUAGE_COLUMNS: Final = {"id": "Indonesian (id)", "en": "English (en)"}
"""The language suffixes `export_xlsform` writes (label::Indonesian (id), ...)."""
PLAIN_LANGUAGE: Final = constants.DEFAULT_LANGUAGE_VALUE
"""pyxform's name for the language of columns without one when the settings name none."""

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

HEADER_ROW = 1
FIRST_ROW = 2  # pyxform keeps blank rows, so data row i is spreadsheet row i + 2
DEFAULT_MAX_LENGTH = 500
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
PLAIN_TYPES = {
    "note": QuestionType.NOTE,
    "integer": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "text": QuestionType.TEXT,
    "range": QuestionType.SCALE,
    "date": QuestionType.DATE,
    "time": QuestionType.TIME,
    "dateTime": QuestionType.DATETIME,
    "calculate": QuestionType.CALCULATE,
    # A chat asks these as a note with one button, or as text with pyxform's own check.
    "acknowledge": QuestionType.NOTE,
    "trigger": QuestionType.NOTE,
    "phone number": QuestionType.TEXT,
}
PHONE_CONSTRAINT = QUESTION_TYPE_DICT["phone number"]["bind"]["constraint"]
_UNSUPPORTED_TYPES = {
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
    "hidden": "hidden fields",
    "rank": "ranking",
    "xml-external": "external data",
    "csv-external": "external data",
    "osm": "OpenStreetMap questions",
}

# Survey columns (as pyxform normalises them) and what wipbot does with them.
QUESTION_COLUMNS = {
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
    ("bind", "calculate"),
    ("bind", "readonly"),
    ("choice_filter",),
    ("default",),
    ("wipbot_required",),
}
REFUSED_COLUMNS = {
    ("trigger",): "answers reset by another question",
    ("control", "jr:count"): "repeats",
    ("disabled",): "disabled rows",
    ("bind", "entities:saveto"): "entities",
}
# Refused only when set to a yes-like value; "no" means the feature is off.
REFUSED_WHEN_YES = {("disabled",)}
TRANSLATED = {("label",), ("hint",), ("guidance_hint",), ("bind", "jr:constraintMsg")}
GROUP_COLUMNS = {("type",), ("name",), ("label",), ("arena",), ("bind", "relevant")}

SURVEY_COLUMNS = set(MultipleChoiceQuestion.get_slot_names())
CHOICE_COLUMNS = set(Option.get_slot_names())
SETTINGS_COLUMNS = set(Survey.get_slot_names())
FORM_TITLE_EN = "form_title_en"
SETTINGS_USED = {
    ("id_string",),
    ("version",),
    ("title",),
    ("default_language",),
    (FORM_TITLE_EN,),
    ("allow_choice_duplicates",),
}

_ARENA_ALIASES = {"dunia usaha": Arena.ECONOMIC_SOCIETY, "business": Arena.ECONOMIC_SOCIETY}

PYXFORM_ROW_RE = re.compile(r"^\s*\[row\s*:\s*(\d+)\]\s*")


class At(int):
    """A row number that remembers its sheet.

    The YAML checks only know line numbers; an `int` that also carries the sheet passes
    through them unchanged, so each problem they report can be traced to sheet and row.
    """

    sheet: str

    def __new__(cls, sheet: str, row: int) -> At:
        at = super().__new__(cls, row)
        at.sheet = sheet
        return at


Tokens = tuple[str, ...]


@dataclass(frozen=True)
class Row:
    """One spreadsheet row: cleaned cell text keyed by normalised column."""

    at: At
    cells: dict[Tokens, str]
    headers: Mapping[Tokens, str]

    def header(self, tokens: Tokens) -> str:
        """Returns the original header of a normalised column."""
        return self.headers.get(tokens, "::".join(tokens))

    def get(self, *column: str) -> str | None:
        """Returns the cell of `column`, or None when blank."""
        return self.cells.get(column)


@dataclass(frozen=True)
class Sheet:
    """A sheet's columns (original header -> normalised tokens) and non-blank rows."""

    name: str
    columns: dict[str, Tokens]
    rows: tuple[Row, ...]

    def rows_using(self, tokens: Tokens) -> list[int]:
        """Returns the rows with a value in the column."""
        return [int(row.at) for row in self.rows if tokens in row.cells]


@dataclass(frozen=True)
class RowKind:
    """What a survey row's type asks for."""

    qtype: QuestionType | None = None
    list_name: str | None = None
    group_begin: str | None = None
    group_end: str | None = None
    metadata: bool = False
    unsupported: str | None = None
    advice: str | None = None
    external: bool = False  # select_one_external: the list is on the external_choices sheet
    or_other: bool = False  # "or_other": an "other" choice and a text question after it


def row_kind(raw_type: str | None) -> RowKind:
    """Classifies a type cell with pyxform's own patterns and type dictionary."""
    if raw_type is None:
        return RowKind()
    text = " ".join(raw_type.split())
    begin = RE_BEGIN_CONTROL.search(text)
    if begin:
        return RowKind(group_begin=aliases.control[begin.group("type")])
    end = RE_END_CONTROL.search(text)
    if end:
        return RowKind(group_end=aliases.control[end.group("type")])
    select = RE_SELECT.search(text)
    if select:
        command = select.group("select_command")
        kind = aliases.select[command]
        if command in aliases.select_from_file:
            return RowKind(unsupported="choices from a file")
        if kind == constants.SELECT_ONE_EXTERNAL:
            list_name = select.group("list_name")
            return RowKind(QuestionType.SINGLE_CHOICE, list_name, external=True)
        if kind == constants.RANK:
            return RowKind(unsupported="ranking")
        qtype = (
            QuestionType.SINGLE_CHOICE
            if kind == constants.SELECT_ONE
            else QuestionType.MULTIPLE_CHOICE
        )
        other = bool(select.group("specify_other"))
        return RowKind(qtype=qtype, list_name=select.group("list_name"), or_other=other)
    first = text.split()[0]
    if first in ("osm", "include"):
        feature = "OpenStreetMap questions" if first == "osm" else "including another form"
        return RowKind(unsupported=feature)
    name = dealias_types([{"type": text}])[0]["type"]  # e.g. image -> photo
    if name.startswith("select"):
        return RowKind()  # a select without a list name: reported as an unknown type
    for plain, qtype in PLAIN_TYPES.items():
        if name == plain or QUESTION_TYPE_DICT.get(name) == QUESTION_TYPE_DICT[plain]:
            return RowKind(qtype=qtype)
    definition = QUESTION_TYPE_DICT.get(name)
    if definition is not None and ("jr:preload" in definition.get("bind", {}) or name == "audit"):
        return RowKind(metadata=True)
    if name in _UNSUPPORTED_TYPES:
        return RowKind(unsupported=_UNSUPPORTED_TYPES[name])
    if definition is not None:
        return RowKind(unsupported=f"{name} questions")
    return RowKind()


# --- Small readers -----------------------------------------------------------------------


def make_problem(
    code: ProblemCode, message: str, at: At | None, question_id: str | None
) -> Problem:
    if at is None:
        return Problem(code, message, None, question_id, sheet=SETTINGS)
    return Problem(code, message, int(at), question_id, sheet=at.sheet)


def placeholder(name: str | None, at: At) -> LineMap | None:
    """Stands in for a refused question so references to it do not report twice."""
    if name is None:
        return None
    text = {"id": name, "en": name}
    return LineMap({"id": name, "type": "text", "text": text, "required": False}, line=at)


def column_of(tokens: Tokens) -> Tokens:
    """Returns the column without its language suffix (label::English (en) -> label)."""
    for column in TRANSLATED:
        if tokens[: len(column)] == column:
            return column
    return tokens


def language_code(name: str, default: str | None) -> str | None:
    """Returns id or en for a language column suffix or setting; None if neither."""
    if name == constants.DEFAULT_LANGUAGE_VALUE:
        return default
    code = _LANGUAGE_CODE_RE.search(name)
    if code:
        return _LANGUAGE_CODES.get(code.group(1).lower())
    plain = " ".join(name.lower().split())
    return _LANGUAGE_NAMES.get(plain) or _LANGUAGE_CODES.get(plain)


def language_key(name: str) -> str:
    """Returns id or en for a column suffix in either language, else the suffix as written."""
    return language_code(name, None) or " ".join(name.split())


def language_label(key: str) -> str:
    """Names a language key for a researcher: Indonesian (id), German (de), ..."""
    if key == PLAIN_LANGUAGE:
        return "the form's default language (columns without a language)"
    return LANGUAGE_COLUMNS.get(key, key)


def read_yes_no(value: str) -> bool | None:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def find_tag(value: str, enum: type[Arena] | type[Principle]) -> str | None:
    wanted = tag_key(value)
    if enum is Arena and wanted in _ARENA_ALIASES:
        return _ARENA_ALIASES[wanted].value
    for member in enum:
        if wanted in {
            tag_key(member.value),
            tag_key(member.label.id),
            tag_key(str(member.label.en)),
        }:
            return member.value
    return None


def tag_key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def read_number(text: str) -> int | float | str:
    """Reads a cell as int or float; other text is returned for the checks to refuse."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_MAX_ROWS_LISTED])
    more = ", ..." if len(rows) > _MAX_ROWS_LISTED else ""
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}{more}"


def pyxform_message(exc: PyXFormError) -> str:
    return PYXFORM_ROW_RE.sub("", str(exc)).strip()


def sorted_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    unique = list(dict.fromkeys(problems))
    order = {sheet: n for n, sheet in enumerate(_SHEET_ORDER)}
    return tuple(sorted(unique, key=lambda p: (order.get(p.sheet or "", len(order)), p.line or 0)))
