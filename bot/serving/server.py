"""Serving the bot over HTTP: `wipbot run --webhook`, and the health port of polling mode."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from aiohttp import web
from sqlalchemy import func, select
from telegram import Update

from bot import metrics
from bot.app import build_application, stop_background
from bot.clock import Clock, clock_from_setting
from bot.context import WipApplication
from bot.serving.health import add_health_routes, readiness_checks
from bot.serving.webhook import create_webhook_app
from bot.settings import Settings
from bot.workers import worker_role
from storage.db import is_sqlite
from storage.models import BroadcastDelivery, DeliveryStatus

log = logging.getLogger(__name__)

# Seconds a stopping server gives requests under way to finish (their handlers commit).
SHUTDOWN_GRACE_SECONDS = 20.0


def webhook_settings_problem(settings: Settings) -> str | None:
    """One line naming what webhook mode lacks, or None."""
    if settings.webhook_url is None:
        return (
            "Cannot serve a webhook: WIPBOT_WEBHOOK_URL is not set (the public https URL"
            " Telegram posts to, e.g. https://bot.example.org/telegram)."
        )
    if settings.webhook_secret is None:
        return (
            "Cannot serve a webhook: WIPBOT_WEBHOOK_SECRET is not set (1-256 letters, digits,"
            " _ or -; the same for every worker)."
        )
    return None


async def _refresh_gauges(application: WipApplication) -> None:
    services = application.bot_data.services
    assert services is not None
    async with services.read_sessions() as session:
        queued = await session.scalar(
            select(func.count())
            .select_from(BroadcastDelivery)
            .where(BroadcastDelivery.status == DeliveryStatus.QUEUED.value)
        )
    metrics.BROADCAST_QUEUE.set(queued or 0)


def _health_app(application: WipApplication, app: web.Application | None = None) -> web.Application:
    app = app if app is not None else web.Application()

    async def refresh() -> None:
        await _refresh_gauges(application)

    add_health_routes(app, readiness_checks(application), before_metrics=refresh)
    return app


@asynccontextmanager
async def listening(app: web.Application, host: str, port: int) -> AsyncIterator[web.AppRunner]:
    """Serves `app` on host:port (SO_REUSEPORT: several workers may share the port)."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, reuse_port=True).start()
        yield runner
    finally:
        await runner.cleanup()


def add_health_server(application: WipApplication, host: str, port: int) -> None:
    """Polling mode: /healthz, /readyz and /metrics on host:port while the bot runs."""
    started: list[web.AppRunner] = []
    post_init, post_stop = application.post_init, application.post_stop

    async def start(app: WipApplication) -> None:
        if post_init is not None:
            await post_init(app)
        runner = web.AppRunner(_health_app(app), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        started.append(runner)
        log.info("health checks on http://%s:%s/healthz", host, port)

    async def stop(app: WipApplication) -> None:
        while started:
            await started.pop().cleanup()
        if post_stop is not None:
            await post_stop(app)

    application.post_init = start
    application.post_stop = stop


async def serve_webhook(settings: Settings, *, clock: Clock | None = None) -> int:
    """Serves Telegram's webhook until SIGTERM or SIGINT; returns the exit status.

    The caller holds `bot.workers.single_process_guard` (one process only on SQLite)."""
    await _serve_until_stopped(settings, clock)
    return 0


async def _serve_until_stopped(settings: Settings, clock: Clock | None) -> None:
    application = build_application(settings, clock=clock or clock_from_setting(settings.clock))
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        # The election starts before the application, so that a follower's jobs never run.
        async with (
            worker_role(application, on_lost=stopping.set),
            running_webhook(application, settings),
        ):
            await stopping.wait()
            log.info("stopping: finishing the updates under way")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


@asynccontextmanager
async def running_webhook(
    application: WipApplication, settings: Settings
) -> AsyncIterator[WipApplication]:
    """Starts the Application, serves the webhook (and health routes), calls setWebhook;
    on exit stops taking requests, lets those under way finish, and stops the bot."""
    services = application.bot_data.services
    assert services is not None
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    # With several workers the next update of a person may reach another process: the id
    # of the message showing their question must be stored before Telegram hears 200.
    shared = not is_sqlite(settings.database_url)
    app, _handler = create_webhook_app(
        application,
        secret=settings.webhook_secret.get_secret_value(),
        path=settings.webhook_path,
        after_update=services.question_messages.flush if shared else None,
    )
    _health_app(application, app)
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            async with listening(app, settings.webhook_listen, settings.webhook_port):
                await application.bot.set_webhook(
                    settings.webhook_url,
                    secret_token=settings.webhook_secret.get_secret_value(),
                    allowed_updates=Update.ALL_TYPES,
                    max_connections=settings.webhook_max_connections,
                    drop_pending_updates=False,
                )
                log.info(
                    "webhook set; serving on %s:%s%s",
                    settings.webhook_listen,
                    settings.webhook_port,
                    settings.webhook_path,
                )
                # The webhook stays set when a worker stops: the others still serve it.
                yield application
        finally:
            await stop_background(application)
            await application.stop()
    if application.post_shutdown is not None:
        with suppress(Exception):
            await application.post_shutdown(application)
