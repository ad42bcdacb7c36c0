"""Webhook workers benchmark on PostgreSQL: one vs two webhook workers at an offered rate
above one worker's capacity, the same with one worker SIGKILLed mid-load, and a broadcast
with one and with two workers (answers/s, p50/p99, CPU per answer; answers lost,
duplicated or applied out of order; broadcast copies lost or sent twice).

Each mode gets a fresh database, its own sandbox process and its own bot process(es);
the sandbox pushes updates to the workers in turn, as a load balancer would. For the
capacity figures the sandbox's flood limits are off and WIPBOT_TELEGRAM_RATE is 1000 (the
paid-broadcast ceiling): under Telegram's 30 messages/s a token carries ~15 answers/s
(two calls each) whatever the number of workers. The broadcast keeps Telegram's limits.
Part "workers" of `python -m bench.run --postgres URL`; `python -m bench.workers` adds polling.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
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
from sqlalchemy import select

from bench.answers import (
    LoadSettings,
    _create_people,
    _database_checks,
    _gather_all,
    _say,
    _thinker,
    percentile,
)
from bench.broadcast import (
    BroadcastFigures,
    _acknowledge_pending_updates,
    _bind,
    _copies,
    _people_in_chat,
    _watch_deliveries,
    queue_broadcast,
)
from bench.databases import fresh_database
from bench.people import PersonStuck, ScreenKind, ScriptedPerson
from bench.processes import BotUnderTest, ProcessFailed, SandboxProcess
from bench.seeding import Invitee, seed_event
from sandbox import SandboxClient
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Response

SECRET = "bench-webhook-secret"
_START_SECONDS = 60.0
TELEGRAM_RATE = "1000"  # the bot's own ceiling (Telegram's paid broadcasts), for capacity
HEALTH_CHECK_SECONDS = 2.0  # a killed worker stays in the balancer's rotation this long


@dataclass(frozen=True)
class Mode:
    """How the bot is run."""

    label: str
    webhook: bool
    workers: int
    kill: bool = False  # SIGKILL the second worker when half the answers are in


MODES = (
    Mode("polling, 1 process", webhook=False, workers=1),
    Mode("webhook, 1 worker", webhook=True, workers=1),
    Mode("webhook, 2 workers", webhook=True, workers=2),
    Mode("webhook, 2 workers, one SIGKILLed", webhook=True, workers=2, kill=True),
)
CAPACITY_MODES = MODES[1:]


@dataclass(frozen=True)
class Integrity:
    """The database against what the people answered."""

    lost: int  # answers given (shown as taken) but not stored
    duplicated: int  # a question stored more than once for a person
    out_of_order: int  # stored with another value than given, or revised: applied wrongly


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
    integrity: Integrity
    resends: int  # /lanjut sent by people who waited in vain
    stuck: int  # people who got no reaction even to /lanjut, and gave up
    failed_deliveries: int  # webhook attempts not answered 2xx (redelivered)
    given_up: int  # updates the sandbox gave up redelivering

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


class _CpuMeter:
    """CPU seconds of the bot processes over the measured phase (a killed one's up to the
    last reading before its kill)."""

    def __init__(self, bots: Sequence[BotUnderTest]) -> None:
        self._processes = [psutil.Process(bot.pid) for bot in bots]
        self._start = [self._read(p) for p in self._processes]
        self._last = list(self._start)

    @staticmethod
    def _read(process: psutil.Process) -> float:
        times = process.cpu_times()
        return float(times.user + times.system)

    def note(self, index: int) -> None:
        """Reads one process now (just before it is killed)."""
        self._last[index] = self._read(self._processes[index])

    def total(self) -> float:
        """CPU seconds since the start, over all processes."""
        for index, process in enumerate(self._processes):
            with contextlib.suppress(psutil.Error):
                self._last[index] = self._read(process)
        return sum(last - start for last, start in zip(self._last, self._start, strict=True))


async def _integrity(db_url: str, people: Sequence[tuple[Invitee, ScriptedPerson]]) -> Integrity:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(
                    Response.participant_id,
                    Answer.question_id,
                    Answer.status,
                    Answer.value,
                    Answer.change_count,
                ).join(Response, Response.id == Answer.response_id)
            )
            stored: dict[tuple[int, str], list[tuple[str, object, int]]] = {}
            for participant_id, question_id, status, value, changes in rows:
                stored.setdefault((participant_id, question_id), []).append(
                    (status, value, changes)
                )
    finally:
        await engine.dispose()
    lost = duplicated = wrong = 0
    for invitee, person in people:
        for question_id, plan in person.plans.items():
            found = stored.get((invitee.participant_id, question_id), [])
            if not found:
                lost += 1
                continue
            duplicated += len(found) > 1
            status, value, changes = found[0]
            given = list(plan.value) if isinstance(plan.value, tuple) else plan.value
            wrong += (status, value) != (plan.status, given) or changes != 0
        planned = {question_id for question_id in person.plans}
        wrong += sum(1 for (pid, q) in stored if pid == invitee.participant_id and q not in planned)
    return Integrity(lost=lost, duplicated=duplicated, out_of_order=wrong)


async def _kill_halfway(
    mode: Mode,
    people: Sequence[ScriptedPerson],
    bots: Sequence[BotUnderTest],
    cpu: _CpuMeter,
    client: SandboxClient,
    half: int,
) -> None:
    """SIGKILLs the second worker once `half` answers are in; the balancer drops it a
    health check later."""
    while sum(p.stats.answers for p in people) < half:  # noqa: ASYNC110 (counters, no event)
        await asyncio.sleep(0.05)
    cpu.note(1)
    await bots[1].kill()
    _say(f"{mode.label}: worker 2 SIGKILLed at {sum(p.stats.answers for p in people)} answers")
    await asyncio.sleep(HEALTH_CHECK_SECONDS)
    survivor = bots[0]
    assert isinstance(survivor, WebhookWorker)
    await client.balance_webhook([survivor.url])


async def _unless_stuck(
    person: ScriptedPerson,
    stuck: list[ScriptedPerson],
    delay: float,
    until: ScreenKind = ScreenKind.READY,
) -> None:
    """Plays a person on after `delay`; one who gets no reaction even to /lanjut is
    counted in `stuck`, not raised, so the run still reports on everyone else."""
    if person in stuck:
        return
    try:
        await asyncio.sleep(delay)
        await person.play(until)
    except PersonStuck as problem:
        _say(f"stuck: {str(problem).splitlines()[0]}")
        stuck.append(person)


async def run_mode(
    mode: Mode, settings: LoadSettings, workdir: Path, *, capacity: bool = False
) -> ModeFigures:
    """Runs one mode on a fresh database and returns its figures; `capacity`: flood
    limits off and WIPBOT_TELEGRAM_RATE=1000."""
    tag = f"{mode.workers}-{mode.webhook}-{mode.kill}"
    async with fresh_database(workdir, settings.postgres_server) as db_url:
        event = await seed_event(db_url, workshops=settings.workshops, people=settings.people)
        sandbox = SandboxProcess(workdir / f"sandbox-{tag}.log")
        client = await sandbox.start()
        if capacity:
            await client.switch_off_limits()  # capacity, not Telegram's 30/s: see the module
        env = {"WIPBOT_DATABASE_URL": db_url, "WIPBOT_LOG_LEVEL": settings.log_level}
        if capacity:
            env["WIPBOT_TELEGRAM_RATE"] = TELEGRAM_RATE
        bots: list[BotUnderTest] = []
        for number in range(mode.workers):
            log_path = workdir / f"bot-{tag}-{number}.log"
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
                event.questionnaire,
                think=think,
                patience=settings.patience,
            )
            await _gather_all(mode.label, people, "joining", lambda p: p.play(ScreenKind.QUESTION))
            cpu = _CpuMeter(bots)
            killer = None
            if mode.kill:
                half = len(people) * len(event.questionnaire.questions) // 2
                killer = asyncio.create_task(_kill_halfway(mode, people, bots, cpu, client, half))
            started = time.perf_counter()
            stuck: list[ScriptedPerson] = []
            try:
                await _gather_all(
                    mode.label,
                    people,
                    "answering",
                    lambda p: _unless_stuck(p, stuck, rng.uniform(0, settings.mean_think_seconds)),
                )
            finally:
                if killer is not None and not killer.done():
                    killer.cancel()
            seconds = time.perf_counter() - started
            cpu_seconds = cpu.total()
            if killer is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await killer
            for person in people:
                person.think = lambda: 0.0
            await _gather_all(
                mode.label,
                people,
                "submitting",
                lambda p: _unless_stuck(p, stuck, 0.0, ScreenKind.SUBMITTED),
            )
            deliveries = await client.webhook()
        finally:
            for bot in bots:
                await bot.stop()
            await sandbox.stop()
        submitted, _stored, _duplicates = await _database_checks(db_url)
        integrity = await _integrity(db_url, list(zip(event.invitees, people, strict=True)))
    return ModeFigures(
        mode=mode,
        people=len(people),
        answers=sum(p.stats.answers for p in people),
        seconds=seconds,
        latencies=tuple(x for p in people for x in p.stats.latencies),
        bot_cpu_seconds=cpu_seconds,
        submitted=submitted,
        integrity=integrity,
        resends=sum(p.stats.retries for p in people),
        stuck=len(set(map(id, stuck))),
        failed_deliveries=int(deliveries.get("failed_attempts", 0)),
        given_up=int(deliveries.get("given_up", 0)),
    )


async def run_broadcast(
    workers: int,
    workdir: Path,
    *,
    people: int,
    postgres_server: str,
    limit: float = 30.0,
    bot_rate: float = 28.0,
) -> BroadcastFigures:
    """One broadcast to `people` with this many webhook workers, Telegram's limits on in
    the sandbox (L = `limit`); only the leader sends, so two workers go no faster."""
    async with fresh_database(workdir, postgres_server) as db_url:
        _say(f"broadcast: {people} people, {workers} worker(s), limit {limit:g}/s")
        event = await seed_event(db_url, workshops=max(1, people // 36), people=people)
        sandbox = SandboxProcess(workdir / f"sandbox-broadcast-{workers}.log")
        client = await sandbox.start()
        bots: list[WebhookWorker] = []
        try:
            user_ids = await _people_in_chat(client, people)
            await _acknowledge_pending_updates(sandbox.base_url)
            await _bind(db_url, [i.participant_id for i in event.invitees], user_ids)
            await client.set_limits(global_per_second=limit)
            env = {
                "WIPBOT_DATABASE_URL": db_url,
                "WIPBOT_BROADCAST_RATE": str(bot_rate),
                "WIPBOT_SCHEDULER_INTERVAL": "1",
                "WIPBOT_LOG_LEVEL": "WARNING",
            }
            bots = [
                WebhookWorker(sandbox, workdir / f"bot-broadcast-{workers}-{n}.log", env)
                for n in range(workers)
            ]
            for bot in bots:
                await bot.start()
            await client.balance_webhook([bot.url for bot in bots])
            await client.reset_stats()
            await queue_broadcast(db_url)
            first, last = await _watch_deliveries(client, people, limit)
            await asyncio.sleep(3)  # three more ticks: a copy sent twice would show now
            stats = await client.stats()
            copies = await _copies(client, user_ids)
        finally:
            for bot in bots:
                await bot.stop()
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


@dataclass(frozen=True)
class WorkersResult:
    """The part "workers" of `python -m bench.run`."""

    settings: LoadSettings
    capacity: tuple[ModeFigures, ...]
    broadcasts: tuple[tuple[int, BroadcastFigures], ...]  # (workers, figures)


def _modes_table(figures: Sequence[ModeFigures]) -> list[str]:
    lines = [
        "| mode | answers/s | p50 ms | p99 ms | CPU ms/answer | lost | duplicated "
        "| out of order | submitted | /lanjut sent | stuck | failed deliveries (given up) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        i = f.integrity
        lines.append(
            f"| {f.mode.label} | {f.answers_per_second:.0f} | "
            f"{1000 * percentile(f.latencies, 0.5):.0f} | "
            f"{1000 * percentile(f.latencies, 0.99):.0f} | {f.cpu_ms_per_answer:.2f} | "
            f"{i.lost} | {i.duplicated} | {i.out_of_order} | {f.submitted}/{f.people} | "
            f"{f.resends} | {f.stuck} | {f.failed_deliveries} ({f.given_up}) |"
        )
    return lines


def _broadcast_lines(runs: Sequence[tuple[int, BroadcastFigures]]) -> list[str]:
    lines = [
        "| workers | duration | N / rate | ratio | fastest L allows | faster than that "
        "| lost | twice | 429s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for workers, b in runs:
        ideal = b.recipients / b.bot_rate_per_second
        # The sandbox's limit is a one-second window of L messages: N copies take at
        # least ceil(N / L) - 1 s from the first to the last (0.1 s for its polling).
        fastest = math.ceil(b.recipients / b.limit_per_second) - 1
        too_fast = b.seconds < fastest - 0.1
        lines.append(
            f"| {workers} | {b.seconds:.1f} s | {ideal:.1f} s | {b.seconds / ideal:.2f} | "
            f"{fastest} s | {'YES' if too_fast else 'no'} | {b.lost} | {b.duplicated} | "
            f"{b.refused_429} |"
        )
    return lines


def workers_section(result: WorkersResult) -> list[str]:
    """The Markdown section for docs/BENCHMARKS.md (or the terminal)."""
    s = result.settings
    lines = [
        "### Several webhook workers on PostgreSQL",
        "",
        f"{s.people} people in {s.workshops} workshop(s) answering the whole questionnaire, "
        f"{s.rate:.0f} answers/s offered: each reads for {1000 * s.mean_think_seconds:.0f} ms "
        "on average and taps as soon as the next question shows, so only the workers' "
        "replies hold the load back; the sandbox sends each update to the workers in turn. "
        "Capacity figures: the sandbox's flood limits "
        f"off and WIPBOT_TELEGRAM_RATE={TELEGRAM_RATE} (the paid-broadcast ceiling); with "
        "Telegram's 30 messages/s a token cannot carry more than ~15 answers/s whatever the "
        f"number of workers. {os.cpu_count()} cores on the machine, shared by the sandbox, "
        "the load generator, PostgreSQL and the workers. The kill: the second worker "
        "(leader or not) SIGKILLed when half the answers were in, left in the balancer's "
        f"rotation for {HEALTH_CHECK_SECONDS:g} s; CPU counts each worker until it died.",
        "",
        *_modes_table(result.capacity),
        "",
    ]
    if len(result.capacity) >= 2 and result.capacity[0].answers_per_second:
        one, two = result.capacity[0], result.capacity[1]
        lines += [
            f"Two workers / one: {two.answers_per_second / one.answers_per_second:.2f}x "
            f"the answers/s (target >= 1.6x when the machine has the cores for it).",
            "",
        ]
    if result.broadcasts:
        first = result.broadcasts[0][1]
        lines += [
            f"Broadcast to {first.recipients} people, Telegram's limits on in the sandbox "
            f"(L = {first.limit_per_second:g}/s), the bot's rate "
            f"{first.bot_rate_per_second:g}/s; only the leader sends bulk messages:",
            "",
            *_broadcast_lines(result.broadcasts),
            "",
        ]
    return lines


async def run_workers_benchmark(
    workdir: Path, *, postgres_server: str, quick: bool = False
) -> WorkersResult:
    """The part "workers": capacity with one and two workers, a kill, two broadcasts."""
    settings = LoadSettings(
        people=8 if quick else 30,
        workshops=1 if quick else 2,
        rate=400.0,
        postgres_server=postgres_server,
        log_level="WARNING",
    )
    capacity = []
    for mode in CAPACITY_MODES:
        _say(f"workers: {mode.label}")
        capacity.append(await run_mode(mode, settings, workdir, capacity=True))
    people = 90 if quick else 400
    broadcasts = []
    for workers in (1, 2):
        figures = await run_broadcast(
            workers, workdir, people=people, postgres_server=postgres_server
        )
        broadcasts.append((workers, figures))
    return WorkersResult(settings, tuple(capacity), tuple(broadcasts))


def report(figures: Sequence[ModeFigures], settings: LoadSettings) -> str:
    """The figures side by side, as a Markdown table."""
    return "\n".join(
        [
            f"{settings.people} people, {settings.rate:.0f} answers/s offered, "
            f"{os.cpu_count()} cores on the machine",
            "",
            *_modes_table(figures),
        ]
    )


async def _run(
    settings: LoadSettings, modes: Sequence[Mode], folder: Path, capacity: bool
) -> list[ModeFigures]:
    results = []
    for mode in modes:
        _say(f"mode: {mode.label}")
        results.append(await run_mode(mode, settings, folder, capacity=capacity))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the modes one after another and prints the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--workshops", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--postgres", metavar="SERVER_URL", required=True)
    parser.add_argument("--only", choices=["polling", "one", "two", "kill"], action="append")
    parser.add_argument("--capacity", action="store_true", help="flood limits off, rate 1000")
    args = parser.parse_args(argv)
    settings = LoadSettings(
        people=args.people,
        workshops=args.workshops,
        rate=args.rate,
        postgres_server=args.postgres,
        log_level="WARNING",
    )
    picked = dict(zip(("polling", "one", "two", "kill"), MODES, strict=True))
    modes = [picked[name] for name in args.only] if args.only else list(MODES)
    with tempfile.TemporaryDirectory(prefix="wipbot-bench-workers-") as folder:
        figures = asyncio.run(_run(settings, modes, Path(folder), args.capacity))
    print(report(figures, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
