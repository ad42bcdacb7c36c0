"""The reader's shared part: problems, sheets with their columns, languages and refusals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyxform.parsing.sheet_headers import clean_text_values, process_header, to_snake_case
from pyxform.xls2json_backends import DefinitionData

from bot.questionnaire.errors import Problem, ProblemCode
from bot.questionnaire.xlsform.columns import (
    CHOICE_COLUMNS,
    FIRST_ROW,
    HEADER_ROW,
    PLAIN_LANGUAGE,
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
    language_key,
    language_label,
    make_problem,
    read_yes_no,
    rows_text,
)
from bot.questionnaire.yaml_source import LineMap


@dataclass
class SheetReader:
    """The workbook's sheets and the problems found in them so far."""

    workbook: DefinitionData
    fallback_id: str | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    default_key: str | None = None  # the settings' default_language, read as a column suffix
    group_rows: set[int] = field(default_factory=set)
    list_names: set[str] = field(default_factory=set)
    languages: dict[tuple[str, Tokens], str | None] = field(default_factory=dict)
    version_at: At | None = None
    # language -> source language -> rows whose text in it was taken from the source
    fallbacks: dict[str, dict[str, list[At]]] = field(default_factory=dict)
    id_sources: dict[tuple[str, int], str] = field(default_factory=dict)
    languages_used: set[str] = field(default_factory=set)
    external_lists: dict[str, list[LineMap]] = field(default_factory=dict)
    # list name -> (choice name, its row, the first row with that name)
    duplicate_choices: dict[str, list[tuple[str, At, int]]] = field(default_factory=dict)
    duplicates_reported: set[str] = field(default_factory=set)
    unlabelled_lists: set[str] = field(default_factory=set)
    skip_unsupported: bool = False
    metadata_names: set[str] = field(default_factory=set)  # ignored rows conditions may read
    skipped_rows: dict[int, str | None] = field(default_factory=dict)  # row -> question name

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
        """Gives each translated column its language, as pyxform reads them; refuses doubles.

        `label::Name (code)` is in the language the code (or the name) says; a plain `label`
        is in the settings' default_language. Without that setting a plain column is
        Indonesian, unless the sheet also has an Indonesian column: then it is the form's
        unnamed default language (pyxform's "default"), which English participants see.
        """
        translated = TRANSLATED if sheet.name == SURVEY else {("label",)}
        entries: list[tuple[str, Tokens, Tokens, str | None]] = []
        for header, tokens in sheet.columns.items():
            column = next((t for t in translated if tokens[: len(t)] == t), None)
            if column is None or len(tokens) > len(column) + 1:
                continue
            name = tokens[len(column)] if len(tokens) > len(column) else None
            entries.append((header, tokens, column, name))
        explicit = {(column, language_key(name)) for _, _, column, name in entries if name}
        has_indonesian = any(key == "id" for _, key in explicit)
        plain = self.default_key or (PLAIN_LANGUAGE if has_indonesian else "id")
        seen: dict[tuple[Tokens, str], str] = {}
        for header, tokens, column, name in entries:
            key = language_key(name) if name is not None else plain
            self.languages[(sheet.name, tokens)] = key
            served = {k for c, k in explicit if c == column} | ({plain} if name is None else set())
            if key not in ("id", "en") and {"id", "en"} <= served and sheet.rows_using(tokens):
                self.warn(
                    ProblemCode.IGNORED_FEATURE,
                    f"column '{header}' is ignored: wipbot speaks Indonesian (id) and "
                    "English (en) only",
                    At(sheet.name, HEADER_ROW),
                )
            if (column, key) in seen:
                self.error(
                    ProblemCode.DUPLICATE_KEY,
                    f"columns '{seen[(column, key)]}' and '{header}' are both "
                    f"{language_label(key)}; keep one",
                    At(sheet.name, HEADER_ROW),
                )
            seen.setdefault((column, key), header)

    def _texts(self, sheet: str, row: Row, column: Tokens) -> dict[str, str] | None:
        """Returns the row's {id, en} texts of a translated column, or None when blank.

        A language the row lacks is filled from the form's default language (else from
        English, else from any language given), and remembered for one summary warning.
        """
        found: dict[str, str] = {}
        for tokens, value in row.cells.items():
            if tokens[: len(column)] != column or len(tokens) > len(column) + 1:
                continue
            key = self.languages.get((sheet, tokens))
            if key is not None:
                found.setdefault(key, value)
        if not found:
            return None
        self.languages_used.update(found)
        default = self.default_key or PLAIN_LANGUAGE
        texts = dict(found)
        if "id" not in found:
            source = next(k for k in (default, "en", *found) if k in found)
            texts["id"] = found[source]
            self.fallbacks.setdefault("id", {}).setdefault(source, []).append(row.at)
        self.id_sources[(sheet, int(row.at))] = next(
            k for k in ("id", default, "en", *found) if k in found
        )
        if "en" not in found and default not in ("id", "en") and default in found:
            texts["en"] = found[default]
            self.fallbacks.setdefault("en", {}).setdefault(default, []).append(row.at)
        return {k: v for k, v in texts.items() if k in ("id", "en")}

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
        """Refuses the row's feature; with skip_unsupported the row is skipped instead."""
        if self.skip_unsupported:
            if int(row.at) not in self.skipped_rows:
                self.skipped_rows[int(row.at)] = name
                self.warn(
                    ProblemCode.UNSUPPORTED_FEATURE,
                    f"the row is skipped: {feature} is not supported by wipbot",
                    row.at,
                    name,
                )
            return
        self.error(
            ProblemCode.UNSUPPORTED_FEATURE,
            f"{feature} is not supported by wipbot; {advice or 'change or remove this row'}",
            row.at,
            name,
        )
