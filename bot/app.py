"""Application assembly: every handler, service and job is wired here, in one place."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, ApplicationBuilder, CallbackContext, ContextTypes, ExtBot
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.answer_cache import AnswerCache
from bot.services.question_messages import QuestionMessages
from bot.settings import Settings
from bot.telegram_http import AiohttpRequest
from bot.tolerant_bot import TolerantBot
from bot.update_processor import PerUserOrderedProcessor
from storage.db import create_engine, create_session_factory

if TYPE_CHECKING:
    from bot.scheduling import Background

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org/bot"


@dataclass
class Services:
    """Long-lived collaborators created at start-up and shared by every handler."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # Sessions that never take SQLite's write lock: for reads that change nothing, so that
    # showing progress or a question never queues behind (or blocks) answers being saved.
    read_sessions: async_sessionmaker[AsyncSession]
    questionnaires: QuestionnaireCache
    # Ids of the messages showing current questions, stored in batches.
    question_messages: QuestionMessages
    # Recent responses' answers, read again only when changed.
    answer_cache: AnswerCache = field(default_factory=AnswerCache)
    bot_username: str = ""
    owns_engine: bool = True
    background_tasks: set[Any] = field(default_factory=set)
    # The bulk sender and periodic work (bot/scheduling.py), set by schedule_jobs.
    background: Background | None = None


class BotData:
    """Typed `bot_data`: the services, set in `post_init`."""

    def __init__(self) -> None:
        self.services: Services | None = None


class WipContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Callback context with typed access to the services."""

    @property
    def services(self) -> Services:
        """The application's services; set before any update is processed."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not initialised")
        return services


WipApplication = Application[ExtBot[None], WipContext, dict[Any, Any], dict[Any, Any], BotData, Any]


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
    # An update PTB cannot read is skipped instead of stopping polling (bot/tolerant_bot.py).
    bot: ExtBot[None] = TolerantBot(
        settings.token,
        base_url=base,
        base_file_url=base.removesuffix("/bot") + "/file/bot",
        request=request or AiohttpRequest(connection_pool_size=64),
        get_updates_request=AiohttpRequest(read_timeout=35),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=WipContext, bot_data=BotData))
        .concurrent_updates(PerUserOrderedProcessor())
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
        owns_engine=owns_engine,
    )

    from bot.handlers import register_handlers
    from bot.scheduling import schedule_jobs
    from bot.services.export_delivery import schedule_export_job

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
    from bot.handlers.commands_menu import publish_commands

    await publish_commands(application.bot)
    log.info("bot @%s ready", services.bot_username)


async def stop_background(application: WipApplication) -> None:
    """Stops the broadcast sender while the bot can still talk (before shutdown).

    Deliveries it was sending stay 'sending' and are requeued by the next start. The ids
    of messages showing questions are stored.
    """
    services = application.bot_data.services
    if services is None:
        return
    if services.background is not None:
        await services.background.dispatcher.close()
    await services.question_messages.close()


async def _post_shutdown(application: WipApplication) -> None:
    """Closes the database pool."""
    services = application.bot_data.services
    if services is not None and services.owns_engine:
        await services.engine.dispose()
