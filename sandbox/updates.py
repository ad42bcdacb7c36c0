"""The bot's pending updates: ids, offset acknowledgement, long polling, allowed_updates."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Callable
from itertools import islice
from typing import Any

from sandbox.errors import CONFLICT_GET_UPDATES, ApiError, ControlError

_RECENT_LIMIT = 10_000
# update_id is a signed 32-bit integer at Telegram.
MAX_UPDATE_ID = 2**31 - 1

# Telegram leaves these out unless a bot asks for them explicitly.
_OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """Updates waiting for getUpdates; an update stays until an offset acknowledges it."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._pending: deque[tuple[int, Any]] = deque()
        # Recently created updates, so a test can have one delivered a second time.
        self._recent: OrderedDict[int, Any] = OrderedDict()
        self._redeliver: deque[Any] = deque()
        self._next_id = first_update_id
        self._allowed: frozenset[str] | None = None
        self._arrived = asyncio.Event()
        self._poll_generation = 0
        self._closed = False
        # Called whenever an update arrives (the webhook pusher, sandbox/webhooks.py).
        self.listeners: list[Callable[[], None]] = []
        self.created = 0
        self.dropped_by_filter = 0
        self.delivered = 0

    @property
    def pending_count(self) -> int:
        """Returns how many updates are not yet acknowledged."""
        return len(self._pending)

    def _accepts(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in _OPT_IN_TYPES
        return kind in self._allowed

    def push(self, kind: str, body: dict[str, Any]) -> int | None:
        """Queues an update of the given type; returns its id, or None if filtered out."""
        if not self._accepts(kind):
            # Telegram does not create updates of types the bot did not ask for.
            self.dropped_by_filter += 1
            return None
        update_id = self._take_id()
        self._append(update_id, {"update_id": update_id, kind: body})
        return update_id

    def push_raw(self, raw: Any) -> int:
        """Queues any JSON value as an update, bypassing allowed_updates (for fuzzing)."""
        update_id = self._take_id()
        if isinstance(raw, dict):
            raw = {**raw, "update_id": update_id}
        self._append(update_id, raw)
        return update_id

    @property
    def next_update_id(self) -> int:
        """Returns the id the next update will get."""
        return self._next_id

    def jump(self, next_update_id: int) -> None:
        """Restarts the id sequence, as Telegram may after a week without updates.

        Telegram does so only with no update waiting, so a jump with updates pending
        raises ControlError 409: wait until the bot has fetched and acknowledged them.
        """
        if not 1 <= next_update_id <= MAX_UPDATE_ID:
            raise ControlError(400, f"update_id must be between 1 and {MAX_UPDATE_ID}")
        if self._pending:
            raise ControlError(
                409, f"{len(self._pending)} updates are not yet acknowledged by the bot"
            )
        self._next_id = next_update_id

    def _take_id(self) -> int:
        update_id = self._next_id
        self._next_id += 1
        return update_id

    def _append(self, update_id: int, update: Any) -> None:
        self._pending.append((update_id, update))
        self._recent[update_id] = update
        if len(self._recent) > _RECENT_LIMIT:
            self._recent.popitem(last=False)
        self.created += 1
        self._wake()

    def _wake(self) -> None:
        self._arrived.set()
        self._arrived = asyncio.Event()
        for listener in self.listeners:
            listener()

    def pending_items(self) -> list[tuple[int, Any]]:
        """The unacknowledged updates with their ids, oldest first (for the webhook)."""
        return list(self._pending)

    def take_redeliveries(self) -> list[Any]:
        """Updates a test asked to be delivered once more, now taken by the webhook."""
        taken = list(self._redeliver)
        self._redeliver.clear()
        return taken

    def remove(self, update_id: int) -> None:
        """Forgets one update the webhook delivered (answered 2xx)."""
        for index, (pending_id, _update) in enumerate(self._pending):
            if pending_id == update_id:
                del self._pending[index]
                return

    def set_allowed(self, allowed: list[str] | None) -> None:
        """Applies getUpdates' allowed_updates; None keeps the previous setting."""
        if allowed is None:
            return
        self._allowed = frozenset(allowed) if allowed else None

    def acknowledge(self, offset: int) -> None:
        """Forgets updates confirmed by offset (negative: keep only the last -offset)."""
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        if offset > self._next_id:
            # After a jump to lower ids the offset a running bot still sends lies in the
            # future: it confirms nothing, rather than updates never delivered (the
            # sandbox's reading of Telegram, which restarts ids only for an idle bot).
            return
        while self._pending and self._pending[0][0] < offset:
            self._pending.popleft()

    def redeliver(self, update_id: int) -> bool:
        """Delivers an already created update once more, as after a bot crash before its ack.

        Telegram redelivers every update the bot did not acknowledge; a restarted bot
        therefore sees updates it had already handled. The next getUpdates returns the
        update again, whatever its offset says. False if the update is unknown.
        """
        update = self._recent.get(update_id)
        if update is None:
            return False
        self._redeliver.append(update)
        self._wake()
        return True

    def drop_all(self) -> None:
        """Forgets every pending update (deleteWebhook with drop_pending_updates)."""
        self._pending.clear()

    def close(self) -> None:
        """Releases long polls so the server can stop at once."""
        self._closed = True
        self._wake()

    async def get(self, offset: int | None, limit: int, wait_seconds: float) -> list[Any]:
        """Returns up to limit unacknowledged updates, waiting up to wait_seconds for one."""
        self._poll_generation += 1
        generation = self._poll_generation
        # A newer poll ends older ones, as Telegram does for two running bot instances.
        self._wake()
        if offset is not None:
            self.acknowledge(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, f"Conflict: {CONFLICT_GET_UPDATES}")
            if self._redeliver:
                batch = [self._redeliver.popleft() for _ in range(min(limit, len(self._redeliver)))]
                self.delivered += len(batch)
                return batch
            if self._pending or self._closed:
                batch = [update for _, update in islice(self._pending, limit)]
                self.delivered += len(batch)
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            arrived = self._arrived
            try:
                await asyncio.wait_for(arrived.wait(), remaining)
            except TimeoutError:
                continue
