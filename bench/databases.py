"""Fresh, migrated databases for a benchmark run: a SQLite file or a new PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.migrate import upgrade


@asynccontextmanager
async def fresh_database(folder: Path, postgres_server: str | None = None) -> AsyncIterator[str]:
    """Yields the URL of an empty, migrated database; a PostgreSQL one is dropped after."""
    if postgres_server is None:
        path = folder / f"bench-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite+aiosqlite:///{path}"
        await upgrade(url)
        try:
            yield url
        finally:
            _remove_sqlite_files(path)
        return
    server = make_url(postgres_server)
    admin_dsn = server.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    name = f"wipbot_bench_{uuid.uuid4().hex[:12]}"
    await _admin(admin_dsn, f'CREATE DATABASE "{name}"')
    url = server.set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False
    )
    try:
        await upgrade(url)
        yield url
    finally:
        await _admin(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
