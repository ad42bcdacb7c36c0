"""Entry points: `serve()` for the CLI and `python -m sandbox`."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys

import httpx

from sandbox import serve
from sandbox.server import build_parser

_LISTENING = re.compile(r"Sandbox listening on (http://127\.0\.0\.1:(\d+))")


async def test_serve_on_port_zero_announces_the_port_it_picked() -> None:
    lines: list[str] = []
    announced = asyncio.Event()

    def announce(line: str) -> None:
        lines.append(line)
        announced.set()

    server = asyncio.create_task(serve(port=0, token="77:abc", announce=announce))
    try:
        await asyncio.wait_for(announced.wait(), 5)
        match = _LISTENING.fullmatch(lines[0])
        assert match is not None and int(match.group(2)) > 0
        async with httpx.AsyncClient() as http:
            me = await http.get(f"{match.group(1)}/bot77:abc/getMe")
        assert me.json()["result"]["id"] == 77
    finally:
        server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server


async def test_python_dash_m_sandbox_serves_until_stopped() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox",
        "--port",
        "0",
        "--token",
        "88:xyz",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        first_line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().strip()
        match = _LISTENING.fullmatch(first_line)
        assert match is not None
        async with httpx.AsyncClient(base_url=match.group(1)) as http:
            user = await http.post("/sandbox/users", json={"first_name": "Budi"})
            sent = await http.post(
                f"/sandbox/users/{user.json()['user_id']}/send", json={"text": "/start"}
            )
            updates = await http.post("/bot88:xyz/getUpdates", data={"timeout": "0"})
        assert sent.json()["message_id"] == 1
        assert updates.json()["result"][0]["message"]["text"] == "/start"
    finally:
        process.terminate()
        await process.wait()


def test_parser_accepts_the_cli_options() -> None:
    args = build_parser().parse_args(["--port", "8081", "--token", "1:a", "--bot-username", "b"])

    assert (args.port, args.token, args.bot_username, args.host) == (8081, "1:a", "b", "127.0.0.1")
