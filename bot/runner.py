"""Running the bot: start-up checks, polling or webhook, and an in-process runner for tests."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update

from bot.app import build_application, stop_background
from bot.clock import clock_from_setting
from bot.context import WipApplication
from bot.logging_setup import configure_logging
from bot.memory import tune_garbage_collector
from bot.serving.server import (
    add_health_server,
    serve_webhook,
    webhook_settings_problem,
)
from bot.settings import Settings
from bot.workers import AnotherProcessRunning, single_process_guard
from storage.migrate import SchemaOutOfDate, ensure_up_to_date

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30


def _secrets(settings: Settings) -> list[str]:
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    return [settings.token or "", secret]


def run_bot(settings: Settings, *, webhook: bool = False) -> int:
    """Checks the schema, then polls Telegram (or serves its webhook) until interrupted."""
    configure_logging(
        settings.log_level, secrets=_secrets(settings), log_format=settings.log_format
    )
    if webhook and (problem := webhook_settings_problem(settings)) is not None:
        print(problem, file=sys.stderr)
        return 2
    try:
        # First: a second process on SQLite is told so before anything else is logged.
        with single_process_guard(settings.database_url):
            try:
                asyncio.run(ensure_up_to_date(settings.database_url))
            except SchemaOutOfDate as exc:
                print(f"Cannot start: {exc}.", file=sys.stderr)
                return 2
            tune_garbage_collector()
            if webhook:
                return asyncio.run(serve_webhook(settings))
            return _poll(settings)
    except AnotherProcessRunning as exc:
        print(exc, file=sys.stderr)
        return 2


def _poll(settings: Settings) -> int:
    application = build_application(settings, clock=clock_from_setting(settings.clock))
    if settings.health_port is not None:
        add_health_server(application, settings.webhook_listen, settings.health_port)
    application.run_polling(
        allowed_updates=Update.ALL_TYPES,
        timeout=POLL_TIMEOUT_SECONDS,
        drop_pending_updates=False,
    )
    return 0


@asynccontextmanager
async def running(application: WipApplication, *, poll_timeout: int = 1) -> AsyncIterator[None]:
    """Runs the application's polling in this event loop (tests, rehearsal)."""
    async with application:
        if application.post_init is not None:  # PTB calls it only in run_polling
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield
        finally:
            await application.updater.stop()
            await stop_background(application)  # PTB calls post_stop only in run_polling
            await application.stop()
            services = application.bot_data.services
            if services is not None:  # ids remembered by the updates that just finished
                await services.question_messages.close()
