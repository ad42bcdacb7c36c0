"""Rate limits, fault plans and the update queue, without HTTP."""

from __future__ import annotations

import asyncio

import pytest

from sandbox.errors import ApiError
from sandbox.faults import FaultPlan, FaultRule
from sandbox.limits import TELEGRAM_PER_CHAT_BURST, LimitSettings, RateLimiter
from sandbox.markup import parse_reply_markup
from sandbox.updates import UpdateQueue


def test_global_limit_refuses_the_call_over_the_rate_with_retry_after() -> None:
    limiter = RateLimiter()
    limiter.configure(LimitSettings(global_per_second=2))
    limiter.admit("sendmessage", 1, now=10.0)
    limiter.admit("sendmessage", 2, now=10.1)

    with pytest.raises(ApiError) as caught:
        limiter.admit("sendmessage", 3, now=10.2)

    assert caught.value.code == 429
    assert caught.value.retry_after == 1
    assert caught.value.payload()["parameters"] == {"retry_after": 1}
    limiter.admit("sendmessage", 3, now=11.05)  # the first call has left the window


def test_per_chat_limit_leaves_other_chats_alone() -> None:
    limiter = RateLimiter(LimitSettings(per_chat_per_second=1, per_chat_burst=1))
    limiter.admit("sendmessage", 1, now=0.0)

    with pytest.raises(ApiError):
        limiter.admit("sendmessage", 1, now=0.5)
    limiter.admit("sendmessage", 2, now=0.5)


def test_limits_are_on_by_default_with_telegrams_rates() -> None:
    settings = RateLimiter().settings

    assert settings.global_per_second == 30
    assert settings.per_chat_per_second == 1
    assert settings.per_group_per_minute == 20
    assert {"sendmessage", "editmessagetext", "editmessagereplymarkup"} <= settings.methods


def test_private_chat_burst_passes_but_a_sustained_rate_above_one_per_second_draws_429() -> None:
    limiter = RateLimiter()
    for index in range(TELEGRAM_PER_CHAT_BURST):
        limiter.admit("sendmessage", 7, now=index * 0.05)

    with pytest.raises(ApiError) as caught:
        limiter.admit("editmessagetext", 7, now=0.6)

    assert caught.value.code == 429 and caught.value.retry_after == 1
    limiter.admit("sendmessage", 7, now=1.6)  # one second refills one message
    with pytest.raises(ApiError):
        limiter.admit("sendmessage", 7, now=1.7)


def test_one_message_per_second_to_a_private_chat_never_meets_the_limit() -> None:
    limiter = RateLimiter()

    for second in range(5 * TELEGRAM_PER_CHAT_BURST):
        limiter.admit("sendmessage", 7, now=float(second))


def test_global_limit_is_thirty_messages_per_second_across_chats() -> None:
    limiter = RateLimiter()
    for chat_id in range(1, 31):
        limiter.admit("sendmessage", chat_id, now=0.5)

    with pytest.raises(ApiError) as caught:
        limiter.admit("sendmessage", 31, now=0.9)

    assert caught.value.retry_after == 1
    limiter.admit("sendmessage", 31, now=1.6)


def test_group_chat_takes_twenty_messages_per_minute() -> None:
    limiter = RateLimiter()
    for index in range(20):
        limiter.admit("sendmessage", -100123, now=index * 2.0)

    with pytest.raises(ApiError) as caught:
        limiter.admit("editmessagetext", -100123, now=41.0)

    assert caught.value.retry_after == 19  # the first message leaves the minute at 60 s
    limiter.admit("sendmessage", -100123, now=60.5)


def test_edits_count_toward_the_limits_and_callback_answers_do_not() -> None:
    limiter = RateLimiter(LimitSettings(per_chat_burst=1))
    limiter.admit("editmessagereplymarkup", 1, now=0.0)

    for _ in range(5):
        limiter.admit("answercallbackquery", 1, now=0.1)
        limiter.admit("sendchataction", 1, now=0.1)
    with pytest.raises(ApiError):
        limiter.admit("editmessagetext", 1, now=0.2)


def test_limits_switched_off_admit_any_rate() -> None:
    limiter = RateLimiter(LimitSettings.off())

    for _ in range(100):
        limiter.admit("sendmessage", 1, now=0.0)
        limiter.admit("sendmessage", -5, now=0.0)


def test_counted_fault_applies_to_the_next_calls_only() -> None:
    plan = FaultPlan()
    plan.add(FaultRule(method="sendmessage", kind="500", count=2))

    picks = [plan.pick("sendmessage") for _ in range(3)]

    assert [rule.kind if rule else None for rule in picks] == ["500", "500", None]
    assert plan.pick("getme") is None


def test_probabilistic_faults_repeat_for_the_same_seed() -> None:
    def draw(seed: int) -> list[bool]:
        plan = FaultPlan(seed=seed)
        plan.add(FaultRule(method="*", kind="502", probability=0.3))
        return [plan.pick("sendmessage") is not None for _ in range(200)]

    first = draw(7)

    assert first == draw(7)
    assert 30 < sum(first) < 90


def test_callback_data_over_64_bytes_is_refused() -> None:
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "é" * 33}]]}

    with pytest.raises(ApiError) as caught:
        parse_reply_markup(markup)

    assert caught.value.description == "Bad Request: BUTTON_DATA_INVALID"


def test_reply_markup_arrives_as_json_string_in_forms() -> None:
    raw = '{"keyboard": [["Ya", {"text": "Tidak"}]], "one_time_keyboard": true}'

    markup = parse_reply_markup(raw)

    assert markup is not None and markup.reply_keyboard is not None
    assert markup.reply_keyboard.rows == (("Ya", "Tidak"),)
    assert markup.reply_keyboard.one_time


async def test_offset_acknowledges_earlier_updates_and_the_rest_are_redelivered() -> None:
    queue = UpdateQueue()
    first = queue.push("message", {"text": "a"})
    second = queue.push("message", {"text": "b"})
    assert first is not None and second is not None

    assert [u["update_id"] for u in await queue.get(None, 100, 0)] == [first, second]
    assert [u["update_id"] for u in await queue.get(None, 100, 0)] == [first, second]
    assert [u["update_id"] for u in await queue.get(second, 100, 0)] == [second]
    assert [u["update_id"] for u in await queue.get(None, 100, 0)] == [second]
    assert await queue.get(second + 1, 100, 0) == []


async def test_negative_offset_keeps_only_the_newest_updates() -> None:
    queue = UpdateQueue()
    for text in "abc":
        queue.push("message", {"text": text})

    updates = await queue.get(-1, 100, 0)

    assert [u["message"]["text"] for u in updates] == ["c"]


async def test_long_poll_returns_when_an_update_arrives() -> None:
    queue = UpdateQueue()
    poll = asyncio.create_task(queue.get(None, 100, 5))
    await asyncio.sleep(0.05)
    assert not poll.done()

    queue.push("message", {"text": "a"})

    updates = await asyncio.wait_for(poll, 1)
    assert updates[0]["message"] == {"text": "a"}


async def test_a_newer_poll_ends_the_older_one_with_conflict() -> None:
    queue = UpdateQueue()
    older = asyncio.create_task(queue.get(None, 100, 5))
    await asyncio.sleep(0.01)

    assert await queue.get(None, 100, 0) == []
    with pytest.raises(ApiError) as caught:
        await asyncio.wait_for(older, 1)
    assert caught.value.code == 409


async def test_allowed_updates_stops_creating_other_update_types() -> None:
    queue = UpdateQueue()
    queue.set_allowed(["callback_query"])

    assert queue.push("message", {}) is None
    assert queue.push("callback_query", {}) is not None
    queue.set_allowed([])  # an empty list means every default type again
    assert queue.push("message", {}) is not None
    assert queue.push("chat_member", {}) is None
