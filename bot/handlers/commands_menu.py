"""The command menus Telegram shows, in Indonesian (default) and English; staff get their
own, set for each staff member's chat."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.i18n import COMMAND_DESCRIPTIONS
from bot.i18n.staff import STAFF_COMMAND_DESCRIPTIONS, STAFF_ENGLISH_ALIASES

log = logging.getLogger(__name__)

# Indonesian command -> English alias; both are handled, each language's menu shows its own.
ENGLISH_ALIASES: dict[str, str] = {
    "lanjut": "resume",
    "progres": "progress",
    "tinjau": "review",
    "kirim": "submit",
    "agenda": "agenda",
    "bahasa": "language",
    "bantuan": "help",
}


async def publish_commands(bot: Bot) -> None:
    """Registers the participant command menus with setMyCommands."""
    indonesian = [BotCommand(name, text[0]) for name, text in COMMAND_DESCRIPTIONS.items()]
    english = [
        BotCommand(ENGLISH_ALIASES[name], text[1]) for name, text in COMMAND_DESCRIPTIONS.items()
    ]
    await bot.set_my_commands(indonesian)
    await bot.set_my_commands(english, language_code="en")


async def publish_staff_commands(bot: Bot, chat_id: int) -> bool:
    """Gives one staff member's chat the staff menu (both languages); False if Telegram
    refused (e.g. the person never opened the bot), which changes nothing else."""
    scope = BotCommandScopeChat(chat_id)
    indonesian = [BotCommand(name, text[0]) for name, text in STAFF_COMMAND_DESCRIPTIONS.items()]
    english = [
        BotCommand(STAFF_ENGLISH_ALIASES[name], text[1])
        for name, text in STAFF_COMMAND_DESCRIPTIONS.items()
    ]
    try:
        await bot.set_my_commands(indonesian, scope=scope)
        await bot.set_my_commands(english, scope=scope, language_code="en")
    except TelegramError as exc:
        log.info("staff menu for chat %s not set: %s", chat_id, exc)
        return False
    return True
