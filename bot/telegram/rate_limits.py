"""Telegram's flood limits, kept by the bot: one chat's 429 waits only that chat.

PTB's AIORateLimiter keeps the overall (~30 messages/s) and per-group (20/min) limits
well, but on any 429 it holds *every* request until that retry_after has passed. A 429
for one private chat (a participant tapping faster than Telegram's ~1 message/s per
chat) then stalls the replies to every other participant, and under a workshop's load
the stalls chain. This limiter keeps the overall rate (evenly spaced, `SpacedLimiter`) and
PTB's per-group limiter (aiolimiter), and waits out a private chat's 429 for that chat
alone; a 429 for a group or for a call without a chat still pauses everything, as PTB
does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.sending import retry_after_seconds

logger = logging.getLogger(__name__)

# What PTB's requests return (JSONDict and friends), kept loose as in BaseRateLimiter.
Result = Any
# Paused chats are forgotten once their pause is over and the map has grown this large.
_PRUNE_AT = 1024


def private_chat_id(data: dict[str, Any]) -> int | None:
    """The private chat a call is for (a positive numeric chat_id), else None."""
    with contextlib.suppress(TypeError, ValueError):
        chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]
        return chat_id if chat_id > 0 else None
    return None


def group_key(data: dict[str, Any]) -> int | str | None:
    """The group or channel a call is for (negative id or @username), else None."""
    chat_id = data.get("chat_id")
    if chat_id is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        number = int(chat_id)
        return number if number < 0 else None
    return str(chat_id)


class SpacedLimiter:
    """Calls spaced evenly at `rate` per second, in the order they ask.

    What aiolimiter's AsyncLimiter(1, 1/rate) does, with one timer per waiting call and
    none for a call whose turn has come: every reply and every broadcast copy passes here,
    and the bucket's futures, heap and re-armed timers cost more than the calls' own
    spacing (bench.micro, docs/BENCHMARKS.md)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1 / rate
        self._next = 0.0  # loop time of the next free turn

    async def wait_turn(self) -> None:
        """Returns when this call's turn has come."""
        now = asyncio.get_running_loop().time()
        turn = max(now, self._next)
        self._next = turn + self._interval
        if turn > now:
            await asyncio.sleep(turn - now)


class ChatRateLimiter(BaseRateLimiter[None]):
    """Overall and per-group rates as PTB's AIORateLimiter; 429s waited out per chat."""

    def __init__(
        self,
        *,
        overall_max_rate: float,
        group_max_rate: float,
        group_time_period: float = 60.0,
        max_retries: int = 3,
    ) -> None:
        # Evenly spaced rather than in bursts: a bucket of `overall_max_rate` drained and
        # refilled within one second lets up to twice the rate through in a sliding
        # second, which Telegram (and the sandbox) count. A 5 % margin absorbs clock skew.
        self._overall = SpacedLimiter(overall_max_rate * 0.95)
        self._group_rate = group_max_rate
        self._group_period = group_time_period
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries
        # Set while a 429 for a group (or for no chat) holds every call.
        self._open = asyncio.Event()
        self._open.set()
        # Loop time until which a private chat's calls wait after its 429.
        self._chat_paused_until: dict[int, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _group_limiter(self, key: int | str) -> AsyncLimiter:
        limiter = self._groups.get(key)
        if limiter is None:
            if len(self._groups) > _PRUNE_AT:
                self._groups = {k: v for k, v in self._groups.items() if not v.has_capacity()}
            limiter = self._groups[key] = AsyncLimiter(self._group_rate, self._group_period)
        return limiter

    def _pause_chat(self, chat_id: int, seconds: float) -> None:
        now = asyncio.get_running_loop().time()
        if len(self._chat_paused_until) > _PRUNE_AT:
            self._chat_paused_until = {
                chat: until for chat, until in self._chat_paused_until.items() if until > now
            }
        until = now + seconds
        self._chat_paused_until[chat_id] = max(self._chat_paused_until.get(chat_id, 0.0), until)

    async def _wait_for_chat(self, chat_id: int) -> None:
        loop = asyncio.get_running_loop()
        # A loop, not an Event: another 429 for the chat may extend the pause meanwhile.
        while (wait := self._chat_paused_until.get(chat_id, 0.0) - loop.time()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)

    async def _call(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
        chat: int | None,
        group: int | str | None,
    ) -> Result:
        if chat is not None:
            await self._wait_for_chat(chat)
        if group is not None:
            async with self._group_limiter(group):
                await self._open.wait()
                await self._overall.wait_turn()
                return await callback(*args, **kwargs)
        await self._open.wait()
        if data.get("chat_id") is None:
            return await callback(*args, **kwargs)  # getMe, answerCallbackQuery ...
        await self._overall.wait_turn()
        return await callback(*args, **kwargs)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        """Runs one Bot API call within the limits, retrying after a 429."""
        chat = private_chat_id(data)
        group = group_key(data)
        for attempt in range(self._max_retries + 1):
            try:
                return await self._call(callback, args, kwargs, data, chat, group)
            except RetryAfter as exc:
                if attempt == self._max_retries:
                    logger.warning(
                        "%s refused with 429 after %d retries", endpoint, self._max_retries
                    )
                    raise
                seconds = retry_after_seconds(exc) + 0.1
                logger.info("%s refused with 429: retrying in %.1f s", endpoint, seconds)
                if chat is not None:
                    self._pause_chat(chat, seconds)
                    continue
                self._open.clear()
                try:
                    await asyncio.sleep(seconds)
                finally:
                    self._open.set()
        raise AssertionError("unreachable: the last attempt returns or raises")
