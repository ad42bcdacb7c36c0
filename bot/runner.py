"""Running the bot: start-up checks, polling, and an in-process runner for tests."""

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
from bot.settings import Settings
from storage.migrate import SchemaOutOfDate, ensure_up_to_date

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30


def run_bot(settings: Settings) -> int:
    """Checks the schema, then polls Telegram until interrupted."""
    configure_logging(settings.log_level, secrets=[settings.token or ""])
    try:
        asyncio.run(ensure_up_to_date(settings.database_url))
    except SchemaOutOfDate as exc:
        print(f"Cannot start: {exc}.", file=sys.stderr)
        return 2
    application = build_application(settings, clock=clock_from_setting(settings.clock))
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
