"""The size curve: the bot's CPU per answer at 200, 700 and 1,400 people, at one rate.

For each size a fresh database is seeded, the bot runs as its own process against its own
sandbox, and everyone joins (/start CODE, consent) and answers the profile unmeasured, so
that every measured answer is a tap on a scale item, the same work at every size. Then
two measured phases follow on the same people: one at a rate below saturation (the
comparison of the sizes) and one at the overload rate (350/s, the break-time burst).

Capacity is what is measured, so Telegram's flood limits are switched off in the sandbox
and the bot paces itself at `WIPBOT_TELEGRAM_RATE=1000` (the paid-broadcast ceiling):
with Telegram's 30 messages/s for one token, a bot carries at most ~15 answers/s (an
answer's reply is an edit and a new message) and every size would measure that cap.

People answer fewer questions each at the bigger sizes (the run stays within minutes),
but each phase holds about as many answers at every size, every one a scale item.
"""

from __future__ import annotations

import asyncio
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.answers import (
    CAPACITY_ENV,
    LoadFigures,
    LoadSettings,
    _create_people,
    _database_checks,
    _gather_all,
    _measured_load,
    _say,
)
from bench.databases import fresh_database
from bench.people import PersonStats, ScreenKind, ScriptedPerson
from bench.processes import BotUnderTest, SandboxProcess
from bench.seeding import seed_event
from bot.questionnaire.model import Questionnaire, QuestionType

SIZES = (200, 700, 1400)
STEADY_RATE = 40.0
OVERLOAD_RATE = 350.0
# Answers per phase at every size; people answer this many between them (at least 2 each).
ANSWERS_PER_PHASE = 1600
PEOPLE_PER_WORKSHOP = 1400 / 38  # the event's shape: 38 workshops of about 37 people
JOINING_AT_ONCE = 100
MAX_RETRIES = 40


@dataclass(frozen=True)
class SizePoint:
    """One size under one offered rate."""

    people: int
    workshops: int
    rate: float
    answers_per_person: int
    figures: LoadFigures


@dataclass(frozen=True)
class SizeResult:
    """Every size at the steady and the overload rate, and the database checks."""

    steady_rate: float
    overload_rate: float
    points: tuple[SizePoint, ...]
    database: str
    duplicate_answers: int  # over every size's database

    def point(self, people: int, rate: float) -> SizePoint | None:
        """The point measured at that size and rate, if any."""
        return next((p for p in self.points if p.people == people and p.rate == rate), None)

    def growth(self, rate: float) -> float | None:
        """CPU per answer at the biggest size as a multiple of the smallest's, at `rate`."""
        sizes = sorted({p.people for p in self.points})
        small, big = self.point(sizes[0], rate), self.point(sizes[-1], rate)
        if small is None or big is None or len(sizes) < 2:
            return None
        return big.figures.cpu_ms_per_answer / small.figures.cpu_ms_per_answer


def workshops_for(people: int) -> int:
    """As many workshops as the event has for that many people (38 for 1,400)."""
    return max(1, min(38, round(people / PEOPLE_PER_WORKSHOP)))


def answers_per_person(people: int, per_phase: int = ANSWERS_PER_PHASE) -> int:
    """How many answers each person gives in a phase, so each phase holds ~`per_phase`."""
    return max(2, round(per_phase / people))


def profile_length(questionnaire: Questionnaire) -> int:
    """The answers before the first scale item (the note and the profile)."""
    for index, question in enumerate(questionnaire.questions):
        if question.type is QuestionType.SCALE:
            return index
    raise ValueError("the questionnaire has no scale item")


def _steady_thinker(
    settings: LoadSettings, rng: random.Random, first_delay: float
) -> Callable[[], float]:
    """Reading times that offer `settings.rate` from the first answer on: the first
    answer comes after a uniform share of one reading time, so the first answers of
    everyone arrive at the rate already, and each later one after a reading time."""
    mean = settings.mean_think_seconds
    first = [True]

    def think() -> float:
        if first[0]:
            first[0] = False
            return first_delay
        return rng.uniform(0.5 * mean, 1.5 * mean)

    return think


def _joiner(profile: int) -> Callable[[ScriptedPerson], object]:
    """Joins and answers the profile, `JOINING_AT_ONCE` people at a time: all 1,400 at
    once would wait longer than their patience in the queue, resend, and the resends be
    measured in the first phase."""
    at_once = asyncio.Semaphore(JOINING_AT_ONCE)

    async def join(person: ScriptedPerson) -> None:
        async with at_once:
            await person.play(ScreenKind.QUESTION)
            await person.play(answers=profile)

    return join


async def _phase(
    settings: LoadSettings,
    sandbox: SandboxProcess,
    bot: BotUnderTest,
    people: Sequence[ScriptedPerson],
    answers: int,
    seed: int,
) -> LoadFigures:
    rng = random.Random(seed)
    for person in people:
        person.stats = PersonStats()  # the figures count this phase's answers only
        person.think = _steady_thinker(settings, rng, rng.uniform(0, settings.mean_think_seconds))
    label = f"size {settings.people} at {settings.rate:g}/s"
    return await _measured_load(
        label, settings, sandbox, bot, people, lambda p: p.play(answers=answers)
    )


async def measure_size(
    people: int,
    rates: Sequence[float],
    workdir: Path,
    *,
    postgres_server: str | None = None,
    per_phase: int = ANSWERS_PER_PHASE,
) -> tuple[list[SizePoint], int]:
    """Seeds `people`, runs the bot and measures one phase per rate; returns the points
    and the answers stored twice."""
    workshops = workshops_for(people)
    each = answers_per_person(people, per_phase)
    points: list[SizePoint] = []
    async with fresh_database(workdir, postgres_server) as db_url:
        _say(f"size {people}: seeding {workshops} workshops")
        event = await seed_event(db_url, workshops=workshops, people=people)
        sandbox = SandboxProcess(workdir / f"sandbox-size-{people}.log")
        client = await sandbox.start()
        # Capacity, not Telegram's 30 messages/s, is measured (see the module docstring).
        await client.switch_off_limits()
        bot = BotUnderTest(
            [sys.executable, "-m", "bot.cli", "run"],
            sandbox,
            workdir / f"wipbot-size-{people}.log",
            env={"WIPBOT_DATABASE_URL": db_url, "WIPBOT_LOG_LEVEL": "INFO", **CAPACITY_ENV},
        )
        try:
            await bot.start()
            crowd = await _create_people(
                client,
                [invitee.invite_code for invitee in event.invitees],
                event.questionnaire,
                patience=15.0,
                # Overload is measured too: its resends are counted, not a failure.
                max_retries=MAX_RETRIES,
            )
            _say(f"size {people}: everyone joins and answers the profile (not measured)")
            await _gather_all(
                "size", crowd, "joining", _joiner(profile_length(event.questionnaire))
            )
            for number, rate in enumerate(rates):
                settings = LoadSettings(
                    people=people, workshops=workshops, rate=rate, postgres_server=postgres_server
                )
                figures = await _phase(settings, sandbox, bot, crowd, each, seed=number)
                points.append(SizePoint(people, workshops, rate, each, figures))
                _say(
                    f"size {people} at {rate:g}/s: {figures.answers} answers, "
                    f"{figures.answers_per_second:.1f}/s, {figures.cpu_ms_per_answer:.2f} ms CPU "
                    f"per answer, p50 {figures.percentile(0.5):.0f} ms, p99 "
                    f"{figures.percentile(0.99):.0f} ms, {figures.retries} /lanjut"
                )
                await asyncio.sleep(1.0)  # the last replies land before the next phase
        finally:
            await bot.stop()
            await sandbox.stop()
        _, _, duplicates = await _database_checks(db_url)
    return points, duplicates


async def run_size_benchmark(
    workdir: Path,
    *,
    sizes: Sequence[int] = SIZES,
    steady_rate: float = STEADY_RATE,
    overload_rate: float = OVERLOAD_RATE,
    postgres_server: str | None = None,
) -> SizeResult:
    """Measures every size at the steady and at the overload rate."""
    points: list[SizePoint] = []
    duplicates = 0
    for people in sizes:
        measured, twice = await measure_size(
            people, (steady_rate, overload_rate), workdir, postgres_server=postgres_server
        )
        points += measured
        duplicates += twice
    return SizeResult(
        steady_rate=steady_rate,
        overload_rate=overload_rate,
        points=tuple(points),
        database="PostgreSQL" if postgres_server else "SQLite (WAL, file)",
        duplicate_answers=duplicates,
    )


def size_section(result: SizeResult) -> list[str]:
    """The size curve as a section of docs/BENCHMARKS.md."""
    growth = result.growth(result.steady_rate)
    lines = [
        "### Size: CPU per answer against the number of people",
        "",
        f"Each size on a fresh database ({result.database}); the note and the profile "
        "answered unmeasured, then scale items at each rate (same people, in this order). "
        "Capacity is measured: the sandbox's flood limits are off and the bot runs with "
        "`WIPBOT_TELEGRAM_RATE=1000` (with Telegram's 30 messages/s a token carries at most "
        f"~15 answers/s). {result.steady_rate:g}/s is below saturation at every size; "
        f"{result.overload_rate:g}/s is above it. Answers stored twice: "
        f"{result.duplicate_answers}.",
        "",
        "| people (workshops) | offered/s | answers (each) | answers/s | bot CPU ms/answer "
        "| p50 / p99 ms | /lanjut sent | bot CPU cores |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for point in sorted(result.points, key=lambda p: (p.rate, p.people)):
        f = point.figures
        lines.append(
            f"| {point.people} ({point.workshops}) | {point.rate:g} | {f.answers} "
            f"({point.answers_per_person}) | {f.answers_per_second:.0f} | "
            f"{f.cpu_ms_per_answer:.2f} | {f.percentile(0.5):.0f} / {f.percentile(0.99):.0f} | "
            f"{f.retries} | {f.bot.cpu_share:.2f} |"
        )
    if growth is not None:
        met = "✅" if growth <= 1.25 else "❌"
        lines += [
            "",
            f"CPU per answer at {max(p.people for p in result.points)} people / at "
            f"{min(p.people for p in result.points)} people, {result.steady_rate:g}/s offered: "
            f"{growth:.2f} (target <= 1.25 {met}).",
        ]
    overload = result.growth(result.overload_rate)
    if overload is not None:
        lines.append(f"The same at {result.overload_rate:g}/s offered: {overload:.2f}.")
    return [*lines, ""]


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the size curve and prints its section (`python -m bench.size --sizes 200`)."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.size", description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--rate", type=float, default=STEADY_RATE, help="below saturation")
    parser.add_argument("--overload-rate", type=float, default=OVERLOAD_RATE)
    parser.add_argument("--postgres", metavar="SERVER_URL", default=None)
    parser.add_argument("--workdir", type=Path, default=None, help="keep logs here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    def run(folder: Path) -> SizeResult:
        return asyncio.run(
            run_size_benchmark(
                folder,
                sizes=sizes,
                steady_rate=args.rate,
                overload_rate=args.overload_rate,
                postgres_server=args.postgres,
            )
        )

    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = run(args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="wipbot-size-") as folder:
            result = run(Path(folder))
    print("\n".join(size_section(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
