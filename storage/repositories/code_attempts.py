"""Lockout of Telegram users who keep guessing invite codes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CodeAttempt


async def locked_until(
    session: AsyncSession, telegram_user_id: int, now: dt.datetime
) -> dt.datetime | None:
    """Return when the user's lockout ends, or None if they may try a code now."""
    attempt = await session.get(CodeAttempt, telegram_user_id)
    if attempt is None or attempt.locked_until is None or attempt.locked_until <= now:
        return None
    return attempt.locked_until


async def record_failure(
    session: AsyncSession,
    telegram_user_id: int,
    now: dt.datetime,
    *,
    max_failures: int,
    window: dt.timedelta,
    lockout: dt.timedelta,
) -> CodeAttempt:
    """Count a wrong code; lock the user out after ``max_failures`` within ``window``.

    The policy numbers come from settings, so they are parameters here.
    """
    attempt = await session.scalar(
        select(CodeAttempt)
        .where(CodeAttempt.telegram_user_id == telegram_user_id)
        .with_for_update()
    )
    if attempt is None:
        attempt = CodeAttempt(telegram_user_id=telegram_user_id, failures=0, window_started_at=now)
        session.add(attempt)
    elif now - attempt.window_started_at >= window:
        # A fresh window: old mistakes (typos last week) no longer count.
        attempt.failures = 0
        attempt.window_started_at = now
    attempt.failures += 1
    if attempt.failures >= max_failures:
        attempt.locked_until = now + lockout
        # Start counting afresh after the lockout ends.
        attempt.failures = 0
        attempt.window_started_at = now + lockout
    await session.flush()
    return attempt


async def reset(session: AsyncSession, telegram_user_id: int) -> None:
    """Forget the user's failures, after a correct code."""
    await session.execute(
        delete(CodeAttempt).where(CodeAttempt.telegram_user_id == telegram_user_id)
    )


async def list_locked(session: AsyncSession, now: dt.datetime) -> list[CodeAttempt]:
    """The Telegram users locked out at `now`, the latest lockout first."""
    rows = await session.scalars(
        select(CodeAttempt)
        .where(CodeAttempt.locked_until > now)
        .order_by(CodeAttempt.locked_until.desc())
    )
    return list(rows)


async def unlock(session: AsyncSession, telegram_user_ids: list[int] | None) -> int:
    """Forget the failures of these users (all users when None); returns how many."""
    statement = delete(CodeAttempt)
    if telegram_user_ids is not None:
        statement = statement.where(CodeAttempt.telegram_user_id.in_(telegram_user_ids))
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
