"""Updates PTB cannot read are skipped, and polling goes on.

A known update kind with an unexpected shape makes PTB's getUpdates fail for the whole
batch; without `bot.telegram.tolerant_bot` the updater asked for the same batch again and again and
no later update was ever handled.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram import Update

from bot.clock import SystemClock
from sandbox import Sandbox
from tests.e2e.harness import bot_settings, running_bot

SECRET_TEXT = "isi rahasia peserta"

UNREADABLE: list[dict[str, Any]] = [
    # a message without its date
    {
        "message": {
            "message_id": 1,
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "X"},
            "text": SECRET_TEXT,
        }
    },
    # a business message that is a string
    {"business_message": SECRET_TEXT},
    # a callback query whose message is a number
    {
        "callback_query": {
            "id": "1",
            "from": {"id": 5, "is_bot": False, "first_name": "X"},
            "chat_instance": "1",
            "message": 42,
            "data": "a:1:1",
        }
    },
]


def _readable(update: dict[str, Any]) -> bool:
    try:
        Update.de_json({**update, "update_id": 1}, None)
    except Exception:
        return False
    return True


async def test_unreadable_updates_are_skipped_and_later_ones_handled(
    sandbox: Sandbox, migrated_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert not any(_readable(update) for update in UNREADABLE)  # each one breaks PTB's read
    caplog.set_level(logging.INFO)
    person = await sandbox.client.create_user("Dewi", language_code="id")
    async with running_bot(bot_settings(migrated_db_url, sandbox), SystemClock()):
        skipped = [await sandbox.client.inject_update(update) for update in UNREADABLE]
        sent = await sandbox.client.send(person, "/bantuan")
        reply = await sandbox.client.wait(person, since=sent.event_id, timeout=15)
        # Polling went past the bad updates: the help text came.
        assert not reply.timed_out
        assert any("/lanjut" in message.text for message in reply.messages)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for update_id in skipped:
        assert f"update {update_id} could not be read and is skipped" in logged
    # What a person wrote is not copied into our own log lines.
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bot.")]
    assert not any(SECRET_TEXT in line for line in ours)


PERSONAL = ("Siti Rahmawati", "+6281234567890", "jawaban rahasia 7 tahun")


async def test_no_log_line_at_any_level_from_info_holds_what_people_sent(
    sandbox: Sandbox, migrated_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    name, phone, answer = PERSONAL
    bad = {
        "message": {
            "message_id": 9,
            "chat": {"id": 77, "type": "private"},
            "from": {"id": 77, "is_bot": False, "first_name": name},
            "text": f"{answer} {phone}",
        }
    }
    caplog.set_level(logging.INFO)
    person = await sandbox.client.create_user(name, language_code="id")
    async with running_bot(bot_settings(migrated_db_url, sandbox), SystemClock()):
        await sandbox.client.send(person, f"{answer} {phone}")
        await sandbox.client.inject_update(bad)
        sent = await sandbox.client.send(person, "/bantuan")
        reply = await sandbox.client.wait(person, since=sent.event_id, timeout=15)
        assert not reply.timed_out
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    everything = "\n".join(lines)
    assert "could not be read and is skipped" in everything  # the bad update was logged
    for secret in PERSONAL:
        assert secret not in everything, f"{secret!r} reached a log line"
