from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Participant
from storage.repositories import broadcasts, code_attempts, participants, reminders, updates
from storage.repositories.updates import UpdateKey
from tests.storage.conftest import NOW, Seeded

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
        assert await reminders.was_sent(
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
        assert not await reminders.was_sent(
            session, recipient_kind="participant", recipient_id=pid, reminder_key="k"
        )
        assert await _claim(session, seeded, "k")


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
        stored = await broadcasts.get_broadcast(session, broadcast.id)
    # Citra never bound her account, so she cannot be messaged.
    assert counts == {"queued": 2, "sending": 0, "sent": 0, "failed": 0, "blocked": 0}
    assert stored is not None and stored.status == "queued"


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
        running = await broadcasts.get_broadcast(session, broadcast.id)
        assert running is not None and running.status == "running"
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
        listed = await broadcasts.list_broadcasts(session)
    assert counts["sent"] == 1 and counts["blocked"] == 1
    assert listed[0].status == "done" and listed[0].finished_at == t1


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
