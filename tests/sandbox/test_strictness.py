"""The sandbox is as strict as Telegram by default: late answers, HTML 5xx, ids, lengths."""

from __future__ import annotations

import time

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from sandbox import Fault, Sandbox, SandboxClient, SandboxError
from sandbox.errors import QUERY_TOO_OLD
from sandbox.limits import LimitSettings
from sandbox.server import build_parser
from tests.sandbox.conftest import TOKEN, RawApi, build_application, polling, started_user

TOO_OLD = f"Bad Request: {QUERY_TOO_OLD}"


def _keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(x, callback_data=x) for x in labels]])


async def _pressed(bot: Bot, client: SandboxClient, age: float | None = None) -> tuple[int, str]:
    user_id = await started_user(client)
    await bot.send_message(user_id, "Pilih:", reply_markup=_keyboard("Ya"))
    press = await client.press(user_id, text="Ya", age=age)
    return user_id, press.callback_query_id


# -- callback queries expire --------------------------------------------------------------


async def test_answer_within_the_timeout_is_accepted_and_a_second_answer_is_refused(
    bot: Bot, client: SandboxClient, raw_api: RawApi
) -> None:
    _, query_id = await _pressed(bot, client)

    assert await bot.answer_callback_query(query_id, text="Tersimpan") is True
    status, body = await raw_api("answerCallbackQuery", callback_query_id=query_id)

    assert (status, body["description"]) == (400, TOO_OLD)
    answer = await client.callback_answer(query_id)
    assert answer.answered and answer.text == "Tersimpan" and answer.refused_answers == 1


async def test_answer_after_the_timeout_on_the_sandbox_clock_gets_telegrams_400(
    sandbox: Sandbox, bot: Bot, client: SandboxClient, raw_api: RawApi
) -> None:
    _, query_id = await _pressed(bot, client)
    pressed_at = time.time()
    sandbox.world.clock = lambda: pressed_at + 15.5

    status, body = await raw_api("answerCallbackQuery", callback_query_id=query_id)

    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": TOO_OLD}
    assert not (await client.callback_answer(query_id)).answered


async def test_press_made_old_reaches_the_bot_but_cannot_be_answered(
    bot: Bot, client: SandboxClient
) -> None:
    _, query_id = await _pressed(bot, client, age=20)

    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)

    answer = await client.callback_answer(query_id)
    assert not answer.answered and answer.refused_answers == 1


async def test_unknown_query_id_gets_the_same_400(raw_api: RawApi) -> None:
    status, body = await raw_api("answerCallbackQuery", callback_query_id="123")

    assert (status, body["description"]) == (400, TOO_OLD)


async def test_callback_timeout_is_configurable() -> None:
    async with Sandbox(token=TOKEN, callback_query_timeout=60.0) as sb:
        application = build_application(sb)
        async with application.bot as bot:
            _, query_id = await _pressed(bot, sb.client, age=20)

            assert await bot.answer_callback_query(query_id) is True


# -- HTML, empty and truncated 5xx --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code", "title"),
    [("html502", 502, "502 Bad Gateway"), ("html504", 504, "504 Gateway Time-out")],
)
async def test_html_gateway_error_is_an_nginx_page_and_has_no_effect(
    sandbox: Sandbox, client: SandboxClient, kind: str, code: int, title: str
) -> None:
    user_id = await started_user(client)
    await client.set_faults(Fault("sendMessage", kind, count=1))

    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{sandbox.base_url}{TOKEN}/sendMessage", json={"chat_id": user_id, "text": "x"}
        )

    assert response.status_code == code
    assert response.headers["content-type"].startswith("text/html")
    assert f"<title>{title}</title>" in response.text and "nginx" in response.text
    assert [m.text for m in await client.chat(user_id)] == ["/start"]
    assert (await client.stats())["errors"]["sendMessage"] == {str(code): 1}


async def test_ptb_sees_an_html_502_as_a_network_error_and_nothing_is_sent(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    await client.set_faults(Fault("sendMessage", "html502", count=1))

    with pytest.raises(NetworkError):
        await bot.send_message(user_id, "pengingat")

    assert [m.text for m in await client.chat(user_id)] == ["/start"]


async def test_empty_502_body_has_no_effect(sandbox: Sandbox, client: SandboxClient) -> None:
    user_id = await started_user(client)
    await client.set_faults(Fault("sendMessage", "empty", count=1))

    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{sandbox.base_url}{TOKEN}/sendMessage", json={"chat_id": user_id, "text": "x"}
        )

    assert (response.status_code, response.content) == (502, b"")
    assert [m.text for m in await client.chat(user_id)] == ["/start"]


async def test_truncated_answer_applies_the_call_but_is_not_json(
    sandbox: Sandbox, bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    await client.set_faults(Fault("sendMessage", "truncated", count=2))

    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{sandbox.base_url}{TOKEN}/sendMessage", json={"chat_id": user_id, "text": "satu"}
        )
    with pytest.raises(TelegramError, match="Invalid server response"):
        await bot.send_message(user_id, "dua")

    assert response.status_code == 200 and response.content.startswith(b'{"ok": true')
    with pytest.raises(ValueError):
        response.json()
    assert [m.text for m in await client.chat(user_id)] == ["/start", "satu", "dua"]


# -- update ids ---------------------------------------------------------------------------


async def test_first_update_id_is_configurable() -> None:
    async with Sandbox(token=TOKEN, first_update_id=987_654) as sb:
        user_id = await sb.client.create_user("Budi")
        sent = await sb.client.send(user_id, "/start")

    assert sent.update_id == 987_654


def test_command_line_takes_a_first_update_id_or_random() -> None:
    parser = build_parser()

    assert parser.parse_args(["--first-update-id", "42"]).first_update_id == 42
    assert 1 <= parser.parse_args(["--first-update-id", "random"]).first_update_id < 2**31
    with pytest.raises(SystemExit):
        parser.parse_args(["--first-update-id", "0"])


def test_command_line_is_strict_unless_told_otherwise() -> None:
    parser = build_parser()
    defaults = parser.parse_args([])

    assert defaults.callback_query_timeout == 15.0 and not defaults.no_flood_limits
    assert parser.parse_args(["--no-flood-limits"]).no_flood_limits
    assert parser.parse_args(["--callback-query-timeout", "3"]).callback_query_timeout == 3.0


async def test_jump_restarts_the_ids_and_a_polling_bot_still_gets_every_update(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    from telegram import Update
    from telegram.ext import MessageHandler, filters

    seen: list[tuple[int, str]] = []

    async def remember(update: Update, _: object) -> None:
        assert update.message is not None and update.message.text is not None
        seen.append((update.update_id, update.message.text))
        await update.message.reply_text("ok")

    application = build_application(sandbox)
    application.add_handler(MessageHandler(filters.TEXT, remember))
    async with polling(application):
        person = await client.participant("Budi")
        for text in ("satu", "dua"):
            await person.send(text)
            await person.wait(timeout=5)
        assert await client.jump_update_ids(1) == 1  # lower than the bot's offset
        await person.send("tiga")
        await person.wait(timeout=5)
        high = await client.jump_update_ids(seed=7)
        await person.send("empat")
        await person.wait(timeout=5)

    assert seen == [(1, "satu"), (2, "dua"), (1, "tiga"), (high, "empat")]


async def test_random_jump_repeats_for_a_seed_and_is_refused_while_updates_wait(
    client: SandboxClient,
) -> None:
    first = await client.jump_update_ids(seed=3)
    second = await client.jump_update_ids(seed=3)
    user_id = await client.create_user("Budi")
    await client.send(user_id, "/start")

    with pytest.raises(SandboxError) as caught:
        await client.jump_update_ids(5)

    assert first == second and 1 <= first < 2**31
    assert caught.value.status == 409


# -- lengths in UTF-16 code units after entity parsing ------------------------------------


async def test_text_limit_counts_utf16_code_units(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    await bot.send_message(user_id, "😀" * 2048)  # 2048 characters, 4096 code units

    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user_id, "😀" * 2048 + "x")


async def test_text_limit_counts_the_text_after_html_parsing(
    bot: Bot, client: SandboxClient, raw_api: RawApi
) -> None:
    user_id = await started_user(client)
    await bot.send_message(user_id, "<b>" + "&amp;" * 4096 + "</b>", "HTML")

    status, body = await raw_api(
        "sendMessage", chat_id=user_id, text="<i>" + "x" * 4097 + "</i>", parse_mode="HTML"
    )

    assert (status, body["description"]) == (400, "Bad Request: message is too long")


async def test_caption_limit_counts_utf16_code_units(
    bot: Bot, client: SandboxClient, raw_api: RawApi
) -> None:
    user_id = await started_user(client)
    await bot.send_document(user_id, b"isi", filename="a.txt", caption="😀" * 512)

    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(user_id, b"isi", filename="a.txt", caption="😀" * 512 + "x")


async def test_callback_answer_text_limit_counts_utf16_code_units(
    bot: Bot, client: SandboxClient, raw_api: RawApi
) -> None:
    _, query_id = await _pressed(bot, client)

    status, body = await raw_api("answerCallbackQuery", callback_query_id=query_id, text="😀" * 101)

    assert (status, body["description"]) == (400, "Bad Request: MESSAGE_TOO_LONG")
    assert await bot.answer_callback_query(query_id, text="😀" * 100) is True


@pytest.mark.parametrize("data", ["", "é" * 33])
async def test_callback_data_must_be_1_to_64_bytes(
    client: SandboxClient, raw_api: RawApi, data: str
) -> None:
    user_id = await started_user(client)
    keyboard = {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}

    status, body = await raw_api("sendMessage", chat_id=user_id, text="x", reply_markup=keyboard)

    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


# -- flood limits over HTTP ---------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_default_sandbox_refuses_a_sustained_flood_into_one_chat_edits_included(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    sent = await bot.send_message(user_id, "0", reply_markup=_keyboard("Ya"))
    for number in range(1, 10):
        await sent.edit_text(str(number), reply_markup=_keyboard("Ya"))

    with pytest.raises(RetryAfter):
        await bot.send_message(user_id, "satu lagi")

    stats = await client.stats()
    assert stats["rate_limited_by_method"] == {"sendMessage": 1}
    assert stats["rate_limited_by_scope"] == {"chat": 1}
    assert stats["ok"]["editMessageText"] == 9


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_persons_think_time_refills_their_chats_allowance_but_not_a_flood(
    bot: Bot, client: SandboxClient
) -> None:
    # A slow refill (one message per 10 s) so the test's own running time adds nothing.
    await client.set_limits(per_chat_per_second=0.1, per_chat_burst=2)
    person = await client.participant("Budi")
    person.think = 20.0  # two messages' worth
    await person.send("/start")
    for _ in range(2):
        await bot.send_message(person.user_id, "pertanyaan")  # the burst is used up
    for _ in range(3):
        await person.send("jawab")
        await bot.send_message(person.user_id, "tersimpan")
        await bot.send_message(person.user_id, "pertanyaan berikut")

    with pytest.raises(RetryAfter):
        await bot.send_message(person.user_id, "satu terlalu banyak")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_sandbox_wide_think_time_applies_to_actions_that_state_none() -> None:
    slow_refill = LimitSettings(per_chat_per_second=0.1, per_chat_burst=2)
    async with Sandbox(token=TOKEN, limits=slow_refill, person_think_seconds=20.0) as sb:
        application = build_application(sb)
        async with application.bot as bot:
            user_id = await sb.client.create_user("Budi")
            await sb.client.send(user_id, "/start")
            for _ in range(2):
                await bot.send_message(user_id, "pertanyaan")
            await sb.client.send(user_id, "jawab")  # 20 s of thought: two messages' worth
            for _ in range(2):
                await bot.send_message(user_id, "berikut")

            with pytest.raises(RetryAfter):
                await bot.send_message(user_id, "satu terlalu banyak")
