"""`wipbot-admin progress [--workshop W]`: who has answered, in the terminal."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from rich.table import Table

from admin.commands.participants import arena_label, console, status_text, telegram_text
from admin.workshop_lookup import find_workshop
from bot.formatting import local_time
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.progress import WorkshopProgress, load_progress_for, load_workshop_progress
from bot.settings import Settings
from storage.db import create_engine, create_session_factory


def register(commands: Any) -> None:
    """Adds the `progress` command."""
    parser = commands.add_parser(
        "progress", help="completion per workshop, or per participant of one workshop"
    )
    parser.add_argument("--workshop", help="workshop code (e.g. ID-JA-2026-12-03) or id")
    parser.set_defaults(handler=_progress)


async def _progress(args: argparse.Namespace, settings: Settings) -> int:
    now = datetime.now(UTC)
    cache = QuestionnaireCache()
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            if args.workshop:
                workshop = await find_workshop(session, args.workshop)
                reports = [await load_workshop_progress(session, cache, workshop, now)]
            else:
                reports = await load_progress_for(session, cache, None, now)
    finally:
        await engine.dispose()
    if args.workshop:
        print_workshop(reports[0])
    else:
        print_overview(reports)
    return 0


def print_overview(reports: list[WorkshopProgress]) -> None:
    """One line per workshop."""
    if not reports:
        print("No workshops yet.")
        return
    table = Table(title="Progress of every workshop")
    for column in (
        "workshop",
        "province",
        "phase",
        "closing",
        "submitted",
        "in progress",
        "not started",
        "total",
    ):
        table.add_column(column, justify="right" if column[0] in "sint" else "left")
    for report in reports:
        counts = report.counts
        table.add_row(
            report.code,
            report.province_name,
            report.phase.value,
            _local_time(report),
            str(counts.submitted),
            str(counts.in_progress),
            str(counts.not_started),
            str(counts.total),
        )
    console().print(table)


def print_workshop(report: WorkshopProgress) -> None:
    """Counts, counts by arena and every participant's status."""
    counts = report.counts
    print(
        f"{report.code} · {report.province_name} · {report.date.isoformat()} · "
        f"{report.phase.value} · closing {_local_time(report)}"
    )
    print(
        f"{counts.submitted} submitted, {counts.in_progress} in progress, "
        f"{counts.not_started} not started, of {counts.total}."
    )
    arenas = Table(title="By arena")
    for column in ("arena", "submitted", "in progress", "not started", "total"):
        arenas.add_column(column, justify="left" if column == "arena" else "right")
    for arena, item in report.counts_by_arena().items():
        arenas.add_row(
            arena_label(arena),
            str(item.submitted),
            str(item.in_progress),
            str(item.not_started),
            str(item.total),
        )
    people = Table(title="Participants")
    for column in ("pseudonym", "name", "arena", "status", "telegram"):
        people.add_column(column, overflow="fold")
    for respondent in sorted(report.respondents, key=lambda r: r.participant.name.casefold()):
        people.add_row(
            respondent.participant.pseudonym,
            respondent.participant.name,
            arena_label(respondent.participant.arena),
            status_text(respondent),
            telegram_text(respondent),
        )
    screen = console()
    screen.print(arenas)
    screen.print(people)


def _local_time(report: WorkshopProgress) -> str:
    if report.closing_starts_at is None:
        return "-"
    return local_time(report.closing_starts_at, report.zone, "en")
