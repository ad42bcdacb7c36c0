"""Which Telegram message shows each participant's current question, stored in batches.

Every answer sends the next question, and the bot must know that message later: to mark
it answered when the answer is typed, and to take its buttons away when the question is
shown again. Storing its id in a transaction of its own after every send cost about as
much as the answer's own transaction. It is not an answer: if it were lost, the only
effect would be an old message keeping its buttons (a tap on them still works, see
`bot.handlers.participant`). So ids are kept in memory, read from there first, and written
together shortly after (`FLUSH_DELAY_SECONDS`) and when the bot stops.

To keep the chat short, the bot also remembers, in memory only, where each answer is
shown (`home`), which review page a question was opened from (`review`) and which
message waits, without buttons, for the question it showed (`parked`). Losing them (a
restart) costs only a new message where an edit would have done.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from storage.repositories import responses as response_repo

log = logging.getLogger(__name__)

FLUSH_DELAY_SECONDS = 0.5
RETRY_DELAY_SECONDS = 5.0


class QuestionMessages:
    """Message ids by response id: remembered at once, stored in one statement per batch."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        delay: float = FLUSH_DELAY_SECONDS,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._delay = delay
        self._pending: dict[int, int | None] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._writing: list[dict[int, int | None]] = []  # batches being written, oldest first
        self._tasks: set[asyncio.Task[None]] = set()
        self._homes: dict[int, dict[str, int]] = {}
        self._reviews: dict[int, tuple[int, int]] = {}
        self._parked: dict[int, tuple[str, int]] = {}

    def set_home(self, response_id: int, question_id: str, message_id: int) -> None:
        """Notes the message that shows the question's answer."""
        self._homes.setdefault(response_id, {})[question_id] = message_id

    def home(self, response_id: int, question_id: str) -> int | None:
        """The message showing the question's answer, if known."""
        return self._homes.get(response_id, {}).get(question_id)

    def open_review(self, response_id: int, message_id: int, section_index: int) -> None:
        """Notes that a review page (now showing a question) returns to this section."""
        self._reviews[response_id] = (message_id, section_index)

    def review(self, response_id: int) -> tuple[int, int] | None:
        """The review page's message and section a question was opened from, if any."""
        return self._reviews.get(response_id)

    def close_review(self, response_id: int) -> None:
        """The review page shows the review again."""
        self._reviews.pop(response_id, None)

    def park(self, response_id: int, question_id: str, message_id: int) -> None:
        """Notes a message whose buttons were taken while another showed a question."""
        self._parked[response_id] = (question_id, message_id)

    def unpark(self, response_id: int) -> tuple[str, int] | None:
        """The parked question and message, forgotten once asked."""
        return self._parked.pop(response_id, None)

    def remember(self, response_id: int, message_id: int | None) -> None:
        """Notes the message now showing the response's question; stored soon after."""
        self._pending[response_id] = message_id
        self._schedule(self._delay)

    def current(self, response_id: int, stored: int | None) -> int | None:
        """The message showing the response's question: a remembered one not yet stored,
        else `stored` (once stored, the database is read: another worker may have shown
        the question since)."""
        if response_id in self._pending:
            return self._pending[response_id]
        for batch in reversed(self._writing):
            if response_id in batch:
                return batch[response_id]
        return stored

    @property
    def pending(self) -> int:
        """How many ids wait to be stored (not counting those being written)."""
        return len(self._pending)

    async def flush(self) -> None:
        """Stores every remembered id now, and waits for the writes already under way (one
        of them may hold an id this caller needs stored, e.g. before a webhook's 200).

        Each write takes the ids remembered until then, so concurrent flushes write
        disjoint batches, each in response-id order: with several flushes at once (one
        per webhook request) and several workers, no two lock the same rows in opposite
        orders."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._pending:
            self._start_write()
        writes = list(self._tasks)
        if not writes:
            return
        results = await asyncio.gather(
            *(asyncio.shield(write) for write in writes), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def close(self) -> None:
        """Stores what is left; called when the bot stops."""
        try:
            await self.flush()
        except Exception:
            log.exception("could not store %d question message ids", len(self._pending))

    def _schedule(self, delay: float) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(delay, self._start_flush)

    def _start_flush(self) -> None:
        self._timer = None
        if self._pending:
            self._start_write().add_done_callback(self._after_background_write)

    def _after_background_write(self, write: asyncio.Task[None]) -> None:
        if write.cancelled():
            return
        if write.exception() is not None:
            log.error("could not store question message ids; retrying", exc_info=write.exception())
            self._schedule(RETRY_DELAY_SECONDS)
        elif self._pending:
            self._schedule(self._delay)

    def _start_write(self) -> asyncio.Task[None]:
        batch = dict(sorted(self._pending.items()))
        self._pending.clear()
        self._writing.append(batch)
        task = asyncio.ensure_future(self._write(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _write(self, batch: dict[int, int | None]) -> None:
        try:
            async with self._sessions.begin() as session:
                await response_repo.set_current_messages(session, batch, self._clock.now())
        except BaseException:
            for response_id, message_id in batch.items():
                # Kept for the next write, unless a newer id was remembered meanwhile.
                self._pending.setdefault(response_id, message_id)
            raise
        finally:
            self._writing.remove(batch)
