"""Provinces: read-only reference data seeded by migration."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Province


async def list_provinces(session: AsyncSession) -> list[Province]:
    """Return all provinces ordered by ISO code."""
    return list((await session.scalars(select(Province).order_by(Province.code))).all())


async def get_province(session: AsyncSession, code: str) -> Province | None:
    """Return the province with the ISO 3166-2 code (e.g. 'ID-JA'), or None."""
    return await session.get(Province, code.upper())
