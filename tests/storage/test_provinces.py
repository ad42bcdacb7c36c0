"""Provinces: the 38 seeded by the first migration, with their time zones."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import provinces

Factory = async_sessionmaker[AsyncSession]


async def test_provinces_are_listed_in_code_order_and_found_by_code(
    session_factory: Factory,
) -> None:
    async with session_factory.begin() as session:
        listed = await provinces.list_provinces(session)
        jambi = await provinces.get_province(session, "id-ja")
    assert len(listed) == 38
    assert [p.code for p in listed] == sorted(p.code for p in listed)
    assert jambi is not None and jambi.timezone == "Asia/Jakarta"
