"""A real PTB Application polling the sandbox through base_url, as it would poll Telegram."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import RetryAfter
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from sandbox import Sandbox, SandboxClient
from tests.sandbox.conftest import build_application, polling, started_user

REPORT = b"arena,score\ngovernment,4.2\n"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets the participant and asks the first question."""
    assert update.effective_message is not None and update.effective_user is not None
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Ya", callback_data="q1:yes")],
            [InlineKeyboardButton("Tidak", callback_data="q1:no")],
        ]
    )
    await update.effective_message.reply_text(
        f"Halo <b>{update.effective_user.first_name}</b>! Setuju?",
        parse_mode="HTML",
        reply_markup=keyboard,
    )


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Records the choice, shows it in place of the question and sends the report."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer("Tersimpan")
    await query.edit_message_text(f"Jawaban: {query.data}")
    await context.bot.send_document(query.message.chat.id, REPORT, filename="laporan.csv")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeats the text back."""
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text.upper())


def _retry_seconds(error: RetryAfter) -> float:
    # PTB 22 still gives an int here (a timedelta later).
    value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _application(sandbox: Sandbox) -> Any:
    application = build_application(sandbox)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(answer))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


async def test_command_button_edit_and_document_round_trip(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    async with polling(_application(sandbox)):
        person = await client.participant("Budi", language_code="id")
        await person.send("/start")
        greeting = (await person.wait(5)).messages[0]
        assert greeting.text == "Halo Budi! Setuju?"
        assert greeting.button_texts == ["Ya", "Tidak"]

        press = await person.press("Tidak")
        kinds: list[str] = []
        while "sent" not in kinds:
            kinds += [event.kind for event in (await person.wait(5)).events]

    assert kinds == ["callback_answered", "edited", "sent"]
    answer_seen = await client.callback_answer(press.callback_query_id)
    assert answer_seen.answered and answer_seen.text == "Tersimpan"
    chat = await person.chat()
    assert [(m.sender, m.text, m.edited) for m in chat] == [
        ("user", "/start", False),
        ("bot", "Jawaban: q1:no", True),
        ("bot", "", False),
    ]
    assert chat[1].buttons == []
    document = chat[2].document
    assert document is not None and document.file_name == "laporan.csv"
    assert await client.file_bytes(document.file_id) == REPORT


async def test_many_people_are_served_concurrently(sandbox: Sandbox, client: SandboxClient) -> None:
    async with polling(_application(sandbox)):
        people = [await client.participant(f"Peserta {n}") for n in range(20)]

        async def converse(number: int) -> str:
            person = people[number]
            await person.send(f"halo {number}")
            return (await person.wait(5)).messages[0].text

        replies = await asyncio.gather(*(converse(n) for n in range(20)))

    assert replies == [f"HALO {n}" for n in range(20)]


async def test_updates_sent_while_the_bot_is_down_are_delivered_after_restart(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    person = await client.participant("Sari")
    async with polling(_application(sandbox)):
        await person.send("pertama")
        await person.wait(5)

    await person.send("kedua")  # nobody polls now: the update waits, unacknowledged
    stats = await client.stats()
    assert stats["updates"]["pending"] == 1

    async with polling(_application(sandbox)):
        assert (await person.wait(5)).messages[0].text == "KEDUA"


async def test_fetched_but_unacknowledged_updates_are_redelivered_to_ptb(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    async with build_application(sandbox).bot as bot:
        first = await bot.get_updates(timeout=0)
        again = await bot.get_updates(timeout=0)
        acknowledged = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)

    assert [u.update_id for u in first] == [u.update_id for u in again]
    assert first[0].effective_user is not None and first[0].effective_user.id == user_id
    assert acknowledged == ()


# PTB 22.2+ warns from inside RetryAfter itself about retry_after becoming a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_burst_over_the_rate_limit_gets_429s_that_match_the_stats(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    user_ids = [await started_user(client, f"Peserta {n}") for n in range(10)]
    # Two a second overall: 100 sends at once meet the limit however slow the machine.
    await client.set_limits(global_per_second=2)

    async with build_application(sandbox).bot as bot:
        outcomes = await asyncio.gather(
            *(bot.send_message(user_ids[n % 10], f"pesan {n}") for n in range(100)),
            return_exceptions=True,
        )

    limited = [o for o in outcomes if isinstance(o, RetryAfter)]
    delivered = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(limited) + len(delivered) == 100
    assert len(delivered) >= 2 and limited
    assert all(_retry_seconds(error) >= 1 for error in limited)
    stats = await client.stats()
    assert stats["rate_limited"] == stats["too_many_requests"] == len(limited)
    assert stats["ok"]["sendMessage"] == len(delivered)
    assert stats["calls"]["sendMessage"] == 100
