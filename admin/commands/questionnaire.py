"""`wipbot-admin questionnaire validate|load|list|export-xlsform`: check, publish, export."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from admin.errors import AdminError
from bot.questionnaire.default import default_questionnaire_yaml, load_default_questionnaire
from bot.questionnaire.loader import LoadResult, load_questionnaire_yaml
from bot.questionnaire.model import Questionnaire
from bot.services.questionnaires import (
    coverage_table,
    read_questionnaire,
    store_questionnaire,
    with_limits,
    yaml_locator,
)
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
        action.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="skip XLSForm rows a chat cannot ask (photos, locations, repeats); warn for each",
        )
        action.set_defaults(handler=handler)
    actions.add_parser("list", help="list stored questionnaires").set_defaults(handler=_list)
    export = actions.add_parser(
        "export-xlsform", help="write a stored questionnaire (or the default) as an XLSForm"
    )
    export.add_argument("id", metavar="ID", help="id from `questionnaire list`, or 'default'")
    export.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")
    export.set_defaults(handler=_export_xlsform)


def _read(args: argparse.Namespace) -> LoadResult:
    if args.default == bool(args.file):
        raise AdminError("Give either a FILE or --default.")
    if args.default:
        text = default_questionnaire_yaml()
        result = with_limits(load_questionnaire_yaml(text), yaml_locator(text))
    else:
        result = read_questionnaire(args.file, skip_unsupported=args.skip_unsupported)
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


async def _export_xlsform(args: argparse.Namespace, settings: Settings) -> int:
    from bot.questionnaire.xlsform import export_xlsform  # pyxform: only when used

    questionnaire = await _stored_or_default(args.id, settings)
    try:
        args.out.write_bytes(export_xlsform(questionnaire))
    except OSError as exc:
        raise AdminError(f"Cannot write {args.out}: {exc.strerror}.") from None
    print(
        f"Wrote {args.out}: {questionnaire.id} version {questionnaire.version}, "
        f"{len(questionnaire.sections)} sections, {len(questionnaire.questions)} questions"
    )
    return 0


async def _stored_or_default(key: str, settings: Settings) -> Questionnaire:
    """Returns the shipped questionnaire for 'default', else the stored one with that id."""
    if key == "default":
        return load_default_questionnaire()
    if not key.isdigit():
        raise AdminError(
            f"ID must be a number from `questionnaire list` or 'default', not {key!r}."
        )
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            row = await questionnaire_repo.get_questionnaire(session, int(key))
    finally:
        await engine.dispose()
    if row is None:
        raise AdminError(f"No stored questionnaire has id {key}; see `questionnaire list`.")
    try:
        return Questionnaire.from_dict(row.definition)
    except (KeyError, ValueError) as exc:
        raise AdminError(f"Questionnaire {key} cannot be read: {exc}.") from None
