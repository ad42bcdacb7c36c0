"""Processed Telegram updates: each one's effect happens once, and old ids are pruned."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import updates
from storage.repositories.updates import UpdateKey
from tests.storage.conftest import NOW

Factory = async_sessionmaker[AsyncSession]


async def test_mark_processed_is_true_once_per_update(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        assert await updates.mark_processed(session, UpdateKey(1001), NOW)
        assert not await updates.mark_processed(session, UpdateKey(1001), NOW)
    async with session_factory.begin() as session:
        assert not await updates.mark_processed(session, UpdateKey(1001), NOW)
        assert await updates.mark_processed(session, UpdateKey(1002), NOW)


async def test_a_reused_update_id_with_other_content_is_a_new_update(
    session_factory: Factory,
) -> None:
    # Telegram restarts update ids after a week without updates; a new bot token or a
    # restarted test double starts them at 1 again.
    async with session_factory.begin() as session:
        assert await updates.mark_processed(session, UpdateKey(1, "m:42:7:1764660000"), NOW)
    async with session_factory.begin() as session:
        assert await updates.mark_processed(session, UpdateKey(1, "m:42:1:1764900000"), NOW)
        assert not await updates.mark_processed(session, UpdateKey(1, "m:42:7:1764660000"), NOW)


async def test_mark_processed_rolls_back_with_the_transaction(session_factory: Factory) -> None:
    with pytest.raises(RuntimeError):
        async with session_factory.begin() as session:
            assert await updates.mark_processed(session, UpdateKey(7), NOW)
            raise RuntimeError("the update's effect failed")
    async with session_factory.begin() as session:
        # The redelivery is handled again rather than dropped as a duplicate.
        assert await updates.mark_processed(session, UpdateKey(7), NOW)


async def test_concurrent_marks_of_one_update_let_exactly_one_through(
    session_factory: Factory,
) -> None:
    async def mark() -> bool:
        async with session_factory.begin() as session:
            return await updates.mark_processed(session, UpdateKey(99), NOW)

    results = await asyncio.gather(*(mark() for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]


async def test_prune_removes_only_updates_older_than_cutoff(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        await updates.mark_processed(session, UpdateKey(1), NOW - dt.timedelta(days=3))
        await updates.mark_processed(session, UpdateKey(2), NOW - dt.timedelta(hours=1))
    async with session_factory.begin() as session:
        removed = await updates.prune_processed_updates(session, NOW - dt.timedelta(days=1))
    assert removed == 1
    async with session_factory.begin() as session:
        assert await updates.mark_processed(session, UpdateKey(1), NOW)
        assert not await updates.mark_processed(session, UpdateKey(2), NOW)
