"""Writing a questionnaire as an XLSForm workbook that `load_xlsform` reads back equal."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.questionnaire.model import (
    LocalizedText,
    Question,
    Questionnaire,
    QuestionType,
)
from bot.questionnaire.xlsform.columns import (
    CHOICES,
    DEFAULT_MAX_LENGTH,
    FORM_TITLE_EN,
    LANGUAGE_COLUMNS,
    SETTINGS,
    SURVEY,
    WIPBOT_REQUIRED,
)
from bot.questionnaire.xlsform.expressions import odk_constraint

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
    "calculation",
    "choice_filter",
    "default",
    WIPBOT_REQUIRED,
)
CHOICES_HEADER: Final = ("list_name", "name", "label::Indonesian (id)", "label::English (en)")
SETTINGS_HEADER: Final = ("form_id", "version", "form_title", FORM_TITLE_EN, "default_language")

_Labelset = tuple[int, int, LocalizedText | None, LocalizedText | None]
_TYPE_NAMES = {
    QuestionType.SCALE: "range",
    QuestionType.SINGLE_CHOICE: "select_one",
    QuestionType.MULTIPLE_CHOICE: "select_multiple",
    QuestionType.INTEGER: "integer",
    QuestionType.DECIMAL: "decimal",
    QuestionType.TEXT: "text",
    QuestionType.NOTE: "note",
    QuestionType.DATE: "date",
    QuestionType.TIME: "time",
    QuestionType.DATETIME: "dateTime",
    QuestionType.CALCULATE: "calculate",
}


def export_xlsform(questionnaire: Questionnaire) -> bytes:
    """Writes the questionnaire as an XLSForm workbook that `load_xlsform` reads back equal."""
    survey: list[dict[str, str]] = []
    choices: list[tuple[str, str, LocalizedText]] = []
    columns: dict[int, dict[str, str]] = {}  # position in `choices` -> filter columns
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
                for choice in question.choices:
                    extra = {k: v for k, v in choice.columns if not k.startswith("label")}
                    if extra:
                        columns[len(choices)] = extra
                    choices.append((question.id, choice.value, choice.label))
            if question.type is QuestionType.SCALE:
                row["parameters"] = _scale_parameters(question, labelsets, taken, choices)
            survey.append(row)
        survey.append({"type": "end_group"})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SURVEY
    _write(sheet, SURVEY_HEADER, survey)
    extra_header = sorted({k for found in columns.values() for k in found})
    _write(
        workbook.create_sheet(CHOICES),
        (*CHOICES_HEADER, *extra_header),
        [
            {
                "list_name": name,
                "name": value,
                **_text_cells("label", label),
                **columns.get(position, {}),
            }
            for position, (name, value, label) in enumerate(choices)
        ],
    )
    repeated = len({(n, v) for n, v, _ in choices}) < len(choices)
    _write(
        workbook.create_sheet(SETTINGS),
        (*SETTINGS_HEADER, *(("allow_choice_duplicates",) if repeated else ())),
        [
            {
                "form_id": questionnaire.id,
                "version": questionnaire.version,
                "form_title": questionnaire.title.id,
                FORM_TITLE_EN: questionnaire.title.en or "",
                "default_language": LANGUAGE_COLUMNS[questionnaire.default_language],
                "allow_choice_duplicates": "yes",
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
    if question.required_if is not None:
        row["required"] = question.required_if.source
    elif question.required and question.type not in (QuestionType.NOTE, QuestionType.CALCULATE):
        if question.allow_dont_know:
            # ODK has no "don't know" button: leaving the answer blank is how it says so.
            row[WIPBOT_REQUIRED] = "yes"
        else:
            row["required"] = "yes"
    if question.relevant is not None:
        row["relevant"] = question.relevant.source
    constraint = odk_constraint(question)
    if constraint is not None:
        row["constraint"] = constraint
    if question.calculation is not None:
        row["calculation"] = question.calculation.source
        if question.text == LocalizedText(question.id, question.id):
            row = {k: v for k, v in row.items() if not k.startswith("label::")}
    if question.choice_filter is not None:
        row["choice_filter"] = question.choice_filter.source
    if question.default is not None:
        row["default"] = question.default
    if question.type is not QuestionType.NOTE and question.allow_dont_know != (
        question.type is QuestionType.SCALE
    ):
        row["dont_know"] = "yes" if question.allow_dont_know else "no"
    if question.type.is_numeric:
        # Text cells keep 2 and 2.0 apart, as the definition does.
        for key, bound in (("min", question.min_value), ("max", question.max_value)):
            if bound is not None:
                row[key] = repr(bound)
    if question.type is QuestionType.TEXT and question.max_length != DEFAULT_MAX_LENGTH:
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
    if question.scale_step != 1:
        parameters += f" step={question.scale_step}"
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
