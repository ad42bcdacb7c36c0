"""The bot's rate limiter: one participant's 429 waits that chat alone, others go on."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.rate_limits import ChatRateLimiter, SpacedLimiter, group_key, private_chat_id


def _limiter(max_retries: int = 3) -> ChatRateLimiter:
    return ChatRateLimiter(overall_max_rate=30, group_max_rate=20, max_retries=max_retries)


async def _run(limiter: ChatRateLimiter, call: Any, data: dict[str, Any]) -> Any:
    return await limiter.process_request(call, (), {}, "sendMessage", data, None)


def test_chats_are_told_apart_as_telegram_numbers_them() -> None:
    assert private_chat_id({"chat_id": 42}) == 42
    assert private_chat_id({"chat_id": "42"}) == 42
    assert private_chat_id({"chat_id": -100123}) is None
    assert private_chat_id({"chat_id": "@channel"}) is None
    assert private_chat_id({}) is None
    assert group_key({"chat_id": -100123}) == -100123
    assert group_key({"chat_id": "@channel"}) == "@channel"
    assert group_key({"chat_id": 42}) is None
    assert group_key({}) is None


async def test_a_429_for_one_chat_does_not_hold_another_chats_reply() -> None:
    limiter = _limiter()
    refused = asyncio.Event()

    async def flooded_chat() -> dict[str, Any]:
        refused.set()
        raise RetryAfter(30)

    async def other_chat() -> dict[str, Any]:
        return {"ok": True}

    waiting = asyncio.create_task(_run(limiter, flooded_chat, {"chat_id": 1}))
    await refused.wait()
    # Chat 1 now waits its 30 s out; chat 2's reply goes at once (PTB's limiter would hold it).
    assert await _run(limiter, other_chat, {"chat_id": 2}) == {"ok": True}
    assert not waiting.done()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting


async def test_a_refused_call_is_tried_again_and_a_last_refusal_is_raised() -> None:
    limiter = _limiter(max_retries=2)
    calls = 0

    async def refused_once() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(0)
        return "sent"

    assert await _run(limiter, refused_once, {"chat_id": 7}) == "sent"
    assert calls == 2

    attempts = 0

    async def always_refused() -> str:
        nonlocal attempts
        attempts += 1
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):
        await _run(limiter, always_refused, {"chat_id": -100})
    assert attempts == 3  # the first try and two retries


async def test_the_overall_limiter_spaces_calls_evenly_in_the_order_they_ask() -> None:
    limiter = SpacedLimiter(rate=50.0)  # one turn every 20 ms
    loop = asyncio.get_running_loop()
    turns: list[tuple[int, float]] = []

    async def call(number: int) -> None:
        await limiter.wait_turn()
        turns.append((number, loop.time()))

    start = loop.time()
    await asyncio.gather(*(call(n) for n in range(6)))
    assert [number for number, _ in turns] == list(range(6))
    # Sleeps never end early: the k-th call comes no sooner than k intervals after the
    # start (a busy machine can only make it later).
    for number, at in turns:
        assert at >= start + number * 0.02 - 1e-3, (number, at - start)
