"""The Bot API subset the bot uses, answering with Telegram's own JSON shapes and errors."""

from __future__ import annotations

import io
import mimetypes
import re
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.errors import NOT_MODIFIED, QUERY_TOO_OLD, ApiError, bad_request
from sandbox.html_text import parse_html, utf16_length
from sandbox.markup import Markup, parse_reply_markup
from sandbox.model import ChatState, StoredFile, StoredMessage
from sandbox.params import Params, Upload
from sandbox.views import file_json
from sandbox.world import World

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")

Method = Callable[[World, Params], Awaitable[Any]]


def _render(
    params: Params, text_field: str, entities_field: str, limit: int, too_long: str
) -> tuple[str, list[dict[str, Any]]]:
    """Applies parse_mode and returns (text as shown, entities); checks the length limit."""
    source = params.text(text_field) or ""
    parse_mode = (params.text("parse_mode") or "").lower()
    entities: list[dict[str, Any]] = []
    if parse_mode == "html":
        text, entities = parse_html(source)
    elif parse_mode in ("", "markdown", "markdownv2"):
        # Markdown is not modelled: the bot uses HTML, so Markdown text is shown unparsed.
        text = source
        given = params.json_value(entities_field)
        if parse_mode == "" and isinstance(given, list):
            entities = given
    else:
        raise bad_request(f"unsupported parse_mode {params.text('parse_mode')!r}")
    # Telegram counts the limits in UTF-16 code units of the text after entity parsing, so
    # an emoji outside the BMP takes two and markup takes none.
    if utf16_length(text) > limit:
        raise bad_request(too_long)
    return text, entities


def _markup(params: Params) -> Markup | None:
    markup = parse_reply_markup(params.raw("reply_markup"))
    if markup is not None and markup.inline == []:
        return None
    return markup


def _new_bot_message(world: World, chat: ChatState, markup: Markup | None) -> StoredMessage:
    message = StoredMessage(
        message_id=chat.allocate_message_id(),
        chat_id=chat.user.user_id,
        from_bot=True,
        date=world.now(),
        created_seq=world.next_seq(),
    )
    if markup is not None:
        message.inline_keyboard = markup.inline
        message.reply_keyboard = markup.reply_keyboard
        message.remove_keyboard = markup.remove_keyboard
    return message


async def get_me(world: World, params: Params) -> Any:
    """Returns the bot's User object with the capabilities getMe reports."""
    return {
        **world.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(world: World, params: Params) -> Any:
    """Long-polls for updates; an offset acknowledges every update before it."""
    limit = params.integer("limit", 100) or 100
    limit = min(max(limit, 1), 100)
    timeout = max(params.number("timeout", 0.0), 0.0)
    allowed = params.json_value("allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON object")
    world.webhook.refuse_get_updates()
    world.updates.set_allowed(allowed)
    return await world.updates.get(params.integer("offset"), limit, timeout)


async def set_webhook(world: World, params: Params) -> Any:
    """Sets (or with an empty url removes) the webhook Telegram pushes updates to."""
    allowed = params.json_value("allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON object")
    world.webhook.set(
        params.text("url") or "",
        secret=params.text("secret_token"),
        max_connections=params.integer("max_connections"),
        allowed_updates=allowed,
        drop_pending=params.flag("drop_pending_updates"),
    )
    return True


async def delete_webhook(world: World, params: Params) -> Any:
    """Removes the webhook (getUpdates works again); optionally drops pending updates."""
    world.webhook.delete(drop_pending=params.flag("drop_pending_updates"))
    return True


async def get_webhook_info(world: World, params: Params) -> Any:
    """Reports the webhook (url "" when polling), pending updates and the last error."""
    return world.webhook.info()


def _commands_key(params: Params) -> str:
    scope = params.json_value("scope") or {"type": "default"}
    scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
    # A chat's (or chat member's) menu is its own, as in Telegram.
    chat = scope.get("chat_id", "") if isinstance(scope, dict) else ""
    user = scope.get("user_id", "") if isinstance(scope, dict) else ""
    target = f"{chat}:{user}" if chat or user else ""
    return f"{scope_type}{'@' + target if target else ''}|{params.text('language_code') or ''}"


async def set_my_commands(world: World, params: Params) -> Any:
    """Stores the command list for a scope and language."""
    commands = params.json_value("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    stored: list[dict[str, str]] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name = str(command.get("command", ""))
        description = str(command.get("description", ""))
        if not _COMMAND_NAME.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= utf16_length(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        stored.append({"command": name, "description": description})
    if len(stored) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    world.commands[_commands_key(params)] = stored
    return True


async def get_my_commands(world: World, params: Params) -> Any:
    """Returns the command list stored for a scope and language."""
    return world.commands.get(_commands_key(params), [])


async def delete_my_commands(world: World, params: Params) -> Any:
    """Forgets the command list of a scope and language."""
    world.commands.pop(_commands_key(params), None)
    return True


async def send_message(world: World, params: Params) -> Any:
    """Sends a text message, with an optional keyboard, to a private chat."""
    chat = world.chat_for_bot(params.raw("chat_id"))
    text, entities = _render(params, "text", "entities", MAX_TEXT_LENGTH, "message is too long")
    if not text.strip():
        raise bad_request("message text is empty")
    markup = _markup(params)
    message = _new_bot_message(world, chat, markup)
    message.text = text
    message.entities = entities
    world.add_bot_message(chat, message)
    return world.message_json(chat, message)


def _message_to_edit(world: World, params: Params) -> tuple[ChatState, StoredMessage]:
    if params.raw("inline_message_id"):
        raise bad_request("message to edit not found")
    chat = world.chat_for_bot(params.raw("chat_id"), initiating=False)
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _inline_only(params: Params) -> list[list[dict[str, Any]]] | None:
    markup = _markup(params)
    if markup is None:
        return None
    if markup.inline is None:
        raise bad_request("inline keyboard expected")
    return markup.inline


def _apply_edit(
    world: World,
    chat: ChatState,
    message: StoredMessage,
    text: str,
    entities: list[dict[str, Any]],
    keyboard: list[list[dict[str, Any]]] | None,
) -> Any:
    unchanged = (
        message.text == text
        and message.entities == entities
        and (message.inline_keyboard or None) == keyboard
    )
    if unchanged:
        raise bad_request(NOT_MODIFIED)
    message.text = text
    message.entities = entities
    message.inline_keyboard = keyboard
    message.edit_date = world.now()
    world.record_change(chat, message, "edited")
    return world.message_json(chat, message)


async def edit_message_text(world: World, params: Params) -> Any:
    """Replaces a bot message's text; without reply_markup its inline keyboard goes away."""
    chat, message = _message_to_edit(world, params)
    if message.has_caption_slot:
        raise bad_request("there is no text in the message to edit")
    text, entities = _render(params, "text", "entities", MAX_TEXT_LENGTH, "message is too long")
    if not text.strip():
        raise bad_request("message text is empty")
    return _apply_edit(world, chat, message, text, entities, _inline_only(params))


async def edit_message_caption(world: World, params: Params) -> Any:
    """Replaces the caption of a bot document or photo."""
    chat, message = _message_to_edit(world, params)
    if not message.has_caption_slot:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = _render(
        params, "caption", "caption_entities", MAX_CAPTION_LENGTH, "message caption is too long"
    )
    return _apply_edit(world, chat, message, caption, entities, _inline_only(params))


async def edit_message_reply_markup(world: World, params: Params) -> Any:
    """Replaces or removes a bot message's inline keyboard."""
    chat, message = _message_to_edit(world, params)
    return _apply_edit(world, chat, message, message.text, message.entities, _inline_only(params))


async def delete_message(world: World, params: Params) -> Any:
    """Deletes a message from the private chat (the bot may delete both sides there)."""
    chat = world.chat_for_bot(params.raw("chat_id"), initiating=False)
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    message.deleted = True
    world.record_change(chat, message, "deleted")
    return True


async def answer_callback_query(world: World, params: Params) -> Any:
    """Answers a button press once; a second answer or an unknown id is refused."""
    record = world.callbacks.get(params.text("callback_query_id") or "")
    if record is None:
        raise bad_request(QUERY_TOO_OLD)
    if record.answered or world.clock() - record.created_at > world.callback_query_timeout:
        record.refused_answers += 1
        raise bad_request(QUERY_TOO_OLD)
    text = params.text("text")
    if text is not None and utf16_length(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer_text = text
    record.show_alert = params.flag("show_alert")
    record.url = params.text("url")
    world.record_callback_answer(record)
    return True


async def send_chat_action(world: World, params: Params) -> Any:
    """Accepts a chat action such as typing."""
    world.chat_for_bot(params.raw("chat_id"))
    if params.text("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def _image_size(data: bytes) -> tuple[int, int]:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            return int(width), int(height)
    except Exception:
        # Not an image Pillow can read (or Pillow absent): Telegram would re-encode it anyway.
        return 0, 0


def _store_upload(world: World, upload: Upload, kind: str, file_name: str | None) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    number = world.next_file_number()
    name = file_name or upload.filename
    mime_type = upload.content_type
    if mime_type == "application/octet-stream":
        mime_type = mimetypes.guess_type(name)[0] or mime_type
    extension = mimetypes.guess_extension(mime_type) or ""
    stored = StoredFile(
        file_id=f"sandbox-{kind}-{number:06d}",
        file_unique_id=f"u{number:06d}",
        data=upload.data,
        file_name=name,
        mime_type=mime_type,
        kind="photo" if kind == "photo" else "document",
        file_path=f"{kind}s/file_{number}{extension}",
    )
    if kind == "photo":
        stored.width, stored.height = _image_size(upload.data)
    world.files[stored.file_id] = stored
    world.files_by_path[stored.file_path] = stored
    return stored


def _resolve_file(world: World, params: Params, kind: str) -> StoredFile:
    given = params.input_file(kind)
    if given is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(given, Upload):
        return _store_upload(world, given, kind, None)
    stored = world.files.get(given)
    if stored is None:
        # The sandbox cannot fetch URLs, and file ids it never issued are unknown to it.
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


async def _send_media(world: World, params: Params, kind: str) -> Any:
    chat = world.chat_for_bot(params.raw("chat_id"))
    caption, entities = _render(
        params, "caption", "caption_entities", MAX_CAPTION_LENGTH, "message caption is too long"
    )
    stored = _resolve_file(world, params, kind)
    message = _new_bot_message(world, chat, _markup(params))
    message.text = caption
    message.entities = entities
    if kind == "photo":
        message.photo = stored
    else:
        message.document = stored
    world.add_bot_message(chat, message)
    return world.message_json(chat, message)


async def send_document(world: World, params: Params) -> Any:
    """Sends a file; its bytes stay retrievable from /sandbox/files/{file_id}."""
    return await _send_media(world, params, "document")


async def send_photo(world: World, params: Params) -> Any:
    """Sends a photo; its bytes stay retrievable from /sandbox/files/{file_id}."""
    return await _send_media(world, params, "photo")


async def get_file(world: World, params: Params) -> Any:
    """Returns the File object whose file_path downloads from /file/bot<token>/."""
    stored = world.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {**file_json(stored), "file_path": stored.file_path}


# Names as Telegram documents them; lookups are case-insensitive, as at Telegram.
METHODS: dict[str, Method] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "getFile": get_file,
}
CANONICAL_NAMES = {name.lower(): name for name in METHODS}


def lookup(method: str) -> tuple[str, Method]:
    """Returns the canonical name and implementation of a method, or raises 404."""
    name = CANONICAL_NAMES.get(method.lower())
    if name is None:
        raise ApiError(404, "Not Found")
    return name, METHODS[name]
