"""The composition root: every handler, service and job is wired here, in one place."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import ApplicationBuilder, ContextTypes, ExtBot
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.context import BotData, Services, WipApplication, WipContext
from bot.handlers import is_resume_command, register_handlers
from bot.handlers.commands_menu import publish_commands, publish_staff_commands
from bot.metrics import telegram_call
from bot.outbound.exports import schedule_export_job
from bot.outbound.reminders import schedule_jobs
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.question_messages import QuestionMessages
from bot.settings import Settings
from bot.telegram.http import AiohttpRequest
from bot.telegram.observed import ObservedRequest
from bot.telegram.rate_limits import ChatRateLimiter
from bot.telegram.sending import Pacer
from bot.telegram.tolerant_bot import TolerantBot
from bot.telegram.update_processor import PerUserOrderedProcessor
from storage.db import create_engine, create_session_factory
from storage.repositories import staff as staff_repo

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org/bot"
# Telegram's published limits (https://core.telegram.org/bots/faq#broadcasting-to-users);
# the overall one is a setting (WIPBOT_TELEGRAM_RATE, 30 by default).
GROUP_MESSAGES_PER_MINUTE = 20
RATE_LIMIT_RETRIES = 3


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
    request: BaseRequest | None = None,
) -> WipApplication:
    """Builds the bot: handlers, services, the reminder job; nothing runs until started.

    `request` replaces the HTTP transport of the Bot API calls (not of getUpdates), e.g.
    with an in-process Telegram for profiling (`bench.micro`)."""
    if settings.token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the application")
    base = (settings.telegram_api_base_url or DEFAULT_API_URL).rstrip("/")
    # An update PTB cannot read is skipped, not a stop of polling (bot/telegram/tolerant_bot.py).
    bot: ExtBot[None] = TolerantBot(
        settings.token,
        base_url=base,
        base_file_url=base.removesuffix("/bot") + "/file/bot",
        request=request or ObservedRequest(AiohttpRequest(connection_pool_size=64), telegram_call),
        get_updates_request=AiohttpRequest(read_timeout=35),
        # Every call that names a chat stays under Telegram's ~30 messages/s overall and
        # 20/min per group, and a 429 is waited out and tried again, replies to a
        # person's taps included: only the overall limit is ever near (bulk sends are
        # paced to `broadcast_rate_per_second` below it), so a quick person is not slowed;
        # a 429 for one participant's chat waits that chat alone (bot/telegram/rate_limits.py).
        rate_limiter=ChatRateLimiter(
            overall_max_rate=settings.telegram_rate_per_second,
            group_max_rate=GROUP_MESSAGES_PER_MINUTE,
            group_time_period=60,
            max_retries=RATE_LIMIT_RETRIES,
        ),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=WipContext, bot_data=BotData))
        .concurrent_updates(PerUserOrderedProcessor(redundant_behind_another=is_resume_command))
        .post_init(_post_init)
        .post_stop(stop_background)
        .post_shutdown(_post_shutdown)
    )
    application: WipApplication = builder.build()

    owns_engine = engine is None
    engine = engine or create_engine(settings.database_url)
    clock = clock or SystemClock()
    sessions = create_session_factory(engine)
    application.bot_data.services = Services(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        read_sessions=create_session_factory(engine, read_only=True),
        questionnaires=QuestionnaireCache(),
        question_messages=QuestionMessages(sessions, clock),
        pacer=Pacer(settings.broadcast_rate_per_second),
        owns_engine=owns_engine,
    )
    register_handlers(application)
    schedule_jobs(application)
    schedule_export_job(application)
    return application


async def _post_init(application: WipApplication) -> None:
    """Learns the bot's username and registers the command menus."""
    services = application.bot_data.services
    assert services is not None
    me = await application.bot.get_me()
    services.bot_username = me.username or ""
    configured = services.settings.bot_username
    if configured and configured.casefold() != services.bot_username.casefold():
        log.error(
            "WIPBOT_BOT_USERNAME is %r but the token belongs to @%s: invitation links and cards"
            " made with it lead to another bot; set WIPBOT_BOT_USERNAME=%s",
            configured,
            services.bot_username,
            services.bot_username,
        )
    await publish_commands(application.bot)
    async with services.read_sessions() as session:
        staff_chats = {s.telegram_user_id for s in await staff_repo.list_staff(session)}
    for chat_id in sorted(c for c in staff_chats if c is not None):
        await publish_staff_commands(application.bot, chat_id)
    log.info("bot @%s ready", services.bot_username)


async def stop_background(application: WipApplication) -> None:
    """Stops the broadcast sender while the bot can still talk (before shutdown).

    Deliveries it was sending stay 'sending' and are requeued by the next start. The ids
    of messages showing questions are stored.
    """
    services = application.bot_data.services
    if services is None:
        return
    if application.bot_data.outbound is not None:
        await application.bot_data.outbound.close()
    await services.question_messages.close()


async def _post_shutdown(application: WipApplication) -> None:
    """Closes the database pool."""
    services = application.bot_data.services
    if services is not None and services.owns_engine:
        await services.engine.dispose()
