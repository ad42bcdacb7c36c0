"""Fixtures for end-to-end tests: sandbox, pinned clock, seeded workshop, running bot."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.context import WipApplication
from sandbox import Sandbox
from tests.e2e.harness import (
    BOT_USERNAME,
    TOKEN,
    SeededWorkshop,
    assert_conforms,
    bot_settings,
    local,
    running_bot,
    seed_workshop,
)

WORKSHOP_DAY = dt.date(2026, 12, 3)
PEOPLE = [
    ("Dr. Hj. Siti Aminah, M.Si.", "government"),
    ("Ir. Bambang O'Neil", "bureaucracy"),
    ("Rina Wati", "civil_society"),
    ("Budi Santoso, S.E.", "economic_society"),
]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A Telegram stand-in on a free port, as strict as Telegram (limits, expiring presses).

    Every Bot API request the bot made during the test must conform to the Bot API as
    python-telegram-bot declares it; the test fails otherwise.
    """
    async with Sandbox(token=TOKEN, bot_username=BOT_USERNAME, timeout_fault_delay=1.0) as sb:
        yield sb
        assert_conforms(sb)


@pytest.fixture
def clock() -> ManualClock:
    """Workshop day, 10:35 in Jambi (the first coffee break)."""
    return ManualClock(local(WORKSHOP_DAY, "10:35"))


@pytest.fixture
async def seeded(migrated_db_url: str, clock: ManualClock) -> SeededWorkshop:
    """The default questionnaire and a Jambi workshop with four invitees."""
    return await seed_workshop(migrated_db_url, day=WORKSHOP_DAY, people=PEOPLE, now=clock.now())


@pytest.fixture
async def bot(
    sandbox: Sandbox, migrated_db_url: str, clock: ManualClock, seeded: SeededWorkshop
) -> AsyncIterator[WipApplication]:
    """The real application polling the sandbox."""
    # The pinned clock sits 5 minutes into a break: a 1-minute grace keeps the start-up tick
    # from sending that break's reminder, and a long interval keeps the job out of these tests
    # (reminders have their own tests, which drive the job themselves).
    settings = bot_settings(
        migrated_db_url, sandbox, scheduler_interval_seconds=600, reminder_grace_minutes=1
    )
    async with running_bot(settings, clock) as application:
        yield application
