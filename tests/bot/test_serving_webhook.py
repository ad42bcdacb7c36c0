"""The webhook endpoint: secret checked, 200 only after the handler's commit, 500 on failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.app import build_application, stop_background
from bot.context import WipApplication, WipContext
from bot.serving.webhook import SECRET_HEADER, create_webhook_app
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Participant, ProcessedUpdate
from tests.e2e.harness import BOT_USERNAME, TOKEN, SeededWorkshop, bot_settings, seed_workshop

SECRET = "s3cret-token_for-tests"
PATH = "/telegram"


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(token=TOKEN, bot_username=BOT_USERNAME) as sb:
        yield sb


@pytest.fixture
async def seeded(migrated_db_url: str) -> SeededWorkshop:
    return await seed_workshop(
        migrated_db_url, day=dt.date(2026, 12, 3), people=[("Rina Wati", "civil_society")]
    )


@pytest.fixture
async def application(
    sandbox: Sandbox, migrated_db_url: str, seeded: SeededWorkshop
) -> AsyncIterator[WipApplication]:
    settings = bot_settings(migrated_db_url, sandbox, scheduler_interval_seconds=600)
    app = build_application(settings)
    async with app:
        assert app.post_init is not None
        await app.post_init(app)
        yield app
        await stop_background(app)
    assert app.post_shutdown is not None
    await app.post_shutdown(app)


@pytest.fixture
async def client(application: WipApplication) -> AsyncIterator[TestClient[Any, Any]]:
    web_app, _ = create_webhook_app(application, secret=SECRET, path=PATH)
    async with TestClient(TestServer(web_app)) as test_client:
        yield test_client


def _message_update(sandbox: Sandbox, update_id: int, text: str) -> dict[str, Any]:
    chat = sandbox.world.create_user("Rina", language_code="id")
    chat.started = True
    user = chat.user
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_764_000_000,
            "chat": user.as_chat(),
            "from": user.as_user(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def _count(db_url: str, statement: Any) -> int:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            return int(await session.scalar(statement) or 0)
    finally:
        await engine.dispose()


def _bound(invitee_id: int) -> Any:
    return (
        select(func.count())
        .select_from(Participant)
        .where(Participant.id == invitee_id, Participant.telegram_user_id.is_not(None))
    )


async def test_a_request_without_the_right_secret_is_refused_and_changes_nothing(
    client: TestClient[Any, Any], sandbox: Sandbox, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    update = _message_update(sandbox, 10, f"/start {seeded.invitees[0].invite_code}")
    for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}):
        response = await client.post(PATH, json=update, headers=headers)
        assert response.status == 403
    assert await _count(migrated_db_url, _bound(seeded.invitees[0].participant_id)) == 0
    assert await _count(migrated_db_url, select(func.count()).select_from(ProcessedUpdate)) == 0


async def test_200_comes_after_the_effect_is_committed_and_a_redelivery_does_nothing_twice(
    client: TestClient[Any, Any], sandbox: Sandbox, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    invitee = seeded.invitees[0]
    update = _message_update(sandbox, 11, f"/start {invitee.invite_code}")
    response = await client.post(PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    # Read at once, from another connection: the 200 was sent after the commit.
    assert await _count(migrated_db_url, _bound(invitee.participant_id)) == 1
    sent = sandbox.world.stats.messages_from_bot
    assert sent >= 1  # the consent question

    again = await client.post(PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert again.status == 200
    assert sandbox.world.stats.messages_from_bot == sent


async def test_a_failing_handler_answers_500_so_telegram_delivers_it_again(
    client: TestClient[Any, Any], application: WipApplication, sandbox: Sandbox
) -> None:
    async def explode(update: Update, context: WipContext) -> None:
        raise RuntimeError("the database went away")

    application.add_handler(MessageHandler(filters.Regex("^boom$"), explode), group=-100)
    update = _message_update(sandbox, 12, "boom")
    update["message"]["entities"] = []
    response = await client.post(PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status == 500
    # The next update is not marked failed by the earlier one.
    fine = _message_update(sandbox, 13, "/help")
    response = await client.post(PATH, json=fine, headers={SECRET_HEADER: SECRET})
    assert response.status == 200


async def test_a_body_that_is_not_an_update_is_refused(client: TestClient[Any, Any]) -> None:
    response = await client.post(PATH, data=b"<html>", headers={SECRET_HEADER: SECRET})
    assert response.status == 400
    response = await client.post(PATH, json=[1, 2], headers={SECRET_HEADER: SECRET})
    assert response.status == 400
