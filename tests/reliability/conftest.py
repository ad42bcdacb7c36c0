"""Fixtures for the reliability tests: a sandbox and many seeded participants."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox import Sandbox
from tests.e2e.harness import BOT_USERNAME, TOKEN, assert_conforms


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A Telegram stand-in on a free port; a 'timeout' fault holds answers back 6 s, past
    the bot's 5 s read timeout, so the bot really sees TimedOut."""
    async with Sandbox(token=TOKEN, bot_username=BOT_USERNAME, timeout_fault_delay=6.0) as sb:
        yield sb
        assert_conforms(sb)
