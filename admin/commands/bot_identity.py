"""The bot's username for printed links, checked against Telegram's getMe when it can be.

A typo in WIPBOT_BOT_USERNAME (or --bot-username) ends up on every invitation card and
link, and leads participants to another bot or to nobody. When a token is configured, the
name is compared with the one Telegram gives the token's bot, and a command that prints
links refuses a name the bot does not have, before it changes anything. Without a token
(an organiser's laptop that only prints cards) the name is used as given.
"""

from __future__ import annotations

import argparse
import sys

from admin.errors import AdminError
from bot.settings import Settings, is_bot_username

# getMe is one small request; an admin command should not hang on an unreachable network.
_GET_ME_TIMEOUT_SECONDS = 10.0


def given_username(args: argparse.Namespace, settings: Settings) -> str | None:
    """The username from --bot-username or the settings, without '@'; refuses a malformed one."""
    given = getattr(args, "bot_username", None)
    name = (given or settings.bot_username or "").strip().removeprefix("@")
    if name and not is_bot_username(name):
        raise AdminError(
            f"--bot-username {name!r} is not a Telegram bot username: 5-32 letters, digits "
            "or _, starting with a letter and ending in 'bot' (e.g. wipbot_jambi_bot)."
        )
    return name or None


async def link_username(args: argparse.Namespace, settings: Settings) -> str | None:
    """The username to print in links: as given, checked against getMe if a token is set.

    With a token and no name given, the bot's own name is used. Raises AdminError when the
    name is not the token's bot's; a Telegram that cannot be reached is one warning line.
    """
    name = given_username(args, settings)
    if settings.token is None:
        return name
    actual = await _token_username(settings)
    if actual is None:
        return name
    if name is None:
        return actual
    if name.casefold() != actual.casefold():
        source = "--bot-username" if getattr(args, "bot_username", None) else "WIPBOT_BOT_USERNAME"
        raise AdminError(
            f"{source} is {name!r} but TELEGRAM_BOT_TOKEN belongs to @{actual}: links and "
            f"cards made with it lead to another bot. Use {actual} (nothing was changed)."
        )
    return name


async def _token_username(settings: Settings) -> str | None:
    """The username Telegram gives the configured token's bot; None if Telegram is unreachable."""
    # Imported here: the Telegram client costs every other admin command ~0.5 s to load.
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError
    from telegram.request import HTTPXRequest

    assert settings.token is not None
    base = (settings.telegram_api_base_url or "https://api.telegram.org/bot").rstrip("/")
    request = HTTPXRequest(
        connect_timeout=_GET_ME_TIMEOUT_SECONDS, read_timeout=_GET_ME_TIMEOUT_SECONDS
    )
    bot = Bot(settings.token, base_url=base, request=request)
    try:
        me = await bot.get_me()
    except InvalidToken:
        raise AdminError(
            "Telegram does not know TELEGRAM_BOT_TOKEN (revoked or mistyped): ask @BotFather "
            "for the bot's token, or leave it unset to print links without checking."
        ) from None
    except TelegramError as exc:
        print(
            f"warning: could not ask Telegram for the bot's username ({type(exc).__name__}); "
            "the links use the configured name unchecked.",
            file=sys.stderr,
        )
        return None
    finally:
        await request.shutdown()
    return me.username or None
