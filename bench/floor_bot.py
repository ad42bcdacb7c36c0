"""The floor: a PTB bot with wipbot's settings and Telegram calls, and nothing else.

Same ApplicationBuilder settings and update concurrency as `bot.app.build_application`,
same polling, and per update the same Telegram calls as an answer in wipbot: a button
press gets answerCallbackQuery, editMessageText of the pressed message and sendMessage of
a "next question" with a 2-row inline keyboard; a typed message gets the sendMessage.
No logic, no database. Run: `python -m bench.floor_bot` with TELEGRAM_BOT_TOKEN and
TELEGRAM_API_BASE_URL set.
"""

from __future__ import annotations

import os
import sys
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.runner import POLL_TIMEOUT_SECONDS
from bot.telegram.http import AiohttpRequest
from bot.telegram.update_processor import PerUserOrderedProcessor
from bot.views.callback_data import Action, encode

# About the size of one of wipbot's scale questions.
QUESTION = (
    "<i>Bagian 2/5 · Pemerintah (Gubernur dan DPRD) · {number}/55</i>\n\n"
    "<b>Gubernur dan DPRD melibatkan masyarakat dalam menyusun rencana pembangunan "
    "dan peraturan daerah.</b>\n\n"
    "Pilih 1 (Sangat buruk) sampai 10 (Sangat baik)."
)
ANSWERED = "<b>Pertanyaan sebelumnya</b>\n\n✅ Jawaban: {answer}"


def _keyboard(number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(str(v), callback_data=encode(Action.ANSWER, number, v))
                for v in range(1, 6)
            ],
            [
                InlineKeyboardButton(str(v), callback_data=encode(Action.ANSWER, number, v))
                for v in range(6, 11)
            ],
        ]
    )


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledges the tap, marks the message answered and sends the next question."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    await query.answer()
    data = query.data or ""
    await query.edit_message_text(ANSWERED.format(answer=escape(data)), parse_mode=ParseMode.HTML)
    number = int(data.split(":")[1]) + 1 if data.count(":") == 2 else 1
    await context.bot.send_message(
        query.message.chat.id,
        QUESTION.format(number=number),
        parse_mode=ParseMode.HTML,
        reply_markup=_keyboard(number),
    )


async def message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the first question."""
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(
        chat.id, QUESTION.format(number=1), parse_mode=ParseMode.HTML, reply_markup=_keyboard(1)
    )


def build_floor_application(token: str, base_url: str) -> Application[Any, Any, Any, Any, Any, Any]:
    """The floor bot, built like wipbot's Application."""
    base = base_url.rstrip("/")
    application = (
        ApplicationBuilder()
        .token(token)
        .concurrent_updates(PerUserOrderedProcessor())
        .request(AiohttpRequest(64))
        .get_updates_request(AiohttpRequest(1, read_timeout=35))
        .base_url(base)
        .base_file_url(base.removesuffix("/bot") + "/file/bot")
        .build()
    )
    application.add_handler(CallbackQueryHandler(press))
    application.add_handler(MessageHandler(filters.ALL, message))
    return application


def main() -> int:
    """Polls until interrupted."""
    application = build_floor_application(
        os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_API_BASE_URL"]
    )
    application.run_polling(
        allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT_SECONDS, drop_pending_updates=False
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
