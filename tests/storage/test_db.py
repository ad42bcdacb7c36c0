from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import db as storage_db
from storage import sqlite_inline
from storage.db import UnsupportedDatabaseURL, async_url, create_engine, create_session_factory
from storage.models import CodeAttempt


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+aiosqlite:///wipbot.db", "sqlite+aiosqlite:///wipbot.db"),
        ("sqlite+pysqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
        ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_async_url_switches_to_async_drivers(given: str, expected: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == expected


def test_async_url_rejects_other_databases() -> None:
    with pytest.raises(UnsupportedDatabaseURL, match="mysql"):
        async_url("mysql://u@h/db")


async def test_sqlite_connections_get_wal_no_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
    finally:
        await engine.dispose()
    # synchronous: 1 is NORMAL. busy_timeout 0: waiting happens in the event loop instead.
    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 0,
        "foreign_keys": 1,
        "synchronous": 1,
    }


async def test_sqlite_transactions_begin_immediate_unless_read_only(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    statements: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def record(*args: object) -> None:
        statements.append(str(args[2]))

    try:
        async with create_session_factory(engine).begin() as session:
            await session.execute(text("SELECT 1"))
        async with create_session_factory(engine, read_only=True).begin() as session:
            await session.execute(text("SELECT 2"))
    finally:
        await engine.dispose()
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN DEFERRED"]


_counter_metadata = MetaData()
_counter = Table(
    "counter",
    _counter_metadata,
    Column("id", Integer, primary_key=True),
    Column("value", Integer, nullable=False),
    Column("note", String(50)),
)


async def _make_counter(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_counter_metadata.create_all)
        await connection.execute(_counter.insert().values(id=1, value=0))


async def test_twenty_concurrent_read_then_write_transactions_all_succeed_on_sqlite(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'c.db'}")
    factory = create_session_factory(engine)
    try:
        await _make_counter(engine)

        async def increment() -> None:
            # Read, yield to the other tasks, then write: with a deferred BEGIN this is
            # the pattern that fails with "database is locked" on the lock upgrade.
            async with factory.begin() as session:
                value = (
                    await session.execute(select(_counter.c.value).where(_counter.c.id == 1))
                ).scalar_one()
                await asyncio.sleep(0.001)
                await session.execute(
                    update(_counter).where(_counter.c.id == 1).values(value=value + 1)
                )

        await asyncio.gather(*(increment() for _ in range(20)))

        async with factory.begin() as session:
            final = (
                await session.execute(select(_counter.c.value).where(_counter.c.id == 1))
            ).scalar_one()
    finally:
        await engine.dispose()
    # No lost update either: each read saw the previous task's committed write.
    assert final == 20


async def test_datetimes_come_back_timezone_aware_in_utc(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    factory = session_factory
    jambi_morning = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    async with factory.begin() as session:
        session.add(CodeAttempt(telegram_user_id=1, failures=1, window_started_at=jambi_morning))
    async with factory.begin() as session:
        attempt = await session.get(CodeAttempt, 1, populate_existing=True)
        assert attempt is not None
        loaded = attempt.window_started_at
    assert loaded.tzinfo is not None
    assert loaded.utcoffset() == dt.timedelta(0)
    assert loaded == jambi_morning
    assert loaded.hour == 2


async def test_naive_datetimes_are_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    factory = session_factory
    with pytest.raises(Exception, match="naive datetime"):
        async with factory.begin() as session:
            session.add(
                CodeAttempt(
                    telegram_user_id=2, failures=1, window_started_at=dt.datetime(2026, 1, 1)
                )
            )


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer, as the admin script would be: holds SQLite's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_a_writer_waits_for_another_process_without_blocking_the_event_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.db"
    engine = create_engine(f"sqlite:///{path}")
    factory = create_session_factory(engine)
    try:
        await _make_counter(engine)
        other = _hold_write_lock(path)
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        async def write() -> None:
            async with factory.begin() as session:
                await session.execute(update(_counter).values(value=_counter.c.value + 1))

        ticker = asyncio.create_task(tick())
        writer = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        assert not writer.done(), "the write must wait while the other writer holds the lock"
        assert ticks >= 10, "the event loop kept running while the write waited"
        other.execute("COMMIT")
        await asyncio.wait_for(writer, 2)
        ticker.cancel()
        other.close()
        async with factory() as session:
            assert (await session.execute(select(_counter.c.value))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_a_writer_gives_up_after_the_busy_deadline_as_busy_timeout_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_DEADLINE_SECONDS", 0.2)
    path = tmp_path / "d.db"
    engine = create_engine(f"sqlite:///{path}")
    try:
        await _make_counter(engine)
        other = _hold_write_lock(path)
        with pytest.raises(OperationalError, match="database is locked"):
            async with create_session_factory(engine).begin() as session:
                await session.execute(update(_counter).values(value=1))
        other.close()
    finally:
        await engine.dispose()


async def test_write_transactions_of_one_process_take_turns_in_order(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 't.db'}")
    factory = create_session_factory(engine)
    log: list[tuple[str, int]] = []
    try:
        await _make_counter(engine)

        async def write(number: int) -> None:
            async with factory.begin() as session:
                log.append(("in", number))
                await session.execute(update(_counter).values(value=_counter.c.value + 1))
                await asyncio.sleep(0.005)  # e.g. a call elsewhere while holding the lock
                log.append(("out", number))

        await asyncio.gather(*(write(n) for n in range(10)))
    finally:
        await engine.dispose()
    # Strictly one after the other, in the order they asked: no polling, no overtaking.
    assert log == [(side, n) for n in range(10) for side in ("in", "out")]


async def test_a_write_transaction_opened_inside_another_fails_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_DEADLINE_SECONDS", 0.2)
    monkeypatch.setattr(storage_db, "TURN_TIMEOUT_SECONDS", 0.2)
    engine = create_engine(f"sqlite:///{tmp_path / 'n.db'}")
    factory = create_session_factory(engine)
    try:
        await _make_counter(engine)
        async with factory.begin() as outer:
            await outer.execute(update(_counter).values(value=1))
            with pytest.raises(OperationalError, match="database is locked"):
                async with factory.begin() as inner:
                    await inner.execute(update(_counter).values(value=2))
        async with factory() as session:
            assert (await session.execute(select(_counter.c.value))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_reads_run_beside_a_writer_that_holds_its_turn(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    writes = create_session_factory(engine)
    reads = create_session_factory(engine, read_only=True)
    try:
        await _make_counter(engine)
        async with writes.begin() as session:
            await session.execute(update(_counter).values(value=5))
            async with reads.begin() as reader:
                seen = (await reader.execute(select(_counter.c.value))).scalar_one()
    finally:
        await engine.dispose()
    assert seen == 0  # the committed value; the write is not visible before its commit
