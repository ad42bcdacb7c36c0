"""The apology after a failed update is written in the person's language, even while
another writer holds SQLite's write lock (a burst of answers is when updates fail)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from types import SimpleNamespace
from typing import cast

import pytest
from sqlalchemy.engine import make_url
from telegram import Chat, Message, Update, User

from bot.context import WipContext
from bot.handlers.errors import _language
from storage import sqlite_inline
from storage.db import create_engine, create_session_factory
from storage.repositories import participants as participant_repo
from tests.e2e.harness import seed_workshop

DAY = dt.date(2026, 12, 3)
USER = 4343


# SQLite's single write lock is what the apology once waited for; PostgreSQL has none.
@pytest.mark.parametrize("migrated_db_url", ["sqlite"], indirect=True)
async def test_the_apologys_language_is_read_while_another_writer_holds_the_lock(
    migrated_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = await seed_workshop(migrated_db_url, day=DAY, people=[("Siti Aminah", "government")])
    engine = create_engine(migrated_db_url)
    sessions = create_session_factory(engine)
    now = dt.datetime.now(dt.UTC)
    async with sessions.begin() as session:
        participant_id = seeded.invitees[0].participant_id
        await participant_repo.bind_telegram_user(session, participant_id, USER, now)
        await participant_repo.set_language(session, participant_id, "en")
    # A writer that would wait out the whole busy deadline gives up at once instead.
    monkeypatch.setattr(sqlite_inline, "BUSY_DEADLINE_SECONDS", 0.2)
    await engine.dispose()
    context = cast(
        WipContext,
        SimpleNamespace(
            services=SimpleNamespace(
                sessions=sessions, read_sessions=create_session_factory(engine, read_only=True)
            )
        ),
    )
    chat = Chat(USER, Chat.PRIVATE)
    user = User(USER, "Siti", is_bot=False, language_code="id")
    update = Update(1, message=Message(1, now, chat, from_user=user, text="/lanjut"))
    writer = sqlite3.connect(str(make_url(migrated_db_url).database), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another transaction is writing
        assert await _language(update, context) == "en"
    finally:
        writer.rollback()
        writer.close()
        await engine.dispose()
