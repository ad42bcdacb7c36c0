"""The sandbox pushes updates to a webhook as Telegram does: secret header, one chat in
order, up to max_connections at once, redelivery after a failure, getUpdates refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from sandbox import Sandbox, SandboxClient
from sandbox.webhooks import DEFAULT_MAX_ATTEMPTS, retry_delay
from tests.sandbox.conftest import RawApi

SECRET = "hook-secret_1"


@dataclass
class Receiver:
    """A stand-in for the bot's webhook server, scripted per test."""

    url: str = ""
    received: list[tuple[int, str | None, Any]] = field(default_factory=list)
    fail_first: set[int] = field(default_factory=set)  # update ids answered 500 once
    fail_times: dict[int, int] = field(default_factory=dict)  # update id: times answered 500
    hold: asyncio.Event | None = None  # requests wait on it when set
    in_flight: int = 0
    most_in_flight: int = 0
    chats_in_flight: set[int] = field(default_factory=set)
    same_chat_overlap: bool = False


def _chat_id(update: dict[str, Any]) -> int:
    return int(update["message"]["chat"]["id"])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()

    async def handle(request: web.Request) -> web.Response:
        update = await request.json()
        chat = _chat_id(update)
        state.same_chat_overlap |= chat in state.chats_in_flight
        state.chats_in_flight.add(chat)
        state.in_flight += 1
        state.most_in_flight = max(state.most_in_flight, state.in_flight)
        try:
            if state.hold is not None:
                await state.hold.wait()
            state.received.append(
                (
                    update["update_id"],
                    request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                    update,
                )
            )
            if state.fail_times.get(update["update_id"], 0) > 0:
                state.fail_times[update["update_id"]] -= 1
                return web.Response(status=500)
            if update["update_id"] in state.fail_first:
                state.fail_first.discard(update["update_id"])
                return web.Response(status=500)
            return web.Response(status=200)
        finally:
            state.in_flight -= 1
            state.chats_in_flight.discard(chat)

    app = web.Application()
    app.router.add_post("/hook", handle)
    app.router.add_post("/other", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}/hook"
    yield state
    await runner.cleanup()


async def _until(condition: Any, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition never met"
        await asyncio.sleep(0.02)


async def test_updates_are_pushed_with_the_secret_and_get_updates_is_refused_meanwhile(
    sandbox: Sandbox, client: SandboxClient, raw_api: RawApi, receiver: Receiver
) -> None:
    status, body = await raw_api(
        "setWebhook", url=receiver.url, secret_token=SECRET, max_connections=5
    )
    assert (status, body["result"]) == (200, True)
    person = await client.participant("Rina")
    for text in ("satu", "dua", "tiga"):
        await person.send(text)
    await _until(lambda: len(receiver.received) == 3)
    assert [u["message"]["text"] for _, _, u in receiver.received] == ["satu", "dua", "tiga"]
    assert {secret for _, secret, _ in receiver.received} == {SECRET}

    status, body = await raw_api("getUpdates", timeout=0)
    assert status == 409 and "webhook is active" in body["description"]
    status, body = await raw_api("getWebhookInfo")
    assert body["result"]["url"] == receiver.url
    assert body["result"]["pending_update_count"] == 0
    assert body["result"]["max_connections"] == 5

    await raw_api("deleteWebhook")
    await person.send("empat")
    status, body = await raw_api("getUpdates", timeout=0)
    assert status == 200
    assert [u["message"]["text"] for u in body["result"]] == ["empat"]
    assert len(receiver.received) == 3


async def test_a_failed_delivery_is_retried_and_reported_and_holds_that_chat_back(
    sandbox: Sandbox, client: SandboxClient, raw_api: RawApi, receiver: Receiver
) -> None:
    sandbox.world.webhook.first_retry_seconds = 0.2
    person = await client.participant("Budi")
    first = await person.send("pertama")  # queued before the webhook is set
    receiver.fail_first.add(first.update_id)
    await person.send("kedua")
    await raw_api("setWebhook", url=receiver.url, secret_token=SECRET)
    await _until(lambda: len(receiver.received) == 3)
    texts = [u["message"]["text"] for _, _, u in receiver.received]
    # Refused once, then delivered again before the chat's next update.
    assert texts == ["pertama", "pertama", "kedua"]
    _, body = await raw_api("getWebhookInfo")
    info = body["result"]
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    assert info["pending_update_count"] == 0


async def test_no_more_than_max_connections_at_once_and_one_chat_never_twice_at_once(
    sandbox: Sandbox, client: SandboxClient, raw_api: RawApi, receiver: Receiver
) -> None:
    receiver.hold = asyncio.Event()
    await raw_api("setWebhook", url=receiver.url, secret_token=SECRET, max_connections=2)
    people = [await client.participant(f"P{n}") for n in range(4)]
    for person in people:
        await person.send("a")
        await person.send("b")
    await _until(lambda: receiver.in_flight == 2)
    _, body = await raw_api("getWebhookInfo")
    assert body["result"]["pending_update_count"] == 8
    await asyncio.sleep(0.2)  # nothing more goes out while both connections are busy
    assert receiver.in_flight == 2
    receiver.hold.set()
    await _until(lambda: len(receiver.received) == 8)
    assert receiver.most_in_flight == 2
    assert not receiver.same_chat_overlap
    for person in people:
        mine = [
            u["message"]["text"] for _, _, u in receiver.received if _chat_id(u) == person.user_id
        ]
        assert mine == ["a", "b"]


async def test_a_webhook_url_telegram_would_refuse_is_refused(raw_api: RawApi) -> None:
    status, body = await raw_api("setWebhook", url="http://bot.example.org/hook")
    assert status == 400 and "HTTPS URL must be provided" in body["description"]
    status, body = await raw_api("setWebhook", url="https://bot.example.org:9000/hook")
    assert status == 400 and "ports 80, 88, 443 or 8443" in body["description"]
    status, body = await raw_api(
        "setWebhook", url="https://bot.example.org/hook", secret_token="no spaces"
    )
    assert status == 400


async def test_balance_sends_deliveries_to_each_worker_in_turn(
    sandbox: Sandbox, client: SandboxClient, raw_api: RawApi, receiver: Receiver
) -> None:
    # The receiver serves a second path: two "workers" behind one balancer.
    other = Receiver(url=receiver.url.replace("/hook", "/other"))
    await raw_api("setWebhook", url=receiver.url, secret_token=SECRET)
    await client.balance_webhook([receiver.url, other.url])
    person = await client.participant("Ani")
    for text in ("1", "2", "3", "4"):
        await person.send(text)
    await _until(lambda: sandbox.world.webhook.stats.delivered == 4)
    report = await client.webhook()
    assert report["by_target"] == {receiver.url: 2, other.url: 2}
    assert report["info"]["pending_update_count"] == 0


async def test_an_update_refused_every_time_is_given_up_after_max_attempts_and_reported(
    sandbox: Sandbox, client: SandboxClient, raw_api: RawApi, receiver: Receiver
) -> None:
    pusher = sandbox.world.webhook
    pusher.first_retry_seconds = 0.02
    pusher.max_retry_seconds = 0.05
    pusher.max_attempts = 4
    person = await client.participant("Sari")
    doomed = await person.send("selalu gagal")
    receiver.fail_times[doomed.update_id] = 1000
    await person.send("sesudahnya")
    try:
        await raw_api("setWebhook", url=receiver.url, secret_token=SECRET)
        await _until(
            lambda: [u["message"]["text"] for _, _, u in receiver.received][-1:] == ["sesudahnya"]
        )
        texts = [u["message"]["text"] for _, _, u in receiver.received]
        # Four attempts, then given up; the chat's next update is no longer held back.
        assert texts == ["selalu gagal"] * 4 + ["sesudahnya"]
        assert pusher.stats.given_up == [doomed.update_id]
        await asyncio.sleep(0.3)  # several retry delays: nothing is sent again
        assert len(receiver.received) == 5
        _, body = await raw_api("getWebhookInfo")
        info = body["result"]
        assert info["pending_update_count"] == 0
        assert (
            info["last_error_message"]
            == "Wrong response from the webhook: 500 Internal Server Error"
        )
        assert isinstance(info["last_error_date"], int) and info["last_error_date"] > 0
        assert (await client.webhook())["given_up"] == 1
    finally:  # a pusher that never gave up would keep the receiver from closing
        await raw_api("deleteWebhook", drop_pending_updates=True)


async def test_an_update_refused_a_few_times_is_still_delivered(
    sandbox: Sandbox, client: SandboxClient, raw_api: RawApi, receiver: Receiver
) -> None:
    pusher = sandbox.world.webhook
    pusher.first_retry_seconds = 0.02
    pusher.max_retry_seconds = 0.05
    person = await client.participant("Tono")
    update = await person.send("akhirnya")
    # The bot is back for the last attempt.
    receiver.fail_times[update.update_id] = DEFAULT_MAX_ATTEMPTS - 1
    await raw_api("setWebhook", url=receiver.url, secret_token=SECRET)
    await _until(lambda: pusher.stats.delivered == 1)
    assert len(receiver.received) == DEFAULT_MAX_ATTEMPTS
    assert pusher.stats.given_up == []


def test_the_redelivery_delay_doubles_up_to_its_cap() -> None:
    delays = [retry_delay(n, first=0.1, cap=2.0) for n in range(1, DEFAULT_MAX_ATTEMPTS)]
    assert delays == [0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0, 2.0, 2.0]
    # The default schedule keeps redelivering for about 11 s before the update is given up.
    assert 10 < sum(delays) < 12
