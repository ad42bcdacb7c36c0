"""`wipbot-admin workshop create|agenda|show|list|close|reopen|follow-agenda|move`.

Agenda files (YAML or CSV, see bot/data/sample_agenda.yaml) give local times, HH:MM, on
the workshop's date in the workshop's zone. A file with any problem changes nothing; every
problem is listed with its line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from admin.errors import AdminError
from admin.workshop_lookup import find_workshop
from bot.agenda import ParsedAgenda, parse_local_time, read_agenda_file, sample_agenda
from bot.clock import SystemClock
from bot.formatting import clock_time, zone_abbreviation
from bot.notices import format_day
from bot.questionnaire.default import load_default_questionnaire
from bot.services.questionnaires import store_questionnaire
from bot.services.workshops import (
    WorkshopProblem,
    agenda_entries,
    create_workshop,
    move_session,
    replace_agenda,
    set_state,
)
from bot.settings import Settings
from bot.workshop_state import workshop_phase
from storage.db import create_engine, create_session_factory
from storage.models import Questionnaire, Workshop, WorkshopState
from storage.repositories import participants as participant_repo
from storage.repositories import questionnaires as questionnaire_repo
from storage.repositories import workshops as workshop_repo

EXIT_INVALID = 2


def register(commands: Any) -> None:
    """Adds the `workshop` sub-commands."""
    parser = commands.add_parser("workshop", help="create workshops, load and change agendas")
    actions = parser.add_subparsers(dest="action", required=True)

    create = actions.add_parser("create", help="create a workshop with its agenda")
    create.add_argument("--province", required=True, help="ISO 3166-2 code, e.g. ID-JA")
    create.add_argument("--date", required=True, type=_date, help="the day, YYYY-MM-DD")
    agenda_source = create.add_mutually_exclusive_group(required=True)
    agenda_source.add_argument("--agenda", type=Path, help="agenda file (.yaml or .csv)")
    agenda_source.add_argument(
        "--sample-agenda", action="store_true", help="use the typical day shipped with wipbot"
    )
    create.add_argument("--venue", help="where it takes place")
    create.add_argument("--timezone", help="IANA zone if not the province's (e.g. Asia/Makassar)")
    create.add_argument(
        "--questionnaire",
        help="stored questionnaire id or key (default: the questionnaire shipped with wipbot)",
    )
    create.add_argument("--code", help="workshop code (default: PROVINCE-DATE)")
    create.set_defaults(handler=_create)

    agenda = actions.add_parser("agenda", help="replace a workshop's agenda from a file")
    agenda.add_argument("workshop", help="workshop code or id")
    agenda.add_argument("file", type=Path, help="agenda file (.yaml or .csv)")
    agenda.set_defaults(handler=_agenda)

    show = actions.add_parser("show", help="show a workshop's agenda, sessions numbered")
    show.add_argument("workshop", help="workshop code or id")
    show.set_defaults(handler=_show)

    actions.add_parser("list", help="list workshops and their state").set_defaults(handler=_list)

    for name, text in (
        ("close", "stop accepting answers now, whatever the agenda says"),
        ("reopen", "accept answers again, whatever the agenda says"),
        ("follow-agenda", "let the agenda decide again when answers are accepted"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("workshop", help="workshop code or id")
        action.set_defaults(handler=_set_state, state=name)

    move = actions.add_parser(
        "move",
        help="move a session (and the later ones); participants are told by the running bot",
    )
    move.add_argument("workshop", help="workshop code or id")
    move.add_argument("--session", required=True, type=int, help="its number in `workshop show`")
    move.add_argument("--to", required=True, help="new local start time, HH:MM")
    move.add_argument(
        "--only",
        action="store_true",
        help="move this session alone (default: later sessions shift by the same amount)",
    )
    move.set_defaults(handler=_move)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-03") from None


def _read_agenda(path: Path | None) -> ParsedAgenda:
    """Reads and reports an agenda file; AdminError if it has problems."""
    try:
        parsed = sample_agenda() if path is None else read_agenda_file(path)
    except RecursionError:
        raise AdminError(
            f"{path} nests lists or mappings too deeply to read; nothing was changed."
        ) from None
    source = _source(path)
    for warning in parsed.warnings:
        print(f"warning: {_located(source, warning.line, warning.message)}", file=sys.stderr)
    if not parsed.ok:
        for problem in parsed.problems:
            print(_located(source, problem.line, problem.message), file=sys.stderr)
        raise AdminError(f"{len(parsed.problems)} problem(s) in the agenda; nothing was changed.")
    return parsed


def _source(path: Path | None) -> str:
    return str(path) if path is not None else "sample agenda"


def _check_local_times(parsed: ParsedAgenda, source: str, workshop: Workshop) -> None:
    """AdminError for an agenda time the workshop's day skips or repeats (daylight saving)."""
    for slot in parsed.slots:
        for moment in (slot.start, slot.end):
            problem = local_time_problem(workshop.date, moment, workshop.zone)
            if problem is not None:
                raise AdminError(f"{_located(source, slot.line, problem)} Nothing was changed.")


def local_time_problem(day: dt.date, moment: dt.time, zone: str) -> str | None:
    """Why the local time cannot name one instant on the day in the zone, or None."""
    tz = ZoneInfo(zone)
    local = dt.datetime.combine(day, moment, tz)
    again = local.astimezone(dt.UTC).astimezone(tz)
    when = f"{moment:%H:%M} on {format_day(day, 'en')} in {zone}"
    if again.replace(tzinfo=None) != local.replace(tzinfo=None):
        return f"{when} does not exist (the clocks jump forward then); choose another time."
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return f"{when} happens twice (the clocks go back then); choose another time."
    return None


def _located(source: str, line: int | None, message: str) -> str:
    return f"{source}, line {line}: {message}" if line is not None else f"{source}: {message}"


async def _questionnaire(session: AsyncSession, reference: str | None) -> Questionnaire:
    now = SystemClock().now()
    if reference is None:
        return await store_questionnaire(session, load_default_questionnaire(), now)
    if reference.isdigit():
        row = await questionnaire_repo.get_questionnaire(session, int(reference))
    else:
        versions = await questionnaire_repo.list_versions(session, reference)
        row = versions[-1] if versions else None
    if row is None:
        raise AdminError(
            f"No stored questionnaire {reference!r}; see `wipbot-admin questionnaire list`."
        )
    return row


async def _create(args: argparse.Namespace, settings: Settings) -> int:
    parsed = _read_agenda(args.agenda)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            questionnaire = await _questionnaire(session, args.questionnaire)
            try:
                workshop = await create_workshop(
                    session,
                    province_code=args.province,
                    date=args.date,
                    slots=parsed.slots,
                    questionnaire_id=questionnaire.id,
                    now=SystemClock().now(),
                    venue=args.venue,
                    timezone=args.timezone,
                    code=args.code,
                )
            except WorkshopProblem as problem:
                raise AdminError(str(problem)) from None
            _check_local_times(parsed, _source(args.agenda), workshop)  # rolls back if not
            report = [
                f"Created {workshop.code}: {workshop.province.name_en}, "
                f"{format_day(workshop.date, 'en')}, {_zone(workshop)}; questionnaire "
                f"{questionnaire.key} {questionnaire.version} (id {questionnaire.id}).",
                await _agenda_table(session, workshop),
            ]
    finally:
        await engine.dispose()
    _print_committed(report)
    return 0


async def _agenda(args: argparse.Namespace, settings: Settings) -> int:
    parsed = _read_agenda(args.file)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            workshop = await find_workshop(session, args.workshop)
            _check_local_times(parsed, str(args.file), workshop)
            await replace_agenda(session, workshop, parsed.slots)
            report = [
                f"Agenda of {workshop.code} replaced ({len(parsed.slots)} sessions):",
                await _agenda_table(session, workshop),
            ]
    finally:
        await engine.dispose()
    _print_committed(report)
    return 0


async def _show(args: argparse.Namespace, settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            workshop = await find_workshop(session, args.workshop)
            venue = f", {workshop.venue}" if workshop.venue else ""
            print(
                f"{workshop.code}: {workshop.province.name_en}{venue}, "
                f"{format_day(workshop.date, 'en')}, {_zone(workshop)}"
            )
            print(await _agenda_table(session, workshop))
    finally:
        await engine.dispose()
    return 0


async def _list(args: argparse.Namespace, settings: Settings) -> int:
    now = SystemClock().now()
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            workshops = await workshop_repo.list_workshops(session)
            if not workshops:
                print("No workshops yet: create one with `wipbot-admin workshop create`.")
            for workshop in workshops:
                agenda = await workshop_repo.list_agenda(session, workshop.id)
                people = await participant_repo.list_for_workshop(session, workshop.id)
                phase = workshop_phase(workshop.manual_state, agenda, now).value
                decided = " (set by organisers)" if workshop.manual_state else ""
                print(
                    f"{workshop.id:>4}  {workshop.code:<20} {workshop.province.name_en:<28} "
                    f"{_zone(workshop):<20} {len(agenda):>2} sessions  {len(people):>3} people  "
                    f"{phase}{decided}"
                )
    finally:
        await engine.dispose()
    return 0


async def _set_state(args: argparse.Namespace, settings: Settings) -> int:
    state = {
        "close": WorkshopState.CLOSED,
        "reopen": WorkshopState.OPEN,
        "follow-agenda": None,
    }[args.state]
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            workshop = await find_workshop(session, args.workshop)
            await set_state(session, workshop, state)
            code = workshop.code
    finally:
        await engine.dispose()
    messages = {
        "close": f"{code} is closed: answers are no longer accepted.",
        "reopen": f"{code} is open: answers are accepted, whatever the agenda says.",
        "follow-agenda": f"{code} follows its agenda again.",
    }
    print(messages[args.state])
    return 0


async def _move(args: argparse.Namespace, settings: Settings) -> int:
    new_time = parse_local_time(args.to)
    if new_time is None:
        raise AdminError(f"--to {args.to!r} is not a time of day; write it as HH:MM, e.g. 13:30.")
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            workshop = await find_workshop(session, args.workshop)
            agenda = agenda_entries(await workshop_repo.list_agenda(session, workshop.id))
            if not 1 <= args.session <= len(agenda):
                raise AdminError(
                    f"{workshop.code} has sessions 1 to {len(agenda)}; "
                    f"see `wipbot-admin workshop show {workshop.code}`."
                )
            target = agenda[args.session - 1]
            local_day = target.starts_at.astimezone(_tz(workshop)).date()
            problem = local_time_problem(local_day, new_time, workshop.zone)
            if problem is not None:
                raise AdminError(f"--to {args.to}: {problem} Nothing was changed.")
            new_start = dt.datetime.combine(local_day, new_time, _tz(workshop))
            try:
                result = await move_session(
                    session,
                    workshop=workshop,
                    session_id=target.id,
                    new_start=new_start,
                    moved_by=0,
                    now=SystemClock().now(),
                    shift_later=not args.only,
                )
            except WorkshopProblem as problem:
                raise AdminError(f"{problem} Nothing was changed.") from None
            later = f" and {result.later_moved} later session(s)" if result.later_moved else ""
            report = [
                f"Moved '{target.title_en}'{later} to start at "
                f"{clock_time(new_start, workshop.zone, 'en')} {_abbreviation(workshop)}. "
                f"{result.notified} participant(s) will be told by the running bot.",
                await _agenda_table(session, workshop),
            ]
    finally:
        await engine.dispose()
    _print_committed(report)
    return 0


def _print_committed(report: list[str]) -> None:
    """Prints what a committed change did: only after the commit, so that a reader who
    stops reading (`| head -1`) can no longer undo it."""
    for line in report:
        print(line)


async def _agenda_table(session: AsyncSession, workshop: Workshop) -> str:
    entries = agenda_entries(await workshop_repo.list_agenda(session, workshop.id))
    zone = workshop.zone
    lines = []
    for number, entry in enumerate(entries, start=1):
        start = clock_time(entry.starts_at, zone, "en")
        end = clock_time(entry.ends_at, zone, "en")
        lines.append(
            f"  {number:>2}. {start}-{end}  {entry.kind:<8} {entry.title_id} / {entry.title_en}"
        )
    return "\n".join(lines) if lines else "  (no agenda)"


def _tz(workshop: Workshop) -> dt.tzinfo:
    return ZoneInfo(workshop.zone)


def _abbreviation(workshop: Workshop) -> str:
    noon = dt.datetime.combine(workshop.date, dt.time(12), _tz(workshop))
    return zone_abbreviation(workshop.zone, noon)


def _zone(workshop: Workshop) -> str:
    return f"{workshop.zone} ({_abbreviation(workshop)})"
