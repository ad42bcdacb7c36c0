"""The command menus Telegram shows, in Indonesian (default) and English."""

from __future__ import annotations

from telegram import Bot, BotCommand

from bot.i18n import COMMAND_DESCRIPTIONS

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
