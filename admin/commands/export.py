"""`wipbot-admin export`: answers, responses, scores and completion as XLSX or CSV."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from admin.errors import AdminError
from admin.workshop_lookup import find_workshop
from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.export import build_export, write_csv_folder, write_xlsx
from bot.services.progress import WorkshopProgress, load_progress_for
from bot.settings import Settings
from storage.db import create_engine, create_session_factory


def register(commands: Any) -> None:
    """Adds the `export` command."""
    parser = commands.add_parser(
        "export",
        help="export results (pseudonymous unless --with-names)",
        description=(
            "Sheets: completion, answers (one row per answer), responses (one row per "
            "participant), scores and matrix (IGI-style index), a heatmap picture. People "
            "appear by pseudonym, arena and a coarse category (decision_maker, media, ...); "
            "with --with-names also a roster of names, contacts and categories as typed. "
            "Files are readable by their owner only."
        ),
    )
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--workshop", help="workshop code (e.g. ID-JA-2026-12-03) or id")
    scope.add_argument("--all", action="store_true", help="every workshop in one export")
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        help="the .xlsx file to write (for --format csv: a folder)",
    )
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument(
        "--with-names",
        action="store_true",
        help=(
            "add a roster sheet with names, contacts and categories as typed "
            "(handle the file with care)"
        ),
    )
    parser.set_defaults(handler=_export)


async def _load(settings: Settings, workshop: str | None, now: datetime) -> list[WorkshopProgress]:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            ids = None if workshop is None else [(await find_workshop(session, workshop)).id]
            return await load_progress_for(session, QuestionnaireCache(), ids, now)
    finally:
        await engine.dispose()


def _export(args: argparse.Namespace, settings: Settings) -> int:
    # Synchronous on purpose: reading is async, building and writing files is not.
    now = datetime.now(UTC)
    reports = asyncio.run(_load(settings, None if args.all else args.workshop, now))
    if not reports:
        raise AdminError("There are no workshops to export.")
    export = build_export(reports, generated_at=now, with_names=args.with_names)
    out: Path = args.out
    if args.format == "csv":
        if out.exists() and not out.is_dir():
            raise AdminError(f"{out} is a file; --format csv writes a folder of CSV files.")
        written = write_csv_folder(export, out)
    else:
        if out.is_dir():
            raise AdminError(f"{out} is a folder; give a file name such as results.xlsx.")
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        written = write_xlsx(export, out)
    respondents = sum(len(r.respondents) for r in reports)
    print(
        f"Exported {len(reports)} workshop(s), {respondents} participant(s)"
        f"{' with names' if args.with_names else ' (pseudonymous)'}:"
    )
    for path in written:
        print(f"  {path}")
    return 0
