"""The webhook endpoint: Telegram's POSTs checked, run through the Application, answered
200 only once the handler finished (its effect committed), 500 when it failed.

Polling acknowledges an update before its handler runs; here Telegram keeps an update
until it gets a 2xx, so a process that dies mid-update has it delivered again (to this
worker or another), and the processed-update ids make the second delivery harmless.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Update
from telegram.error import Forbidden

from bot import metrics
from bot.context import WipApplication, WipContext

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; a body larger than this is not one of them.
MAX_UPDATE_BYTES = 1024 * 1024

# Work done after the handler and before the 200, e.g. storing question message ids that
# another worker must see when it handles this person's next update.
AfterUpdate = Callable[[], Awaitable[None]]


class UpdateFailures:
    """Ids of updates whose handler raised, noted by an error handler of the Application."""

    def __init__(self) -> None:
        self._failed: set[int] = set()

    async def note(self, update: object, context: WipContext) -> None:
        """Error handler: remembers that this update failed (a blocked bot is no failure:
        delivering the update again would not unblock it)."""
        if isinstance(update, Update) and not isinstance(context.error, Forbidden):
            self._failed.add(update.update_id)

    def pop(self, update_id: int) -> bool:
        """True if the update failed; forgets it."""
        if update_id in self._failed:
            self._failed.discard(update_id)
            return True
        return False


class WebhookHandler:
    """The aiohttp handler of Telegram's POSTs for one Application."""

    def __init__(
        self,
        application: WipApplication,
        secret: str,
        *,
        after_update: AfterUpdate | None = None,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self._application = application
        self._secret = secret.encode()
        self._after_update = after_update
        self.failures = UpdateFailures()
        application.add_error_handler(self.failures.note)

    async def handle(self, request: web.Request) -> web.Response:
        """Answers one POST from Telegram."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            # Not from Telegram: nothing of the body is read or logged.
            log.warning("webhook request without the right secret token refused")
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict):
            return web.Response(status=400, text="not an update")
        started = time.perf_counter()
        try:
            update = Update.de_json(data, self._application.bot)
        except Exception:
            # Telegram sends it again and again otherwise; polling skips such an update
            # too (bot/telegram/tolerant_bot.py).
            log.error("skipped an update PTB cannot read (id %s)", data.get("update_id"))
            metrics.UPDATES_HANDLED.labels(outcome="unreadable").inc()
            return web.Response(status=200)
        application = self._application
        # Through the per-person ordering processor, as polling's updates go.
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
        failed = self.failures.pop(update.update_id)
        if self._after_update is not None:
            try:
                await self._after_update()
            except Exception:
                log.warning("update %s: the after-update step failed", update.update_id)
        metrics.HANDLER_SECONDS.observe(time.perf_counter() - started)
        metrics.UPDATES_HANDLED.labels(outcome="failed" if failed else "ok").inc()
        if failed:
            # Telegram delivers it again; what was committed is not done twice.
            return web.Response(status=500, text="handler failed")
        return web.Response(status=200)


def create_webhook_app(
    application: WipApplication,
    *,
    secret: str,
    path: str,
    after_update: AfterUpdate | None = None,
) -> tuple[web.Application, WebhookHandler]:
    """The aiohttp application: POST `path` for Telegram (health routes are added apart)."""
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    handler = WebhookHandler(application, secret, after_update=after_update)
    app.router.add_post(path, handler.handle)
    return app, handler
