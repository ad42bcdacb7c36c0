"""Concurrent update processing that keeps each person's updates in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


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
    # must not occupy the slots everybody else needs.
    def __init__(self, max_concurrent_updates: int = 4096) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Runs the handler coroutine once the person's earlier updates are done."""
        key = ordering_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
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
