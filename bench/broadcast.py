"""The broadcast benchmark: one announcement to every participant under a send-rate limit.

The sandbox refuses (429) sendMessage beyond L per second, as Telegram does. Every
participant has a chat with the bot and a bound invitation. The organiser queues the
broadcast with `wipbot-admin broadcast --all` while the bot runs; the bot's periodic job
delivers it, paced by WIPBOT_BROADCAST_RATE. Measured from the sandbox: the time from
the first to the last delivered copy, and per chat how many copies arrived.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import update

from bench.databases import fresh_database
from bench.processes import BENCH_TOKEN, BotUnderTest, SandboxProcess
from bench.seeding import seed_event
from sandbox import SandboxClient
from storage.db import create_engine, create_session_factory
from storage.models import Participant

TEXT = "Pengumuman: sesi pleno dimulai pukul 13.30 di Ruang Merapi. Terima kasih."
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class BroadcastFigures:
    """How one broadcast went."""

    recipients: int
    limit_per_second: float
    bot_rate_per_second: float
    seconds: float  # first to last copy delivered
    delivered: int
    lost: int  # chats with no copy
    duplicated: int  # chats with more than one copy
    refused_429: int

    @property
    def ideal_seconds(self) -> float:
        """recipients / L: the fastest the limit allows."""
        return self.recipients / self.limit_per_second

    @property
    def ratio(self) -> float:
        """Duration over the ideal."""
        return self.seconds / self.ideal_seconds


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def _acknowledge_pending_updates(base_url: str) -> None:
    """Confirms every queued update, as a bot that already handled them would."""
    async with aiohttp.ClientSession() as http:
        url = f"{base_url}{BENCH_TOKEN}/getUpdates"
        async with http.post(url, json={"offset": -1, "timeout": 0}) as response:
            updates = (await response.json())["result"]
        if updates:
            async with http.post(
                url, json={"offset": updates[-1]["update_id"] + 1, "timeout": 0}
            ) as response:
                await response.read()


async def _people_in_chat(client: SandboxClient, count: int) -> list[int]:
    semaphore = asyncio.Semaphore(100)

    async def one(number: int) -> int:
        async with semaphore:
            user_id = await client.create_user(f"Peserta{number}", language_code="id")
            await client.send(user_id, "/start")  # a chat with the bot exists
        return user_id

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def _bind(db_url: str, participant_ids: list[int], user_ids: list[int]) -> None:
    engine = create_engine(db_url)
    now = dt.datetime.now(dt.UTC)
    try:
        async with create_session_factory(engine).begin() as session:
            for participant_id, user_id in zip(participant_ids, user_ids, strict=True):
                await session.execute(
                    update(Participant)
                    .where(Participant.id == participant_id)
                    .values(telegram_user_id=user_id, bound_at=now, consent_at=now)
                )
    finally:
        await engine.dispose()


async def _copies(client: SandboxClient, user_ids: list[int]) -> list[int]:
    semaphore = asyncio.Semaphore(100)

    async def one(user_id: int) -> int:
        async with semaphore:
            chat = await client.chat(user_id)
        return sum(1 for m in chat if m.from_bot and TEXT in m.text)

    return list(await asyncio.gather(*(one(u) for u in user_ids)))


async def run_broadcast_benchmark(
    workdir: Path,
    *,
    people: int,
    workshops: int,
    limit: float,
    bot_rate: float,
    postgres_server: str | None = None,
) -> BroadcastFigures:
    """Delivers one broadcast to everyone and counts what arrived where."""
    async with fresh_database(workdir, postgres_server) as db_url:
        _say(f"broadcast: {people} people, limit {limit}/s, bot rate {bot_rate}/s")
        event = await seed_event(db_url, workshops=workshops, people=people)
        sandbox = SandboxProcess(workdir / f"sandbox-broadcast-{bot_rate:g}.log")
        client = await sandbox.start()
        try:
            user_ids = await _people_in_chat(client, people)
            await _acknowledge_pending_updates(sandbox.base_url)
            await _bind(db_url, [i.participant_id for i in event.invitees], user_ids)
            await client.set_limits(global_per_second=limit)
            bot = BotUnderTest(
                [sys.executable, "-m", "bot.cli", "run"],
                sandbox,
                workdir / f"wipbot-broadcast-{bot_rate:g}.log",
                env={
                    "WIPBOT_DATABASE_URL": db_url,
                    "WIPBOT_BROADCAST_RATE": str(bot_rate),
                    "WIPBOT_SCHEDULER_INTERVAL": "1",
                },
            )
            await bot.start()
            try:
                await client.reset_stats()
                await queue_broadcast(db_url)
                first, last = await _watch_deliveries(client, people, limit)
            finally:
                await bot.stop()
            stats = await client.stats()
            copies = await _copies(client, user_ids)
        finally:
            await sandbox.stop()
    return BroadcastFigures(
        recipients=people,
        limit_per_second=limit,
        bot_rate_per_second=bot_rate,
        seconds=last - first,
        delivered=sum(copies),
        lost=sum(1 for c in copies if c == 0),
        duplicated=sum(1 for c in copies if c > 1),
        refused_429=int(stats.get("rate_limited", stats.get("too_many_requests", 0)) or 0),
    )


async def _watch_deliveries(
    client: SandboxClient, people: int, limit: float
) -> tuple[float, float]:
    """Times the first and the last delivered message (sandbox counters, polled)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120 + 3 * people / limit
    first: float | None = None
    while True:
        sent = int((await client.stats())["ok"].get("sendMessage", 0))
        now = loop.time()
        if sent and first is None:
            first = now
        if sent >= people:
            assert first is not None
            return first, now
        if now > deadline:
            raise TimeoutError(f"only {sent} of {people} copies delivered in time")
        await asyncio.sleep(_POLL_SECONDS)


async def queue_broadcast(db_url: str) -> None:
    """Queues the announcement to everyone as an organiser does: `wipbot-admin broadcast
    --all`, a process of its own."""
    queued = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "admin.cli",
        "broadcast",
        "--all",
        "--text",
        TEXT,
        env={**os.environ, "WIPBOT_DATABASE_URL": db_url},
        stdout=asyncio.subprocess.DEVNULL,
    )
    if await queued.wait() != 0:
        raise RuntimeError("wipbot-admin broadcast failed")
