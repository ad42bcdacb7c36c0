"""Deduplication of Telegram updates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Executor
from storage.models import ProcessedUpdate
from storage.repositories._conflict import insert_ignoring_conflict


@dataclass(frozen=True)
class UpdateKey:
    """What tells one Telegram update from another: its id and what it was about.

    The fingerprint (e.g. chat and message id, or a callback query's id) keeps a new update
    whose id Telegram reused after restarting its sequence from passing for a duplicate.
    """

    update_id: int
    fingerprint: str = ""


async def mark_processed(session: Executor, update: UpdateKey, now: dt.datetime) -> bool:
    """Record the update as handled; return False if it already was.

    Call it in the same transaction as the update's effect: if the effect rolls back,
    so does the mark, and a redelivery is handled again rather than lost.
    """
    inserted = await insert_ignoring_conflict(
        session,
        ProcessedUpdate,
        {"update_id": update.update_id, "fingerprint": update.fingerprint, "processed_at": now},
        conflict_columns=("update_id", "fingerprint"),
        returning=ProcessedUpdate.update_id,
    )
    return inserted is not None


async def prune_processed_updates(session: AsyncSession, older_than: dt.datetime) -> int:
    """Forget updates processed before the cut-off; return how many were removed.

    Telegram redelivers only recent updates (it keeps them for 24 hours), and may restart
    update ids after a week without updates, so old ids are useless; the bot's periodic
    tick prunes them (bot/outbound/reminders.py).
    """
    deleted = await session.scalars(
        delete(ProcessedUpdate)
        .where(ProcessedUpdate.processed_at < older_than)
        .returning(ProcessedUpdate.update_id)
    )
    return len(deleted.all())
