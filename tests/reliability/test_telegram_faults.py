"""Telegram misbehaves (5xx, timeouts, bursts of 429) while people answer: nobody is lost."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

import pytest

from bench.people import ScreenKind, ScriptedPerson
from bench.seeding import seed_event
from bot.clock import SystemClock
from sandbox import Fault, Sandbox
from tests.e2e.harness import bot_settings, running_bot
from tests.reliability.checks import (
    check_answers_match_plans,
    response_statuses,
    stored_answers,
)

# Twelve people at machine speed already fill Telegram's ~30 messages/s overall, which
# the bot keeps: more people would only lengthen the test, not test more.
PEOPLE = 12
ANSWERS_UNDER_FAULTS = PEOPLE * 12
# The calls a participant's answer makes; getUpdates is left alone so the test measures
# how answers survive, not how long PTB's polling backs off.
METHODS = ("sendMessage", "editMessageText", "answerCallbackQuery", "editMessageReplyMarkup")


async def _bursts_of_flood_control(sandbox: Sandbox) -> None:
    while True:
        await asyncio.sleep(2.0)
        await sandbox.client.set_faults(Fault("sendMessage", "429", count=5, retry_after=1))


async def test_people_finish_through_5xx_timeouts_and_429_bursts_without_duplicates(
    sandbox: Sandbox, migrated_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    event = await seed_event(migrated_db_url, workshops=2, people=PEOPLE)
    rng = random.Random(5)
    people = []
    for number, invitee in enumerate(event.invitees):
        user_id = await sandbox.client.create_user(f"Peserta{number}", language_code="id")
        person = ScriptedPerson(
            sandbox.client,
            user_id,
            invitee.invite_code,
            event.questionnaire,
            seed=number,
            think=lambda: rng.uniform(0.0, 0.2),
            # Past the 6 s a 'timeout' fault holds an answer back: then /lanjut.
            patience=8.0,
            max_retries=10,
        )
        people.append((invitee, person))

    settings = bot_settings(migrated_db_url, sandbox)
    async with running_bot(settings, SystemClock()):
        await sandbox.client.set_faults(
            *(Fault(m, "500", probability=0.05) for m in METHODS),
            *(Fault(m, "502", probability=0.05) for m in METHODS),
            *(Fault(m, "timeout", probability=0.05) for m in METHODS),
            seed=11,
        )
        floods = asyncio.create_task(_bursts_of_flood_control(sandbox))
        try:
            playing = [asyncio.create_task(p.play(ScreenKind.READY)) for _, p in people]
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60
            while True:
                answered = sum(p.stats.answers for _, p in people)
                if answered >= ANSWERS_UNDER_FAULTS or loop.time() > deadline:
                    break
                if all(t.done() for t in playing):
                    break
                await asyncio.sleep(0.1)
            stats = await sandbox.client.stats()
        finally:
            floods.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await floods
        await sandbox.client.clear_faults()
        await asyncio.gather(*playing)
        await asyncio.gather(*(p.play(ScreenKind.SUBMITTED) for _, p in people))

    assert stats["faults_injected"] >= 50, stats["faults_by_kind"]
    assert set(stats["faults_by_kind"]) >= {"500", "502", "timeout", "429"}
    assert await response_statuses(migrated_db_url) == {"submitted": PEOPLE}
    check_answers_match_plans(people, await stored_answers(migrated_db_url))
    unhandled = [
        record
        for record in caplog.records
        if record.name == "bot.handlers.errors" and record.levelno >= logging.ERROR
    ]
    assert not unhandled, "\n".join(
        f"{r.getMessage()}: {r.exc_info[1] if r.exc_info else ''}" for r in unhandled[:10]
    )
