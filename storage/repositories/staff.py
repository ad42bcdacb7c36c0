"""Staff roles (organisers, facilitators) and the one-time invites that grant them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import StaffInviteInvalid
from storage.models import Staff, StaffInvite, StaffRole


async def add_staff(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    role: StaffRole | str,
    now: dt.datetime,
    workshop_id: int | None = None,
    name: str | None = None,
) -> Staff:
    """Grant a role (idempotent): organisers are global, facilitators need a workshop."""
    role = StaffRole(role)
    _check_scope(role, workshop_id)
    existing = await _find_role(session, telegram_user_id, role, workshop_id)
    if existing is not None:
        if name is not None and existing.name != name:
            existing.name = name
            await session.flush()
        return existing
    staff = Staff(
        telegram_user_id=telegram_user_id,
        role=role.value,
        workshop_id=workshop_id,
        name=name,
        created_at=now,
    )
    session.add(staff)
    await session.flush()
    return staff


async def remove_staff(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    role: StaffRole | str,
    workshop_id: int | None = None,
) -> bool:
    """Revoke a role; return whether it was held."""
    role = StaffRole(role)
    existing = await _find_role(session, telegram_user_id, role, workshop_id)
    if existing is None:
        return False
    await session.execute(delete(Staff).where(Staff.id == existing.id))
    return True


async def is_organiser(session: AsyncSession, telegram_user_id: int) -> bool:
    """Tell whether the Telegram user is an organiser."""
    return (
        await _find_role(session, telegram_user_id, StaffRole.ORGANISER, workshop_id=None)
        is not None
    )


async def facilitator_workshops(session: AsyncSession, telegram_user_id: int) -> list[int]:
    """Return the ids of the workshops the Telegram user facilitates."""
    rows = await session.scalars(
        select(Staff.workshop_id)
        .where(
            Staff.telegram_user_id == telegram_user_id,
            Staff.role == StaffRole.FACILITATOR.value,
        )
        .order_by(Staff.workshop_id)
    )
    return [workshop_id for workshop_id in rows.all() if workshop_id is not None]


async def list_staff(session: AsyncSession, workshop_id: int | None = None) -> list[Staff]:
    """Return all staff, or the facilitators of one workshop plus every organiser."""
    statement = select(Staff).order_by(Staff.role, Staff.id)
    if workshop_id is not None:
        statement = statement.where(
            (Staff.workshop_id == workshop_id) | (Staff.role == StaffRole.ORGANISER.value)
        )
    return list((await session.scalars(statement)).all())


async def create_invite(
    session: AsyncSession,
    *,
    token: str,
    role: StaffRole | str,
    now: dt.datetime,
    workshop_id: int | None = None,
    expires_at: dt.datetime | None = None,
) -> StaffInvite:
    """Create a one-time invite granting the role to whoever redeems the token first."""
    role = StaffRole(role)
    _check_scope(role, workshop_id)
    invite = StaffInvite(
        token=token,
        role=role.value,
        workshop_id=workshop_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(invite)
    await session.flush()
    return invite


async def redeem_invite(
    session: AsyncSession,
    *,
    token: str,
    telegram_user_id: int,
    now: dt.datetime,
    name: str | None = None,
) -> Staff:
    """Use the invite for the Telegram user and grant its role.

    Raises StaffInviteInvalid (reason 'unknown', 'used' or 'expired'). Redeeming a token
    this same user already used is not an error, so a retried update is harmless.
    """
    invite = await session.scalar(select(StaffInvite).where(StaffInvite.token == token))
    if invite is None:
        raise StaffInviteInvalid(token, "unknown")
    if invite.used_at is not None and invite.used_by_telegram_user_id != telegram_user_id:
        raise StaffInviteInvalid(token, "used")
    if invite.used_at is None:
        if invite.expires_at is not None and invite.expires_at <= now:
            raise StaffInviteInvalid(token, "expired")
        # Conditional claim: of two users redeeming at once, exactly one matches
        # "used_at IS NULL" (the row lock on PostgreSQL, the write lock on SQLite).
        claimed = await session.scalar(
            update(StaffInvite)
            .where(StaffInvite.id == invite.id, StaffInvite.used_at.is_(None))
            .values(used_at=now, used_by_telegram_user_id=telegram_user_id)
            .returning(StaffInvite.id)
        )
        if claimed is None:
            raise StaffInviteInvalid(token, "used")
        await session.refresh(invite)
    return await add_staff(
        session,
        telegram_user_id=telegram_user_id,
        role=invite.role,
        workshop_id=invite.workshop_id,
        name=name,
        now=now,
    )


async def _find_role(
    session: AsyncSession, telegram_user_id: int, role: StaffRole, workshop_id: int | None
) -> Staff | None:
    scope = Staff.workshop_id.is_(None) if workshop_id is None else Staff.workshop_id == workshop_id
    return await session.scalar(
        select(Staff).where(
            Staff.telegram_user_id == telegram_user_id, Staff.role == role.value, scope
        )
    )


def _check_scope(role: StaffRole, workshop_id: int | None) -> None:
    if role is StaffRole.ORGANISER and workshop_id is not None:
        raise ValueError("organisers are not scoped to a workshop")
    if role is StaffRole.FACILITATOR and workshop_id is None:
        raise ValueError("a facilitator needs a workshop")
