"""Fixtures: a running sandbox, raw Bot API calls, a PTB Bot and a polling Application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

from sandbox import Sandbox, SandboxClient

TOKEN = "4242:sandbox-test-token"
BOT_USERNAME = "wipbot_test_bot"

RawApi = Callable[..., Coroutine[Any, Any, tuple[int, dict[str, Any]]]]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """Runs a sandbox on a free port for one test."""
    async with Sandbox(token=TOKEN, bot_username=BOT_USERNAME, timeout_fault_delay=1.0) as sb:
        yield sb


@pytest.fixture
def client(sandbox: Sandbox) -> SandboxClient:
    """Returns the sandbox's control API client."""
    return sandbox.client


@pytest.fixture
async def raw_api(sandbox: Sandbox) -> AsyncIterator[RawApi]:
    """Calls a Bot API method with a JSON body and returns (HTTP status, JSON answer)."""
    async with httpx.AsyncClient(timeout=10) as http:

        async def call(
            method: str, token: str = TOKEN, **params: Any
        ) -> tuple[int, dict[str, Any]]:
            response = await http.post(f"{sandbox.base_url}{token}/{method}", json=params)
            return response.status_code, response.json()

        yield call


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    """Returns an initialised PTB Bot (from ApplicationBuilder, so with a real pool)."""
    application = build_application(sandbox)
    async with application.bot as ready:
        yield ready


def build_application(sandbox: Sandbox) -> Application[Any, Any, Any, Any, Any, Any]:
    """Builds a PTB Application that talks to the sandbox exactly as it would to Telegram."""
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(sandbox.base_url)
        .base_file_url(sandbox.base_file_url)
        .build()
    )


@asynccontextmanager
async def polling(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Runs the Application with long polling for the duration of the block."""
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


async def started_user(client: SandboxClient, first_name: str = "Budi") -> int:
    """Creates a person who has already written to the bot, so the bot may message them."""
    user_id = await client.create_user(first_name, language_code="id")
    await client.send(user_id, "/start")
    return user_id
