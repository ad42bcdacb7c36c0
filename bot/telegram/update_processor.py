"""Concurrent update processing that keeps each person's updates in order."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Handlers running at once. Under a burst (1,400 people joining in the same minute) every
# update used to start its handler: they queued on the database pool (15 connections on
# SQLite) inside their transactions, some past the pool's 30 s timeout, and failed with an
# apology. A running handler also holds its slot while Telegram makes its chat wait (a
# 429 for that one chat pauses only it, bot/telegram/rate_limits.py), so the bound is
# above the database pools (15 connections on SQLite, 20 on PostgreSQL) rather than at
# them: a few paused chats do not hold everybody up, and the pool's queue stays short.
# The rest wait here, first come first served, holding nothing.
MAX_RUNNING = 32


def ordering_key(update: object) -> int | None:
    """Returns the user (or chat) whose updates must not overtake each other."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerUserOrderedProcessor(BaseUpdateProcessor):
    """Runs updates of different people concurrently and one person's updates in order.

    Quick successive taps by one participant must be applied in the order they were made,
    while hundreds of participants answering at once must not wait for each other.
    """

    # The shared slot is taken before the per-person lock (PTB's process_update is final),
    # so the slot count is generous: one person's burst of taps waiting on their own lock
    # must not occupy the slots everybody else needs. Of the updates holding a slot, at
    # most `max_running` run their handler at once, the others waiting in arrival order
    # (taken after the person's lock, so a burst of one person's taps takes one).
    # `redundant_behind_another` tells an update that only brings the person's screen up
    # again (a "continue" command): behind another update of the same person, still
    # waiting or running, it is dropped, since that update's reply brings the screen up.
    # Under overload a person whose reply is late sends it again and again; handling each
    # would add work exactly when the bot is behind.
    def __init__(
        self,
        max_concurrent_updates: int = 4096,
        max_running: int = MAX_RUNNING,
        *,
        redundant_behind_another: Callable[[object], bool] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._running = asyncio.Semaphore(max_running)
        self._redundant = redundant_behind_another
        self.dropped = 0  # redundant updates dropped so far

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Runs the handler coroutine once the person's earlier updates are done."""
        key = ordering_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        if self._waiting.get(key) and self._redundant is not None and self._redundant(update):
            self.dropped += 1
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never to run: no "never awaited" warning
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._running:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                # Nobody else is queued behind this person: drop the lock to bound memory.
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
