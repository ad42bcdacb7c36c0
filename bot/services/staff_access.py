"""Who may do what: staff roles are looked up on every call, never cached."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import staff as staff_repo


@dataclass(frozen=True)
class StaffAccess:
    """A Telegram user's staff roles: organiser (every workshop) or facilitator (some)."""

    telegram_user_id: int
    is_organiser: bool
    facilitated_workshop_ids: frozenset[int]

    @property
    def is_staff(self) -> bool:
        """Tells whether the user holds any staff role."""
        return self.is_organiser or bool(self.facilitated_workshop_ids)

    def can_manage(self, workshop_id: int) -> bool:
        """Tells whether the user may act on the workshop."""
        return self.is_organiser or workshop_id in self.facilitated_workshop_ids


async def staff_access(
    sessions: async_sessionmaker[AsyncSession], telegram_user_id: int
) -> StaffAccess:
    """Reads the user's current roles."""
    async with sessions() as session:
        organiser = await staff_repo.is_organiser(session, telegram_user_id)
        workshops = await staff_repo.facilitator_workshops(session, telegram_user_id)
    return StaffAccess(telegram_user_id, organiser, frozenset(workshops))
