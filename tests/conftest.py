"""Shared database fixtures: every DB test runs on SQLite and, when configured, PostgreSQL.

Set ``WIPBOT_TEST_POSTGRES_URL`` (e.g. ``postgresql://postgres@127.0.0.1:5432/test``) to
a server the tests may create databases on; each test gets a fresh database, dropped
afterwards. Without it the PostgreSQL variants are skipped.

A migrated database is a copy of one migrated once per test process (a SQLite file copied
with the backup API, a PostgreSQL database created from a template): running the
migrations for each of some 700 tests cost minutes. The migrations themselves are tested
on empty databases (tests/storage/test_migrations*.py use `db_url`).
"""

from __future__ import annotations

import asyncio
import os
import queue
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
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
    async with _postgres_database(_postgres_server()) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def migrated_db_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """The URL of a fresh database upgraded to the newest migration."""
    if request.param == "sqlite":
        template = _sqlite_template.get("path")
        if template is None:
            template = str(tmp_path_factory.mktemp("template") / "migrated.db")
            await upgrade(f"sqlite+aiosqlite:///{template}")
            _sqlite_template["path"] = template
        path = tmp_path / "wipbot.db"
        with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        yield f"sqlite+aiosqlite:///{path}"
        return
    pool: _DatabasePool = request.getfixturevalue("_postgres_pool")
    name = await pool.take()
    try:
        yield _database_url(pool.server_url, name)
    finally:
        pool.drop(name)


# This process's migrated SQLite file, copied for each test (see the module docstring).
_sqlite_template: dict[str, str] = {}


class _DatabasePool:
    """Migrated PostgreSQL databases made ahead of the tests that take them.

    One database is migrated once as a template; one thread creates copies of it a few
    tests ahead, another drops the used ones (each CREATE or DROP DATABASE costs the server
    about a second of I/O, which this way overlaps with the tests instead of adding to
    them)."""

    AHEAD = 3

    def __init__(self) -> None:
        self.server_url = ""
        self.template = ""
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-create")
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-drop")

    async def _start(self) -> None:
        self.server_url = _postgres_server()
        self.template = f"wipbot_template_{uuid.uuid4().hex[:16]}"
        await _execute_admin(_admin_dsn(self.server_url), f'CREATE DATABASE "{self.template}"')
        await upgrade(_database_url(self.server_url, self.template))
        for _ in range(self.AHEAD):
            self._thread.submit(self._create)

    def _create(self) -> None:
        name = f"wipbot_test_{uuid.uuid4().hex[:16]}"
        statement = f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'
        try:
            asyncio.run(_execute_admin(_admin_dsn(self.server_url), statement))
        except BaseException as exc:  # handed to the test that waits for it
            self._ready.put(exc)
        else:
            self._ready.put(name)

    async def take(self) -> str:
        """A fresh migrated database's name; another one is started in its place."""
        if not self.template:
            await self._start()
        self._thread.submit(self._create)
        got = await asyncio.to_thread(self._ready.get)
        if isinstance(got, BaseException):
            raise got
        return got

    def drop(self, name: str) -> None:
        """Drops a used database in the pool's thread."""
        self._dropper.submit(asyncio.run, _drop(self.server_url, name))

    def close(self) -> None:
        """Drops what is left: the unused copies and the template."""
        self._thread.shutdown(wait=True)
        self._dropper.shutdown(wait=True)
        if not self.template:
            return
        leftovers = []
        while not self._ready.empty():
            got = self._ready.get()
            if isinstance(got, str):
                leftovers.append(got)
        for name in [*leftovers, self.template]:
            asyncio.run(_drop(self.server_url, name))


@pytest.fixture(scope="session")
def _postgres_pool() -> Iterator[_DatabasePool]:
    """This process's pool of migrated PostgreSQL databases (started by the first test)."""
    pool = _DatabasePool()
    yield pool
    pool.close()


def _database_url(server_url: str, name: str) -> str:
    return (
        make_url(server_url)
        .set(drivername="postgresql+asyncpg", database=name)
        .render_as_string(hide_password=False)
    )


def _postgres_server() -> str:
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    return server_url


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
    """Create a uniquely named empty database on the server; drop it on exit."""
    name = f"wipbot_test_{uuid.uuid4().hex[:16]}"
    await _execute_admin(_admin_dsn(server_url), f'CREATE DATABASE "{name}"')
    try:
        yield _database_url(server_url, name)
    finally:
        await _drop(server_url, name)


async def _drop(server_url: str, name: str) -> None:
    # FORCE: a test that leaked a connection must not leave its database behind.
    await _execute_admin(_admin_dsn(server_url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin_dsn(server_url: str) -> str:
    # Administer through the maintenance database: the URL's own database may not exist.
    return (
        make_url(server_url)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False)
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
