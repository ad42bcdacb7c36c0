"""The reader's shared part: problems, sheets with their columns, languages and refusals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyxform import constants
from pyxform.parsing.sheet_headers import clean_text_values, process_header, to_snake_case
from pyxform.xls2json_backends import DefinitionData

from bot.questionnaire.errors import Problem, ProblemCode
from bot.questionnaire.model import (
    DEFAULT_LANGUAGE,
)
from bot.questionnaire.xlsform.columns import (
    CHOICE_COLUMNS,
    FIRST_ROW,
    HEADER_ROW,
    REFUSED_COLUMNS,
    REFUSED_WHEN_YES,
    SETTINGS_COLUMNS,
    SURVEY,
    SURVEY_COLUMNS,
    TRANSLATED,
    At,
    Row,
    Sheet,
    Tokens,
    language_code,
    language_label,
    make_problem,
    read_yes_no,
    rows_text,
)


@dataclass
class SheetReader:
    """The workbook's sheets and the problems found in them so far."""

    workbook: DefinitionData
    fallback_id: str | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    default_language_name: str = constants.DEFAULT_LANGUAGE_VALUE
    default_language: str = DEFAULT_LANGUAGE
    group_rows: set[int] = field(default_factory=set)
    list_names: set[str] = field(default_factory=set)
    languages: dict[tuple[str, Tokens], str | None] = field(default_factory=dict)
    version_at: At | None = None

    def error(
        self, code: ProblemCode, message: str, at: At | None, question_id: str | None = None
    ) -> None:
        self.errors.append(make_problem(code, message, at, question_id))

    def warn(
        self, code: ProblemCode, message: str, at: At | None, question_id: str | None = None
    ) -> None:
        self.warnings.append(make_problem(code, message, at, question_id))

    # -- sheets -------------------------------------------------------------------

    def _sheet(self, name: str, header_aliases: Mapping[str, Any], known: set[str]) -> Sheet | None:
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
                    At(name, HEADER_ROW),
                )
                continue
            seen[tokens] = header
            columns[header] = tokens
        rows = []
        headers_of = {tokens: header for header, tokens in columns.items()}
        for number, raw in enumerate(raw_rows or (), start=FIRST_ROW):
            cells = {
                columns[header]: clean_text_values(str(value), strip_whitespace=True)
                for header, value in raw.items()
                if header in columns and value is not None and str(value).strip()
            }
            if cells:
                rows.append(Row(At(name, number), cells, headers_of))
        sheet = Sheet(name, columns, tuple(rows))
        self._check_languages(sheet)
        return sheet

    def _check_languages(self, sheet: Sheet) -> None:
        """Maps each translated column to id/en; warns about others, refuses doubles."""
        translated = TRANSLATED if sheet.name == SURVEY else {("label",)}
        seen: dict[tuple[Tokens, str], str] = {}
        for header, tokens in sheet.columns.items():
            column = next((t for t in translated if tokens[: len(t)] == t), None)
            if column is None or len(tokens) > len(column) + 1:
                continue
            name = tokens[len(column)] if len(tokens) > len(column) else None
            code = language_code(name or self.default_language_name, self.default_language)
            self.languages[(sheet.name, tokens)] = code
            if code is None:
                if sheet.rows_using(tokens):
                    self.warn(
                        ProblemCode.IGNORED_FEATURE,
                        f"column '{header}' is ignored: wipbot speaks Indonesian (id) and "
                        "English (en) only",
                        At(sheet.name, HEADER_ROW),
                    )
                continue
            if (column, code) in seen:
                self.error(
                    ProblemCode.DUPLICATE_KEY,
                    f"columns '{seen[(column, code)]}' and '{header}' are both "
                    f"{language_label(code)}; keep one",
                    At(sheet.name, HEADER_ROW),
                )
            seen.setdefault((column, code), header)

    def _texts(self, sheet: str, row: Row, column: Tokens) -> dict[str, str] | None:
        """Returns the row's {id, en} texts of a translated column, or None when blank."""
        texts: dict[str, str] = {}
        for tokens, value in row.cells.items():
            if tokens[: len(column)] != column or len(tokens) > len(column) + 1:
                continue
            code = self.languages.get((sheet, tokens))
            if code is not None:
                texts.setdefault(code, value)
        return texts or None

    # -- columns and refusals -----------------------------------------------------

    def _ignore_columns(self, sheet: Sheet, columns: Iterable[Tokens]) -> None:
        """Warns once per ignored column that has values, naming the rows."""
        for tokens in sorted(columns):
            rows = sheet.rows_using(tokens)
            if not rows:
                continue
            header = next(h for h, t in sheet.columns.items() if t == tokens)
            known = tokens[0] in SURVEY_COLUMNS | CHOICE_COLUMNS | SETTINGS_COLUMNS
            why = "wipbot does not use it" if known else "it is not an XLSForm or wipbot column"
            self.warn(
                ProblemCode.IGNORED_FEATURE,
                f"column '{header}' is ignored: {why} ({rows_text(rows)})",
                At(sheet.name, HEADER_ROW),
            )

    def _refuse_columns(self, row: Row) -> None:
        for tokens, feature in REFUSED_COLUMNS.items():
            value = row.cells.get(tokens)
            if value is None:
                continue
            if tokens in REFUSED_WHEN_YES and read_yes_no(value) is False:
                continue
            self._unsupported(row, f"column '{row.header(tokens)}' ({feature})", row.get("name"))

    def _unsupported(
        self, row: Row, feature: str, name: str | None, advice: str | None = None
    ) -> None:
        self.error(
            ProblemCode.UNSUPPORTED_FEATURE,
            f"{feature} is not supported by wipbot; {advice or 'change or remove this row'}",
            row.at,
            name,
        )
