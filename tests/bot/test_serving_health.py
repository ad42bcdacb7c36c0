"""Operations: /healthz, /readyz (database, schema, Telegram), /metrics, JSON log lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.context import WipApplication
from bot.logging_setup import RedactingFilter, _formatter
from bot.serving.server import _health_app
from bot.serving.webhook import SECRET_HEADER, create_webhook_app
from sandbox import Sandbox
from sandbox.faults import FaultRule
from storage.migrate import downgrade
from tests.bot.test_serving_webhook import (  # the same bot, sandbox and database
    PATH,
    SECRET,
    _message_update,
    application,
    sandbox,
    seeded,
)

__all__ = ["application", "sandbox", "seeded"]


@pytest.fixture
async def client(application: WipApplication) -> AsyncIterator[TestClient[Any, Any]]:
    web_app, _ = create_webhook_app(application, secret=SECRET, path=PATH)
    _health_app(application, web_app)
    async with TestClient(TestServer(web_app)) as test_client:
        yield test_client


async def test_healthz_and_readyz_answer_when_all_is_well(client: TestClient[Any, Any]) -> None:
    assert (await client.get("/healthz")).status == 200
    response = await client.get("/readyz")
    assert response.status == 200
    assert (await response.json())["checks"] == ["database", "schema", "telegram"]


async def test_readyz_names_telegram_when_get_me_fails(
    client: TestClient[Any, Any], sandbox: Sandbox
) -> None:
    sandbox.world.faults.add(FaultRule("getMe", "500", count=1))
    response = await client.get("/readyz")
    assert response.status == 503
    assert list((await response.json())["failed"]) == ["telegram"]
    assert (await client.get("/readyz")).status == 200  # the fault was for one call


async def test_readyz_names_the_schema_when_it_is_not_at_the_head(
    client: TestClient[Any, Any], migrated_db_url: str
) -> None:
    await downgrade(migrated_db_url, "-1")
    response = await client.get("/readyz")
    assert response.status == 503
    failed = (await response.json())["failed"]
    assert list(failed) == ["schema"] and "code expects" in failed["schema"]


async def test_metrics_count_updates_and_telegram_calls(
    client: TestClient[Any, Any], sandbox: Sandbox
) -> None:
    def value(text: str, line_start: str) -> float:
        lines = [line for line in text.splitlines() if line.startswith(line_start)]
        return float(lines[0].rsplit(" ", 1)[1]) if lines else 0.0

    before = await (await client.get("/metrics")).text()
    update = _message_update(sandbox, 21, "/help")
    assert (await client.post(PATH, json=update, headers={SECRET_HEADER: SECRET})).status == 200
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    after = await response.text()
    ok = 'wipbot_updates_handled_total{outcome="ok"}'
    assert value(after, ok) == value(before, ok) + 1
    sent = 'wipbot_telegram_calls_total{method="sendMessage",outcome="ok"}'
    assert value(after, sent) >= value(before, sent) + 1
    assert value(after, "wipbot_handler_seconds_count") == (
        value(before, "wipbot_handler_seconds_count") + 1
    )
    assert "wipbot_broadcast_queue_length 0.0" in after


def test_json_log_lines_carry_the_message_and_never_the_token() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_formatter("json"))
    handler.addFilter(RedactingFilter(["123456:secret-token"]))
    logger = logging.getLogger("tests.json_lines")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling %s failed", "https://api/bot123456:secret-token/getMe")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip())
    assert line["level"] == "WARNING"
    assert line["logger"] == "tests.json_lines"
    assert line["message"] == "calling https://api/bot<redacted>/getMe failed"
    assert "secret-token" not in stream.getvalue()


async def test_polling_mode_serves_the_checks_on_the_health_port(
    sandbox: Sandbox, migrated_db_url: str, seeded: object
) -> None:
    import socket

    import aiohttp

    from bot.app import build_application
    from bot.runner import running
    from bot.serving.server import add_health_server
    from tests.e2e.harness import bot_settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = build_application(bot_settings(migrated_db_url, sandbox, scheduler_interval_seconds=600))
    add_health_server(app, "127.0.0.1", port)
    async with running(app), aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
        async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
            assert response.status == 200
    assert app.post_stop is not None and app.post_shutdown is not None
    await app.post_stop(app)  # `running` leaves post_stop to run_polling: stops the port
    await app.post_shutdown(app)
