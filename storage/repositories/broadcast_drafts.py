"""Staff broadcast drafts: one per Telegram user, between choosing the audience and sending."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import BroadcastDraft


async def start_draft(
    session: AsyncSession, *, telegram_user_id: int, audience: dict[str, Any], now: dt.datetime
) -> BroadcastDraft:
    """Start a new draft for the user, replacing any earlier one (the new one gets a new id)."""
    await discard(session, telegram_user_id)
    draft = BroadcastDraft(
        telegram_user_id=telegram_user_id, audience=audience, text=None, updated_at=now
    )
    session.add(draft)
    await session.flush()
    return draft


async def get_draft(
    session: AsyncSession, telegram_user_id: int, *, lock: bool = False
) -> BroadcastDraft | None:
    """Return the user's draft, or None."""
    statement = select(BroadcastDraft).where(BroadcastDraft.telegram_user_id == telegram_user_id)
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement.execution_options(populate_existing=lock))


async def set_text(
    session: AsyncSession, draft: BroadcastDraft, text: str, now: dt.datetime
) -> BroadcastDraft:
    """Store the message text of the draft."""
    draft.text = text
    draft.updated_at = now
    await session.flush()
    return draft


async def discard(session: AsyncSession, telegram_user_id: int) -> bool:
    """Delete the user's draft; return whether there was one."""
    deleted = await session.scalars(
        delete(BroadcastDraft)
        .where(BroadcastDraft.telegram_user_id == telegram_user_id)
        .returning(BroadcastDraft.id)
    )
    return bool(deleted.all())
