"""Health and readiness checks and the metrics page, for the webhook server or a side port."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from bot import metrics
from bot.context import WipApplication
from storage.migrate import head_revision

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 5.0

# A check returns None when fine, else one line saying what is wrong (no personal data).
Check = Callable[[], Awaitable[str | None]]


def readiness_checks(application: WipApplication) -> dict[str, Check]:
    """Database reachable, schema at the code's head revision, Telegram answers getMe."""
    services = application.bot_data.services
    assert services is not None
    engine = services.engine
    head = head_revision()

    async def database() -> str | None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return None

    async def schema() -> str | None:
        async with engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
        return None if current == head else f"schema at {current}, code expects {head}"

    async def telegram() -> str | None:
        await application.bot.get_me()
        return None

    return {"database": database, "schema": schema, "telegram": telegram}


async def _run_check(check: Check) -> str | None:
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return "no answer within the timeout"
    except Exception as error:  # a probe reports, it never raises
        return f"{error.__class__.__name__}"


def add_health_routes(
    app: web.Application,
    checks: dict[str, Check],
    *,
    before_metrics: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """/healthz: the process answers; /readyz: every check passes; /metrics: Prometheus."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        names = list(checks)
        results = await asyncio.gather(*(_run_check(checks[name]) for name in names))
        failed = {name: result for name, result in zip(names, results, strict=True) if result}
        if failed:
            log.warning("not ready: %s", failed)
            return web.json_response({"status": "not ready", "failed": failed}, status=503)
        return web.json_response({"status": "ready", "checks": names})

    async def metrics_page(_request: web.Request) -> web.Response:
        if before_metrics is not None:
            try:
                await asyncio.wait_for(before_metrics(), CHECK_TIMEOUT_SECONDS)
            except Exception:
                log.warning("could not refresh the gauges before a scrape", exc_info=True)
        body, content_type = metrics.exposition()
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
