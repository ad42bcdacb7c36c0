"""Webhook workers benchmark: polling vs webhook with one worker, and one vs two webhook
workers on PostgreSQL, under the same load (answers/s, p50/p99, CPU per answer, lost and
duplicated answers).

Each mode gets a fresh database, its own sandbox process and its own bot process(es);
the sandbox pushes updates to the workers in turn, as a load balancer would.
Run: `python -m bench.workers --postgres postgresql://postgres@127.0.0.1:5432/x`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import psutil

from bench.answers import (
    LoadSettings,
    _create_people,
    _database_checks,
    _gather_all,
    _say,
    _spread_start,
    _thinker,
    percentile,
)
from bench.databases import fresh_database
from bench.people import ScreenKind, ScriptedPerson
from bench.processes import BotUnderTest, ProcessFailed, SandboxProcess
from bench.seeding import seed_event

SECRET = "bench-webhook-secret"
_START_SECONDS = 60.0


@dataclass(frozen=True)
class Mode:
    """How the bot is run."""

    label: str
    webhook: bool
    workers: int


MODES = (
    Mode("polling, 1 process", webhook=False, workers=1),
    Mode("webhook, 1 worker", webhook=True, workers=1),
    Mode("webhook, 2 workers", webhook=True, workers=2),
)


@dataclass(frozen=True)
class ModeFigures:
    """What one mode did under the load."""

    mode: Mode
    people: int
    answers: int
    seconds: float
    latencies: tuple[float, ...]
    bot_cpu_seconds: float
    submitted: int
    duplicates: int
    resends: int

    @property
    def answers_per_second(self) -> float:
        """Answers handled per second in the measured phase."""
        return self.answers / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_answer(self) -> float:
        """CPU of all the bot's processes per answer, in milliseconds."""
        return 1000 * self.bot_cpu_seconds / self.answers if self.answers else 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WebhookWorker(BotUnderTest):
    """`wipbot run --webhook` on a port of its own; started when /healthz answers."""

    def __init__(self, sandbox: SandboxProcess, log_path: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        super().__init__(
            [sys.executable, "-m", "bot.cli", "run", "--webhook"],
            sandbox,
            log_path,
            env={
                **env,
                "WIPBOT_WEBHOOK_URL": self.url,
                "WIPBOT_WEBHOOK_SECRET": SECRET,
                "WIPBOT_WEBHOOK_PORT": str(self.port),
                "WIPBOT_WEBHOOK_MAX_CONNECTIONS": "100",
            },
        )

    async def start(self) -> None:
        """Starts the worker and waits until it serves its webhook."""
        client = self.sandbox.client
        assert client is not None
        before = (await client.stats())["calls"].get("setWebhook", 0)
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, env=self.env, stdout=log, stderr=log
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _START_SECONDS
        async with aiohttp.ClientSession() as http:
            while True:
                if self.process.returncode is not None or loop.time() > deadline:
                    raise ProcessFailed(f"{self.argv} did not start:\n{self.log_path.read_text()}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        calls = (await client.stats())["calls"].get("setWebhook", 0)
                        if response.status == 200 and calls > before:
                            return
                await asyncio.sleep(0.1)


async def run_mode(mode: Mode, settings: LoadSettings, workdir: Path) -> ModeFigures:
    """Runs one mode on a fresh database and returns its figures."""
    async with fresh_database(workdir, settings.postgres_server) as db_url:
        event = await seed_event(db_url, workshops=settings.workshops, people=settings.people)
        sandbox = SandboxProcess(workdir / f"sandbox-{mode.workers}-{mode.webhook}.log")
        client = await sandbox.start()
        env = {"WIPBOT_DATABASE_URL": db_url, "WIPBOT_LOG_LEVEL": settings.log_level}
        bots: list[BotUnderTest] = []
        for number in range(mode.workers):
            log_path = workdir / f"bot-{mode.workers}-{mode.webhook}-{number}.log"
            if mode.webhook:
                bots.append(WebhookWorker(sandbox, log_path, env))
            else:
                bots.append(
                    BotUnderTest([sys.executable, "-m", "bot.cli", "run"], sandbox, log_path, env)
                )
        try:
            for bot in bots:
                await bot.start()
            if mode.webhook:
                await client.balance_webhook([b.url for b in bots if isinstance(b, WebhookWorker)])
            rng = random.Random(7)
            think = _thinker(settings, rng)
            people = await _create_people(
                client,
                [invitee.invite_code for invitee in event.invitees],
                lambda number, code, user_id: ScriptedPerson(
                    client,
                    user_id,
                    code,
                    event.questionnaire,
                    seed=number,
                    think=think,
                    patience=settings.patience,
                ),
            )
            await _gather_all(mode.label, people, "joining", lambda p: p.play(ScreenKind.QUESTION))
            before = [psutil.Process(bot.pid).cpu_times() for bot in bots]
            started = time.perf_counter()
            await _gather_all(
                mode.label, people, "answering", lambda p: _spread_start(p, settings, rng)()
            )
            seconds = time.perf_counter() - started
            after = [psutil.Process(bot.pid).cpu_times() for bot in bots]
            cpu = sum(
                (a.user + a.system) - (b.user + b.system)
                for a, b in zip(after, before, strict=True)
            )
            for person in people:
                person.think = lambda: 0.0
            await _gather_all(
                mode.label, people, "submitting", lambda p: p.play(ScreenKind.SUBMITTED)
            )
        finally:
            for bot in bots:
                await bot.stop()
            await sandbox.stop()
        submitted, _stored, duplicates = await _database_checks(db_url)
    return ModeFigures(
        mode=mode,
        people=len(people),
        answers=sum(p.stats.answers for p in people),
        seconds=seconds,
        latencies=tuple(x for p in people for x in p.stats.latencies),
        bot_cpu_seconds=cpu,
        submitted=submitted,
        duplicates=duplicates,
        resends=sum(p.stats.retries for p in people),
    )


def report(figures: Sequence[ModeFigures], settings: LoadSettings) -> str:
    """The figures side by side, as a Markdown table."""
    lines = [
        f"{settings.people} people, {settings.rate:.0f} answers/s offered, "
        f"{os.cpu_count()} cores on the machine",
        "",
        "| mode | answers/s | p50 ms | p99 ms | CPU ms/answer | submitted | duplicated | resends |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.mode.label} | {f.answers_per_second:.0f} | "
            f"{1000 * percentile(f.latencies, 0.5):.0f} | "
            f"{1000 * percentile(f.latencies, 0.99):.0f} | "
            f"{f.cpu_ms_per_answer:.2f} | {f.submitted}/{f.people} | {f.duplicates} | {f.resends} |"
        )
    return "\n".join(lines)


async def _run(settings: LoadSettings, modes: Sequence[Mode], folder: Path) -> list[ModeFigures]:
    results = []
    for mode in modes:
        _say(f"mode: {mode.label}")
        results.append(await run_mode(mode, settings, folder))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the modes one after another and prints the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--workshops", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--postgres", metavar="SERVER_URL", required=True)
    parser.add_argument("--only", choices=["polling", "one", "two"], action="append")
    args = parser.parse_args(argv)
    settings = LoadSettings(
        people=args.people,
        workshops=args.workshops,
        rate=args.rate,
        postgres_server=args.postgres,
        log_level="WARNING",
    )
    picked = {"polling": MODES[0], "one": MODES[1], "two": MODES[2]}
    modes = [picked[name] for name in args.only] if args.only else list(MODES)
    with tempfile.TemporaryDirectory(prefix="wipbot-bench-workers-") as folder:
        figures = asyncio.run(_run(settings, modes, Path(folder)))
    print(report(figures, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
