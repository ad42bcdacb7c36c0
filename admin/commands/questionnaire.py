"""`wipbot-admin questionnaire validate|load|list`: check and publish questionnaires."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from admin.errors import AdminError
from admin.questionnaires import coverage_table, read_questionnaire, store_questionnaire
from bot.questionnaire.default import default_questionnaire_yaml
from bot.questionnaire.loader import LoadResult, load_questionnaire_yaml
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.errors import QuestionnaireLocked
from storage.repositories import questionnaires as questionnaire_repo

EXIT_INVALID = 2


def register(commands: Any) -> None:
    """Adds the `questionnaire` sub-commands."""
    parser = commands.add_parser("questionnaire", help="validate, load and list questionnaires")
    actions = parser.add_subparsers(dest="action", required=True)
    for name, handler, text in (
        ("validate", _validate, "check a questionnaire file (YAML or XLSForm)"),
        ("load", _load, "check a questionnaire file and store it in the database"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("file", nargs="?", help="YAML or XLSForm file")
        action.add_argument(
            "--default", action="store_true", help="use the questionnaire shipped with wipbot"
        )
        action.set_defaults(handler=handler)
    actions.add_parser("list", help="list stored questionnaires").set_defaults(handler=_list)


def _read(args: argparse.Namespace) -> LoadResult:
    if args.default == bool(args.file):
        raise AdminError("Give either a FILE or --default.")
    if args.default:
        result = load_questionnaire_yaml(default_questionnaire_yaml())
    else:
        result = read_questionnaire(args.file)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not result.ok:
        for problem in result.errors:
            print(problem, file=sys.stderr)
        print(f"{len(result.errors)} problem(s) found; nothing was loaded.", file=sys.stderr)
    return result


def _summary(result: LoadResult) -> str:
    questionnaire = result.unwrap()
    return (
        f"{questionnaire.id} version {questionnaire.version}: "
        f"{len(questionnaire.sections)} sections, {len(questionnaire.questions)} questions\n"
        f"{coverage_table(questionnaire)}"
    )


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    result = _read(args)
    if not result.ok:
        return EXIT_INVALID
    print(f"OK  {_summary(result)}")
    return 0


async def _load(args: argparse.Namespace, settings: Settings) -> int:
    result = _read(args)
    if not result.ok:
        return EXIT_INVALID
    questionnaire = result.unwrap()
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            row = await store_questionnaire(session, questionnaire, datetime.now(UTC))
    except QuestionnaireLocked as exc:
        raise AdminError(f"Not loaded: {exc}.") from None
    finally:
        await engine.dispose()
    print(f"Loaded as id {row.id}: {_summary(result)}")
    return 0


async def _list(args: argparse.Namespace, settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await questionnaire_repo.list_all(session)
    finally:
        await engine.dispose()
    for row in rows:
        print(f"{row.id:>4}  {row.key}  {row.version}  {row.content_hash[:12]}  {row.title}")
    return 0
