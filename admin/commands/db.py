"""`wipbot-admin db upgrade|status`: create or upgrade the database schema."""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import Settings


def register(commands: Any) -> None:
    """Adds the `db` sub-commands."""
    db = commands.add_parser("db", help="create, upgrade or inspect the database schema")
    actions = db.add_subparsers(dest="action", required=True)
    actions.add_parser("upgrade", help="create the schema or bring it up to date").set_defaults(
        handler=_upgrade
    )
    actions.add_parser("status", help="show the schema revision").set_defaults(handler=_status)


async def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import schema_status, upgrade  # alembic: only when used

    await upgrade(settings.database_url)
    status = await schema_status(settings.database_url)
    print(f"Database schema is up to date (revision {status.current}).")
    return 0


async def _status(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import schema_status

    status = await schema_status(settings.database_url)
    state = "up to date" if status.up_to_date else "OUT OF DATE: run `wipbot-admin db upgrade`"
    print(f"current: {status.current or 'none'}  head: {status.head}  ({state})")
    return 0 if status.up_to_date else 1
