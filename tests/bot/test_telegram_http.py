"""The aiohttp transport behaves towards PTB as its httpx transport does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.telegram.http import AiohttpRequest
from sandbox import Fault, Sandbox, SandboxClient

TOKEN = "4242:sandbox-transport-token"


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox whose 'timeout' faults hold the answer back for 2 s."""
    async with Sandbox(token=TOKEN, timeout_fault_delay=2.0) as sb:
        yield sb


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    """A PTB Bot on the aiohttp transport with a small pool and a 1 s read timeout."""
    request = AiohttpRequest(connection_pool_size=4, read_timeout=1.0)
    async with Bot(
        TOKEN,
        base_url=sandbox.base_url,
        base_file_url=sandbox.base_file_url,
        request=request,
        get_updates_request=AiohttpRequest(read_timeout=5.0),
    ) as ready:
        yield ready


async def _person(client: SandboxClient) -> int:
    user_id = await client.create_user("Rina", language_code="id")
    await client.send(user_id, "/start")
    return user_id


async def test_messages_with_keyboards_edits_and_button_answers_round_trip(
    bot: Bot, sandbox: Sandbox
) -> None:
    user_id = await _person(sandbox.client)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="a:1:1")]])
    sent = await bot.send_message(
        user_id, "<b>Siap?</b> & ‘kutip’", parse_mode="HTML", reply_markup=keyboard
    )
    pressed = await sandbox.client.press(user_id, text="Ya")
    assert await bot.answer_callback_query(pressed.callback_query_id, text="✓")
    await bot.edit_message_text("✅ Jawaban: Ya", chat_id=user_id, message_id=sent.message_id)

    chat = await sandbox.client.chat(user_id)
    assert chat[-1].text == "✅ Jawaban: Ya" and chat[-1].edited and not chat[-1].buttons
    assert (await sandbox.client.callback_answer(pressed.callback_query_id)).text == "✓"


async def test_documents_are_uploaded_as_multipart_with_name_and_bytes(
    bot: Bot, sandbox: Sandbox
) -> None:
    user_id = await _person(sandbox.client)
    payload = b"nama;nilai\nSiti;7\n" * 1000
    message = await bot.send_document(
        user_id, payload, filename="hasil.csv", caption="Ekspor", read_timeout=5
    )
    assert message.document is not None and message.document.file_name == "hasil.csv"
    chat = await sandbox.client.chat(user_id)
    assert chat[-1].document is not None and chat[-1].text == "Ekspor"
    assert await sandbox.client.file_bytes(chat[-1].document.file_id) == payload


async def test_a_held_back_answer_is_a_timeout_although_the_message_was_delivered(
    bot: Bot, sandbox: Sandbox
) -> None:
    user_id = await _person(sandbox.client)
    await sandbox.client.set_faults(Fault("sendMessage", "timeout", count=1))
    with pytest.raises(TimedOut):
        await bot.send_message(user_id, "Halo")
    # Telegram may well have delivered it: TimedOut never means "not sent".
    assert (await sandbox.client.chat(user_id))[-1].text == "Halo"


async def test_a_dropped_connection_is_a_network_error_not_a_timeout(
    bot: Bot, sandbox: Sandbox
) -> None:
    user_id = await _person(sandbox.client)
    await sandbox.client.set_faults(Fault("sendMessage", "drop", count=1))
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(user_id, "Halo")
    assert not isinstance(raised.value, TimedOut)
    assert await bot.send_message(user_id, "Halo lagi")


async def test_http_errors_map_as_with_httpx_server_errors_flood_control_bad_requests(
    bot: Bot, sandbox: Sandbox
) -> None:
    user_id = await _person(sandbox.client)
    await sandbox.client.set_faults(Fault("sendMessage", "502", count=1))
    with pytest.raises(NetworkError):
        await bot.send_message(user_id, "Halo")
    await sandbox.client.set_faults(Fault("sendMessage", "429", count=1, retry_after=3))
    with pytest.raises(RetryAfter, match="Retry in 3"):
        await bot.send_message(user_id, "Halo")
    sent = await bot.send_message(user_id, "Sama")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Sama", chat_id=user_id, message_id=sent.message_id)


async def test_more_concurrent_calls_than_pooled_connections_all_complete(
    bot: Bot, sandbox: Sandbox
) -> None:
    # 16 calls on 4 pooled connections, one per chat: within Telegram's ~30/s overall and
    # its per-chat burst, so every call must get through without a 429.
    users = [await _person(sandbox.client) for _ in range(16)]
    await asyncio.gather(*(bot.send_message(u, f"Pesan {n}") for n, u in enumerate(users)))
    for n, user_id in enumerate(users):
        texts = [m.text for m in await sandbox.client.chat(user_id) if m.from_bot]
        assert texts == [f"Pesan {n}"]


async def test_an_uninitialised_transport_refuses_to_send() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/bot/getMe", "POST")
