"""Run and inspect the Alembic migrations from package code, with no alembic.ini."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.db import READ_ONLY_OPTION, async_url, create_engine, is_sqlite

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"
UPGRADE_COMMAND: Final = "wipbot-admin db upgrade"


class SchemaOutOfDate(RuntimeError):
    """The database schema is not at the revision this code expects."""


class ForeignKeyViolation(RuntimeError):
    """A migration left rows whose foreign keys point nowhere (SQLite only checks late)."""


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    current: str | None  # None: never migrated
    head: str
    up_to_date: bool


def alembic_config(url: str | None = None) -> Config:
    """Build the Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = async_url(url).render_as_string(hide_password=False)
        # ConfigParser interpolation treats '%' as special (URL-encoded passwords).
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def head_revision() -> str:
    """Return the newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database to the revision (default: the newest), in one transaction."""
    await _run_command(url, lambda config: command.upgrade(config, revision))


async def downgrade(url: str, revision: str) -> None:
    """Downgrade the database to the revision ('base' removes every table)."""
    await _run_command(url, lambda config: command.downgrade(config, revision))


async def schema_status(url: str) -> SchemaStatus:
    """Compare the database's revision with the code's head revision."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(**{READ_ONLY_OPTION: True})
            current = await connection.run_sync(_current_revision)
    finally:
        await engine.dispose()
    head = head_revision()
    return SchemaStatus(current=current, head=head, up_to_date=current == head)


async def ensure_up_to_date(url: str) -> None:
    """Raise SchemaOutOfDate, naming the command that fixes it, unless the schema is current."""
    status = await schema_status(url)
    if status.up_to_date:
        return
    if status.current is None:
        raise SchemaOutOfDate(
            f"the database has no schema yet (expected revision {status.head}); "
            f"run `{UPGRADE_COMMAND}`"
        )
    if not _is_known_revision(status.current):
        raise SchemaOutOfDate(
            f"the database is at revision {status.current}, which this version of wipbot "
            f"does not know (its newest is {status.head}): it was migrated by a newer "
            "wipbot; install that version"
        )
    raise SchemaOutOfDate(
        f"the database schema is at revision {status.current} but this code expects "
        f"{status.head}; run `{UPGRADE_COMMAND}`"
    )


def _is_known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def _run_command(url: str, run: Callable[[Config], None]) -> None:
    config = alembic_config(url)
    # Foreign keys off for the migration (see storage.db.create_engine), checked at the
    # end instead so a migration cannot leave dangling references behind.
    engine = create_engine(url, sqlite_foreign_keys=False)
    try:
        async with engine.begin() as connection:

            def run_on(sync_connection: Connection) -> None:
                config.attributes["connection"] = sync_connection
                run(config)
                if is_sqlite(url):
                    _check_sqlite_foreign_keys(sync_connection)

            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    violations = connection.execute(text("PRAGMA foreign_key_check")).all()
    if violations:
        raise ForeignKeyViolation(f"migration left foreign key violations: {violations[:10]}")
