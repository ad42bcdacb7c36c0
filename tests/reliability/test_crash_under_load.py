"""The bot process is SIGKILLed while 20 people answer, and restarted: nothing taken is lost."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from bench.people import ScreenKind, ScriptedPerson
from bench.seeding import seed_event
from sandbox import Sandbox
from tests.e2e.harness import BotProcess
from tests.reliability.checks import (
    check_answers_match_plans,
    response_statuses,
    stored_answers,
)

PEOPLE = 20
KILL_AFTER_ANSWERS = PEOPLE * 15  # about a quarter of the way through


async def test_sigkill_during_a_burst_loses_no_taken_answer_and_everyone_finishes(
    sandbox: Sandbox, migrated_db_url: str, tmp_path: Path
) -> None:
    # A crash test, not a throughput test: the people tapping at machine speed need
    # thousands of sends and edits, minutes under Telegram's 30/s overall. That limit is
    # switched off here, as are the per-chat limits (machine-speed taps); the flood limits
    # have their own tests (tests/sandbox/test_strictness.py, tests/e2e/test_broadcasts.py).
    # The bot's own overall rate is raised to match (as with Telegram's paid broadcasts).
    await sandbox.client.switch_off_limits()
    event = await seed_event(migrated_db_url, workshops=2, people=PEOPLE)
    bot = BotProcess(migrated_db_url, sandbox, tmp_path / "bot.log")
    bot.env["WIPBOT_TELEGRAM_RATE"] = "1000"
    rng = random.Random(9)
    people = []
    for number, invitee in enumerate(event.invitees):
        user_id = await sandbox.client.create_user(f"Peserta{number}", language_code="id")
        person = ScriptedPerson(
            sandbox.client,
            user_id,
            invitee.invite_code,
            event.questionnaire,
            seed=number,
            think=lambda: rng.uniform(0.0, 0.1),
            patience=4.0,
            max_retries=8,
        )
        people.append((invitee, person))
    await bot.start()
    try:
        await asyncio.gather(*(p.play(ScreenKind.QUESTION) for _, p in people))
        answering = [asyncio.create_task(p.play(ScreenKind.READY)) for _, p in people]
        while sum(p.stats.answers for _, p in people) < KILL_AFTER_ANSWERS:
            assert not any(t.done() and t.exception() for t in answering)
            await asyncio.sleep(0.02)

        await bot.kill()
        # What each person had been shown as taken, and what the database holds, at the
        # moment of the crash (people keep tapping; the sandbox keeps their taps).
        shown = {invitee.participant_id: set(person.accepted) for invitee, person in people}
        at_crash = await stored_answers(migrated_db_url)
        await asyncio.sleep(1.0)
        await bot.start()
        await asyncio.gather(*answering)
        await asyncio.gather(*(p.play(ScreenKind.SUBMITTED) for _, p in people))
    finally:
        await bot.stop()

    questions = event.questionnaire.questions
    lost = [
        f"participant {pid}: {questions[index].id}"
        for pid, indices in shown.items()
        for index in indices
        if questions[index].id not in at_crash.get(pid, {})
    ]
    assert not lost, "answers shown as taken but not stored at the crash:\n" + "\n".join(lost)
    assert sum(len(s) for s in shown.values()) >= KILL_AFTER_ANSWERS - PEOPLE
    assert await response_statuses(migrated_db_url) == {"submitted": PEOPLE}
    check_answers_match_plans(people, await stored_answers(migrated_db_url))
    assert sum(p.stats.retries for _, p in people) > 0, "the crash went unnoticed"
