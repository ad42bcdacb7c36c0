"""Engines and session factories for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import asyncio
import os
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, Dialect, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.asyncio.session import _AsyncSessionContextManager
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from storage import sqlite_inline
from storage.driver import AsyncpgCursor, DriverConnection, SqliteCursor
from storage.sqlite_inline import inline_connector

DEFAULT_URL: Final = "sqlite+aiosqlite:///wipbot.db"

# What the answer path's Core statements run on: a session, its connection, which skips
# the ORM's layers, or the driver connection itself (storage/driver.py), which skips the
# engine's too (each cost as much as the statements on that path).
Executor = AsyncSession | AsyncConnection | DriverConnection


def dialect_of(executor: Executor) -> Dialect:
    """The dialect an executor's statements are compiled for."""
    if isinstance(executor, AsyncSession):
        return executor.get_bind().dialect
    return executor.dialect


# How long a SQLite write transaction waits for its turn in this process before leaving the
# waiting to SQLite's lock (as long as its busy deadline, see storage/sqlite_inline.py).
TURN_TIMEOUT_SECONDS = 30.0

# Execution option read by the SQLite "begin" hook: a read-only unit of work starts a
# DEFERRED transaction so that long reads (exports, dashboards) never hold the write lock.
READ_ONLY_OPTION: Final = "wipbot_read_only"


_SQLITE_DRIVERS: Final = frozenset({"sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"})
_POSTGRES_DRIVERS: Final = frozenset(
    {
        "postgres",
        "postgresql",
        "postgresql+psycopg2",
        "postgresql+psycopg",
        "postgresql+asyncpg",
    }
)


class UnsupportedDatabaseURL(ValueError):
    """The URL names a database other than SQLite or PostgreSQL."""


def async_url(url: str | URL) -> URL:
    """Return the URL with its driver replaced by the async one (aiosqlite or asyncpg)."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in _SQLITE_DRIVERS:
        return parsed.set(drivername="sqlite+aiosqlite")
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+asyncpg")
    raise UnsupportedDatabaseURL(
        f"unsupported database URL {parsed.render_as_string(hide_password=True)!r}: "
        "use sqlite:///path.db or postgresql://user@host/db"
    )


def is_sqlite(url: str | URL) -> bool:
    """Tell whether the URL points at SQLite."""
    return async_url(url).get_backend_name() == "sqlite"


def create_engine(url: str = DEFAULT_URL, *, sqlite_foreign_keys: bool = True) -> AsyncEngine:
    """Create an async engine for the URL, configured for many short concurrent writers.

    ``sqlite_foreign_keys=False`` is for migrations only: SQLite cannot change the pragma
    inside a transaction, and Alembic's batch mode recreates tables, which with foreign
    keys enforced would cascade deletes into child tables.
    """
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed, foreign_keys=sqlite_foreign_keys)
    return _create_postgres_engine(parsed)


def create_session_factory(
    engine: AsyncEngine, *, read_only: bool = False
) -> async_sessionmaker[AsyncSession]:
    """Create the session factory use cases open their transactions with.

    ``read_only=True`` gives sessions that never take SQLite's write lock; writing through
    them fails or waits on the lock mid-transaction, so use it only for pure reads.
    """
    bind = engine.execution_options(**{READ_ONLY_OPTION: True}) if read_only else engine
    # expire_on_commit=False: rows are used after the transaction (to render replies)
    # and an expired attribute would need lazy IO, which asyncio forbids.
    if read_only or engine.dialect.name != "sqlite":
        return async_sessionmaker(bind, expire_on_commit=False)
    return _TurnTakingSessionMaker(bind, expire_on_commit=False)


async def _take_turn(lock: asyncio.Lock) -> bool:
    """Waits for this process's turn to write; False if it did not come in time.

    A transaction opened inside another one would wait for its own parent: after the
    timeout it falls back to SQLite's lock, which fails it after the busy deadline."""
    if not lock.locked():  # free: take it without wait_for's task (runs for every answer)
        await lock.acquire()
        return True
    try:
        await asyncio.wait_for(lock.acquire(), TURN_TIMEOUT_SECONDS)
    except TimeoutError:
        return False
    return True


class _WriterTurn(_AsyncSessionContextManager[AsyncSession]):
    """A `begin()` block that first waits for this process's turn to write."""

    __slots__ = ("_has_turn", "_lock")

    def __init__(self, session: AsyncSession, lock: asyncio.Lock) -> None:
        super().__init__(session)
        self._lock = lock
        self._has_turn = False

    async def __aenter__(self) -> AsyncSession:
        self._has_turn = await _take_turn(self._lock)
        try:
            return await super().__aenter__()
        except BaseException:
            self._end_turn()
            raise

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        try:
            await super().__aexit__(type_, value, traceback)
        finally:
            self._end_turn()

    def _end_turn(self) -> None:
        if self._has_turn:
            self._has_turn = False
            self._lock.release()


@asynccontextmanager
async def begin_driver(
    sessions: async_sessionmaker[AsyncSession], *, lock_key: int | None = None
) -> AsyncIterator[DriverConnection]:
    """A write transaction run on the driver connection (`storage.driver`): commits on
    exit, rolls back on an exception, and takes the same writer turn as
    `sessions.begin()`. For the answer path: its Core statements cost a tenth of what
    they cost through the engine. The connection comes from, and goes back to, the
    engine's pool. With `lock_key`, the transaction starts holding
    `lock_for_transaction(lock_key)` (on PostgreSQL in the same round trip as BEGIN)."""
    bind = sessions.kw["bind"]
    lock = _writer_lock(bind) if isinstance(sessions, _TurnTakingSessionMaker) else None
    has_turn = lock is not None and await _take_turn(lock)
    try:
        raw = await bind.raw_connection()
        try:
            driver = raw.driver_connection
            if bind.dialect.name == "sqlite":
                async with _sqlite_transaction(driver):
                    yield DriverConnection(bind.dialect, SqliteCursor(driver))
            else:
                async with _asyncpg_transaction(raw, driver, lock_key):
                    yield DriverConnection(bind.dialect, AsyncpgCursor(driver))
        finally:
            await greenlet_spawn(raw.close)  # back to the pool (or closed, if invalidated)
    finally:
        if has_turn and lock is not None:
            lock.release()


@asynccontextmanager
async def _sqlite_transaction(driver: Any) -> AsyncIterator[None]:
    # As the engine's "begin" hook does: the write lock from the start (see
    # _install_sqlite_hooks), waited for asynchronously while another process holds it.
    connection = driver.sqlite3
    await driver.retrying(lambda: connection.execute("BEGIN IMMEDIATE"))
    try:
        yield
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    await driver.retrying(lambda: connection.execute("COMMIT"))


@asynccontextmanager
async def _asyncpg_transaction(
    raw: PoolProxiedConnection, driver: Any, lock_key: int | None
) -> AsyncIterator[None]:
    begin = "BEGIN"
    if lock_key is not None:
        # One round trip for both; the key is an int, so the literal is safe.
        begin += f"; SELECT pg_advisory_xact_lock({int(lock_key)})"
    try:
        await driver.execute(begin)
    except BaseException:
        await _discard(raw)
        raise
    try:
        yield
    except BaseException:
        try:
            await driver.execute("ROLLBACK")
        except BaseException:
            await _discard(raw)  # one that cannot even roll back is given to no one else
        raise
    try:
        await driver.execute("COMMIT")
    except BaseException:
        await _discard(raw)
        raise


async def _discard(raw: PoolProxiedConnection) -> None:
    await greenlet_spawn(raw.invalidate)


async def lock_for_transaction(executor: Executor, key: int) -> None:
    """Holds PostgreSQL's transaction-level advisory lock `key` until the transaction ends.

    Several bot processes on one database take one participant's updates in turn with it
    (key: the Telegram user id): the second waits for the first's commit, then reads what
    it wrote. A no-op on SQLite, whose single process already orders them (and whose
    write lock serialises every transaction anyway)."""
    if dialect_of(executor).name != "postgresql":
        return
    await executor.execute(_ADVISORY_XACT_LOCK, {"key": key})


_ADVISORY_XACT_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


class _TurnTakingSessionMaker(async_sessionmaker[AsyncSession]):
    """SQLite write transactions of one process take turns in the event loop.

    SQLite has one writer at a time. Left to BEGIN IMMEDIATE, concurrent writers wait in
    SQLite's busy handler, which polls with sleeps growing to 100 ms: under a burst of
    answers most of them slept while the lock was free. Waiting on an asyncio lock instead
    hands the turn over the moment the previous transaction ends. Other processes (the
    admin script) still meet on SQLite's lock and the busy retry.
    """

    def begin(self) -> _AsyncSessionContextManager[AsyncSession]:
        """A new session in a transaction that commits, once it is this one's turn."""
        return _WriterTurn(self(), _writer_lock(self.kw["bind"]))


_WRITER_LOCKS: weakref.WeakKeyDictionary[
    Engine, weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]
] = weakref.WeakKeyDictionary()


def _writer_lock(bind: AsyncEngine) -> asyncio.Lock:
    """The engine's writer lock in the running loop (shared by all its session factories)."""
    per_loop = _WRITER_LOCKS.setdefault(bind.sync_engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    lock = per_loop.get(loop)
    if lock is None:
        lock = per_loop[loop] = asyncio.Lock()
    return lock


# A new SQLite database file is created rw------- (answers, names, phone numbers); SQLite
# gives its -wal and -shm files the database file's mode.
SQLITE_FILE_MODE: Final = 0o600


def _create_private_database_file(url: URL) -> None:
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SQLITE_FILE_MODE))
    except OSError:  # it exists; or no folder or permission, which SQLite reports better
        return


def _create_sqlite_engine(url: URL, *, foreign_keys: bool) -> AsyncEngine:
    _create_private_database_file(url)
    engine = create_async_engine(url)
    _install_sqlite_hooks(engine, foreign_keys=foreign_keys)
    return engine


def _connect_inline(
    dialect: Dialect, _record: ConnectionPoolEntry, cargs: list[Any], cparams: dict[str, Any]
) -> Any:
    # The dialect's own connect with its computed arguments, minus aiosqlite's thread
    # (see storage/sqlite_inline.py).
    database = cargs[0] if cargs else cparams.pop("database")
    uri = bool(cparams.get("uri", False))
    connect = inline_connector(database, uri=uri, busy_deadline=sqlite_inline.BUSY_DEADLINE_SECONDS)
    return dialect.loaded_dbapi.connect(async_creator_fn=connect)


def _install_sqlite_hooks(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    # SQLAlchemy's recipe "Serializable isolation / Savepoints / Transactional DDL":
    # switch off the driver's own BEGIN handling and emit BEGIN ourselves. We use
    # BEGIN IMMEDIATE, which takes the write lock at the start of the transaction. With
    # the driver's deferred BEGIN, two transactions that both read and then write would
    # deadlock on the lock upgrade, and SQLite fails one at once with "database is
    # locked" without consulting busy_timeout. Taking the lock up front makes concurrent
    # writers queue instead: in this process on the writer turn (_TurnTakingSessionMaker),
    # across processes on the busy retry (storage/sqlite_inline.py).
    sync_engine = engine.sync_engine
    event.listen(sync_engine, "do_connect", _connect_inline)

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # WAL lets readers proceed while one writer holds the lock.
            cursor.execute("PRAGMA journal_mode=WAL")
            # No waiting inside SQLite, which would block the event loop: a busy call is
            # retried with asyncio sleeps for the same 30 s (storage/sqlite_inline.py).
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            # NORMAL is durable against application crashes in WAL mode; only a power
            # loss can drop the last commits, which is an acceptable trade for speed.
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = "DEFERRED" if conn.get_execution_options().get(READ_ONLY_OPTION) else "IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN {mode}")


def _create_postgres_engine(url: URL) -> AsyncEngine:
    connect_args: dict[str, Any] = {
        "server_settings": {"application_name": "wipbot"},
        # A statement stuck for a minute is a bug or an outage; fail rather than hang
        # a Telegram update forever.
        "command_timeout": 60,
    }
    engine = create_async_engine(
        url,
        # One bot process serves bursts of a few hundred answers/s with short
        # transactions; 10 + 10 connections cover that without exhausting the server's
        # default max_connections (100) when the admin CLI runs beside it.
        pool_size=10,
        max_overflow=10,
        pool_timeout=30,
        # Mobile-style idle gaps between workshops: recycle, and ping after idling
        # (_ping_after_idle), so that a connection dropped by the server or a proxy is
        # replaced instead of failing an update.
        pool_recycle=1800,
        connect_args=connect_args,
    )
    _ping_after_idle(engine)
    return engine


# A connection back in the pool for longer than this is pinged before it is used again.
IDLE_PING_SECONDS: Final = 5.0


def _ping_after_idle(engine: AsyncEngine) -> None:
    """SQLAlchemy's pool_pre_ping, but only for a connection that sat idle: under load a
    connection is reused within milliseconds, and a ping per checkout (one more round
    trip per answer) cost as much CPU as an answer's statement. A connection dropped by
    the server or a proxy while idle is still found and replaced before use."""
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _on_checkin(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _on_checkout(
        dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _proxy: Any
    ) -> None:
        idle_since = record.info.get("checked_in_at")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError("connection lost while idle") from error
