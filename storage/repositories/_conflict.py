"""INSERT ... ON CONFLICT DO NOTHING for both supported dialects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, QueryableAttribute

T = TypeVar("T")


async def insert_ignoring_conflict(
    session: AsyncSession,
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
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        result = await session.execute(
            postgresql.insert(model)
            .values(**values)
            .on_conflict_do_nothing(index_elements=conflict_columns)
            .returning(returning)
        )
    elif dialect == "sqlite":
        result = await session.execute(
            sqlite.insert(model)
            .values(**values)
            .on_conflict_do_nothing(index_elements=conflict_columns)
            .returning(returning)
        )
    else:  # pragma: no cover - storage.db only builds engines for these two dialects
        raise NotImplementedError(f"ON CONFLICT DO NOTHING for dialect {dialect!r}")
    return result.scalar_one_or_none()
