"""Staff roles (organisers, facilitators) and the one-time invites that grant them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.errors import StaffInviteInvalid
from storage.repositories import staff
from tests.storage.conftest import NOW, Seeded, staff_roles

Factory = async_sessionmaker[AsyncSession]
LATER = NOW + dt.timedelta(minutes=5)


async def test_staff_roles_organiser_and_facilitator(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        await staff.add_staff(session, telegram_user_id=1, role="organiser", now=NOW)
        await staff.add_staff(session, telegram_user_id=1, role="organiser", now=NOW)
        await staff.add_staff(
            session,
            telegram_user_id=2,
            role="facilitator",
            workshop_id=seeded.workshop_id,
            now=NOW,
        )
    async with session_factory.begin() as session:
        assert await staff.is_organiser(session, 1)
        assert not await staff.is_organiser(session, 2)
        assert await staff.facilitator_workshops(session, 2) == [seeded.workshop_id]
        assert await staff.facilitator_workshops(session, 1) == []
        assert await staff_roles(session, 1) == ["organiser"]
        assert len(await staff.list_staff(session, seeded.workshop_id)) == 2
        assert await staff.remove_staff(session, telegram_user_id=1, role="organiser")
        assert not await staff.is_organiser(session, 1)
    with pytest.raises(ValueError, match="needs a workshop"):
        async with session_factory.begin() as session:
            await staff.add_staff(session, telegram_user_id=3, role="facilitator", now=NOW)


async def test_duplicate_organiser_row_is_refused_by_the_database(
    session_factory: Factory, seeded: Seeded
) -> None:
    from storage.models import Staff

    with pytest.raises(IntegrityError):
        async with session_factory.begin() as session:
            session.add(Staff(telegram_user_id=9, role="organiser", created_at=NOW))
            session.add(Staff(telegram_user_id=9, role="organiser", created_at=NOW))


async def test_staff_invite_is_redeemed_once(session_factory: Factory, seeded: Seeded) -> None:
    async with session_factory.begin() as session:
        await staff.create_invite(
            session,
            token="tok-facil",
            role="facilitator",
            workshop_id=seeded.workshop_id,
            expires_at=NOW + dt.timedelta(days=1),
            now=NOW,
        )
    async with session_factory.begin() as session:
        granted = await staff.redeem_invite(
            session, token="tok-facil", telegram_user_id=42, name="Fasilitator", now=LATER
        )
    assert (granted.role, granted.workshop_id) == ("facilitator", seeded.workshop_id)
    async with session_factory.begin() as session:
        # A redelivered update from the same user is harmless.
        again = await staff.redeem_invite(
            session, token="tok-facil", telegram_user_id=42, now=LATER
        )
    assert again.id == granted.id
    with pytest.raises(StaffInviteInvalid) as used:
        async with session_factory.begin() as session:
            await staff.redeem_invite(session, token="tok-facil", telegram_user_id=43, now=LATER)
    assert used.value.reason == "used"
    with pytest.raises(StaffInviteInvalid) as unknown:
        async with session_factory.begin() as session:
            await staff.redeem_invite(session, token="nope", telegram_user_id=43, now=LATER)
    assert unknown.value.reason == "unknown"


async def test_expired_staff_invite_is_refused(session_factory: Factory, seeded: Seeded) -> None:
    async with session_factory.begin() as session:
        await staff.create_invite(
            session, token="tok-org", role="organiser", expires_at=LATER, now=NOW
        )
    with pytest.raises(StaffInviteInvalid) as expired:
        async with session_factory.begin() as session:
            await staff.redeem_invite(session, token="tok-org", telegram_user_id=42, now=LATER)
    assert expired.value.reason == "expired"
