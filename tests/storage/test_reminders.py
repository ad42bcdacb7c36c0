"""Reminder claims: each reminder goes to a recipient at most once, unless released."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import reminders
from tests.storage.conftest import NOW, Seeded, reminder_claimed

Factory = async_sessionmaker[AsyncSession]


async def _claim(
    session: AsyncSession, seeded: Seeded, key: str, kind: str = "participant"
) -> bool:
    return await reminders.record_sent(
        session,
        recipient_kind=kind,
        recipient_id=seeded.participant_ids[0],
        workshop_id=seeded.workshop_id,
        reminder_key=key,
        now=NOW,
    )


async def test_reminder_is_claimed_once_per_recipient_and_key(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        assert await _claim(session, seeded, "break-1")
        assert not await _claim(session, seeded, "break-1")
        assert await _claim(session, seeded, "break-2")
        # Staff and participant ids are separate sequences: same number, other recipient.
        assert await _claim(session, seeded, "break-1", kind="staff")
        assert await reminder_claimed(
            session,
            recipient_kind="participant",
            recipient_id=seeded.participant_ids[0],
            reminder_key="break-1",
        )


async def test_concurrent_reminder_claims_let_exactly_one_sender_through(
    session_factory: Factory, seeded: Seeded
) -> None:
    async def claim() -> bool:
        async with session_factory.begin() as session:
            return await reminders.record_sent(
                session,
                recipient_kind="participant",
                recipient_id=seeded.participant_ids[0],
                workshop_id=seeded.workshop_id,
                reminder_key="closing",
                now=NOW,
            )

    results = await asyncio.gather(*(claim() for _ in range(6)))
    assert results.count(True) == 1


async def test_released_reminder_can_be_claimed_again(
    session_factory: Factory, seeded: Seeded
) -> None:
    pid = seeded.participant_ids[0]
    async with session_factory.begin() as session:
        assert await _claim(session, seeded, "k")
        assert await reminders.release(
            session, recipient_kind="participant", recipient_id=pid, reminder_key="k"
        )
        assert not await reminder_claimed(
            session, recipient_kind="participant", recipient_id=pid, reminder_key="k"
        )
        assert await _claim(session, seeded, "k")


async def test_an_unconfirmed_claim_is_taken_over_after_its_lease_and_a_confirmed_one_never(
    session_factory: Factory, seeded: Seeded
) -> None:
    pid = seeded.participant_ids[0]
    key = {"recipient_kind": "participant", "recipient_id": pid, "reminder_key": "export:1:x"}
    async with session_factory.begin() as session:
        assert await reminders.record_sent(session, workshop_id=seeded.workshop_id, now=NOW, **key)
    lease = reminders.CLAIM_LEASE
    async with session_factory.begin() as session:
        assert not await reminders.record_sent(
            session, workshop_id=seeded.workshop_id, now=NOW + lease / 2, **key
        ), "within the lease the first claimer may still be sending"
        left = await reminders.pending(session, key_prefix="export:", older_than=NOW + lease)
        assert [row.recipient_id for row in left] == [pid]
    async with session_factory.begin() as session:
        assert await reminders.record_sent(
            session, workshop_id=seeded.workshop_id, now=NOW + lease * 2, **key
        ), "its sender died: taken over"
        await reminders.confirm(session, now=NOW + lease * 2, **key)
    async with session_factory.begin() as session:
        assert not await reminders.record_sent(
            session, workshop_id=seeded.workshop_id, now=NOW + lease * 10, **key
        )
        assert (
            await reminders.pending(session, key_prefix="export:", older_than=NOW + lease * 20)
            == []
        )
