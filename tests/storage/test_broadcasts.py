"""Broadcasts and their deliveries: queued per bound participant, claimed, retried, done."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Participant
from storage.repositories import broadcasts, participants
from tests.storage.conftest import NOW, Seeded, broadcast_row

Factory = async_sessionmaker[AsyncSession]


async def _bound_participants(session_factory: Factory, seeded: Seeded) -> list[Participant]:
    async with session_factory.begin() as session:
        first, second, _ = seeded.participant_ids
        await participants.bind_telegram_user(session, first, 501, NOW)
        await participants.bind_telegram_user(session, second, 502, NOW)
        return await participants.list_for_workshop(session, seeded.workshop_id)


async def test_broadcast_gets_a_queued_delivery_per_bound_participant(
    session_factory: Factory, seeded: Seeded
) -> None:
    people = await _bound_participants(session_factory, seeded)
    async with session_factory.begin() as session:
        broadcast = await broadcasts.create_broadcast(
            session,
            workshop_id=seeded.workshop_id,
            created_by_telegram_user_id=1,
            audience={"workshop": seeded.workshop_id, "status": "any"},
            text="Mohon isi kuesioner sebelum penutupan.",
            participants=people,
            now=NOW,
        )
    async with session_factory.begin() as session:
        counts = await broadcasts.delivery_counts(session, broadcast.id)
        stored = await broadcast_row(session, broadcast.id)
    # Citra never bound her account, so she cannot be messaged.
    assert counts == {"queued": 2, "sending": 0, "sent": 0, "failed": 0, "blocked": 0}
    assert stored.status == "queued"


async def test_delivery_lifecycle_claim_send_fail_retry_and_finish(
    session_factory: Factory, seeded: Seeded
) -> None:
    people = await _bound_participants(session_factory, seeded)
    async with session_factory.begin() as session:
        broadcast = await broadcasts.create_broadcast(
            session,
            workshop_id=None,
            created_by_telegram_user_id=1,
            audience={"all": True},
            text="Halo",
            participants=people,
            now=NOW,
        )
    t1 = NOW + dt.timedelta(seconds=1)
    async with session_factory.begin() as session:
        claimed = await broadcasts.claim_next_deliveries(session, now=t1, limit=10)
        assert [d.chat_id for d in claimed] == [501, 502]
        assert all(d.status == "sending" and d.attempts == 1 for d in claimed)
    async with session_factory.begin() as session:
        # Nothing left to claim while both are being sent.
        assert await broadcasts.claim_next_deliveries(session, now=t1, limit=10) == []
        running = await broadcast_row(session, broadcast.id)
        assert running.status == "running"
        await broadcasts.mark_sent(session, claimed[0].id, telegram_message_id=77, now=t1)
        await broadcasts.mark_failed(
            session,
            claimed[1].id,
            error="429 retry after 5",
            retry_at=t1 + dt.timedelta(seconds=5),
            now=t1,
        )
        assert not await broadcasts.finish_if_complete(session, broadcast.id, t1)
    async with session_factory.begin() as session:
        # Flood control: not due yet.
        assert await broadcasts.claim_next_deliveries(session, now=t1, limit=10) == []
        retried = await broadcasts.claim_next_deliveries(
            session, now=t1 + dt.timedelta(seconds=5), limit=10, broadcast_id=broadcast.id
        )
        assert [(d.chat_id, d.attempts) for d in retried] == [(502, 2)]
        await broadcasts.mark_failed(
            session, retried[0].id, error="403 blocked", blocked=True, now=t1
        )
        assert await broadcasts.finish_if_complete(session, broadcast.id, t1)
    async with session_factory.begin() as session:
        counts = await broadcasts.delivery_counts(session, broadcast.id)
        finished = await broadcast_row(session, broadcast.id)
    assert counts["sent"] == 1 and counts["blocked"] == 1
    assert finished.status == "done" and finished.finished_at == t1


async def test_stale_sending_deliveries_are_requeued(
    session_factory: Factory, seeded: Seeded
) -> None:
    people = await _bound_participants(session_factory, seeded)
    async with session_factory.begin() as session:
        broadcast = await broadcasts.create_broadcast(
            session,
            workshop_id=seeded.workshop_id,
            created_by_telegram_user_id=1,
            audience={},
            text="x",
            participants=people,
            now=NOW,
        )
        await broadcasts.claim_next_deliveries(session, now=NOW, limit=1)
    later = NOW + dt.timedelta(minutes=10)
    async with session_factory.begin() as session:
        assert (
            await broadcasts.requeue_stale_sending(
                session, claimed_before=NOW - dt.timedelta(minutes=1), now=later
            )
            == 0
        )
        assert (
            await broadcasts.requeue_stale_sending(
                session, claimed_before=later - dt.timedelta(minutes=5), now=later
            )
            == 1
        )
        counts = await broadcasts.delivery_counts(session, broadcast.id)
    assert counts["queued"] == 2
