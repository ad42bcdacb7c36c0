"""Reminders, nudges and exports claimed before sending, confirmed after: never twice or lost."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RecipientKind, ReminderSent
from storage.repositories._conflict import insert_ignoring_conflict

# A claim not confirmed this long after it was taken belongs to a process that died mid-send.
CLAIM_LEASE = dt.timedelta(seconds=40)


async def record_sent(
    session: AsyncSession,
    *,
    recipient_kind: RecipientKind | str,
    recipient_id: int,
    workshop_id: int,
    reminder_key: str,
    now: dt.datetime,
    lease: dt.timedelta | None = CLAIM_LEASE,
) -> bool:
    """Claim the reminder for the recipient; return False if it is claimed already.

    Claim in a transaction committed BEFORE sending: of two processes (or a process and
    its restart) only one gets True. Confirm the claim after the send (`confirm`); a claim
    left unconfirmed for `lease` (its sender died before the send ended) is taken over,
    so a crash delays a reminder but does not lose it. `lease=None` never takes over.
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
    if inserted is not None:
        return True
    if lease is None:
        return False
    taken_over = await session.scalars(
        update(ReminderSent)
        .where(
            *_key(recipient_kind, recipient_id, reminder_key),
            ReminderSent.confirmed_at.is_(None),
            ReminderSent.sent_at < now - lease,
        )
        .values(sent_at=now)
        .returning(ReminderSent.id)
    )
    return taken_over.first() is not None


async def confirm(
    session: AsyncSession,
    *,
    recipient_kind: RecipientKind | str,
    recipient_id: int,
    reminder_key: str,
    now: dt.datetime,
) -> None:
    """Marks a claim done: its send succeeded (or may have; it is never sent again)."""
    await session.execute(
        update(ReminderSent)
        .where(*_key(recipient_kind, recipient_id, reminder_key))
        .values(confirmed_at=now)
    )


async def pending(
    session: AsyncSession, *, key_prefix: str, older_than: dt.datetime
) -> list[ReminderSent]:
    """Claims under `key_prefix` taken before `older_than` and never confirmed."""
    rows = await session.scalars(
        select(ReminderSent).where(
            ReminderSent.reminder_key.startswith(key_prefix, autoescape=True),
            ReminderSent.confirmed_at.is_(None),
            ReminderSent.sent_at < older_than,
        )
    )
    return list(rows.all())


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
