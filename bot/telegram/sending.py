"""Sending without upsetting Telegram: the bulk pacer, flood waits, what a failed send means.

Bulk messages (reminders, broadcasts, agenda-change notices) share one `Pacer` per
process, which spaces them to `broadcast_rate_per_second` (default 28/s, under Telegram's
~30/s) and stops every bulk send for `retry_after` seconds when Telegram answers 429.
Replies to a person's own taps are not paced: they are one message each and must be fast.

The pace and the waits are real seconds of Telegram's, not workshop time, so they use the
event loop's monotonic clock; instants recorded in the database use `services.clock`.

What a failed send means:
- 429 (RetryAfter): refused, nothing was sent; wait and send again. Never a duplicate.
- 403 (Forbidden): the person blocked the bot; recorded, never retried.
- 400 (BadRequest): the message or chat is wrong; retrying cannot help.
- connection refused, connect/pool timeout, 5xx: taken as not sent; retried with backoff.
  A 5xx counts by its status, whatever its body: JSON, a proxy's HTML page, empty or cut.
- 200 with a body that cannot be read: Telegram took it; counted as possibly arrived.
- read/write timeout or a connection cut after the request went out: unknown, the
  message may well have arrived. Broadcasts retry it (at least once: a rare duplicate of an
  announcement is better than a participant missing that the plenary moved); reminders
  do not (at most once: see bot/services/reminders.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from dataclasses import dataclass
from enum import StrEnum

import aiohttp
import httpx
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.http import ServerError

log = logging.getLogger(__name__)

# Flood waits are not failures, but a send that keeps being refused goes back to the queue.
MAX_FLOOD_WAITS = 20


class Pacer:
    """Spaces bulk sends to at most `rate` per second; a 429 pauses every bulk send."""

    def __init__(self, rate_per_second: float) -> None:
        self._interval = 1.0 / rate_per_second
        self._next = 0.0
        self._paused_until = 0.0

    async def turn(self) -> None:
        """Waits for this caller's slot."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if now < self._paused_until:
                await asyncio.sleep(self._paused_until - now)
                continue
            slot = max(now, self._next)
            self._next = slot + self._interval
            if slot > now:
                await asyncio.sleep(slot - now)
            if loop.time() >= self._paused_until:
                return
            # A 429 arrived while this caller waited: queue again after the pause.

    def hold(self, seconds: float) -> None:
        """Pauses every bulk send for `seconds` (Telegram's retry_after)."""
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next = max(self._next, self._paused_until)


class SendStatus(StrEnum):
    """What became of one send."""

    SENT = "sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot
    REJECTED = "rejected"  # 400: retrying cannot help
    NOT_SENT = "not_sent"  # provably not delivered: safe to send again
    UNCERTAIN = "uncertain"  # timed out after the request went out: may have arrived


@dataclass(frozen=True)
class SendResult:
    """The outcome of `send_paced`."""

    status: SendStatus
    message_id: int | None = None
    error: str = ""


async def send_paced(
    bot: Bot,
    pacer: Pacer,
    chat_id: int,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    parse_mode: str | None = None,
) -> SendResult:
    """Sends one bulk message in its paced slot, waiting out flood control as told."""
    for _ in range(MAX_FLOOD_WAITS):
        await pacer.turn()
        try:
            message = await bot.send_message(
                chat_id, text, reply_markup=reply_markup, parse_mode=parse_mode
            )
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            log.info("flood control: pausing bulk sends for %.1f s", seconds)
            pacer.hold(seconds)
            continue
        except TelegramError as exc:
            return classify_failure(exc)
        return SendResult(SendStatus.SENT, message.message_id)
    return SendResult(SendStatus.NOT_SENT, error="flood control kept refusing")


def retry_after_seconds(exc: RetryAfter) -> float:
    """Telegram's retry_after in seconds (PTB 22 gives int or timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, dt.timedelta):
        return max(value.total_seconds(), 0.0)
    return max(float(value), 0.0)


# Transport errors raised before a request could leave (either HTTP client PTB may use).
_NEVER_SENT = (
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ConnectError,
    aiohttp.ConnectionTimeoutError,
    aiohttp.ClientConnectorError,
)


def classify_failure(exc: TelegramError) -> SendResult:
    """Sorts a failed send by what it proves about delivery (see the module docstring)."""
    error = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, Forbidden):
        return SendResult(SendStatus.BLOCKED, error=error)
    if isinstance(exc, BadRequest):
        return SendResult(SendStatus.REJECTED, error=error)
    if isinstance(exc, NetworkError):
        cause = exc.__cause__
        if isinstance(exc, ServerError) or isinstance(cause, _NEVER_SENT):
            return SendResult(SendStatus.NOT_SENT, error=error)
        if cause is None and not isinstance(exc, TimedOut):
            return SendResult(SendStatus.NOT_SENT, error=error)  # Telegram answered 5xx
        if isinstance(cause, TelegramError) and not isinstance(cause, NetworkError):
            # An error status whose body was not JSON (a proxy's HTML 502/504 page, an
            # empty or cut body): the server answered, and not with success.
            return SendResult(SendStatus.NOT_SENT, error=error)
        # Timed out or cut off after the request went out: it may have arrived.
        return SendResult(SendStatus.UNCERTAIN, error=error)
    if _unreadable_success(exc):
        # Telegram said 200 but the body could not be read: the message went out.
        return SendResult(SendStatus.UNCERTAIN, error=error)
    return SendResult(SendStatus.REJECTED, error=error)


def _unreadable_success(exc: TelegramError) -> bool:
    """PTB's error for a 2xx answer whose body is not JSON (error answers raise others)."""
    return type(exc) is TelegramError and "invalid server response" in str(exc).lower()
