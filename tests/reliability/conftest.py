"""Fixtures for the reliability tests: a sandbox and many seeded participants."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox import Sandbox
from tests.e2e.harness import BOT_USERNAME, HUMAN_THINK_SECONDS, TOKEN, assert_conforms


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A Telegram stand-in on a free port; a 'timeout' fault holds answers back 6 s, past
    the bot's 5 s read timeout, so the bot really sees TimedOut.

    Telegram's flood limits are on. The load's people act at machine speed; each action
    counts as the 2 s of a quick person against their chat's allowance (see e2e harness).
    """
    async with Sandbox(
        token=TOKEN,
        bot_username=BOT_USERNAME,
        timeout_fault_delay=6.0,
        person_think_seconds=HUMAN_THINK_SECONDS,
    ) as sb:
        yield sb
        assert_conforms(sb)
