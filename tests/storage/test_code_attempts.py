"""Failed invite-code attempts: a lockout after too many in a window, cleared by a reset."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import code_attempts
from tests.storage.conftest import NOW

Factory = async_sessionmaker[AsyncSession]


async def _fail(session: AsyncSession, user: int, at: dt.datetime, max_failures: int) -> None:
    await code_attempts.record_failure(
        session,
        user,
        at,
        max_failures=max_failures,
        window=dt.timedelta(minutes=10),
        lockout=dt.timedelta(hours=1),
    )


def _minutes(n: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=n)


async def test_code_guessing_locks_out_after_max_failures_in_window(
    session_factory: Factory,
) -> None:
    async with session_factory.begin() as session:
        await _fail(session, 5, _minutes(0), max_failures=3)
        await _fail(session, 5, _minutes(1), max_failures=3)
        assert await code_attempts.locked_until(session, 5, _minutes(1)) is None
        await _fail(session, 5, _minutes(2), max_failures=3)
        until = await code_attempts.locked_until(session, 5, _minutes(3))
    assert until == _minutes(62)
    async with session_factory.begin() as session:
        assert await code_attempts.locked_until(session, 5, until) is None


async def test_code_failures_outside_window_do_not_accumulate_and_reset_clears(
    session_factory: Factory,
) -> None:
    async with session_factory.begin() as session:
        await _fail(session, 6, _minutes(0), max_failures=2)
        await _fail(session, 6, _minutes(11), max_failures=2)
        assert await code_attempts.locked_until(session, 6, _minutes(12)) is None
        await _fail(session, 6, _minutes(12), max_failures=2)
        assert await code_attempts.locked_until(session, 6, _minutes(13)) == _minutes(72)
        await code_attempts.reset(session, 6)
        assert await code_attempts.locked_until(session, 6, _minutes(13)) is None
