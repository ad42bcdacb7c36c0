"""Webhook delivery as Telegram does it: setWebhook/deleteWebhook/getWebhookInfo, and a
pusher that POSTs each update to the URL with the secret-token header, several at once
up to max_connections but one chat's updates in order, redelivering on a non-2xx answer
or a timeout with a growing delay, giving an update up after a number of failed
attempts, and reporting pending updates and the last error.

Telegram's rule ("we will give up after a reasonable amount of attempts"), as the Bot API
server it runs (tdlib/telegram-bot-api, WebhookActor) implements it: the delay doubles
after each failure from 1 s to a cap drawn in 60-120 s, and an update is dropped once its
next attempt would come after it expires, 24 hours after it arrived. The sandbox keeps
that shape on a test's time scale: the delay doubles from `first_retry_seconds` (0.1 s)
to `max_retry_seconds` (2 s), and the `max_attempts`-th failure (10) drops the update,
about 11 s after its first attempt: far longer than a worker restart or a balancer's
health check takes, so a bot that answers again soon loses nothing, and short enough for
a test to see an update given up. Counting attempts rather than age keeps it independent
of how loaded the machine is.

The one leniency: Telegram takes only https URLs on ports 443, 80, 88 and 8443; with no
TLS on a test machine, the sandbox also takes http on a loopback address (any port).
For tests, `balance(urls)` stands for a load balancer in front of several workers: each
delivery goes to one of them (alternately or at random) instead of the set URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from sandbox.errors import ApiError, bad_request
from sandbox.updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_TELEGRAM_PORTS = frozenset({443, 80, 88, 8443})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_MAX_CONNECTIONS = 40
DEFAULT_MAX_ATTEMPTS = 10
CONFLICT_WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)


def check_webhook_url(url: str) -> None:
    """Raises Telegram's 400 for a URL it would not take (see the module's leniency)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        port = parts.port or 443
        if port not in _TELEGRAM_PORTS:
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        return
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return
    raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")


def ordering_key(update: Any) -> Any:
    """The chat (or person) whose updates Telegram delivers one after another."""
    if not isinstance(update, dict):
        return None
    for kind, body in update.items():
        if kind == "update_id" or not isinstance(body, dict):
            continue
        chat = body.get("chat") or (body.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return chat["id"]
        sender = body.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return sender["id"]
    return None


def retry_delay(failures: int, first: float, cap: float) -> float:
    """Seconds to wait after an update's `failures`-th failed attempt: doubling, capped."""
    return float(min(cap, first * 2 ** (failures - 1)))


@dataclass
class _Item:
    update_id: int
    update: Any
    key: Any
    redelivery: bool = False
    attempts: int = 0
    not_before: float = 0.0
    in_flight: bool = False


@dataclass
class WebhookStats:
    """What the pusher did, for tests."""

    delivered: int = 0
    failed_attempts: int = 0
    given_up: list[int] = field(default_factory=list)  # update ids dropped after failing
    by_target: Counter[str] = field(default_factory=Counter)
    refused_by_status: Counter[int] = field(default_factory=Counter)


class WebhookPusher:
    """The bot's webhook, when one is set: pushes the update queue's updates to it."""

    def __init__(
        self,
        updates: UpdateQueue,
        *,
        request_timeout: float = 60.0,
        first_retry_seconds: float = 0.1,
        max_retry_seconds: float = 2.0,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        clock: Any = time.time,
    ) -> None:
        self._updates = updates
        self.request_timeout = request_timeout
        self.first_retry_seconds = first_retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self.max_attempts = max_attempts
        self._clock = clock
        self.url = ""
        self.secret: str | None = None
        self.max_connections = DEFAULT_MAX_CONNECTIONS
        self.allowed_updates: list[str] | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.stats = WebhookStats()
        self._targets: list[str] = []
        self._random_targets = False
        self._next_target = 0
        self._items: dict[int, _Item] = {}  # not yet answered 2xx, by update id or -n
        self._redelivery_seq = 0
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        updates.listeners.append(self._changed.set)

    @property
    def active(self) -> bool:
        """Tells whether a webhook is set (getUpdates is refused meanwhile)."""
        return bool(self.url)

    def balance(self, urls: list[str], *, randomly: bool = False) -> None:
        """Delivers to these URLs in turn (or at random) instead of the set one: a load
        balancer in front of several workers. An empty list goes back to the set URL."""
        self._targets = list(urls)
        self._random_targets = randomly
        self._next_target = 0

    def set(
        self,
        url: str,
        *,
        secret: str | None,
        max_connections: int | None,
        allowed_updates: list[str] | None,
        drop_pending: bool,
    ) -> None:
        """setWebhook: checks the parameters as Telegram does, then starts pushing."""
        if not url:
            self.delete(drop_pending=drop_pending)
            return
        check_webhook_url(url)
        if secret is not None and not _SECRET.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        connections = DEFAULT_MAX_CONNECTIONS if max_connections is None else max_connections
        if not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if drop_pending:
            self._updates.drop_all()
            self._items.clear()
        self.url = url
        self.secret = secret
        self.max_connections = connections
        if allowed_updates is not None:
            self.allowed_updates = allowed_updates
            self._updates.set_allowed(allowed_updates)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="webhook-push")
        self._changed.set()

    def delete(self, *, drop_pending: bool) -> None:
        """deleteWebhook: stops pushing; what is pending waits for getUpdates."""
        self.url = ""
        if drop_pending:
            self._updates.drop_all()
        self._items = {k: v for k, v in self._items.items() if v.in_flight}
        self._changed.set()

    def info(self) -> dict[str, Any]:
        """getWebhookInfo's WebhookInfo."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": self._updates.pending_count
            + sum(1 for item in self._items.values() if item.redelivery),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if self.allowed_updates is not None:
                info["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    def refuse_get_updates(self) -> None:
        """getUpdates while a webhook is set: 409, as Telegram answers."""
        if self.active:
            raise ApiError(409, f"Conflict: {CONFLICT_WEBHOOK_ACTIVE}")

    async def aclose(self) -> None:
        """Stops pushing and closes the connections."""
        self.url = ""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._in_flight):
            task.cancel()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- pushing -----------------------------------------------------------------------

    def _collect(self) -> None:
        """Takes new updates from the queue (and redeliveries) into the delivery list."""
        for update_id, update in self._updates.pending_items():
            if update_id not in self._items:
                self._items[update_id] = _Item(update_id, update, ordering_key(update))
        for update in self._updates.take_redeliveries():
            self._redelivery_seq -= 1
            update_id = update.get("update_id", 0) if isinstance(update, dict) else 0
            self._items[self._redelivery_seq] = _Item(
                update_id, update, ordering_key(update), redelivery=True
            )

    def _ready(self, now: float) -> tuple[list[tuple[int, _Item]], float | None]:
        """Items that may go now (first of their chat, due), and when the next one is due."""
        busy = {item.key for item in self._items.values() if item.in_flight and item.key}
        seen: set[Any] = set()
        ready: list[tuple[int, _Item]] = []
        wake_at: float | None = None
        ordered = sorted(self._items.items(), key=lambda kv: (kv[1].redelivery, kv[1].update_id))
        for slot, item in ordered:
            if item.in_flight:
                continue
            if item.key is not None:
                if item.key in busy or item.key in seen:
                    continue
                seen.add(item.key)
            if item.not_before > now:
                wake_at = item.not_before if wake_at is None else min(wake_at, item.not_before)
                continue
            ready.append((slot, item))
        return ready, wake_at

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._changed.clear()
            wake_at: float | None = None
            if self.active:
                self._collect()
                ready, wake_at = self._ready(loop.time())
                for slot, item in ready:
                    if len(self._in_flight) >= self.max_connections:
                        break
                    item.in_flight = True
                    task = loop.create_task(self._deliver(slot, item))
                    self._in_flight.add(task)
                    task.add_done_callback(self._finished)
            timeout = None if wake_at is None else max(0.0, wake_at - loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._changed.set()

    def _target(self) -> str:
        if not self._targets:
            return self.url
        if self._random_targets:
            return random.choice(self._targets)
        target = self._targets[self._next_target % len(self._targets)]
        self._next_target += 1
        return target

    async def _deliver(self, slot: int, item: _Item) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        target = self._target()
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        error: str | None = None
        try:
            async with self._session.post(
                target,
                json=item.update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.request_timeout),
            ) as response:
                await response.read()
                if not 200 <= response.status < 300:
                    self.stats.refused_by_status[response.status] += 1
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            error = "Read timeout expired"
        except aiohttp.ClientError as exc:
            error = f"Connection failed: {exc.__class__.__name__}"
        finally:
            item.in_flight = False
        if error is None:
            self.stats.delivered += 1
            self.stats.by_target[target] += 1
            self._forget(slot, item)
            return
        self.stats.failed_attempts += 1
        self.last_error_date = int(self._clock())
        self.last_error_message = error
        item.attempts += 1
        if item.attempts >= self.max_attempts:
            # Given up, as Telegram does: the chat's next update may go now.
            self.stats.given_up.append(item.update_id)
            self._forget(slot, item)
            return
        delay = retry_delay(item.attempts, self.first_retry_seconds, self.max_retry_seconds)
        item.not_before = asyncio.get_running_loop().time() + delay

    def _forget(self, slot: int, item: _Item) -> None:
        """Removes a delivered (or given up) update from what is pending."""
        self._items.pop(slot, None)
        if not item.redelivery:
            self._updates.remove(item.update_id)
