"""The broadcast sender: one background task per process delivering queued broadcasts, paced."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot

from bot.notices import broadcast_text
from bot.services.broadcasts import STAFF_KIND, Finished, Outbox, Outgoing
from bot.telegram.sending import Pacer, SendResult, SendStatus, send_paced

log = logging.getLogger(__name__)

# A delivery is tried this many times in a row (with backoff) before going back to the
# queue, and given up after this many claims.
IMMEDIATE_TRIES = 3
MAX_CLAIMS = 5
REQUEUE_DELAY = dt.timedelta(minutes=1)
# Deliveries 'sending' for longer than this, with no sender of ours running, belong to a
# process that died: they are queued again (a possible duplicate, never a silent loss).
STALE_SENDING = dt.timedelta(minutes=2)


ReportSink = Callable[[Finished], Awaitable[None]]


class BroadcastDispatcher:
    """Delivers queued broadcasts in the background, one sender task per process.

    `kick()` starts the task if it is not running (from the handler that queued a
    broadcast, and from the periodic job for broadcasts queued by the admin script or
    left behind by a crash). The task claims small batches, sends them paced, records
    every outcome and stops when nothing is due.
    """

    def __init__(self, outbox: Outbox, bot: Bot, pacer: Pacer, on_report: ReportSink) -> None:
        self._outbox = outbox
        self._bot = bot
        self._pacer = pacer
        self._on_report = on_report
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self._stopping = False
        self.batch_size = 25

    @property
    def running(self) -> bool:
        """Tells whether the sender task is at work."""
        return self._task is not None and not self._task.done()

    def kick(self) -> None:
        """Makes sure queued deliveries get sent, now, without blocking the caller."""
        self._again = True
        if not self.running and not self._stopping:
            self._task = asyncio.create_task(self._run(), name="wipbot-broadcasts")

    async def idle(self) -> None:
        """Waits until the sender task has nothing left to do (tests, the admin script)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def close(self, grace: float = 5.0) -> None:
        """Stops sending: no new sends, the ones under way may finish within `grace` seconds.

        Deliveries claimed but not sent stay 'sending' and are requeued by a later start.
        Cancelling only after the grace keeps the gap between a send and its record (where
        a stop means a duplicate after the restart) out of the way of a normal shutdown.
        """
        self._stopping = True
        task = self._task
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), grace)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        try:
            while not self._stopping:
                self._again = False
                batch = await self._outbox.claim(self.batch_size)
                if not batch:
                    if self._again:
                        continue
                    return
                await asyncio.gather(*(self._deliver(outgoing) for outgoing in batch))
                for broadcast_id in sorted({outgoing.broadcast_id for outgoing in batch}):
                    finished = await self._outbox.finish(broadcast_id)
                    if finished is not None:
                        log.info("broadcast %s done: %s", broadcast_id, finished.report)
                        await self._on_report(finished)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("broadcast sender stopped; the periodic job will start it again")

    async def _deliver(self, outgoing: Outgoing) -> None:
        text = (
            broadcast_text(outgoing.text, outgoing.language)
            if outgoing.kind == STAFF_KIND
            else outgoing.text
        )
        result = SendResult(SendStatus.NOT_SENT)
        for attempt in range(IMMEDIATE_TRIES):
            if attempt:
                await asyncio.sleep(0.5 * 2**attempt)
            if self._stopping:
                return  # left 'sending' unsent: requeued by a later start, never lost
            result = await send_paced(self._bot, self._pacer, outgoing.chat_id, text)
            if result.status not in (SendStatus.NOT_SENT, SendStatus.UNCERTAIN):
                break
            log.warning(
                "broadcast %s to chat %s: %s (try %d)",
                outgoing.broadcast_id,
                outgoing.chat_id,
                result.error,
                attempt + 1,
            )
        match result.status:
            case SendStatus.SENT:
                assert result.message_id is not None
                await self._outbox.sent(outgoing, result.message_id)
            case SendStatus.BLOCKED:
                await self._outbox.blocked(outgoing, result.error)
            case SendStatus.REJECTED:
                await self._outbox.failed(outgoing, result.error)
            case _ if outgoing.attempts >= MAX_CLAIMS:
                await self._outbox.failed(outgoing, result.error)
            case _:
                await self._outbox.retry_later(outgoing, result.error, REQUEUE_DELAY)
