"""Organiser broadcasts and their per-participant deliveries (a durable send queue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastStatus,
    DeliveryStatus,
    Participant,
)

_PENDING = (DeliveryStatus.QUEUED.value, DeliveryStatus.SENDING.value)


async def create_broadcast(
    session: AsyncSession,
    *,
    workshop_id: int | None,
    created_by_telegram_user_id: int,
    audience: dict[str, Any],
    text: str,
    participants: Sequence[Participant],
    now: dt.datetime,
) -> Broadcast:
    """Create a broadcast with one queued delivery per participant bound to Telegram.

    Participants without a Telegram account cannot be messaged and get no delivery.
    """
    broadcast = Broadcast(
        workshop_id=workshop_id,
        created_by_telegram_user_id=created_by_telegram_user_id,
        audience=audience,
        text=text,
        status=BroadcastStatus.QUEUED.value,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    rows = [
        {
            "broadcast_id": broadcast.id,
            "participant_id": participant.id,
            "chat_id": participant.telegram_user_id,
            "status": DeliveryStatus.QUEUED.value,
            "attempts": 0,
            "updated_at": now,
        }
        for participant in {p.id: p for p in participants}.values()
        if participant.telegram_user_id is not None
    ]
    if rows:
        # One executemany for the whole audience (up to ~1,400 rows).
        await session.execute(insert(BroadcastDelivery), rows)
    return broadcast


async def claim_next_deliveries(
    session: AsyncSession, *, now: dt.datetime, limit: int, broadcast_id: int | None = None
) -> list[BroadcastDelivery]:
    """Move up to ``limit`` due queued deliveries to 'sending' and return them, oldest first.

    Commit the claim before sending. On PostgreSQL, SKIP LOCKED lets several senders
    claim disjoint batches at once; SQLite's write lock serialises claimers anyway.
    """
    statement = (
        select(BroadcastDelivery)
        .where(
            BroadcastDelivery.status == DeliveryStatus.QUEUED.value,
            or_(BroadcastDelivery.not_before.is_(None), BroadcastDelivery.not_before <= now),
        )
        .order_by(BroadcastDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if broadcast_id is not None:
        statement = statement.where(BroadcastDelivery.broadcast_id == broadcast_id)
    deliveries = list((await session.scalars(statement)).all())
    for delivery in deliveries:
        delivery.status = DeliveryStatus.SENDING.value
        delivery.attempts += 1
        delivery.updated_at = now
    broadcast_ids = {delivery.broadcast_id for delivery in deliveries}
    if broadcast_ids:
        await session.execute(
            update(Broadcast)
            .where(
                Broadcast.id.in_(broadcast_ids),
                Broadcast.status == BroadcastStatus.QUEUED.value,
            )
            .values(status=BroadcastStatus.RUNNING.value)
        )
    await session.flush()
    return deliveries


async def mark_sent(
    session: AsyncSession, delivery_id: int, *, telegram_message_id: int, now: dt.datetime
) -> BroadcastDelivery:
    """Record a successful send."""
    delivery = await _require(session, delivery_id)
    delivery.status = DeliveryStatus.SENT.value
    delivery.telegram_message_id = telegram_message_id
    delivery.last_error = None
    delivery.updated_at = now
    await session.flush()
    return delivery


async def mark_failed(
    session: AsyncSession,
    delivery_id: int,
    *,
    error: str,
    now: dt.datetime,
    blocked: bool = False,
    retry_at: dt.datetime | None = None,
) -> BroadcastDelivery:
    """Record a failed send: retry later (``retry_at``), blocked by the user, or final."""
    delivery = await _require(session, delivery_id)
    if retry_at is not None and not blocked:
        delivery.status = DeliveryStatus.QUEUED.value
        delivery.not_before = retry_at
    else:
        delivery.status = (DeliveryStatus.BLOCKED if blocked else DeliveryStatus.FAILED).value
    delivery.last_error = error
    delivery.updated_at = now
    await session.flush()
    return delivery


async def requeue_stale_sending(
    session: AsyncSession, *, claimed_before: dt.datetime, now: dt.datetime
) -> int:
    """Requeue deliveries left 'sending' by a sender that died; return how many.

    This trades a possible duplicate message for never silently dropping one; choose
    ``claimed_before`` well beyond the time one send can take.
    """
    requeued = await session.scalars(
        update(BroadcastDelivery)
        .where(
            BroadcastDelivery.status == DeliveryStatus.SENDING.value,
            BroadcastDelivery.updated_at < claimed_before,
        )
        .values(status=DeliveryStatus.QUEUED.value, updated_at=now)
        .returning(BroadcastDelivery.id)
    )
    return len(requeued.all())


async def delivery_counts(session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    """Return the number of deliveries in each status (every status present, maybe 0)."""
    rows = await session.execute(
        select(BroadcastDelivery.status, func.count())
        .where(BroadcastDelivery.broadcast_id == broadcast_id)
        .group_by(BroadcastDelivery.status)
    )
    counts = {status.value: 0 for status in DeliveryStatus}
    counts.update({status: count for status, count in rows})
    return counts


async def finish_if_complete(session: AsyncSession, broadcast_id: int, now: dt.datetime) -> bool:
    """Mark the broadcast done once no delivery is queued or sending; return whether done."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound(f"broadcast {broadcast_id} does not exist")
    if broadcast.status == BroadcastStatus.DONE.value:
        return True
    pending = await session.scalar(
        select(BroadcastDelivery.id)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.status.in_(_PENDING),
        )
        .limit(1)
    )
    if pending is not None:
        return False
    broadcast.status = BroadcastStatus.DONE.value
    broadcast.finished_at = now
    await session.flush()
    return True


async def _require(session: AsyncSession, delivery_id: int) -> BroadcastDelivery:
    delivery = await session.get(BroadcastDelivery, delivery_id)
    if delivery is None:
        raise NotFound(f"broadcast delivery {delivery_id} does not exist")
    return delivery
