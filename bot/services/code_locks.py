"""Who helps in the room: code lockouts staff can lift, and the facilitators' names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import StaffRole
from storage.repositories import code_attempts as attempt_repo
from storage.repositories import staff as staff_repo


@dataclass(frozen=True)
class Lockout:
    """A Telegram account that may not type a code until `until`."""

    telegram_user_id: int
    until: dt.datetime


async def locked_accounts(
    sessions: async_sessionmaker[AsyncSession], now: dt.datetime
) -> list[Lockout]:
    """The accounts locked out now, the latest first."""
    async with sessions() as session:
        rows = await attempt_repo.list_locked(session, now)
    return [Lockout(row.telegram_user_id, row.locked_until) for row in rows if row.locked_until]


async def unlock_accounts(
    sessions: async_sessionmaker[AsyncSession], telegram_user_ids: list[int] | None
) -> int:
    """Lifts the lockout (and forgets the failures) of these accounts, or of all when None;
    returns how many accounts had failures recorded."""
    async with sessions.begin() as session:
        return await attempt_repo.unlock(session, telegram_user_ids)


async def facilitator_names(
    sessions: async_sessionmaker[AsyncSession], workshop_id: int
) -> list[str]:
    """The names of the workshop's facilitators, for the participants' help ("whom to ask")."""
    async with sessions() as session:
        staff = await staff_repo.list_staff(session, workshop_id)
    return [
        member.name
        for member in staff
        if member.role == StaffRole.FACILITATOR.value
        and member.workshop_id == workshop_id
        and member.name
    ]
