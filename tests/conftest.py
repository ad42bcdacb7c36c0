"""Shared database fixtures: every DB test runs on SQLite and, when configured, PostgreSQL.

Set ``WIPBOT_TEST_POSTGRES_URL`` (e.g. ``postgresql://postgres@127.0.0.1:5432/test``) to
a server the tests may create databases on; each test gets a fresh database, dropped
afterwards. Without it the PostgreSQL variants are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade

POSTGRES_URL_ENV = "WIPBOT_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a fresh, empty database (SQLite file, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'wipbot.db'}"
        return
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    async with _postgres_database(server_url) as url:
        yield url


@pytest.fixture
async def migrated_db_url(db_url: str) -> str:
    """The URL of a fresh database upgraded to the newest migration."""
    await upgrade(db_url)
    return db_url


@pytest.fixture
async def engine(migrated_db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated database, disposed after the test."""
    engine = create_engine(migrated_db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory use cases get in production, on a migrated database."""
    return create_session_factory(engine)


@asynccontextmanager
async def _postgres_database(server_url: str) -> AsyncIterator[str]:
    """Create a uniquely named database on the server; drop it on exit."""
    parsed = make_url(server_url)
    name = f"wipbot_test_{uuid.uuid4().hex[:16]}"
    # Administer through the maintenance database: the URL's own database may not exist.
    admin_dsn = parsed.set(drivername="postgresql", database="postgres")
    await _execute_admin(
        admin_dsn.render_as_string(hide_password=False), f'CREATE DATABASE "{name}"'
    )
    try:
        yield parsed.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        # FORCE: a test that leaked a connection must not leave its database behind.
        await _execute_admin(
            admin_dsn.render_as_string(hide_password=False),
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        )


async def _execute_admin(dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        # asyncpg runs a lone statement outside any transaction, as CREATE/DROP DATABASE
        # require.
        await connection.execute(statement)
    finally:
        await connection.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With `-n 2` (make test), the load-heavy tests share one worker, one after another:
    the reliability tests and the rehearsal each drive a bot under load and would starve
    each other of the machine's cores; everything else spreads over the workers."""
    for item in items:
        path = str(item.path)
        if "/tests/reliability/" in path or "/tests/rehearsal/" in path:
            item.add_marker(pytest.mark.xdist_group("load"))
