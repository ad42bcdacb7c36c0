"""The last line of defence: log what we broke, tell the person politely."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.context import WipContext
from bot.i18n import normalise_language, t
from storage.repositories import participants as participant_repo

log = logging.getLogger(__name__)


async def on_error(update: object, context: WipContext) -> None:
    """Logs the error with its update and, where there is a person, apologises."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("update %s: user is unreachable: %s", update_id, error)
        return
    if isinstance(error, RetryAfter | TimedOut) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    ):
        log.warning("update %s: Telegram network problem: %s", update_id, error)
    else:
        log.error("update %s failed", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    lang = await _language(update, context)
    try:
        # A button's query is never answered here: the handler answers it after its work
        # (bot.telegram.messages.answer_query), and a second answer would be refused.
        await context.bot.send_message(update.effective_chat.id, t("error_generic", lang))
    except Exception:
        log.warning("update %s: could not send the apology", update_id)


async def _language(update: Update, context: WipContext) -> str:
    """The person's chosen language if we can still read it, else their Telegram one."""
    user = update.effective_user
    fallback = normalise_language(user.language_code if user else None)
    if user is None:
        return fallback
    try:
        # A read-only session: a writer's session would take SQLite's write lock outside
        # this process's writer turn, and wait for it while holding a pool connection.
        async with context.services.read_sessions() as session:
            participant = await participant_repo.get_by_telegram_user(session, user.id)
    except Exception:  # the database may be what failed
        return fallback
    return participant.language if participant is not None else fallback
