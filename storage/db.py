"""Engines and session factories for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Dialect, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from storage import sqlite_inline
from storage.sqlite_inline import inline_connector

DEFAULT_URL: Final = "sqlite+aiosqlite:///wipbot.db"

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
    return async_sessionmaker(bind, expire_on_commit=False)


def _create_sqlite_engine(url: URL, *, foreign_keys: bool) -> AsyncEngine:
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
    # writers queue on the busy retry instead (storage/sqlite_inline.py).
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
    return create_async_engine(
        url,
        # One bot process serves bursts of a few hundred answers/s with short
        # transactions; 10 + 10 connections cover that without exhausting the server's
        # default max_connections (100) when the admin CLI runs beside it.
        pool_size=10,
        max_overflow=10,
        pool_timeout=30,
        # Mobile-style idle gaps between workshops: recycle and ping so a connection
        # dropped by the server or a proxy is replaced instead of failing an update.
        pool_recycle=1800,
        pool_pre_ping=True,
        connect_args=connect_args,
    )
