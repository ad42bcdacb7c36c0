"""Bulk sending: the pace, flood waits honoured, and what each Telegram failure means."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import aiohttp
import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram.sending import (
    Pacer,
    SendStatus,
    classify_failure,
    retry_after_seconds,
    send_paced,
)


class FakeBot:
    """Answers send_message with the scripted outcomes, then succeeds; records call times."""

    def __init__(self, *outcomes: Exception) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[float] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        self.calls.append(asyncio.get_running_loop().time())
        if self.outcomes:
            raise self.outcomes.pop(0)

        class Sent:
            message_id = len(self.calls)

        return Sent()


async def test_the_pacer_spaces_sends_to_the_rate() -> None:
    pacer = Pacer(50)
    loop = asyncio.get_running_loop()
    started = loop.time()
    times = []

    async def one() -> None:
        await pacer.turn()
        times.append(loop.time() - started)

    await asyncio.gather(*(one() for _ in range(20)))
    # The k-th send never comes before its slot k/50 s after the first (a busy machine can
    # only make sends late, so gaps between observed times are not a fair measure).
    for k, at in enumerate(sorted(times)):
        assert at >= k / 50 - 0.005, (k, at)


async def test_a_flood_wait_pauses_every_bulk_send_then_resends_the_same_message() -> None:
    pacer = Pacer(100)
    bot = FakeBot(RetryAfter(1))
    result = await send_paced(bot, pacer, 1, "hi")  # type: ignore[arg-type]
    assert result.status is SendStatus.SENT and result.message_id == 2
    assert bot.calls[1] - bot.calls[0] >= 0.99
    loop = asyncio.get_running_loop()
    before = loop.time()
    pacer.hold(0.3)
    await pacer.turn()
    assert loop.time() - before >= 0.29


def test_retry_after_reads_seconds_from_int_or_timedelta() -> None:
    assert retry_after_seconds(RetryAfter(3)) == 3.0
    assert retry_after_seconds(RetryAfter(dt.timedelta(seconds=1.5))) == 1.5


def _timed_out(cause: Exception) -> TimedOut:
    try:
        raise TimedOut from cause
    except TimedOut as exc:
        return exc


def _network(cause: Exception) -> NetworkError:
    try:
        raise NetworkError(str(cause)) from cause
    except NetworkError as exc:
        return exc


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), SendStatus.BLOCKED),
        (BadRequest("Bad Request: chat not found"), SendStatus.REJECTED),
        (NetworkError("Bad Gateway"), SendStatus.NOT_SENT),
        (_timed_out(httpx.ConnectTimeout("no connection")), SendStatus.NOT_SENT),
        (_timed_out(httpx.PoolTimeout("pool full")), SendStatus.NOT_SENT),
        (_timed_out(httpx.ReadTimeout("no answer")), SendStatus.UNCERTAIN),
        (TimedOut(), SendStatus.UNCERTAIN),
        (_timed_out(aiohttp.ConnectionTimeoutError("no connection")), SendStatus.NOT_SENT),
        (_timed_out(aiohttp.SocketTimeoutError("no answer")), SendStatus.UNCERTAIN),
        (_network(httpx.ConnectError("refused")), SendStatus.NOT_SENT),
        (_network(aiohttp.ServerDisconnectedError()), SendStatus.UNCERTAIN),
    ],
)
def test_each_failure_says_what_it_proves_about_delivery(
    error: Exception, status: SendStatus
) -> None:
    assert classify_failure(error).status is status  # type: ignore[arg-type]


async def test_a_blocked_person_is_not_tried_again() -> None:
    bot = FakeBot(Forbidden("Forbidden: bot was blocked by the user"))
    result = await send_paced(bot, Pacer(100), 1, "hi")  # type: ignore[arg-type]
    assert result.status is SendStatus.BLOCKED and len(bot.calls) == 1
