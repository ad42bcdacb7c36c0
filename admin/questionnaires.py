"""Reading questionnaire files and storing them as versioned definitions."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.questionnaire.loader import LoadResult, load_questionnaire_file
from bot.questionnaire.model import Arena, Principle, Questionnaire
from storage.models import Questionnaire as QuestionnaireRow
from storage.repositories import questionnaires as questionnaire_repo

XLSFORM_SUFFIXES = (".xlsx", ".xls")


def read_questionnaire(path: str | Path, skip_unsupported: bool = False) -> LoadResult:
    """Loads a questionnaire from YAML or an XLSForm workbook, by file extension.

    `skip_unsupported` skips XLSForm rows a chat cannot ask, with a warning each.
    """
    path = Path(path)
    if path.suffix.lower() in XLSFORM_SUFFIXES:
        # Imported here: pyxform and openpyxl cost every other admin command ~0.6 s.
        from bot.questionnaire.xlsform import load_xlsform

        return load_xlsform(path, skip_unsupported=skip_unsupported)
    return load_questionnaire_file(path)


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
