"""Injected faults as PTB experiences them."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from sandbox import Fault, SandboxClient
from tests.sandbox.conftest import RawApi, started_user


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_counted_429_fault_hits_the_next_calls_then_stops(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    await client.set_faults(Fault("sendMessage", "429", count=2, retry_after=3))

    for _ in range(2):
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(user_id, "halo")
    await bot.send_message(user_id, "halo")

    stats = await client.stats()
    assert stats["faults_injected"] == 2 and stats["faults_by_kind"] == {"429": 2}
    assert stats["ok"]["sendMessage"] == 1
    assert [m.text for m in await client.chat(user_id)] == ["/start", "halo"]


@pytest.mark.parametrize(
    ("kind", "description"), [("500", "Internal Server Error"), ("502", "Bad Gateway")]
)
async def test_server_errors_use_telegrams_json_shape(
    raw_api: RawApi, client: SandboxClient, kind: str, description: str
) -> None:
    await client.set_faults(Fault("*", kind, count=1))

    status, body = await raw_api("getMe")

    assert status == int(kind)
    assert body == {"ok": False, "error_code": int(kind), "description": description}
    assert (await raw_api("getMe"))[0] == 200


async def test_ptb_sees_a_5xx_as_a_network_error(bot: Bot, client: SandboxClient) -> None:
    await client.set_faults(Fault("getMe", "502", count=1))

    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()


async def test_timeout_applies_the_send_but_answers_too_late(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    await client.set_faults(Fault("sendMessage", "timeout", count=1, delay=1.0))

    with pytest.raises(TimedOut):
        await bot.send_message(user_id, "mungkin terkirim", read_timeout=0.2)

    assert [m.text for m in await client.chat(user_id)][-1] == "mungkin terkirim"


async def test_drop_closes_the_connection_without_the_effect(
    bot: Bot, client: SandboxClient
) -> None:
    user_id = await started_user(client)
    await client.set_faults(Fault("sendMessage", "drop", count=1))

    with pytest.raises(NetworkError):
        await bot.send_message(user_id, "hilang")

    assert [m.text for m in await client.chat(user_id)] == ["/start"]
    await bot.send_message(user_id, "berhasil")


async def test_probabilistic_faults_are_repeatable_with_a_seed(
    raw_api: RawApi, client: SandboxClient
) -> None:
    async def failures() -> list[bool]:
        await client.clear_faults()
        await client.set_faults(Fault("getMe", "500", probability=0.3), seed=11)
        return [(await raw_api("getMe"))[0] == 500 for _ in range(40)]

    first = await failures()

    assert first == await failures()
    assert 0 < sum(first) < 40
    assert (await client.stats())["faults_by_method"]["getMe"] == 2 * sum(first)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_per_chat_limit_refuses_a_second_message_to_the_same_chat(
    bot: Bot, client: SandboxClient
) -> None:
    first = await started_user(client, "Budi")
    second = await started_user(client, "Sari")
    await client.set_limits(per_chat_per_second=1, per_chat_burst=1)

    await bot.send_message(first, "satu")
    with pytest.raises(RetryAfter):
        await bot.send_message(first, "dua")
    await bot.send_message(second, "satu")

    stats = await client.stats()
    assert stats["rate_limited_by_method"] == {"sendMessage": 1}
    assert stats["ok"]["sendMessage"] == 2
