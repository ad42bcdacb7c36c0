"""Core statements run straight on the database driver, for the answer path.

Every answer runs one short transaction of four or five statements. Executed through
SQLAlchemy's async engine, each statement costs about half a millisecond of CPU in the
engine's layers (execution context, greenlet hops, result objects) for tens of
microseconds in the driver; the statements are built once, so what is left is that
machinery. `DriverConnection` keeps SQLAlchemy where it is worth it, compiling each Core
statement once per dialect (SQL text, parameter order, and the types' own bind and result
processors, so values are written and read exactly as the engine would), and runs the
compiled text on the driver connection the engine's pool hands out: sqlite3 calls inline
(see `storage/sqlite_inline.py`), or asyncpg with its prepared-statement cache.

It offers the part of `AsyncConnection` the answer path's repositories use: `execute`
(with `one_or_none`, `first`, `scalar_one_or_none`, `all`, iteration and `rowcount` on
the result), `scalar` and `dialect`. Statements that load ORM entities are refused: they
need a Session. `storage.db.begin_driver` opens the transaction.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ClauseElement
from sqlalchemy.sql.expression import Executable

_Processor = Callable[[Any], Any] | None

_STATEMENTS_KEPT = 512  # compiled statements per dialect; the answer path has about a dozen


class DriverCursor(Protocol):
    """What a dialect's runner does with compiled SQL and positional parameters."""

    async def run(self, sql: str, parameters: Sequence[Any], returns_rows: bool) -> _Raw:
        """Executes and returns the rows (if any) and the row count."""


@dataclass(frozen=True, slots=True)
class _Raw:
    rows: list[Sequence[Any]]
    rowcount: int


@dataclass(frozen=True)
class Compiled:
    """One statement compiled for one dialect: its text, where each parameter goes and
    how each value and each column is converted."""

    sql: str
    names: tuple[str, ...]
    defaults: tuple[Any, ...]  # a bound literal's value (e.g. the 1 of `n + 1`), else _NO
    bind_processors: tuple[_Processor, ...]
    result_processors: tuple[_Processor, ...]
    returns_rows: bool

    column_defaults: Mapping[str, Callable[[], Any]]  # Python-side defaults (`default=0`)

    def parameters(self, values: Mapping[str, Any]) -> list[Any]:
        """The positional parameters for `values`, converted as the types say."""
        out = []
        for name, default, process in zip(
            self.names, self.defaults, self.bind_processors, strict=True
        ):
            if name in values:
                value = values[name]
            elif name in self.column_defaults:
                value = self.column_defaults[name]()
            elif default is _NO:
                raise KeyError(f"no value for the parameter {name!r}")
            else:
                value = default
            out.append(value if process is None else process(value))
        return out

    row_type: Callable[..., tuple[Any, ...]]  # a named tuple: row[0] and row.name both work

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        """A result row with each column converted as its type says."""
        return self.row_type(
            *(
                value if process is None else process(value)
                for value, process in zip(raw, self.result_processors, strict=True)
            )
        )


class _No:
    def __repr__(self) -> str:
        return "<no default>"


_NO: Any = _No()


class UnsupportedStatement(TypeError):
    """A statement the driver path cannot run as the engine would (e.g. an ORM entity)."""


_compiled: dict[tuple[int, int], tuple[Executable, Dialect, Compiled]] = {}


def compile_statement(statement: Executable, dialect: Dialect) -> Compiled:
    """Compiles a Core statement once for the dialect. The answer path builds its
    statements once and reuses them, so they are known by identity (a statement's `==`
    builds SQL rather than comparing); one built per call is compiled per call."""
    key = (id(statement), id(dialect))
    entry = _compiled.get(key)
    if entry is not None and entry[0] is statement and entry[1] is dialect:
        return entry[2]
    compiled = _compile(statement, dialect)
    if len(_compiled) >= _STATEMENTS_KEPT:
        del _compiled[next(iter(_compiled))]  # the oldest
    _compiled[key] = (statement, dialect, compiled)
    return compiled


def _compile(statement: Executable, dialect: Dialect) -> Compiled:
    descriptions = getattr(statement, "column_descriptions", ())
    if any(isinstance(d.get("expr"), type) for d in descriptions):
        raise UnsupportedStatement("an ORM entity select needs a Session")
    compiled = cast(ClauseElement, statement).compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler):
        raise UnsupportedStatement("only SQL statements")
    if not compiled.positional or "POSTCOMPILE" in compiled.string:
        raise UnsupportedStatement("only positional, fully compiled statements")
    names = tuple(compiled.positiontup or ())
    binds: list[BindParameter[Any]] = [compiled.binds[name] for name in names]
    # A literal in the statement (`.values(x=None)`, the 1 of `n + 1`) is a bind that
    # carries its value; a `bindparam("name")` without one is required.
    defaults = tuple(_NO if bind.required else bind.effective_value for bind in binds)
    bind_processors = tuple(
        bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in binds
    )
    columns = list(getattr(statement, "exported_columns", ()))
    returns_rows = bool(columns)
    result_processors = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    column_defaults = {
        **{c.key: _default(c.default) for c in getattr(compiled, "insert_prefetch", ())},
        **{c.key: _default(c.onupdate) for c in getattr(compiled, "update_prefetch", ())},
    }
    keys = [str(getattr(column, "key", None) or f"column_{i}") for i, column in enumerate(columns)]
    return Compiled(
        compiled.string,
        names,
        defaults,
        bind_processors,
        result_processors,
        returns_rows,
        column_defaults,
        namedtuple("Row", keys, rename=True),
    )


def _default(default: Any) -> Callable[[], Any]:
    """A column's Python-side default as the engine evaluates it: a value, or a function
    (which SQLAlchemy wraps to take the execution context; none of ours reads it)."""
    if getattr(default, "is_scalar", False):
        value = default.arg
        return lambda: value
    if getattr(default, "is_callable", False):
        function = default.arg
        return lambda: function(None)
    raise UnsupportedStatement(f"a column default the driver path cannot evaluate: {default!r}")


class DriverResult:
    """The rows of one statement, with the few accessors the answer path uses."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._rows)

    def all(self) -> list[tuple[Any, ...]]:
        """Every row."""
        return list(self._rows)

    def first(self) -> tuple[Any, ...] | None:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    def one_or_none(self) -> tuple[Any, ...] | None:
        """The only row, or None; more than one is an error."""
        if len(self._rows) > 1:
            raise ValueError("more than one row")
        return self.first()

    def scalar_one_or_none(self) -> Any:
        """The first column of the only row, or None."""
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        row = self.first()
        return None if row is None else row[0]


class DriverConnection:
    """Runs compiled Core statements on a driver connection inside a transaction that
    `storage.db.begin_driver` began and will end."""

    def __init__(self, dialect: Dialect, cursor: DriverCursor) -> None:
        self.dialect = dialect
        self._cursor = cursor

    async def execute(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> DriverResult:
        """Executes one statement with named parameters."""
        compiled = compile_statement(statement, self.dialect)
        raw = await self._cursor.run(
            compiled.sql, compiled.parameters(parameters or {}), compiled.returns_rows
        )
        return DriverResult([compiled.row(row) for row in raw.rows], raw.rowcount)

    async def scalar(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        """The first column of the first row, or None."""
        return (await self.execute(statement, parameters)).scalar()


class SqliteCursor:
    """sqlite3 calls on the connection's own thread (the event loop's), as
    `storage/sqlite_inline.py` runs them; a busy database is waited for asynchronously."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection  # an InlineConnection

    async def run(self, sql: str, parameters: Sequence[Any], returns_rows: bool) -> _Raw:
        """Executes on a fresh sqlite3 cursor."""
        cursor = await self._connection.retrying(
            functools.partial(self._connection.sqlite3.execute, sql, parameters)
        )
        try:
            rows = cursor.fetchall() if returns_rows else []
            return _Raw(rows, cursor.rowcount)
        finally:
            cursor.close()


class AsyncpgCursor:
    """asyncpg calls; its statement cache prepares each text once per connection."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection  # an asyncpg.Connection

    async def run(self, sql: str, parameters: Sequence[Any], returns_rows: bool) -> _Raw:
        """Executes; a statement without rows reports its row count from the status."""
        if returns_rows:
            rows = await self._connection.fetch(sql, *parameters)
            return _Raw(rows, len(rows))
        status = await self._connection.execute(sql, *parameters)
        count = status.rsplit(" ", 1)[-1]
        return _Raw([], int(count) if count.isdigit() else -1)
