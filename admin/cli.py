"""The `wipbot-admin` command: database, questionnaires, workshops, people and exports."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence

from admin.errors import AdminError
from bot.settings import SettingsError, load_settings

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
    try:
        settings = load_settings()
        result = args.handler(args, settings)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except (SettingsError, AdminError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
