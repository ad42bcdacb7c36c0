"""`wipbot-admin participants import|list|unlock`: bring in the organisers' list, show codes,
lift code lockouts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from admin.commands.bot_identity import link_username
from admin.errors import AdminError
from admin.workshop_lookup import find_workshop
from bot.invites import deep_link, format_code
from bot.questionnaire.model import Arena
from bot.questionnaire_cache import QuestionnaireCache
from bot.roster.reading import ImportFileError, RowProblem, read_participant_list
from bot.roster.writing import (
    SANITY_LIMIT,
    ImportedParticipant,
    ImportPlan,
    apply_plan,
    plan_import,
)
from bot.services.code_locks import locked_accounts, unlock_accounts
from bot.services.progress import RespondentProgress, Status, load_workshop_progress
from bot.settings import Settings
from storage.db import create_engine, create_session_factory

EXIT_INVALID = 2


def register(commands: Any) -> None:
    """Adds the `participants` sub-commands."""
    parser = commands.add_parser("participants", help="import and list workshop participants")
    actions = parser.add_subparsers(dest="action", required=True)
    load = actions.add_parser(
        "import",
        help="import a participant list (CSV or XLSX) into a workshop",
        description=(
            "Columns are found by name, in Indonesian or English: Nama, Arena, Kategori, "
            "Instansi, Jabatan, No HP, Email, Bahasa. Importing the same list again "
            "updates people instead of duplicating them (matched by phone, e-mail or name "
            "without titles); a row matching two people is refused."
        ),
    )
    load.add_argument("file", help="CSV (comma or semicolon) or XLSX file")
    _workshop_argument(load)
    load.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows even if some rows are invalid",
    )
    load.add_argument("--sheet", help="the workbook's sheet to read (default: first visible)")
    load.add_argument(
        "--yes",
        action="store_true",
        help=f"confirm a list that gives the workshop more than {SANITY_LIMIT} people",
    )
    _bot_username_argument(load)
    load.set_defaults(handler=_import)
    listing = actions.add_parser("list", help="show participants, codes, links and status")
    _workshop_argument(listing)
    _bot_username_argument(listing)
    listing.set_defaults(handler=_list)
    unlock = actions.add_parser(
        "unlock",
        help="lift the lockout of people who typed wrong invitation codes too often",
        description=(
            "The bot shows a locked-out person their Telegram account number; give it "
            "here (several may be given), or --all to lift every lockout. Without either, "
            "lists the accounts locked out now. Staff can do the same in the bot chat "
            "with /buka NUMBER."
        ),
    )
    unlock.add_argument("telegram_ids", nargs="*", type=int, metavar="TELEGRAM_ID")
    unlock.add_argument("--all", action="store_true", help="lift every lockout")
    unlock.set_defaults(handler=_unlock)


def _workshop_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workshop", required=True, help="workshop code (e.g. ID-JA-2026-12-03) or id"
    )


def _bot_username_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bot-username", help="the bot's @username for links (default: WIPBOT_BOT_USERNAME)"
    )


def console() -> Console:
    """A console that does not squeeze tables when the output is piped to a file."""
    screen = Console()
    return screen if screen.is_terminal else Console(width=200)


async def _import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        parsed = read_participant_list(args.file, args.sheet)
    except ImportFileError as exc:
        raise AdminError(f"Cannot import {args.file}: {exc}.") from None
    # Checked before anything is imported: a refused name changes nothing.
    name = await link_username(args, settings)
    for warning in parsed.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            workshop = await find_workshop(session, args.workshop)
            plan = await plan_import(session, workshop, parsed.rows)
        problems = sorted((*parsed.problems, *plan.problems), key=lambda p: p.row)
        if not _may_import(args, plan, problems):
            return EXIT_INVALID
        # Written in short transactions (see bot/roster/writing.py), then reported.
        imported = await apply_plan(create_session_factory(engine), plan, datetime.now(UTC))
        async with create_session_factory(engine, read_only=True)() as session:
            listed = await load_workshop_progress(
                session, QuestionnaireCache(), workshop, datetime.now(UTC)
            )
    finally:
        await engine.dispose()
    _print_imported(imported, name, plan.code)
    created = sum(1 for item in imported if item.created)
    skipped = sorted({problem.row for problem in problems})
    print(
        f"Imported {len(imported)} participant(s) into {plan.code}: {created} new, "
        f"{len(imported) - created} updated, {len(skipped)} row(s) skipped"
        + (f" (rows {', '.join(map(str, skipped))})." if skipped else ".")
    )
    in_file = {item.participant_id for item in imported}
    others = [r for r in listed.respondents if r.participant.id not in in_file]
    if others:
        print(f"{len(others)} participant(s) of {plan.code} are not in this file and were kept.")
    if name is None:
        print(_no_username_hint(), file=sys.stderr)
    return 0


def _may_import(args: argparse.Namespace, plan: ImportPlan, problems: list[RowProblem]) -> bool:
    """Reports the rows that cannot be imported; tells whether to go on with the others."""
    for problem in problems:
        print(f"{problem} (skipped)" if args.skip_invalid else problem, file=sys.stderr)
    if problems and not args.skip_invalid:
        invalid = len({problem.row for problem in problems})
        valid = len(plan.adds) + len(plan.updates)
        print(
            f"{invalid} invalid row(s); nothing was imported. Correct them, or pass "
            f"--skip-invalid to import the other {valid} row(s).",
            file=sys.stderr,
        )
        return False
    if not plan.adds and not plan.updates:
        raise AdminError("No valid rows to import.")
    if plan.total_after > SANITY_LIMIT and not args.yes:
        raise AdminError(
            f"This would give {plan.code} {plan.total_after} participants ({len(plan.adds)} "
            f"new), more than {SANITY_LIMIT}: is {args.file} the list of this one workshop? "
            "Nothing was imported; pass --yes if it is."
        )
    return True


def _print_imported(
    imported: Sequence[ImportedParticipant], username: str | None, code: str
) -> None:
    table = Table(title=f"Participants imported into {code}")
    for column in ("row", "pseudonym", "name", "arena", "code", "link" if username else None):
        if column:
            table.add_column(column, overflow="fold")
    table.add_column("")
    for item in imported:
        cells = [
            str(item.row),
            item.pseudonym,
            item.name,
            arena_label(item.arena),
            format_code(item.invite_code),
        ]
        if username:
            cells.append(deep_link(username, item.invite_code))
        matched = f" ({', '.join(item.matched)})" if item.matched else ""
        cells.append("new" if item.created else f"updated{matched}")
        table.add_row(*cells)
    console().print(table)


async def _list(args: argparse.Namespace, settings: Settings) -> int:
    username = await link_username(args, settings)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            workshop = await find_workshop(session, args.workshop)
            report = await load_workshop_progress(
                session, QuestionnaireCache(), workshop, datetime.now(UTC)
            )
    finally:
        await engine.dispose()
    table = Table(title=f"Participants of {report.code} ({len(report.respondents)})")
    columns = ["pseudonym", "name", "arena", "code", "status", "telegram"]
    if username:
        columns.append("link")
    for column in columns:
        table.add_column(column, overflow="fold")
    for respondent in sorted(report.respondents, key=lambda r: r.participant.pseudonym):
        participant = respondent.participant
        cells = [
            participant.pseudonym,
            participant.name,
            arena_label(participant.arena),
            format_code(participant.invite_code),
            status_text(respondent),
            telegram_text(respondent),
        ]
        if username:
            cells.append(deep_link(username, participant.invite_code))
        table.add_row(*cells)
    console().print(table)
    counts = report.counts
    print(
        f"{counts.submitted} submitted, {counts.in_progress} in progress, "
        f"{counts.not_started} not started, of {counts.total}."
    )
    if username is None:
        print(_no_username_hint(), file=sys.stderr)
    return 0


async def _unlock(args: argparse.Namespace, settings: Settings) -> int:
    if args.all and args.telegram_ids:
        raise AdminError("Give Telegram account numbers or --all, not both.")
    engine = create_engine(settings.database_url)
    try:
        sessions = create_session_factory(engine)
        if not args.all and not args.telegram_ids:
            locked = await locked_accounts(sessions, datetime.now(UTC))
            if not locked:
                print("Nobody is locked out.")
            for lockout in locked:
                until = lockout.until.astimezone(UTC).strftime("%H:%M UTC")
                print(f"{lockout.telegram_user_id} locked out until {until}")
            return 0
        count = await unlock_accounts(sessions, None if args.all else list(args.telegram_ids))
    finally:
        await engine.dispose()
    if args.all:
        print(f"Lifted every lockout ({count} account(s) had wrong codes recorded).")
    else:
        for telegram_id in args.telegram_ids:
            print(f"{telegram_id} may type a code again.")
        if count == 0:
            print("(none of them had wrong codes recorded)")
    return 0


def arena_label(arena: str | None) -> str:
    """The arena's Indonesian name, or '-'."""
    if not arena:
        return "-"
    try:
        return Arena(arena).label.id
    except ValueError:
        return arena


def status_text(respondent: RespondentProgress) -> str:
    """not started / in progress N/M / submitted."""
    if respondent.status is Status.SUBMITTED:
        return "submitted"
    if respondent.status is Status.IN_PROGRESS:
        return f"in progress {respondent.answered}/{respondent.relevant}"
    return "not started"


def telegram_text(respondent: RespondentProgress) -> str:
    """bound / not bound / unreachable."""
    participant = respondent.participant
    if not participant.bound:
        return "not bound"
    return "unreachable" if participant.unreachable_at is not None else "bound"


def _no_username_hint() -> str:
    return (
        "No bot username known, so no links: pass --bot-username NAME or set "
        "WIPBOT_BOT_USERNAME (the name @BotFather gave the bot). A link reads "
        "https://t.me/NAME?start=CODE; people can also send the code to the bot."
    )
