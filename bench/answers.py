"""The answers benchmark: many participants answering at once, against wipbot and the floor.

Three processes share the machine: the sandbox (Telegram), the bot under test, and this
load generator. Each simulated person joins (/start CODE, consent) before the measured
phase; in the measured phase they answer the whole questionnaire (the opening note, the
profile, 48 scale items, the optional comments), pausing a random "reading time" before
each answer so that together they offer the configured rate; afterwards they submit.
Latency is the time from a tap or a typed answer to the next question appearing, read
from the sandbox's wait endpoint (long polls on event ids, no sleeping in between).
"""

from __future__ import annotations

import asyncio
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import func, select

from bench.databases import fresh_database
from bench.machine import BusyMeter
from bench.people import PlannedAnswer, Screen, ScreenKind, ScriptedPerson
from bench.processes import BotUnderTest, SandboxProcess, Usage, UsageMonitor
from bench.seeding import SeededEvent, seed_event
from bot.questionnaire.model import Questionnaire
from bot.settings import TELEGRAM_RATE_CEILING
from sandbox import SandboxClient
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Response, ResponseStatus

PROGRESS_EVERY_SECONDS = 10.0
FLOOR_ANSWERS_PER_PERSON = 20
# Capacity is measured, not Telegram's 30 messages/s for one token (at most ~15 answers/s,
# an answer's reply being an edit and a new message): the sandbox's flood limits are
# switched off and the bot paces itself at the paid-broadcast ceiling.
CAPACITY_ENV = {"WIPBOT_TELEGRAM_RATE": str(int(TELEGRAM_RATE_CEILING))}


@dataclass(frozen=True)
class LoadSettings:
    """The shape of a load: how many people, where, how fast they answer."""

    people: int = 1400
    workshops: int = 38
    rate: float = 350.0  # answers per second offered by everyone together
    postgres_server: str | None = None  # a server URL, else a SQLite file
    log_level: str = "INFO"
    patience: float = 15.0

    @property
    def mean_think_seconds(self) -> float:
        """How long a person reads before answering, on average."""
        return self.people / self.rate


@dataclass(frozen=True)
class LoadFigures:
    """What one bot did under the load."""

    label: str
    people: int
    answers: int
    seconds: float
    latencies: tuple[float, ...]
    bot: Usage
    sandbox: Usage
    load_generator_cpu_share: float
    others_cores: float  # CPU used meanwhile by processes outside the benchmark, in cores
    retries: int
    refreshed: int

    @property
    def answers_per_second(self) -> float:
        """Answers handled per second over the measured phase."""
        return self.answers / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_answer(self) -> float:
        """The bot's CPU milliseconds per answer."""
        return 1000 * self.bot.cpu_seconds / self.answers if self.answers else 0.0

    def percentile(self, share: float) -> float:
        """Latency at a share (0..1) of the sorted samples, in milliseconds."""
        return 1000 * percentile(self.latencies, share)


@dataclass(frozen=True)
class AnswersResult:
    """wipbot and the floor under the same load, and the database checks."""

    settings: LoadSettings
    ours: LoadFigures
    floor: LoadFigures
    database: str
    submitted: int
    stored_answers: int
    duplicate_answers: int
    saturation: LoadFigures | None = None  # capacity: answering with no reading time

    @property
    def cpu_ratio(self) -> float:
        """Our CPU per answer as a multiple of the floor's."""
        return self.ours.cpu_ms_per_answer / self.floor.cpu_ms_per_answer


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of the samples (0.0 when there are none)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _thinker(settings: LoadSettings, rng: random.Random) -> Callable[[], float]:
    mean = settings.mean_think_seconds
    return lambda: rng.uniform(0.5 * mean, 1.5 * mean)


async def _gather_all(
    label: str,
    people: Sequence[ScriptedPerson],
    phase: str,
    coro: Callable[[ScriptedPerson], object],
) -> None:
    """Runs every person's part of a phase, reporting progress and the first failure."""
    tasks = [asyncio.ensure_future(coro(person)) for person in people]  # type: ignore[arg-type]
    started = time.perf_counter()
    pending: set[asyncio.Future[object]] = set(tasks)
    while pending:
        done, pending = await asyncio.wait(pending, timeout=PROGRESS_EVERY_SECONDS)
        for task in done:
            if task.exception() is not None:
                for other in pending:
                    other.cancel()
                raise task.exception()  # type: ignore[misc]
        answers = sum(p.stats.answers for p in people)
        _say(
            f"{label} {phase}: {len(people) - len(pending)}/{len(people)} done, "
            f"{answers} answers, {time.perf_counter() - started:.0f} s"
        )


async def _create_people(
    client: SandboxClient,
    invite_codes: Sequence[str],
    questionnaire: Questionnaire | None,
    **person_options: Any,
) -> list[ScriptedPerson]:
    """A sandbox user and a `ScriptedPerson` per invitation code, the n-th seeded with n;
    `person_options` go to every person (think, patience, planner ...)."""
    semaphore = asyncio.Semaphore(100)

    async def one(number: int, code: str) -> ScriptedPerson:
        async with semaphore:
            user_id = await client.create_user(f"Peserta{number}", language_code="id")
        return ScriptedPerson(client, user_id, code, questionnaire, seed=number, **person_options)

    return list(await asyncio.gather(*(one(n, c) for n, c in enumerate(invite_codes))))


async def _measured_load(
    label: str,
    settings: LoadSettings,
    sandbox: SandboxProcess,
    bot: BotUnderTest,
    people: Sequence[ScriptedPerson],
    answer: Callable[[ScriptedPerson], object],
) -> LoadFigures:
    myself = psutil.Process()
    own_start = myself.cpu_times()
    assert sandbox.process is not None
    busy = BusyMeter()
    busy.start()
    started = time.perf_counter()
    async with UsageMonitor(bot.pid) as bot_usage, UsageMonitor(sandbox.process.pid) as sb_usage:
        await _gather_all(label, people, "answering", answer)
    seconds = time.perf_counter() - started
    own_end = myself.cpu_times()
    own_cpu = (own_end.user + own_end.system) - (own_start.user + own_start.system)
    assert bot_usage.usage is not None and sb_usage.usage is not None
    ours = own_cpu + bot_usage.usage.cpu_seconds + sb_usage.usage.cpu_seconds
    return LoadFigures(
        label=label,
        people=len(people),
        answers=sum(p.stats.answers for p in people),
        seconds=seconds,
        latencies=tuple(x for p in people for x in p.stats.latencies),
        bot=bot_usage.usage,
        sandbox=sb_usage.usage,
        load_generator_cpu_share=own_cpu / seconds,
        others_cores=busy.cores_used(ours),
        retries=sum(p.stats.retries for p in people),
        refreshed=sum(p.stats.refreshed for p in people),
    )


def _spread_start(
    person: ScriptedPerson, settings: LoadSettings, rng: random.Random
) -> Callable[[], object]:
    """The first answer comes after a random share of a reading time, so people do not
    all tap in the same instant."""
    delay = rng.uniform(0, settings.mean_think_seconds)

    async def answer() -> None:
        await asyncio.sleep(delay)
        await person.play(ScreenKind.READY)

    return answer


async def run_wipbot(
    settings: LoadSettings, workdir: Path, db_url: str
) -> tuple[LoadFigures, SeededEvent]:
    """Seeds the event, runs wipbot as a process and plays everyone through it."""
    _say(f"wipbot: seeding {settings.people} people in {settings.workshops} workshops")
    event = await seed_event(db_url, workshops=settings.workshops, people=settings.people)
    sandbox = SandboxProcess(workdir / "sandbox-wipbot.log")
    client = await sandbox.start()
    await client.switch_off_limits()  # capacity is measured (CAPACITY_ENV)
    bot = BotUnderTest(
        [sys.executable, "-m", "bot.cli", "run"],
        sandbox,
        workdir / "wipbot.log",
        env={
            "WIPBOT_DATABASE_URL": db_url,
            "WIPBOT_LOG_LEVEL": settings.log_level,
            **CAPACITY_ENV,
        },
    )
    try:
        await bot.start()
        rng = random.Random(7)
        think = _thinker(settings, rng)
        people = await _create_people(
            client,
            [invitee.invite_code for invitee in event.invitees],
            event.questionnaire,
            think=think,
            patience=settings.patience,
        )
        _say("wipbot: everyone joins (/start CODE, consent)")
        await _gather_all("wipbot", people, "joining", lambda p: p.play(ScreenKind.QUESTION))
        figures = await _measured_load(
            "wipbot",
            settings,
            sandbox,
            bot,
            people,
            lambda p: _spread_start(p, settings, rng)(),
        )
        _say("wipbot: everyone submits")
        for person in people:
            person.think = lambda: 0.0
        await _gather_all("wipbot", people, "submitting", lambda p: p.play(ScreenKind.SUBMITTED))
    finally:
        await bot.stop()
        await sandbox.stop()
    return figures, event


async def run_floor(settings: LoadSettings, workdir: Path, answers_per_person: int) -> LoadFigures:
    """The same people, think times and answer count against the floor bot."""
    sandbox = SandboxProcess(workdir / "sandbox-floor.log")
    client = await sandbox.start()
    await client.switch_off_limits()  # as for wipbot; the floor has no pacing of its own
    bot = BotUnderTest([sys.executable, "-m", "bench.floor_bot"], sandbox, workdir / "floor.log")
    try:
        await bot.start()
        rng = random.Random(7)
        think = _thinker(settings, rng)

        def first_button(screen: Screen) -> PlannedAnswer:
            return PlannedAnswer(screen.buttons[0], None, "answered", None)

        people = await _create_people(
            client,
            [f"CODE{n}" for n in range(settings.people)],
            None,
            think=think,
            patience=settings.patience,
            planner=first_button,
        )
        await _gather_all("floor", people, "joining", lambda p: p.play(ScreenKind.QUESTION))

        def answer(person: ScriptedPerson) -> object:
            delay = rng.uniform(0, settings.mean_think_seconds)

            async def run() -> None:
                await asyncio.sleep(delay)
                await person.play(answers=answers_per_person)

            return run()

        return await _measured_load("floor", settings, sandbox, bot, people, answer)
    finally:
        await bot.stop()
        await sandbox.stop()


async def _database_checks(db_url: str) -> tuple[int, int, int]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            submitted = await session.scalar(
                select(func.count())
                .select_from(Response)
                .where(Response.status == ResponseStatus.SUBMITTED.value)
            )
            stored = await session.scalar(select(func.count()).select_from(Answer))
            duplicates = await session.scalar(
                select(func.count()).select_from(
                    select(Answer.response_id, Answer.question_id)
                    .group_by(Answer.response_id, Answer.question_id)
                    .having(func.count() > 1)
                    .subquery()
                )
            )
    finally:
        await engine.dispose()
    return int(submitted or 0), int(stored or 0), int(duplicates or 0)


async def run_answers_benchmark(settings: LoadSettings, workdir: Path) -> AnswersResult:
    """Runs wipbot, then the floor, under the same load."""
    async with fresh_database(workdir, settings.postgres_server) as db_url:
        ours, _ = await run_wipbot(settings, workdir, db_url)
        submitted, stored, duplicates = await _database_checks(db_url)
    # The floor's CPU per answer does not depend on how long each person goes on, so it
    # answers fewer questions at the same rate, which keeps the full run to minutes.
    per_person = min(round(ours.answers / ours.people), FLOOR_ANSWERS_PER_PERSON)
    _say(f"floor: {settings.people} people, {per_person} answers each")
    floor = await run_floor(settings, workdir, per_person)
    return AnswersResult(
        settings=settings,
        ours=ours,
        floor=floor,
        database="PostgreSQL" if settings.postgres_server else "SQLite (WAL, file)",
        submitted=submitted,
        stored_answers=stored,
        duplicate_answers=duplicates,
    )
