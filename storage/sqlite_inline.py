"""SQLite connections that run each call inline on the event loop instead of in a thread.

aiosqlite gives every connection a worker thread and sends each call there and back:
four round trips per statement (cursor, execute, fetch, close), each waking the other
thread, waiting for the GIL and waiting for the event loop to come round. Profiled under
a burst of answers, a transaction of a dozen short statements held SQLite's write lock
for ~10 ms of such hops, which capped the bot at ~100 write transactions per second with
the CPU half idle. SQLite calls on a local file in WAL mode take microseconds, less than
one hop, so here they run where they are awaited.

Only waiting is kept off the loop: SQLite's own busy handler would block the event loop
while another process (the admin script) holds the write lock, so connections use
busy_timeout=0 and a call refused as busy is retried with asyncio sleeps until the same
deadline busy_timeout would have given.

The objects mimic the parts of aiosqlite's Connection and Cursor that SQLAlchemy's
aiosqlite dialect uses (including the private `_conn` and `_tx` it reaches into), so the
dialect, its pool and the engine events work unchanged.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable, Sequence
from typing import Any, Final, Literal, TypeVar

_T = TypeVar("_T")
IsolationLevel = Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None

# As long as the busy_timeout connections had before (read at connect time).
BUSY_DEADLINE_SECONDS = 30.0
_FIRST_RETRY_SECONDS: Final = 0.001
_LONGEST_RETRY_SECONDS: Final = 0.02


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


async def _retrying_busy(call: Callable[[], _T], deadline_seconds: float) -> _T:
    """Runs `call`; while SQLite answers busy, sleeps a little and tries again."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + deadline_seconds
    pause = _FIRST_RETRY_SECONDS
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or loop.time() + pause > deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, _LONGEST_RETRY_SECONDS)


class _RunNow:
    """Stands in for aiosqlite's queue to its thread: SQLAlchemy's dialect puts
    (future, function) items on it (to set isolation_level); they run at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as error:
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineCursor:
    """An aiosqlite-like cursor over a sqlite3 cursor."""

    def __init__(self, connection: InlineConnection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        """Executes one statement."""
        arguments = () if parameters is None else parameters
        await self._connection.retrying(lambda: self._cursor.execute(sql, arguments))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        """Executes one statement for many parameter sets."""
        rows = list(parameters)
        await self._connection.retrying(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        """Returns the next row or None."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Returns up to `size` rows."""
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        """Returns the remaining rows."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Closes the cursor."""
        self._cursor.close()

    async def __aiter__(self) -> AsyncIterator[Any]:
        while rows := self._cursor.fetchmany(self._cursor.arraysize):
            for row in rows:
                yield row

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """Row id of the last inserted row."""
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        """Rows fetched per fetchmany() by default."""
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    @property
    def description(self) -> Any:
        """Column descriptions of the last query."""
        return self._cursor.description

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class _CursorOpening:
    """What `connection.cursor()` returns: awaitable, or an async context manager."""

    def __init__(self, cursor: InlineCursor) -> None:
        self._cursor = cursor

    def __await__(self) -> Generator[Any, None, InlineCursor]:
        return _ready(self._cursor).__await__()

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()


async def _ready(value: _T) -> _T:
    return value


class InlineConnection:
    """An aiosqlite-like connection whose calls run on the calling thread."""

    def __init__(self, connection: sqlite3.Connection, busy_deadline: float) -> None:
        # The names SQLAlchemy's aiosqlite dialect reads from aiosqlite.Connection.
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection
        self._tx = _RunNow()
        self._running = True
        self._busy_deadline = busy_deadline

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return _ready(self).__await__()

    @property
    def sqlite3(self) -> sqlite3.Connection:
        """The sqlite3 connection itself (for `storage.driver`, which runs compiled SQL on it)."""
        return self._conn

    def retrying(self, call: Callable[[], _T]) -> Awaitable[_T]:
        """Runs a call, waiting (asynchronously) while another process holds the lock."""
        return _retrying_busy(call, self._busy_deadline)

    def cursor(self) -> _CursorOpening:
        """Opens a cursor."""
        return _CursorOpening(InlineCursor(self, self._conn.cursor()))

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        """Executes one statement on a new cursor."""
        cursor = InlineCursor(self, self._conn.cursor())
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        """Commits (in WAL mode this never waits for readers)."""
        await self.retrying(self._conn.commit)

    async def rollback(self) -> None:
        """Rolls back."""
        self._conn.rollback()

    async def close(self) -> None:
        """Closes the connection."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._running = False

    def stop(self) -> None:
        """Closes at once (SQLAlchemy's terminate)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._running = False

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Registers a SQL function."""
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        """The sqlite3 module's transaction handling (None: we BEGIN ourselves)."""
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: IsolationLevel) -> None:
        self._conn.isolation_level = value


def inline_connector(
    database: str, *, uri: bool = False, busy_deadline: float = BUSY_DEADLINE_SECONDS
) -> Callable[[], InlineConnection]:
    """An `async_creator`-style factory for `create_async_engine`."""

    def connect() -> InlineConnection:
        # check_same_thread=False as SQLAlchemy's dialect asks: the pool may finalise a
        # connection from the garbage collector's thread.
        connection = sqlite3.connect(database, uri=uri, check_same_thread=False)
        return InlineConnection(connection, busy_deadline)

    return connect
