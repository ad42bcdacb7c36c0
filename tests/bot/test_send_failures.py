"""A failed send is classified by what Telegram's answer proves, whatever its body is."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import TelegramError

from bot.telegram.http import AiohttpRequest, ServerError
from bot.telegram.sending import SendStatus, classify_failure

TOKEN = "4242:failure-token"
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

Answer = Callable[[], web.Response]


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[str, list[Answer]]]:
    """A stand-in front end that gives each request the next prepared answer."""
    answers: list[Answer] = []

    async def handle(request: web.Request) -> web.Response:
        if request.match_info["method"] == "getMe":
            me = {"id": 4242, "is_bot": True, "first_name": "Wip", "username": "wip_test_bot"}
            return web.json_response({"ok": True, "result": me})
        return answers.pop(0)()

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/bot", answers
    finally:
        await runner.cleanup()


async def _failure(base_url: str) -> TelegramError:
    async with Bot(TOKEN, base_url=base_url, request=AiohttpRequest(read_timeout=2.0)) as bot:
        with pytest.raises(TelegramError) as raised:
            await bot.send_message(1, "Rapat pleno dimundurkan ke 14.00 WIB")
    return raised.value


@pytest.mark.parametrize(
    "answer",
    [
        lambda: web.Response(status=502, body=NGINX_502, content_type="text/html"),
        lambda: web.Response(status=504, body=b"", content_type="text/html"),
        lambda: web.Response(status=500, body=b'{"ok":false,"error_co', content_type="text/plain"),
        lambda: web.json_response(
            {"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502
        ),
    ],
    ids=["html-502", "empty-504", "cut-json-500", "json-502"],
)
async def test_a_5xx_is_not_sent_whatever_its_body(
    telegram: tuple[str, list[Answer]], answer: Answer
) -> None:
    base_url, answers = telegram
    answers.append(answer)
    failure = await _failure(base_url)
    assert isinstance(failure, ServerError)
    assert classify_failure(failure).status is SendStatus.NOT_SENT


async def test_a_200_whose_body_cannot_be_read_may_have_arrived(
    telegram: tuple[str, list[Answer]],
) -> None:
    base_url, answers = telegram
    answers.append(lambda: web.Response(status=200, body=b'{"ok":true,"result":{"message_'))
    failure = await _failure(base_url)
    assert classify_failure(failure).status is SendStatus.UNCERTAIN


async def test_an_unreadable_body_is_never_logged(
    telegram: tuple[str, list[Answer]], caplog: pytest.LogCaptureFixture
) -> None:
    base_url, answers = telegram
    answers.append(lambda: web.Response(status=200, body=b'{"text":"Siti +628123 rahasia'))
    await _failure(base_url)
    assert not any("rahasia" in r.getMessage() for r in caplog.records)
