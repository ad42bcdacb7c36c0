"""Loading an XLSForm: the workbook, its settings and choices, then pyxform's own check."""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.validators.pyxform.sheet_misspellings import find_sheet_misspellings
from pyxform.xls2json import (
    workbook_to_json,
)
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from bot.questionnaire.errors import Problem, ProblemCode
from bot.questionnaire.loader import LoadResult, load_questionnaire_data
from bot.questionnaire.model import Questionnaire, canonical_json
from bot.questionnaire.xlsform.columns import (
    CHOICE_COLUMNS,
    CHOICES,
    EXTERNAL_CHOICES,
    FORM_TITLE_EN,
    LANGUAGE_COLUMNS,
    PYXFORM_ROW_RE,
    SETTINGS,
    SETTINGS_COLUMNS,
    SETTINGS_USED,
    SURVEY,
    SURVEY_COLUMNS,
    XLSFORM_TERMS,
    At,
    Sheet,
    language_key,
    language_label,
    make_problem,
    pyxform_message,
    rows_text,
    sorted_problems,
)
from bot.questionnaire.xlsform.survey import SurveyReader
from bot.questionnaire.yaml_source import LineMap

_PYXFORM_SHEET_RE = re.compile(r"'(survey|choices|settings)' sheet")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def load_xlsform(
    source: str | os.PathLike[str] | bytes, skip_unsupported: bool = False
) -> LoadResult:
    """Loads a questionnaire from an XLSForm workbook (.xlsx or .xls): a path or its bytes.

    With `skip_unsupported`, rows a chat cannot ask (photos, locations, repeats, ...) are
    skipped with one warning each, and conditions that refer to them read them as empty.
    """
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
    return FormReader(workbook, fallback_id, skip_unsupported=skip_unsupported).load()


def _read_workbook(content: bytes) -> DefinitionData | Problem:
    """Reads the sheets with pyxform; the file type is sniffed, not guessed from the name."""
    if content.startswith(_XLSX_MAGIC):
        file_type = ".xlsx"
    elif content.startswith(_XLS_MAGIC):
        file_type = ".xls"
    else:
        return Problem(ProblemCode.FILE_NOT_READABLE, "the file is not an Excel workbook")
    try:
        with warnings.catch_warnings():
            # openpyxl warns on stderr about styles and extensions it does not read.
            warnings.simplefilter("ignore")
            workbook: DefinitionData = get_xlsform(content, file_type=file_type)
    except PyXFormError as exc:
        # pyxform's own wording for an unreadable file lists formats wipbot does not take.
        detail = "" if "not recognized" in str(exc) else f": {exc}"
        return Problem(ProblemCode.FILE_NOT_READABLE, f"cannot read the workbook{detail}")
    return workbook


@dataclass
class FormReader(SurveyReader):
    """Turns workbook rows into the YAML loader's data, recording problems on the way."""

    def load(self) -> LoadResult:
        # Settings come first: a label column without a language is in default_language.
        settings = self._sheet(SETTINGS, aliases.settings_header, SETTINGS_COLUMNS)
        form = self._settings(settings)
        survey = self._sheet(SURVEY, aliases.survey_header, SURVEY_COLUMNS)
        if survey is not None and ("type",) not in survey.columns.values():
            names = list(self.workbook.sheet_names or ())
            # pyxform reads a workbook's only sheet as the survey, whatever its name.
            sheet = names[0] if len(names) == 1 and names[0].lower() != SURVEY else SURVEY
            problem = Problem(
                ProblemCode.NOT_A_FORM,
                f"this is not a form: the '{sheet}' sheet has no 'type' column",
                sheet=SURVEY if sheet == SURVEY else None,
            )
            return LoadResult(None, (problem,))
        if survey is None and not self.workbook.choices and not self.workbook.settings:
            sheets = ", ".join(f"'{name}'" for name in self.workbook.sheet_names)
            problem = Problem(
                ProblemCode.NOT_A_FORM,
                f"this is not a form: no 'survey' sheet with a 'type' column (sheets: {sheets})",
            )
            return LoadResult(None, (problem,))
        if survey is None or not survey.rows:
            missing = (
                "the workbook has no 'survey' sheet" if survey is None else "the sheet has no rows"
            )
            hint = find_sheet_misspellings(key=SURVEY, keys=self.workbook.sheet_names)
            message = f"{missing}. {hint}" if hint else missing
            problem = Problem(ProblemCode.NO_SECTIONS, message, sheet=SURVEY)
            return LoadResult(None, (problem, *self.errors), tuple(self.warnings))
        choices = self._sheet(CHOICES, aliases.list_header, CHOICE_COLUMNS)
        lists = self._choice_lists(choices)
        external = self._sheet(EXTERNAL_CHOICES, aliases.list_header, CHOICE_COLUMNS)
        if external is not None:
            self.external_lists = self._choice_lists(external)
        title: dict[str, str | None] = form["title"]
        form["sections"] = self._sections(survey, lists, choices is not None, title)
        if "default_language" not in form and self.languages_used & {"id", "en"} == {"en"}:
            form["default_language"] = "en"  # an English form without a default_language
        result = load_questionnaire_data(form, XLSFORM_TERMS)
        errors = [*self.errors, *(self._traced(p) for p in result.errors)]
        traced = [self._traced(p) for p in result.warnings]
        untranslated = [p for p in traced if p.code is ProblemCode.MISSING_ENGLISH_TEXT]
        warnings = [*self.warnings, *(p for p in traced if p not in untranslated)]
        warnings.extend(self._language_summary(untranslated))
        if not errors:
            errors.extend(self._pyxform_check())
        questionnaire = result.questionnaire if not errors else None
        if questionnaire is not None and not questionnaire.version:
            questionnaire = replace(questionnaire, version=derived_version(questionnaire))
            warnings.append(
                make_problem(
                    ProblemCode.MISSING_FIELD,
                    f"no version is set; using '{questionnaire.version}', derived from "
                    "the form's content (the same content always gets the same version)",
                    self.version_at,
                    None,
                )
            )
        return LoadResult(questionnaire, sorted_problems(errors), sorted_problems(warnings))

    def _language_summary(self, untranslated: Sequence[Problem]) -> list[Problem]:
        """Returns one warning per language (id, en) some texts lack, naming what is shown."""
        summary = []
        for code in ("id", "en"):
            sources = {k: list(rows) for k, rows in self.fallbacks.get(code, {}).items()}
            if code == "en":
                for problem in untranslated:
                    key = (problem.sheet or SURVEY, problem.line or 0)
                    source = self.id_sources.get(key, "id")
                    sources.setdefault(source, []).append(At(*key))
            if not sources:
                continue
            rows = sorted({(r.sheet, int(r)) for found in sources.values() for r in found})
            shown = " or ".join(language_label(k) for k in sources)
            people = "Indonesian" if code == "id" else "English"
            count = f"{len(rows)} row" + ("s have" if len(rows) != 1 else " has")
            summary.append(
                Problem(
                    ProblemCode.MISSING_INDONESIAN_TEXT
                    if code == "id"
                    else ProblemCode.MISSING_ENGLISH_TEXT,
                    f"{count} text with no {LANGUAGE_COLUMNS[code]} version ({_where(rows)}); "
                    f"{people} participants see {shown}",
                )
            )
        return summary

    # -- settings -----------------------------------------------------------------

    def _settings(self, sheet: Sheet | None) -> LineMap:
        """Returns the form-level data: id, version, title and default language."""
        row = sheet.rows[0] if sheet is not None and sheet.rows else None
        at = row.at if row is not None else None
        form = LineMap(line=at)
        cells = row.cells if row is not None else {}
        if sheet is not None:
            self._ignore_columns(sheet, {t for t in sheet.columns.values()} - SETTINGS_USED)
            for extra in sheet.rows[1:]:
                self.warn(
                    ProblemCode.IGNORED_FEATURE,
                    "only the first row of the settings sheet is read",
                    extra.at,
                )
        language = cells.get(("default_language",))
        if language is not None:
            # Any language may be the default; the bot serves it where id or en is missing.
            self.default_key = language_key(language)
            if self.default_key in LANGUAGE_COLUMNS:
                form["default_language"] = self.default_key
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
        self.version_at = at
        # XLSForm makes the version optional; `load` derives one from the content instead.
        form["version"] = version if version is not None else ""
        title_id, title_en = cells.get(("title",)), cells.get((FORM_TITLE_EN,))
        if title_id is None:
            title_id = title_en or form_id
            self.warn(ProblemCode.MISSING_FIELD, f"form_title is missing; using '{title_id}'", at)
            # The title is made up here, so it is not reported again for lacking English.
            title_en = title_en or title_id
        form["title"] = {"id": title_id, "en": title_en}
        return form

    # -- choices ------------------------------------------------------------------

    def _choice_lists(self, sheet: Sheet | None) -> dict[str, list[LineMap]]:
        """Returns each list's valid choices; reports unnamed, invalid and repeated ones."""
        lists: dict[str, list[LineMap]] = {}
        if sheet is None:
            return lists
        used = {("list_name",), ("name",)} | {t for t in sheet.columns.values() if t[0] == "label"}
        # Other one-word columns (state, county, ...) are what choice_filters read.
        columns = {t for t in sheet.columns.values() if len(t) == 1 and t not in used}
        columns -= {("media",), ("image",), ("audio",), ("video",), ("big-image",)}
        self._ignore_columns(sheet, set(sheet.columns.values()) - used - columns)
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
                # Allowed in a list only filtered questions use; the survey decides.
                duplicate = (name, row.at, first_row[(list_name, name)])
                self.duplicate_choices.setdefault(list_name, []).append(duplicate)
            first_row.setdefault((list_name, name), int(row.at))
            choice = LineMap({"value": name}, line=row.at)
            extra = {t[0]: row.cells[t] for t in columns if t in row.cells}
            for tokens, value in row.cells.items():
                header = row.header(tokens)
                if tokens[0] == "label" and " " not in header:
                    extra[header] = value  # label::English, for filters that read a label
            if extra:
                choice["columns"] = extra
            label = self._texts(sheet.name, row, ("label",))
            if label is None:
                # pyxform accepts a choice without a label; its button shows the name.
                label = {"id": name, "en": name}
                if list_name not in self.unlabelled_lists:
                    self.unlabelled_lists.add(list_name)
                    self.warn(
                        ProblemCode.MISSING_FIELD,
                        f"choices of list '{list_name}' without a label show their name",
                        row.at,
                    )
            choice["label"] = label
            lists.setdefault(list_name, []).append(choice)
        return lists

    # -- results ------------------------------------------------------------------

    def _traced(self, problem: Problem) -> Problem:
        """Replaces a YAML-check line number by the sheet and row it came from."""
        at = problem.line
        if not isinstance(at, At):
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
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook_to_json(self.workbook, warnings=[])
        except PyXFormError as exc:
            message = pyxform_message(exc)
            row = PYXFORM_ROW_RE.match(str(exc))
            sheet = _PYXFORM_SHEET_RE.search(message)
            return [
                Problem(
                    ProblemCode.XLSFORM_INVALID,
                    f"pyxform refuses the form: {message}",
                    line=int(row.group(1)) if row else None,
                    sheet=sheet.group(1) if sheet else SURVEY,
                )
            ]
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            # pyxform itself fails on some layouts it should refuse; say so, no traceback.
            return [
                Problem(
                    ProblemCode.XLSFORM_INVALID,
                    f"pyxform cannot read the form ({type(exc).__name__}: {exc}); check it "
                    "with pyxform or ODK's online converter",
                    sheet=SURVEY,
                )
            ]
        return []


def derived_version(questionnaire: Questionnaire) -> str:
    """Returns a version named after the content: the same questions give the same version."""
    content = canonical_json({**questionnaire.to_dict(), "version": ""})
    return f"auto-{hashlib.sha256(content.encode('utf-8')).hexdigest()[:12]}"


def _where(rows: Sequence[tuple[str, int]]) -> str:
    """Names rows by sheet: 'survey rows 2, 3; choices row 5'."""
    by_sheet: dict[str, list[int]] = {}
    for sheet, row in rows:
        by_sheet.setdefault(sheet, []).append(row)
    return "; ".join(f"{sheet} {rows_text(found)}" for sheet, found in by_sheet.items())
