"""Bot API methods and errors, seen from PTB and from raw HTTP."""

from __future__ import annotations

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken

from sandbox import Sandbox, SandboxClient
from tests.sandbox.conftest import TOKEN, RawApi, started_user

NOT_MODIFIED = (
    "Message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]]
    )


async def test_get_me_reports_the_configured_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.username == "wipbot_test_bot"
    assert me.id == 4242
    assert me.is_bot


async def test_wrong_token_is_unauthorized(sandbox: Sandbox, raw_api: RawApi) -> None:
    status, body = await raw_api("getMe", token="4242:wrong")

    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(InvalidToken):
        async with Bot("4242:wrong", base_url=sandbox.base_url):
            pass


async def test_unknown_method_is_not_found(bot: Bot, raw_api: RawApi) -> None:
    status, body = await raw_api("sendCarrierPigeon")

    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendCarrierPigeon")


async def test_method_names_are_case_insensitive(raw_api: RawApi) -> None:
    status, body = await raw_api("GETME")

    assert status == 200 and body["result"]["username"] == "wipbot_test_bot"


async def test_send_message_returns_telegrams_message_shape(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)

    message = await bot.send_message(user_id, "Pilih:", reply_markup=_keyboard("Ya", "Tidak"))

    assert message.message_id == 2  # the person's /start was message 1 of this chat
    assert message.chat.id == user_id and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.is_bot
    assert message.reply_markup == _keyboard("Ya", "Tidak")


async def test_html_is_rendered_in_the_chat_view(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)

    message = await bot.send_message(user_id, "<b>Tata</b> kelola &amp; <i>IGI</i>", "HTML")

    assert message.text == "Tata kelola & IGI"
    assert [entity.type for entity in message.entities] == ["bold", "italic"]
    assert (await client.chat(user_id))[-1].text == "Tata kelola & IGI"


async def test_unbalanced_html_is_a_bad_request(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)

    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(user_id, "<b>Halo", "HTML")


async def test_message_over_4096_characters_is_too_long(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    await bot.send_message(user_id, "x" * 4096)

    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user_id, "x" * 4097)


async def test_callback_data_over_64_bytes_is_button_data_invalid(
    bot: Bot, client: SandboxClient, raw_api: RawApi
) -> None:
    user_id = await started_user(client)
    keyboard = {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]}

    status, body = await raw_api("sendMessage", chat_id=user_id, text="x", reply_markup=keyboard)

    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_edit_of_an_unknown_message_is_not_found(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)

    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("baru", chat_id=user_id, message_id=99)


async def test_identical_edit_is_not_modified(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    sent = await bot.send_message(user_id, "Pertanyaan 1", reply_markup=_keyboard("Ya"))

    with pytest.raises(BadRequest) as caught:
        await sent.edit_text("Pertanyaan 1", reply_markup=_keyboard("Ya"))
    assert caught.value.message == NOT_MODIFIED
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_reply_markup(_keyboard("Ya"))


async def test_edit_without_markup_removes_the_inline_keyboard(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    sent = await bot.send_message(user_id, "Pertanyaan 1", reply_markup=_keyboard("Ya"))

    edited = await sent.edit_text("Pertanyaan 1")

    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    view = (await client.chat(user_id))[-1]
    assert view.buttons == [] and view.edited


async def test_blocked_user_gives_forbidden(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    await client.block(user_id)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user_id, "Halo")

    await client.unblock(user_id)
    await bot.send_message(user_id, "Halo lagi")


async def test_unknown_chat_is_not_found_and_a_silent_user_cannot_be_messaged(
    bot: Bot, client: SandboxClient
) -> None:
    silent = await client.create_user("Sari")

    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(123, "Halo")
    with pytest.raises(Forbidden, match="bot can't initiate conversation"):
        await bot.send_message(silent, "Halo")


async def test_delete_message_removes_it_from_the_chat(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)
    sent = await bot.send_message(user_id, "sementara")

    assert await sent.delete()

    assert [m.text for m in await client.chat(user_id)] == ["/start"]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await sent.delete()


async def test_reply_keyboard_is_shown_and_removed(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)

    await bot.send_message(user_id, "Bahasa?", reply_markup=ReplyKeyboardMarkup([["ID", "EN"]]))
    assert (await client.user(user_id)).reply_keyboard == [["ID", "EN"]]
    await bot.send_message(user_id, "Terima kasih", reply_markup=ReplyKeyboardRemove())
    assert (await client.user(user_id)).reply_keyboard is None


async def test_document_bytes_are_kept_and_retrievable(
    sandbox: Sandbox, bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    payload = b"province,score\nAceh,5.1\n"

    message = await bot.send_document(user_id, payload, filename="scores.csv", caption="Hasil")

    assert message.document is not None and message.document.file_name == "scores.csv"
    assert message.caption == "Hasil"
    assert await client.file_bytes(message.document.file_id) == payload
    view = (await client.chat(user_id))[-1]
    assert view.document is not None and view.document.file_name == "scores.csv"
    downloaded = await (await bot.get_file(message.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == payload
    resent = await bot.send_document(user_id, message.document.file_id)
    assert resent.document is not None and resent.document.file_id == message.document.file_id


async def test_photo_is_kept_with_its_size(bot: Bot, client: SandboxClient) -> None:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, format="PNG")
    user_id = await started_user(client)

    message = await bot.send_photo(user_id, buffer.getvalue())

    assert (message.photo[-1].width, message.photo[-1].height) == (30, 20)
    assert await client.file_bytes(message.photo[-1].file_id) == buffer.getvalue()


async def test_commands_are_stored_per_scope_and_language(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Mulai")])
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")

    assert [c.description for c in await bot.get_my_commands()] == ["Mulai"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_chat_action_and_callback_answer_validation(bot: Bot, client: SandboxClient) -> None:
    user_id = await started_user(client)

    assert await bot.send_chat_action(user_id, "typing")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("no-such-query")


async def test_form_and_multipart_bodies_are_understood(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    markup = '{"inline_keyboard": [[{"text": "Ya", "callback_data": "ya"}]]}'
    url = f"{sandbox.base_url}{TOKEN}"
    async with httpx.AsyncClient() as http:
        form = await http.post(
            f"{url}/sendMessage",
            data={"chat_id": str(user_id), "text": "form", "reply_markup": markup},
        )
        multipart = await http.post(
            f"{url}/sendDocument",
            data={"chat_id": str(user_id), "caption": "<b>cap</b>", "parse_mode": "HTML"},
            files={"document": ("a.txt", b"abc", "text/plain")},
        )
        query = await http.get(f"{url}/sendMessage", params={"chat_id": user_id, "text": "q"})

    assert form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ya"
    assert multipart.json()["result"]["caption"] == "cap"
    assert multipart.json()["result"]["document"]["file_name"] == "a.txt"
    assert query.json()["ok"] is True
