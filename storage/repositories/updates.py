"""Deduplication of Telegram updates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Executor
from storage.models import ProcessedUpdate
from storage.repositories._conflict import insert_ignoring_conflict


async def mark_processed(session: Executor, update_id: int, now: dt.datetime) -> bool:
    """Record the update as handled; return False if it already was.

    Call it in the same transaction as the update's effect: if the effect rolls back,
    so does the mark, and a redelivery is handled again rather than lost.
    """
    inserted = await insert_ignoring_conflict(
        session,
        ProcessedUpdate,
        {"update_id": update_id, "processed_at": now},
        conflict_columns=("update_id",),
        returning=ProcessedUpdate.update_id,
    )
    return inserted is not None


async def prune_processed_updates(session: AsyncSession, older_than: dt.datetime) -> int:
    """Forget updates processed before the cut-off; return how many were removed.

    Telegram redelivers only recent updates, and may restart update ids after a week
    without updates, so old ids are both useless and a risk of false duplicates.
    """
    deleted = await session.scalars(
        delete(ProcessedUpdate)
        .where(ProcessedUpdate.processed_at < older_than)
        .returning(ProcessedUpdate.update_id)
    )
    return len(deleted.all())
