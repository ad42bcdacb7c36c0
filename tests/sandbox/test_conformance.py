"""The conformance checker: requests against the Bot API as python-telegram-bot declares it."""

from __future__ import annotations

import json
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from sandbox import Sandbox, SandboxClient
from sandbox.conformance import bot_api_methods, check_request
from sandbox.params import Params, Upload
from tests.sandbox.conftest import build_application, polling, started_user


def _problems(method: str, **values: Any) -> list[str]:
    return [str(v) for v in check_request(method, Params(values, {}))]


def test_methods_and_parameters_come_from_ptbs_bot_signatures() -> None:
    methods = bot_api_methods()

    assert methods["sendmessage"].name == "sendMessage"
    assert {"chat_id", "text", "reply_markup", "parse_mode"} <= methods["sendmessage"].parameters
    assert methods["sendmessage"].required == {"chat_id", "text"}
    # PTB's keyword-only conveniences never go on the wire
    assert "read_timeout" not in methods["sendmessage"].parameters
    assert "filename" not in methods["senddocument"].parameters
    assert "getme" in methods and "answercallbackquery" in methods


def test_a_well_formed_send_conforms() -> None:
    keyboard = {"inline_keyboard": [[{"text": "Ya", "callback_data": "answer:q1:1"}]]}

    assert _problems("sendMessage", chat_id=1, text="<b>Halo</b>", parse_mode="HTML") == []
    assert _problems("sendMessage", chat_id=1, text="x", reply_markup=json.dumps(keyboard)) == []


def test_unknown_method_is_a_violation() -> None:
    assert _problems("sendMesage", chat_id=1, text="x") == ["sendMesage: unknown Bot API method"]


def test_unknown_and_missing_parameters_are_violations() -> None:
    assert _problems("sendMessage", chat_id=1, colour="red") == [
        "sendMessage: unknown parameter 'colour'",
        "sendMessage: missing parameter 'text'",
    ]


def test_text_over_the_limit_after_html_parsing_is_a_violation() -> None:
    assert (
        _problems("sendMessage", chat_id=1, text="<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
        == []
    )
    assert _problems("editMessageText", chat_id=1, message_id=2, text="😀" * 2049) == [
        "editMessageText: text is 4098 UTF-16 code units, over 4096"
    ]


def test_caption_callback_data_answer_and_command_limits_are_checked() -> None:
    upload = {"document": Upload("a.txt", "text/plain", b"x")}
    caption = check_request("sendDocument", Params({"chat_id": 1, "caption": "x" * 1025}, upload))
    keyboard = {"inline_keyboard": [[{"text": "x", "callback_data": "é" * 33}]]}
    commands = [{"command": "progres", "description": "d" * 257}]

    assert [str(v) for v in caption] == [
        "sendDocument: caption is 1025 UTF-16 code units, over 1024"
    ]
    assert _problems("sendMessage", chat_id=1, text="x", reply_markup=keyboard) == [
        f"sendMessage: callback_data {'é' * 33!r} is not 1-64 bytes"
    ]
    assert _problems("answerCallbackQuery", callback_query_id="1", text="x" * 201) == [
        "answerCallbackQuery: text is 201 UTF-16 code units, over 200"
    ]
    assert _problems("setMyCommands", commands=json.dumps(commands)) == [
        "setMyCommands: the description of /progres is over 256"
    ]


async def test_what_ptb_sends_conforms(sandbox: Sandbox, client: SandboxClient) -> None:
    application = build_application(sandbox)
    async with polling(application):
        bot = application.bot
        user_id = await started_user(client)
        sent = await bot.send_message(
            user_id,
            "<b>Pilih</b>",
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="y")]]),
            reply_parameters=ReplyParameters(1),
        )
        press = await client.press(user_id, callback_data="y")
        await sent.edit_text("Dipilih")
        await bot.answer_callback_query(press.callback_query_id, text="ok")
        await bot.send_document(user_id, b"isi", filename="laporan.csv", caption="Laporan")
        await bot.set_my_commands([BotCommand("progres", "Kemajuan")], language_code="id")
        await bot.delete_message(user_id, sent.message_id)

    assert sandbox.world.conformance.violations == []


async def test_a_request_ptb_would_not_make_is_reported_by_the_control_api(
    bot: Any, client: SandboxClient
) -> None:
    user_id = await started_user(client)

    await bot.send_message(user_id, "x", api_kwargs={"disable_preview": True})

    assert await client.conformance_violations() == [
        "sendMessage: unknown parameter 'disable_preview'"
    ]
