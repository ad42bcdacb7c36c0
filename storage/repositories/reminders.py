"""Reminders claimed before sending, so no reminder ever goes out twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RecipientKind, ReminderSent
from storage.repositories._conflict import insert_ignoring_conflict


async def record_sent(
    session: AsyncSession,
    *,
    recipient_kind: RecipientKind | str,
    recipient_id: int,
    workshop_id: int,
    reminder_key: str,
    now: dt.datetime,
) -> bool:
    """Claim the reminder for the recipient; return False if it was already claimed.

    Claim in a transaction committed BEFORE sending: of two processes (or a process and
    its restart) only one gets True, so a reminder is sent at most once.
    """
    inserted = await insert_ignoring_conflict(
        session,
        ReminderSent,
        {
            "recipient_kind": RecipientKind(recipient_kind).value,
            "recipient_id": recipient_id,
            "workshop_id": workshop_id,
            "reminder_key": reminder_key,
            "sent_at": now,
        },
        conflict_columns=("recipient_kind", "recipient_id", "reminder_key"),
        returning=ReminderSent.id,
    )
    return inserted is not None


async def release(
    session: AsyncSession,
    *,
    recipient_kind: RecipientKind | str,
    recipient_id: int,
    reminder_key: str,
) -> bool:
    """Drop a claim whose send failed before reaching Telegram, so it can be retried."""
    deleted = await session.scalars(
        delete(ReminderSent)
        .where(*_key(recipient_kind, recipient_id, reminder_key))
        .returning(ReminderSent.id)
    )
    return bool(deleted.all())


def _key(
    recipient_kind: RecipientKind | str, recipient_id: int, reminder_key: str
) -> tuple[ColumnElement[bool], ...]:
    return (
        ReminderSent.recipient_kind == RecipientKind(recipient_kind).value,
        ReminderSent.recipient_id == recipient_id,
        ReminderSent.reminder_key == reminder_key,
    )
