"""Telegram-like flood limits, on by default, answered with 429 and retry_after."""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field

from sandbox.errors import ApiError, too_many_requests

# What Telegram counts as messages sent to a chat: sends, and edits of what was sent (an
# edit redraws the message on every device). Chat actions, callback answers and deletions
# are not counted.
DEFAULT_LIMITED_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)
# Telegram's published guidance ("How can I message all of my bot's subscribers at once?"):
# about 30 messages per second overall, 20 per minute in a group, and in a private chat
# no more than about one per second, "short bursts" allowed. The burst size is not
# published; 10 lets a bot answer a quick person without pacing while a sustained rate
# above 1/s runs the bucket dry within seconds.
TELEGRAM_GLOBAL_PER_SECOND = 30.0
TELEGRAM_PER_CHAT_PER_SECOND = 1.0
TELEGRAM_PER_CHAT_BURST = 10
TELEGRAM_PER_GROUP_PER_MINUTE = 20.0


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """The limits in force; None switches one off. The defaults are Telegram's."""

    global_per_second: float | None = TELEGRAM_GLOBAL_PER_SECOND
    per_chat_per_second: float | None = TELEGRAM_PER_CHAT_PER_SECOND
    per_chat_burst: int = TELEGRAM_PER_CHAT_BURST
    per_group_per_minute: float | None = TELEGRAM_PER_GROUP_PER_MINUTE
    methods: frozenset[str] = DEFAULT_LIMITED_METHODS

    @classmethod
    def off(cls) -> LimitSettings:
        """Returns settings with every limit switched off."""
        return cls(None, None, TELEGRAM_PER_CHAT_BURST, None)

    @classmethod
    def sped_up(cls, speed: float) -> LimitSettings:
        """Telegram's limits on a clock running `speed` times faster (a rehearsal's day):
        as many calls per real second as Telegram allows per second of that day."""
        return cls(
            TELEGRAM_GLOBAL_PER_SECOND * speed,
            TELEGRAM_PER_CHAT_PER_SECOND * speed,
            TELEGRAM_PER_CHAT_BURST,
            TELEGRAM_PER_GROUP_PER_MINUTE * speed,
        )

    @property
    def any_on(self) -> bool:
        """Tells whether at least one limit is in force."""
        return (
            self.global_per_second is not None
            or self.per_chat_per_second is not None
            or self.per_group_per_minute is not None
        )


def _window_retry_after(window: deque[float], now: float, seconds: float) -> int:
    # Whole seconds, at least 1, like Telegram's parameters.retry_after.
    return max(1, math.ceil(window[0] + seconds - now))


def _trim(window: deque[float], now: float, seconds: float) -> None:
    while window and window[0] <= now - seconds:
        window.popleft()


@dataclass(slots=True)
class _Bucket:
    """A private chat's allowance: `burst` messages at once, refilled at a steady rate."""

    tokens: float
    updated: float = field(default=0.0)

    def refill(self, now: float, rate: float, capacity: int) -> None:
        self.tokens = min(float(capacity), self.tokens + (now - self.updated) * rate)
        self.updated = now


class RateLimiter:
    """A global one-second window, per-group one-minute windows and per-chat token buckets.

    A refused call is not counted, as at Telegram, so a bot that waits retry_after and
    tries again gets through.
    """

    def __init__(self, settings: LimitSettings | None = None) -> None:
        self.settings = settings if settings is not None else LimitSettings()
        self._global: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._buckets: dict[int, _Bucket] = {}
        # Refusals by the limit that caused them: "global", "group" or "chat".
        self.refusals: Counter[str] = Counter()

    def _refuse(self, scope: str, retry_after: int) -> ApiError:
        self.refusals[scope] += 1
        return too_many_requests(retry_after)

    def configure(self, settings: LimitSettings) -> None:
        """Replaces the limits and forgets the calls counted so far."""
        self.settings = settings
        self._global.clear()
        self._groups.clear()
        self._buckets.clear()

    def credit_time(self, chat_id: int, seconds: float, now: float) -> None:
        """Credits a private chat's allowance as if `seconds` more had passed.

        A simulated person who "thought" for a while before acting gives the chat the
        allowance a real person's pause would, without the test sleeping.
        """
        rate = self.settings.per_chat_per_second
        bucket = self._buckets.get(chat_id)
        if bucket is None or rate is None or seconds <= 0:
            return  # an untouched chat's allowance is full already
        bucket.refill(now, rate, self.settings.per_chat_burst)
        bucket.tokens = min(float(self.settings.per_chat_burst), bucket.tokens + seconds * rate)

    def admit(self, method: str, chat_id: int | None, now: float) -> None:
        """Counts a call, or raises a 429 ApiError if it would exceed a limit."""
        settings = self.settings
        if method not in settings.methods or not settings.any_on:
            return
        if settings.global_per_second is not None:
            _trim(self._global, now, 1.0)
            if len(self._global) >= settings.global_per_second:
                raise self._refuse("global", _window_retry_after(self._global, now, 1.0))
        group: deque[float] | None = None
        bucket: _Bucket | None = None
        if chat_id is not None and chat_id < 0 and settings.per_group_per_minute is not None:
            group = self._groups.setdefault(chat_id, deque())
            _trim(group, now, 60.0)
            if len(group) >= settings.per_group_per_minute:
                raise self._refuse("group", _window_retry_after(group, now, 60.0))
        elif chat_id is not None and chat_id > 0 and settings.per_chat_per_second is not None:
            rate = settings.per_chat_per_second
            bucket = self._buckets.get(chat_id)
            if bucket is None:
                bucket = self._buckets[chat_id] = _Bucket(float(settings.per_chat_burst), now)
            bucket.refill(now, rate, settings.per_chat_burst)
            if bucket.tokens < 1.0:
                raise self._refuse("chat", max(1, math.ceil((1.0 - bucket.tokens) / rate)))
        if settings.global_per_second is not None:
            self._global.append(now)
        if group is not None:
            group.append(now)
        if bucket is not None:
            bucket.tokens -= 1.0
