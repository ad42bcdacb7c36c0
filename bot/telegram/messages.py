"""Replying, editing and stripping buttons, tolerant of what Telegram calls harmless (one copy).

Edits are cosmetic: an unchanged or vanished message is not a failure and is never retried.
A callback query is answered after the work is done, best effort: Telegram refuses an old
query ("query is too old ..."), and that refusal must change nothing.
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.telegram.tolerant_bot import TolerantBot

log = logging.getLogger(__name__)


async def answer_query(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answers a button press after its work is done; a refused answer changes nothing."""
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as exc:
        log.info("callback query %s could not be answered: %s", query.id, exc)


async def send_to(bot: Bot, user: User | None, text: str) -> None:
    """Sends a plain-text message to the user's private chat."""
    if user is not None:
        await bot.send_message(user.id, text)


async def reply(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    html: bool = True,
) -> None:
    """Sends a message to the chat of the update (HTML unless told otherwise)."""
    chat = update.effective_chat
    if chat is None:
        return
    await update.get_bot().send_message(
        chat.id, text, parse_mode=ParseMode.HTML if html else None, reply_markup=keyboard
    )


async def edit(
    message: object,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    html: bool = True,
) -> None:
    """Replaces a message's text and buttons."""
    if not isinstance(message, Message):
        return
    try:
        await message.edit_text(
            text, parse_mode=ParseMode.HTML if html else None, reply_markup=keyboard
        )
    except BadRequest as exc:
        ignore_edit_error(exc)


async def edit_by_id(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> bool:
    """Replaces the text and buttons of a message known by id (no buttons unless given).

    False when the message is gone or cannot be edited (the caller may send it anew).
    """
    try:
        await lean(bot).edit_text(chat_id, message_id, text, keyboard)
    except BadRequest as exc:
        ignore_edit_error(exc)
        return "not modified" in str(exc).lower()
    return True


def lean(bot: Bot) -> TolerantBot:
    """The application's bot, for the calls that do not read back the message they sent
    or edited (`TolerantBot.send_text`, `edit_text`)."""
    if not isinstance(bot, TolerantBot):
        raise TypeError(f"the bot is a {type(bot).__name__}, not wipbot's TolerantBot")
    return bot


async def edit_markup(message: Message, keyboard: InlineKeyboardMarkup | None) -> None:
    """Replaces a message's buttons."""
    try:
        await message.edit_reply_markup(reply_markup=keyboard)
    except BadRequest as exc:
        ignore_edit_error(exc)


async def strip_keyboard(message: object) -> None:
    """Removes a message's buttons, if it has any."""
    if isinstance(message, Message) and message.reply_markup is not None:
        await edit_markup(message, None)


async def strip_keyboard_by_id(bot: Bot, chat_id: int, message_id: int) -> None:
    """Removes the buttons of a message known by id."""
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
    except BadRequest as exc:
        ignore_edit_error(exc)
    except Forbidden:
        pass


def ignore_edit_error(exc: BadRequest) -> None:
    """Lets an unchanged, vanished or uneditable message pass; re-raises anything else."""
    message = str(exc).lower()
    if "not modified" in message or "not found" in message or "can't be edited" in message:
        return
    raise exc


async def reply_plain(
    update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Sends a plain-text message (no HTML) to the chat of the update."""
    await reply(update, text, keyboard, html=False)


async def edit_plain(
    message: object, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Replaces a message's text (plain, no HTML) and buttons."""
    await edit(message, text, keyboard, html=False)
