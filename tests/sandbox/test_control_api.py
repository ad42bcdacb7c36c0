"""The control API: people, presses, the chat view, waiting, injection and stats."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import Sandbox, SandboxClient, SandboxError, SandboxWaitTimeout
from tests.sandbox.conftest import RawApi, started_user


def _keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]]
    )


async def test_user_message_update_carries_sender_and_command_entity(
    client: SandboxClient, raw_api: RawApi
) -> None:
    user_id = await client.create_user("Budi", "Santoso", "budi_s", "id")

    sent = await client.send(user_id, "/start kode123")

    _, body = await raw_api("getUpdates")
    update = body["result"][0]
    assert update["update_id"] == sent.update_id
    message = update["message"]
    assert message["message_id"] == sent.message_id == 1
    assert message["chat"] == {
        "id": user_id,
        "type": "private",
        "first_name": "Budi",
        "last_name": "Santoso",
        "username": "budi_s",
    }
    assert message["from"]["language_code"] == "id"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_plain_text_has_no_entities(client: SandboxClient, raw_api: RawApi) -> None:
    user_id = await client.create_user("Sari")
    await client.send(user_id, "halo /start")

    _, body = await raw_api("getUpdates")

    assert "entities" not in body["result"][0]["message"]


async def test_press_sends_a_callback_query_with_the_current_message(
    bot: Bot, client: SandboxClient, raw_api: RawApi
) -> None:
    user_id = await started_user(client)
    sent = await bot.send_message(user_id, "Setuju?", reply_markup=_keyboard("Ya", "Tidak"))

    press = await client.press(user_id, text="Tidak")

    _, body = await raw_api("getUpdates", offset=press.update_id)
    query = body["result"][0]["callback_query"]
    assert query["id"] == press.callback_query_id
    assert query["data"] == "tidak"
    assert query["from"]["first_name"] == "Budi"
    assert query["chat_instance"]
    assert query["message"]["message_id"] == sent.message_id
    assert query["message"]["reply_markup"]["inline_keyboard"][0][1]["text"] == "Tidak"


async def test_press_defaults_to_the_newest_message_with_buttons(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    older = await bot.send_message(user_id, "Q1", reply_markup=_keyboard("A"))
    newer = await bot.send_message(user_id, "Q2", reply_markup=_keyboard("A"))
    await bot.send_message(user_id, "no buttons")

    assert (await client.press(user_id, callback_data="a")).message_id == newer.message_id
    await newer.edit_reply_markup(None)
    assert (await client.press(user_id, text="A")).message_id == older.message_id


async def test_a_person_cannot_press_what_is_not_shown(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    with pytest.raises(SandboxError) as nothing_shown:
        await client.press(user_id, text="Ya")
    sent = await bot.send_message(user_id, "Q", reply_markup=_keyboard("Ya"))

    with pytest.raises(SandboxError) as wrong_label:
        await client.press(user_id, text="Mungkin")
    await sent.edit_text("Q (answered)")
    with pytest.raises(SandboxError) as removed:
        await client.press(user_id, message_id=sent.message_id, text="Ya")

    assert {nothing_shown.value.status, wrong_label.value.status, removed.value.status} == {400}


async def test_callback_answer_is_tracked(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    await bot.send_message(user_id, "Q", reply_markup=_keyboard("Ya"))
    press = await client.press(user_id, text="Ya")
    assert not (await client.callback_answer(press.callback_query_id)).answered

    await bot.answer_callback_query(press.callback_query_id, "Tersimpan")

    answer = await client.callback_answer(press.callback_query_id)
    assert answer.answered and answer.text == "Tersimpan"
    assert (await client.stats())["callback_queries"] == {"pressed": 1, "answered": 1}


async def test_chat_view_applies_edits_and_deletions(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    first = await bot.send_message(user_id, "Q1", reply_markup=_keyboard("Ya"))
    second = await bot.send_message(user_id, "sementara")
    await first.edit_text("Q1: Ya")
    await second.delete()

    chat = await client.chat(user_id)

    assert [(m.sender, m.text, m.edited) for m in chat] == [
        ("user", "/start", False),
        ("bot", "Q1: Ya", True),
    ]


async def test_wait_returns_on_the_bots_next_message_not_after_a_sleep(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    sent = await client.send(user_id, "halo")
    waiting = asyncio.create_task(client.wait(user_id, after=sent.message_id, timeout=5))
    await asyncio.sleep(0.05)
    assert not waiting.done()

    await bot.send_message(user_id, "Halo juga")

    result = await asyncio.wait_for(waiting, 2)
    assert [m.text for m in result.messages] == ["Halo juga"]


async def test_wait_sees_an_edit_of_an_older_message(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    sent = await bot.send_message(user_id, "Q", reply_markup=_keyboard("Ya"))
    press = await client.press(user_id, text="Ya")

    await sent.edit_text("Q: Ya")

    result = await client.wait(user_id, since=press.event_id, timeout=1)
    assert [(e.kind, e.message_id) for e in result.events] == [("edited", sent.message_id)]


async def test_wait_times_out_when_the_bot_stays_silent(client: SandboxClient) -> None:
    user_id = await started_user(client)

    with pytest.raises(SandboxWaitTimeout):
        await client.wait(user_id, timeout=0.1)
    result = await client.wait(user_id, timeout=0.1, raise_on_timeout=False)
    assert result.timed_out and result.events == []


async def test_block_and_unblock_tell_the_bot(client: SandboxClient, raw_api: RawApi) -> None:
    user_id = await client.create_user("Sari")

    await client.block(user_id)
    await client.unblock(user_id)

    _, body = await raw_api("getUpdates")
    statuses = [
        (
            u["my_chat_member"]["old_chat_member"]["status"],
            u["my_chat_member"]["new_chat_member"]["status"],
        )
        for u in body["result"]
    ]
    assert statuses == [("member", "kicked"), ("kicked", "member")]


async def test_a_blocked_person_cannot_send(client: SandboxClient) -> None:
    user_id = await client.create_user("Sari")
    await client.block(user_id)

    with pytest.raises(SandboxError) as caught:
        await client.send(user_id, "halo")

    assert caught.value.status == 409


async def test_injected_updates_arrive_as_given_with_a_fresh_update_id(
    client: SandboxClient, raw_api: RawApi
) -> None:
    first = await client.inject_update({"update_id": 1, "message": {"text": "no chat"}})
    second = await client.inject_update(["not", "an", "object"])

    _, body = await raw_api("getUpdates")

    assert body["result"] == [
        {"update_id": first, "message": {"text": "no chat"}},
        ["not", "an", "object"],
    ]
    assert second == first + 1


async def test_allowed_updates_filters_what_the_bot_receives(
    bot: Bot, client: SandboxClient, raw_api: RawApi
) -> None:
    user_id = await started_user(client)
    await bot.send_message(user_id, "Q", reply_markup=_keyboard("Ya"))
    _, body = await raw_api("getUpdates", allowed_updates=["callback_query"])
    pending = body["result"][-1]["update_id"]

    await client.send(user_id, "ignored")
    press = await client.press(user_id, text="Ya")

    _, body = await raw_api("getUpdates", offset=pending + 1)
    assert [u["update_id"] for u in body["result"]] == [press.update_id]


async def test_long_poll_waits_for_a_person_to_write(
    client: SandboxClient, raw_api: RawApi
) -> None:
    user_id = await client.create_user("Sari")
    poll = asyncio.create_task(raw_api("getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()

    await client.send(user_id, "halo")

    _, body = await asyncio.wait_for(poll, 2)
    assert body["result"][0]["message"]["text"] == "halo"


async def test_unknown_person_and_bad_bodies_are_refused(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.control_url) as http:
        missing = await http.get("/users/1/chat")
        no_name = await http.post("/users", json={})
        not_json = await http.post("/users", content=b"{", headers={"Content-Type": "text/plain"})
        bad_fault = await http.post("/faults", json={"method": "*", "kind": "418", "count": 1})

    assert missing.status_code == 404 and "error" in missing.json()
    assert no_name.status_code == 400
    assert not_json.status_code == 400
    assert bad_fault.status_code == 400


async def test_chat_view_of_hundreds_of_messages_is_quick(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    # 300 sends into one chat at once would draw 429s at Telegram; what is measured here is
    # the chat view, so the flood limits are off.
    await client.switch_off_limits()
    for number in range(300):
        await bot.send_message(user_id, f"pesan {number}", reply_markup=_keyboard("Ya"))

    loop = asyncio.get_running_loop()
    started = loop.time()
    chat = await client.chat(user_id)
    elapsed = loop.time() - started

    assert len(chat) == 301
    assert elapsed < 0.5


async def test_wait_after_zero_returns_everything_the_bot_did(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    await bot.send_message(user_id, "satu")
    await bot.send_message(user_id, "dua")

    result = await client.wait(user_id, after=0, timeout=1)

    assert [m.text for m in result.messages] == ["satu", "dua"]
