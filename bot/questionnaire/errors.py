"""Problems found while loading a questionnaire definition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ProblemCode(StrEnum):
    """Stable codes for load problems (errors and warnings)."""

    YAML_SYNTAX = "yaml_syntax"
    FILE_NOT_READABLE = "file_not_readable"
    NOT_A_MAPPING = "not_a_mapping"
    NOT_A_LIST = "not_a_list"
    MISSING_FIELD = "missing_field"
    UNKNOWN_FIELD = "unknown_field"
    DUPLICATE_KEY = "duplicate_key"
    INVALID_VALUE = "invalid_value"
    INVALID_ID = "invalid_id"
    NO_SECTIONS = "no_sections"
    NOT_A_FORM = "not_a_form"
    EMPTY_SECTION = "empty_section"
    DUPLICATE_SECTION_ID = "duplicate_section_id"
    DUPLICATE_QUESTION_ID = "duplicate_question_id"
    UNKNOWN_QUESTION_TYPE = "unknown_question_type"
    UNKNOWN_ARENA = "unknown_arena"
    UNKNOWN_PRINCIPLE = "unknown_principle"
    UNKNOWN_LANGUAGE = "unknown_language"
    MISSING_INDONESIAN_TEXT = "missing_indonesian_text"
    BAD_SCALE_BOUNDS = "bad_scale_bounds"
    BAD_NUMERIC_BOUNDS = "bad_numeric_bounds"
    BAD_MAX_LENGTH = "bad_max_length"
    NO_CHOICES = "no_choices"
    DUPLICATE_CHOICE_VALUE = "duplicate_choice_value"
    INVALID_CHOICE_VALUE = "invalid_choice_value"
    INVALID_EXPRESSION = "invalid_expression"
    UNKNOWN_REFERENCE = "unknown_reference"
    FORWARD_REFERENCE = "forward_reference"
    SELF_REFERENCE = "self_reference"
    REFERENCE_TO_NOTE = "reference_to_note"
    CURRENT_IN_RELEVANT = "current_in_relevant"
    # XLSForm workbooks.
    UNSUPPORTED_FEATURE = "unsupported_feature"
    UNKNOWN_CHOICE_LIST = "unknown_choice_list"
    UNMATCHED_GROUP = "unmatched_group"
    XLSFORM_INVALID = "xlsform_invalid"
    # Warnings.
    MISSING_ENGLISH_TEXT = "missing_english_text"
    FIELD_NOT_APPLICABLE = "field_not_applicable"
    NOT_SCORED = "not_scored"
    INDICATOR_MISMATCH = "indicator_mismatch"
    DUPLICATE_INDICATOR = "duplicate_indicator"
    VERSION_NOT_QUOTED = "version_not_quoted"
    LONG_SCALE = "long_scale"
    IGNORED_FEATURE = "ignored_feature"


@dataclass(frozen=True)
class Problem:
    """One problem with a location a researcher can find and a message they understand.

    `line` is a line of a YAML file, or a row of the spreadsheet sheet named by `sheet`.
    """

    code: ProblemCode
    message: str
    line: int | None = None
    question_id: str | None = None
    section_id: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.sheet is not None:
            parts.append(f"[row {self.line}] {self.sheet}:" if self.line else f"{self.sheet}:")
        elif self.line is not None:
            parts.append(f"[line {self.line}]")
        if self.question_id is not None:
            parts.append(f"question '{self.question_id}':")
        elif self.section_id is not None:
            parts.append(f"section '{self.section_id}':")
        parts.append(self.message)
        return " ".join(parts)


class QuestionnaireError(ValueError):
    """Raised when a questionnaire definition has errors; carries every problem found."""

    def __init__(self, errors: Sequence[Problem], warnings: Sequence[Problem] = ()) -> None:
        self.errors = tuple(errors)
        self.warnings = tuple(warnings)
        count = len(self.errors)
        lines = "\n".join(f"  {problem}" for problem in self.errors)
        super().__init__(f"questionnaire has {count} error(s):\n{lines}")
