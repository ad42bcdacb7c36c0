"""The application's context types: Services, BotData, WipContext, WipApplication (a leaf)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.answer_cache import AnswerCache
from bot.services.question_messages import QuestionMessages
from bot.settings import Settings
from bot.telegram.sending import Pacer


def _nothing() -> None:
    """The default wake-up hook: no broadcast sender to wake (e.g. before the jobs start)."""


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
    # The bulk pacer shared by broadcasts, reminders and nudges (one per process).
    pacer: Pacer
    # Recent responses' answers, read again only when changed.
    answer_cache: AnswerCache = field(default_factory=AnswerCache)
    bot_username: str = ""
    owns_engine: bool = True
    # Wakes the broadcast sender after a broadcast or an agenda notice was queued; set by
    # the composition root (bot/app.py) when it starts the outbound work.
    wake_sender: Callable[[], None] = _nothing


class Outbound(Protocol):
    """The process's outbound work (bot/outbound): stopped while the bot can still talk."""

    async def close(self) -> None:
        """Stops sending; what was claimed but not sent is resumed by the next start."""


class BotData:
    """Typed `bot_data`: the services, set when the application is built."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.outbound: Outbound | None = None


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
