"""The `wipbot-admin` command: database, questionnaires, workshops, people and exports."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from admin.errors import AdminError
from admin.failures import ForgivingStdout, database_failure, silence_stdout
from admin.private_files import private_files
from bot.settings import Settings, SettingsError, load_settings

# Each module in admin/commands registers its own sub-commands; the order is the help order.
COMMAND_MODULES = (
    "admin.commands.db",
    "admin.commands.questionnaire",
    "admin.commands.workshop",
    "admin.commands.staff",
    "admin.commands.participants",
    "admin.commands.invites",
    "admin.commands.progress",
    "admin.commands.export",
    "admin.commands.report",
    "admin.commands.broadcast",
)


def build_parser() -> argparse.ArgumentParser:
    """Builds the argument parser from every command module."""
    parser = argparse.ArgumentParser(prog="wipbot-admin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one admin command and returns its exit status."""
    args = build_parser().parse_args(argv)
    stdout = sys.stdout
    # A reader that stops reading never stops a command half-way; and commands print only
    # after they commit, so nothing they print is ever the last word on a change.
    sys.stdout = ForgivingStdout(stdout)
    try:
        return _run(args)
    finally:
        sys.stdout = stdout


def _run(args: argparse.Namespace) -> int:
    settings: Settings | None = None
    try:
        settings = load_settings()
        with private_files():
            result = args.handler(args, settings)
            if asyncio.iscoroutine(result):
                result = asyncio.run(result)
        status = int(result or 0)
        sys.stdout.flush()
        return status
    except (SettingsError, AdminError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Not from stdout (ForgivingStdout takes those): a pipe the command itself wrote
        # to. Its changes were committed before it printed; nothing to report.
        silence_stdout()
        return 0
    except DBAPIError as exc:
        line = database_failure(exc, settings.database_url) if settings else None
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
