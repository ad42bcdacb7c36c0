"""Configurable send-rate limits answered with 429 and retry_after, as Telegram does."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from sandbox.errors import too_many_requests

# Telegram's limits are about messages delivered to chats; edits, chat actions and callback
# answers are not counted here (see README for how to widen this with `methods`).
DEFAULT_LIMITED_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto"})
_WINDOW_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """Messages per second allowed overall and per chat; None means unlimited."""

    global_per_second: float | None = None
    per_chat_per_second: float | None = None
    methods: frozenset[str] = DEFAULT_LIMITED_METHODS


def _retry_after(window: deque[float], now: float) -> int:
    # Whole seconds, at least 1, like Telegram's parameters.retry_after.
    return max(1, math.ceil(window[0] + _WINDOW_SECONDS - now))


def _trim(window: deque[float], now: float) -> None:
    while window and window[0] <= now - _WINDOW_SECONDS:
        window.popleft()


class RateLimiter:
    """Sliding one-second windows: one global, one per chat; refused calls are not counted."""

    def __init__(self) -> None:
        self.settings = LimitSettings()
        self._global: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    def configure(self, settings: LimitSettings) -> None:
        """Replaces the limits and forgets the calls counted so far."""
        self.settings = settings
        self._global.clear()
        self._per_chat.clear()

    def admit(self, method: str, chat_id: int | None, now: float) -> None:
        """Counts a call, or raises a 429 ApiError if it would exceed a limit."""
        settings = self.settings
        if method not in settings.methods:
            return
        if settings.global_per_second is None and settings.per_chat_per_second is None:
            return
        chat_window: deque[float] | None = None
        if settings.global_per_second is not None:
            _trim(self._global, now)
            if len(self._global) >= settings.global_per_second:
                raise too_many_requests(_retry_after(self._global, now))
        if settings.per_chat_per_second is not None and chat_id is not None:
            chat_window = self._per_chat.setdefault(chat_id, deque())
            _trim(chat_window, now)
            if len(chat_window) >= settings.per_chat_per_second:
                raise too_many_requests(_retry_after(chat_window, now))
        if settings.global_per_second is not None:
            self._global.append(now)
        if chat_window is not None:
            chat_window.append(now)
