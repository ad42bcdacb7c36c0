"""INSERT ... ON CONFLICT DO NOTHING for both supported dialects."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, QueryableAttribute
from sqlalchemy.sql.expression import Executable

from storage.db import Executor, dialect_of

T = TypeVar("T")


async def insert_ignoring_conflict(
    session: Executor,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
    returning: QueryableAttribute[T],
) -> T | None:
    """Insert a row unless it conflicts on the columns; return ``returning``, or None.

    One statement, so two transactions racing to insert the same key cannot both succeed
    and neither fails with an IntegrityError that would poison its transaction: the
    loser just gets None.
    """
    dialect = dialect_of(session).name
    statement = _statement(dialect, model, tuple(values), tuple(conflict_columns), returning.key)
    result = await session.execute(statement, dict(values))
    return cast("T | None", result.scalar_one_or_none())


@functools.cache
def _statement(
    dialect: str,
    model: type[DeclarativeBase],
    columns: tuple[str, ...],
    conflict_columns: tuple[str, ...],
    returning: str,
) -> Executable:
    # Built once per call site and reused: these inserts run for every Telegram update,
    # and building a statement and its cache key each time cost more than executing it.
    # A Core insert on the table also skips the ORM's bulk-insert machinery.
    table = model.__table__
    assert isinstance(table, Table)
    insert: Callable[[Table], Any]
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:  # pragma: no cover - storage.db only builds engines for these two dialects
        raise NotImplementedError(f"ON CONFLICT DO NOTHING for dialect {dialect!r}")
    return (
        insert(table)
        .values({name: bindparam(name, type_=table.c[name].type) for name in columns})
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
        .returning(table.c[returning])
    )
