"""Reading questionnaire files and storing them as versioned definitions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.questionnaire.errors import Problem, ProblemCode
from bot.questionnaire.loader import LoadResult, load_questionnaire_file
from bot.questionnaire.model import Arena, Principle, Questionnaire
from bot.questionnaire_limits import check_limits
from storage.models import Questionnaire as QuestionnaireRow
from storage.repositories import questionnaires as questionnaire_repo

XLSFORM_SUFFIXES = (".xlsx", ".xls")


def read_questionnaire(path: str | Path, skip_unsupported: bool = False) -> LoadResult:
    """Loads a questionnaire from YAML or an XLSForm workbook, by file extension.

    A form that loads but that the bot could not send (see bot/questionnaire_limits.py)
    comes back with an error per question, on its row or line. `skip_unsupported` skips
    XLSForm rows a chat cannot ask, with a warning each.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in XLSFORM_SUFFIXES:
            # Imported here: pyxform and openpyxl cost every other admin command ~0.6 s.
            from bot.questionnaire.xlsform import load_xlsform

            loaded = load_xlsform(path, skip_unsupported=skip_unsupported)
            return with_limits(loaded, lambda ids: _survey_rows(path, ids))
        result = load_questionnaire_file(path)
    except RecursionError:
        # Thousands of nested brackets, in the YAML or in an expression: the parsers
        # recurse once per level.
        problem = Problem(
            ProblemCode.YAML_SYNTAX,
            f"{path} nests lists, mappings or brackets too deeply to read; no questionnaire "
            "needs more than a few levels",
        )
        return LoadResult(None, (problem,))
    return with_limits(result, lambda ids: _yaml_lines(_read_text(path), ids))


def with_limits(
    result: LoadResult,
    locate: Callable[[set[str]], dict[str, tuple[str | None, int]]] | None = None,
) -> LoadResult:
    """The result with an error for every question Telegram would refuse to show.

    ``locate`` maps question ids to (sheet, row) or (None, line) in the source file.
    """
    if not result.ok:
        return result
    limits = check_limits(result.unwrap())
    if not limits:
        return result
    where = locate({problem.question_id for problem in limits}) if locate else {}
    errors = tuple(
        Problem(
            ProblemCode.INVALID_VALUE,
            problem.message,
            line=where.get(problem.question_id, (None, None))[1],
            question_id=problem.question_id,
            sheet=where.get(problem.question_id, (None, None))[0],
        )
        for problem in limits
    )
    return replace(result, errors=result.errors + errors)


def yaml_locator(text: str) -> Callable[[set[str]], dict[str, tuple[str | None, int]]]:
    """Finds questions in YAML text by their `id:` line."""
    return lambda ids: _yaml_lines(text, ids)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _yaml_lines(text: str, ids: set[str]) -> dict[str, tuple[str | None, int]]:
    found: dict[str, tuple[str | None, int]] = {}
    pattern = re.compile(r"""\bid:\s*['"]?([A-Za-z0-9_.-]+)['"]?""")
    for number, line in enumerate(text.splitlines(), start=1):
        for match in pattern.finditer(line):
            if match.group(1) in ids and match.group(1) not in found:
                found[match.group(1)] = (None, number)
    return found


def _survey_rows(path: Path, ids: set[str]) -> dict[str, tuple[str | None, int]]:
    """Finds questions on the survey sheet of an XLSForm by their `name` cell."""
    import openpyxl

    found: dict[str, tuple[str | None, int]] = {}
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return found
    try:
        sheet = next((ws for ws in book.worksheets if ws.title.strip().lower() == "survey"), None)
        if sheet is None:
            return found
        name_column: int | None = None
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [str(cell).strip() if cell is not None else "" for cell in row]
            if name_column is None:
                if "name" in (cell.lower() for cell in cells):
                    name_column = [cell.lower() for cell in cells].index("name")
                continue
            if name_column < len(cells) and cells[name_column] in ids:
                found.setdefault(cells[name_column], ("survey", number))
    finally:
        book.close()
    return found


async def store_questionnaire(
    session: AsyncSession, questionnaire: Questionnaire, now: datetime
) -> QuestionnaireRow:
    """Saves the definition under its id and version (idempotent for the same content)."""
    return await questionnaire_repo.save_definition(
        session,
        key=questionnaire.id,
        version=questionnaire.version,
        title=questionnaire.title.id,
        definition=questionnaire.to_dict(),
        content_hash=questionnaire.content_hash(),
        now=now,
    )


def coverage_table(questionnaire: Questionnaire) -> str:
    """Renders scored questions counted by arena (rows) and principle (columns)."""
    counts = Counter((q.arena, q.principle) for q in questionnaire.questions if q.is_scored)
    header = f"{'':18}" + "".join(f"{p.value[:8]:>9}" for p in Principle) + f"{'total':>8}"
    lines = [header]
    for arena in Arena:
        row = [counts[(arena, principle)] for principle in Principle]
        lines.append(f"{arena.value:18}" + "".join(f"{n:>9}" for n in row) + f"{sum(row):>8}")
    return "\n".join(lines)
