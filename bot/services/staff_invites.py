"""One-time staff invitations: made by the admin script, redeemed through the bot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.invites import new_staff_token
from bot.services.workshops import WorkshopInfo
from storage.errors import StaffInviteInvalid
from storage.models import StaffRole
from storage.repositories import staff as staff_repo
from storage.repositories import workshops as workshop_repo

DEFAULT_VALIDITY = dt.timedelta(days=7)


@dataclass(frozen=True)
class Redeemed:
    """The role an invitation granted."""

    role: StaffRole
    workshop: WorkshopInfo | None


async def create_staff_invite(
    session: AsyncSession,
    *,
    role: StaffRole,
    workshop_id: int | None,
    now: dt.datetime,
    valid_for: dt.timedelta = DEFAULT_VALIDITY,
) -> str:
    """Creates a one-time invitation and returns its token (the deep-link payload)."""
    token = new_staff_token()
    await staff_repo.create_invite(
        session,
        token=token,
        role=role,
        workshop_id=workshop_id,
        now=now,
        expires_at=now + valid_for,
    )
    return token


async def redeem_staff_invite(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    *,
    token: str,
    telegram_user_id: int,
    name: str | None,
) -> Redeemed | None:
    """Grants the invitation's role to the account; None if unknown, used or expired."""
    async with sessions.begin() as session:
        try:
            staff = await staff_repo.redeem_invite(
                session,
                token=token,
                telegram_user_id=telegram_user_id,
                now=clock.now(),
                name=name,
            )
        except StaffInviteInvalid:
            return None
        workshop = None
        if staff.workshop_id is not None:
            row = await workshop_repo.get_workshop(session, staff.workshop_id)
            workshop = WorkshopInfo.of(row) if row is not None else None
        return Redeemed(StaffRole(staff.role), workshop)
