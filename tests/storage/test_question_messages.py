"""The ids of messages showing questions: remembered at once, stored in batches."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.services.question_messages import QuestionMessages
from storage.repositories import responses
from tests.storage.conftest import NOW, Seeded, response_row

Factory = async_sessionmaker[AsyncSession]


async def _responses(factory: Factory, seeded: Seeded, count: int) -> list[int]:
    async with factory.begin() as session:
        return [
            await responses.start_response(
                session,
                participant_id=seeded.participant_ids[index],
                questionnaire_id=seeded.questionnaire_id,
                now=NOW,
            )
            for index in range(count)
        ]


async def _stored(factory: Factory, response_id: int) -> int | None:
    async with factory() as session:
        stored: int | None = (await response_row(session, response_id)).current_message_id
    return stored


class _Gated:
    """A session factory whose transactions wait until the gate opens."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        self.waiting.set()
        await self.gate.wait()
        async with self.factory.begin() as session:
            yield session


def _gated_messages(factory: Factory) -> tuple[_Gated, QuestionMessages]:
    """Message ids whose writes wait at the gate; no timed flush meanwhile."""
    gated = _Gated(factory)
    sessions: Any = gated
    return gated, QuestionMessages(sessions, ManualClock(NOW), delay=3600)


async def test_remembered_ids_are_read_at_once_and_stored_by_flush(
    session_factory: Factory, seeded: Seeded
) -> None:
    first, second = await _responses(session_factory, seeded, 2)
    messages = QuestionMessages(session_factory, ManualClock(NOW), delay=3600)
    messages.remember(first, 101)
    messages.remember(second, 202)
    messages.remember(first, 102)  # a newer question replaces the older id
    assert messages.current(first, stored=None) == 102
    assert messages.current(999, stored=7) == 7  # nothing remembered: the stored id
    assert await _stored(session_factory, first) is None
    await messages.flush()
    assert messages.pending == 0
    assert (await _stored(session_factory, first), await _stored(session_factory, second)) == (
        102,
        202,
    )


async def test_ids_are_stored_soon_without_a_flush(
    session_factory: Factory, seeded: Seeded
) -> None:
    (response_id,) = await _responses(session_factory, seeded, 1)
    messages = QuestionMessages(session_factory, ManualClock(NOW), delay=0.01)
    messages.remember(response_id, 55)
    for _ in range(500):
        if messages.pending == 0:
            break
        await asyncio.sleep(0.01)
    assert messages.pending == 0
    assert await _stored(session_factory, response_id) == 55
    await messages.close()


async def test_an_id_remembered_while_writing_waits_for_the_next_batch(
    session_factory: Factory, seeded: Seeded
) -> None:
    (response_id,) = await _responses(session_factory, seeded, 1)
    gated, messages = _gated_messages(session_factory)
    messages.remember(response_id, 1)
    writing = asyncio.ensure_future(messages.flush())
    await gated.waiting.wait()  # the batch {response: 1} is being written
    messages.remember(response_id, 2)
    gated.gate.set()
    await writing
    assert messages.pending == 1  # 2 was not in that batch
    assert messages.current(response_id, stored=None) == 2
    assert await _stored(session_factory, response_id) == 1
    await messages.close()
    assert messages.pending == 0
    assert await _stored(session_factory, response_id) == 2


async def test_a_flush_waits_for_a_write_under_way_that_holds_its_id(
    session_factory: Factory, seeded: Seeded
) -> None:
    # A webhook's flush before its 200 must not return while the id its update remembered
    # is still being written by another request's flush.
    (response_id,) = await _responses(session_factory, seeded, 1)
    gated, messages = _gated_messages(session_factory)
    messages.remember(response_id, 7)
    first = asyncio.ensure_future(messages.flush())
    await gated.waiting.wait()
    second = asyncio.ensure_future(messages.flush())  # nothing pending of its own
    await asyncio.sleep(0.05)
    assert not second.done()
    assert messages.current(response_id, stored=None) == 7  # being written: still known
    gated.gate.set()
    await asyncio.gather(first, second)
    assert await _stored(session_factory, response_id) == 7
    assert messages.current(response_id, stored=3) == 3  # stored: the database is read


async def test_many_flushes_at_once_store_every_id_without_waiting_on_each_other(
    session_factory: Factory, seeded: Seeded
) -> None:
    # As in webhook mode: every request remembers its id and flushes before answering.
    ids = await _responses(session_factory, seeded, 3)
    messages = QuestionMessages(session_factory, ManualClock(NOW), delay=3600)
    flushes = []
    for round_ in range(5):
        for number, response_id in enumerate(reversed(ids)):
            messages.remember(response_id, 100 * round_ + number)
            flushes.append(asyncio.ensure_future(messages.flush()))
    await asyncio.gather(*flushes)
    assert messages.pending == 0
    stored = [await _stored(session_factory, response_id) for response_id in reversed(ids)]
    assert stored == [400, 401, 402]
