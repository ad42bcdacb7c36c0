"""JSON shapes: Telegram's Message for the bot, and the chat as a person sees it."""

from __future__ import annotations

from typing import Any

from sandbox.model import ChatState, StoredFile, StoredMessage


def file_json(stored: StoredFile) -> dict[str, Any]:
    """Returns the Document object, or the PhotoSize object for a photo."""
    common: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.kind == "photo":
        return {**common, "width": stored.width, "height": stored.height}
    return {**common, "file_name": stored.file_name, "mime_type": stored.mime_type}


def message_json(
    message: StoredMessage, chat: ChatState, bot_user: dict[str, Any]
) -> dict[str, Any]:
    """Returns the Telegram Message object for a stored message."""
    payload: dict[str, Any] = {
        "message_id": message.message_id,
        "from": bot_user if message.from_bot else chat.user.as_user(),
        "chat": chat.user.as_chat(),
        "date": message.date,
    }
    if message.edit_date is not None:
        payload["edit_date"] = message.edit_date
    if message.has_caption_slot:
        if message.document is not None:
            payload["document"] = file_json(message.document)
        if message.photo is not None:
            payload["photo"] = [file_json(message.photo)]
        if message.text:
            payload["caption"] = message.text
            if message.entities:
                payload["caption_entities"] = message.entities
    else:
        payload["text"] = message.text
        if message.entities:
            payload["entities"] = message.entities
    if message.inline_keyboard:
        # Only inline keyboards belong to a message; reply keyboards belong to the chat.
        payload["reply_markup"] = {"inline_keyboard": message.inline_keyboard}
    return payload


def chat_item(message: StoredMessage, files_url: str) -> dict[str, Any]:
    """Returns one message of the chat as the person sees it."""
    item: dict[str, Any] = {
        "message_id": message.message_id,
        "from": "bot" if message.from_bot else "user",
        "text": message.text,
        "buttons": [[dict(button) for button in row] for row in (message.inline_keyboard or [])],
        "edited": message.edit_date is not None,
        "date": message.date,
    }
    if message.document is not None:
        item["document"] = {
            "file_id": message.document.file_id,
            "file_name": message.document.file_name,
            "mime_type": message.document.mime_type,
            "size": len(message.document.data),
            "url": f"{files_url}/{message.document.file_id}",
        }
    if message.photo is not None:
        item["photo"] = {
            "file_id": message.photo.file_id,
            "url": f"{files_url}/{message.photo.file_id}",
        }
    if message.reply_keyboard is not None:
        item["reply_keyboard"] = [list(row) for row in message.reply_keyboard.rows]
    if message.remove_keyboard:
        item["removes_keyboard"] = True
    return item


def user_summary(chat: ChatState) -> dict[str, Any]:
    """Returns the person, their relation to the bot and the keyboard they see."""
    keyboard = chat.reply_keyboard
    return {
        "user_id": chat.user.user_id,
        "chat_id": chat.user.user_id,
        "user": chat.user.as_user(),
        "blocked": chat.blocked,
        "started": chat.started,
        "reply_keyboard": [list(row) for row in keyboard.rows] if keyboard else None,
        "last_message_id": chat.next_message_id - 1,
        "last_event_id": chat.events[-1].seq if chat.events else 0,
    }
