"""The inline SQLite driver against aiosqlite: every part SQLAlchemy's dialect uses, same results.

storage/sqlite_inline.py stands in for aiosqlite's Connection and Cursor under
SQLAlchemy's aiosqlite dialect (sqlalchemy/dialects/sqlite/aiosqlite.py and
connectors/asyncio.py). Each test runs one scenario on a real aiosqlite connection and
on an inline one, each on its own database file, and asserts both give what the scenario
expects. What the dialect reaches for:

- connection: awaited once; `cursor()` then `__aenter__()`; `execute`; `commit`,
  `rollback`, `close`, `stop` (terminate); `create_function`; `isolation_level` read,
  and set through `_tx.put_nowait((future, function))` on `_conn`; `_connection`
  tested for truth before commit and rollback;
- cursor: `execute` with and without parameters, `executemany`, `fetchone`,
  `fetchmany(size=)`, `fetchall`, `__aiter__` (server-side cursors), `close`,
  `description`, `rowcount`, `lastrowid`, `arraysize` (read and set);
- errors: sqlite3's DBAPI classes (the dialect's `IntegrityError`, `OperationalError`,
  `ProgrammingError` are sqlite3's).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection

from storage.sqlite_inline import inline_connector

Connect = Callable[[Path], Awaitable[Any]]


async def _aiosqlite(path: Path) -> Any:
    return await aiosqlite.connect(str(path), check_same_thread=False)


async def _inline(path: Path) -> Any:
    return await inline_connector(str(path))()


DRIVERS: dict[str, Connect] = {"aiosqlite": _aiosqlite, "inline": _inline}
Scenario = Callable[[Any, Path], Awaitable[Any]]


async def _on_both(tmp_path: Path, scenario: Scenario) -> dict[str, Any]:
    """What the scenario returns on each driver, each with a fresh database file."""
    seen = {}
    for name, connect in DRIVERS.items():
        path = tmp_path / f"{name}.db"
        connection = await connect(path)
        try:
            seen[name] = await scenario(connection, path)
        finally:
            await connection.close()
    return seen


async def _table(connection: Any) -> None:
    await connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n REAL)")
    await connection.commit()


async def _cursor(connection: Any) -> Any:
    """A cursor as SQLAlchemy's adapter opens one: cursor(), then __aenter__()."""
    return await connection.cursor().__aenter__()


async def test_execute_returns_the_cursor_with_results_description_and_counts(
    tmp_path: Path,
) -> None:
    async def scenario(connection: Any, _path: Path) -> Any:
        await _table(connection)
        cursor = await _cursor(connection)
        returned = await cursor.execute("INSERT INTO t (name, n) VALUES (?, ?)", ("a", 1.5))
        after_insert = (returned is cursor, cursor.rowcount, cursor.lastrowid, cursor.description)
        await cursor.execute("INSERT INTO t (name, n) VALUES (?, ?)", ["b", None])
        second_id = cursor.lastrowid
        await cursor.execute("UPDATE t SET n = 2 WHERE n IS NULL OR n > 0")
        updated = cursor.rowcount
        await cursor.execute("SELECT id, name, n FROM t ORDER BY id")
        description = cursor.description
        rows = await cursor.fetchall()
        select_rowcount = cursor.rowcount
        await cursor.execute("SELECT count(*) FROM t")  # no parameters at all
        count = await cursor.fetchone()
        await cursor.close()
        return after_insert, second_id, updated, description, rows, select_rowcount, count

    seen = await _on_both(tmp_path, scenario)
    names = tuple((name, None, None, None, None, None, None) for name in ("id", "name", "n"))
    expected = ((True, 1, 1, None), 2, 2, names, [(1, "a", 2.0), (2, "b", 2.0)], -1, (2,))
    assert seen["aiosqlite"] == expected
    assert seen["inline"] == expected


async def test_executemany_counts_every_row(tmp_path: Path) -> None:
    async def scenario(connection: Any, _path: Path) -> Any:
        await _table(connection)
        cursor = await _cursor(connection)
        rows = ((f"p{i}", i / 2) for i in range(5))  # a generator, as a caller may pass
        returned = await cursor.executemany("INSERT INTO t (name, n) VALUES (?, ?)", rows)
        counted = cursor.rowcount
        await cursor.execute("SELECT sum(n) FROM t")
        return returned is cursor, counted, await cursor.fetchone()

    seen = await _on_both(tmp_path, scenario)
    assert seen["aiosqlite"] == (True, 5, (5.0,))
    assert seen["inline"] == (True, 5, (5.0,))


async def test_fetchone_fetchmany_arraysize_and_async_iteration(tmp_path: Path) -> None:
    async def scenario(connection: Any, _path: Path) -> Any:
        await _table(connection)
        cursor = await _cursor(connection)
        await cursor.executemany("INSERT INTO t (name) VALUES (?)", [(f"r{i}",) for i in range(7)])
        query = "SELECT name FROM t ORDER BY id"
        default_arraysize = cursor.arraysize
        await cursor.execute(query)
        first = await cursor.fetchone()
        by_default = await cursor.fetchmany()
        cursor.arraysize = 3
        by_arraysize = await cursor.fetchmany()
        by_size = await cursor.fetchmany(size=2)
        rest = await cursor.fetchall()
        exhausted = (await cursor.fetchone(), await cursor.fetchmany(size=5))
        await cursor.execute(query)
        iterated = [row async for row in cursor]
        return (
            default_arraysize,
            cursor.arraysize,
            first,
            by_default,
            by_arraysize,
            by_size,
            rest,
            exhausted,
            iterated,
        )

    seen = await _on_both(tmp_path, scenario)
    expected = (
        1,
        3,
        ("r0",),
        [("r1",)],
        [("r2",), ("r3",), ("r4",)],
        [("r5",), ("r6",)],
        [],
        (None, []),
        [(f"r{i}",) for i in range(7)],
    )
    assert seen["aiosqlite"] == expected
    assert seen["inline"] == expected


async def test_connection_execute_and_cursor_as_context_manager_or_awaited(
    tmp_path: Path,
) -> None:
    async def scenario(connection: Any, _path: Path) -> Any:
        direct = await connection.execute("SELECT ?, ?", (1, "x"))
        direct_row = await direct.fetchone()
        async with connection.cursor() as managed:
            await managed.execute("SELECT 2")
            managed_row = await managed.fetchone()
        awaited = await connection.cursor()
        await awaited.execute("SELECT 3")
        return direct_row, managed_row, await awaited.fetchone()

    seen = await _on_both(tmp_path, scenario)
    assert seen["aiosqlite"] == ((1, "x"), (2,), (3,))
    assert seen["inline"] == ((1, "x"), (2,), (3,))


async def _error(call: Awaitable[Any]) -> tuple[type[BaseException], str] | None:
    try:
        await call
    except Exception as error:
        return type(error), str(error)
    return None


async def test_errors_are_sqlite3_dbapi_classes_with_the_same_messages(tmp_path: Path) -> None:
    async def scenario(connection: Any, _path: Path) -> Any:
        await _table(connection)
        cursor = await _cursor(connection)
        await cursor.execute("INSERT INTO t (name) VALUES ('a')")
        return (
            await _error(cursor.execute("INSERT INTO t (name) VALUES ('a')")),
            await _error(cursor.execute("SELEC 1")),
            await _error(cursor.execute("SELECT * FROM missing")),
            await _error(cursor.execute("SELECT ?", (1, 2))),
            await _error(cursor.executemany("INSERT INTO t (name) VALUES (?)", [("b",), ("b",)])),
        )

    seen = await _on_both(tmp_path, scenario)
    expected = (
        (sqlite3.IntegrityError, "UNIQUE constraint failed: t.name"),
        (sqlite3.OperationalError, 'near "SELEC": syntax error'),
        (sqlite3.OperationalError, "no such table: missing"),
        (
            sqlite3.ProgrammingError,
            "Incorrect number of bindings supplied."
            " The current statement uses 1, and there are 2 supplied.",
        ),
        (sqlite3.IntegrityError, "UNIQUE constraint failed: t.name"),
    )
    assert seen["aiosqlite"] == expected
    assert seen["inline"] == expected


async def test_commit_keeps_and_rollback_discards_under_explicit_begin(tmp_path: Path) -> None:
    async def scenario(connection: Any, path: Path) -> Any:
        await _table(connection)
        default_level = connection.isolation_level
        # As the dialect sets it: a function on `_conn`, through `_tx`, its future awaited.
        future = asyncio.get_running_loop().create_future()

        def no_implicit_begin() -> None:
            connection._conn.isolation_level = None

        connection._tx.put_nowait((future, no_implicit_begin))
        await future
        level = connection.isolation_level
        await connection.execute("BEGIN IMMEDIATE")
        await connection.execute("INSERT INTO t (name) VALUES ('kept')")
        await connection.commit()
        await connection.execute("BEGIN IMMEDIATE")
        await connection.execute("INSERT INTO t (name) VALUES ('dropped')")
        in_transaction = connection._conn.in_transaction
        await connection.rollback()
        after = connection._conn.in_transaction
        # What another connection sees (a plain sqlite3 one: only committed rows).
        other = sqlite3.connect(path)
        try:
            stored = other.execute("SELECT name FROM t").fetchall()
        finally:
            other.close()
        return default_level, level, in_transaction, after, stored

    seen = await _on_both(tmp_path, scenario)
    assert seen["aiosqlite"] == ("", None, True, False, [("kept",)])
    assert seen["inline"] == ("", None, True, False, [("kept",)])


async def test_a_failing_function_through_the_queue_fails_its_future(tmp_path: Path) -> None:
    async def scenario(connection: Any, _path: Path) -> Any:
        future = asyncio.get_running_loop().create_future()

        def bad() -> None:
            connection._conn.isolation_level = "SOMETIMES"

        connection._tx.put_nowait((future, bad))
        return await _error(future)

    seen = await _on_both(tmp_path, scenario)
    assert seen["aiosqlite"] is not None
    assert seen["aiosqlite"][0] is ValueError
    assert seen["inline"] == seen["aiosqlite"]


async def test_create_function_registers_a_sql_function(tmp_path: Path) -> None:
    async def scenario(connection: Any, _path: Path) -> Any:
        await connection.create_function("twice", 1, lambda value: value * 2, deterministic=True)
        cursor = await connection.execute("SELECT twice(21), twice('ab')")
        return await cursor.fetchone()

    seen = await _on_both(tmp_path, scenario)
    assert seen["aiosqlite"] == (42, "abab")
    assert seen["inline"] == (42, "abab")


async def test_close_and_stop_clear_the_connection_and_may_be_repeated(tmp_path: Path) -> None:
    observed = {}
    for name, connect in DRIVERS.items():
        closed = await connect(tmp_path / f"{name}-closed.db")
        open_before = closed._connection is not None
        await closed.close()
        await closed.close()  # twice: no error, as the dialect's close() expects
        stopped = await connect(tmp_path / f"{name}-stopped.db")
        # The dialect's terminate when it cannot await; it ignores what stop() returns.
        # aiosqlite queues the close on its thread and returns a future of it; the
        # inline driver closes at once and returns None.
        pending = stopped.stop()
        if pending is not None:
            await pending
        stopped.stop()  # again: no error
        observed[name] = (open_before, closed._connection, stopped._connection)
    assert observed["aiosqlite"] == (True, None, None)
    assert observed["inline"] == (True, None, None)


async def test_a_closed_connection_refuses_work_with_a_sqlite3_error_through_the_dialect(
    tmp_path: Path,
) -> None:
    # The drivers differ underneath: aiosqlite raises ValueError('no active connection'),
    # which the dialect turns into sqlite3.OperationalError; the inline driver lets
    # sqlite3's own ProgrammingError ('Cannot operate on a closed database.') through.
    # Both are DBAPI errors of sqlite3, so SQLAlchemy wraps both as DBAPIError.
    adapter = AsyncAdapt_aiosqlite_connection  # only its exception mapping is used
    seen = {}
    for name, connect in DRIVERS.items():
        connection = await connect(tmp_path / f"{name}.db")
        await connection.close()
        try:
            await connection.execute("SELECT 1")
        except Exception as error:
            try:
                adapter._handle_exception_no_connection(_Dbapi(), error)
            except Exception as mapped:
                seen[name] = mapped
    assert isinstance(seen["aiosqlite"], sqlite3.OperationalError)
    assert isinstance(seen["inline"], sqlite3.ProgrammingError)
    assert all(isinstance(error, sqlite3.Error) for error in seen.values())


class _Dbapi:
    """The one attribute the dialect's exception mapping reads from its DBAPI module."""

    sqlite = sqlite3


def test_neither_cursor_offers_nextset_or_setinputsizes() -> None:
    # SQLAlchemy's generic adapter has them, but SQLite's dialect never calls them.
    for cursor_class in (aiosqlite.Cursor, _inline_cursor_class()):
        assert not hasattr(cursor_class, "nextset")
        assert not hasattr(cursor_class, "setinputsizes")


def _inline_cursor_class() -> type:
    from storage.sqlite_inline import InlineCursor

    return InlineCursor


@pytest.mark.parametrize("attribute", ["rowcount", "lastrowid", "arraysize", "description"])
async def test_cursor_attributes_before_any_statement(tmp_path: Path, attribute: str) -> None:
    async def scenario(connection: Any, _path: Path) -> Any:
        return getattr(await _cursor(connection), attribute)

    seen = await _on_both(tmp_path, scenario)
    assert seen["inline"] == seen["aiosqlite"]
    assert seen["aiosqlite"] == {"rowcount": -1, "lastrowid": None, "arraysize": 1}.get(attribute)
