"""Assembly and entry points: the aiohttp app, `serve()`, `main(argv)` and `Sandbox`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import socket
from collections.abc import Callable, Sequence
from types import TracebackType

from aiohttp import web

from sandbox.app_keys import WORLD_KEY
from sandbox.bot_http import handle_bot_api, handle_file_download
from sandbox.client import SandboxClient
from sandbox.control import add_control_routes, control_errors
from sandbox.limits import LimitSettings
from sandbox.updates import MAX_UPDATE_ID
from sandbox.world import (
    DEFAULT_BOT_USERNAME,
    DEFAULT_CALLBACK_QUERY_TIMEOUT,
    DEFAULT_TOKEN,
    World,
)

DEFAULT_HOST = "127.0.0.1"
# Telegram accepts uploads up to 50 MB.
MAX_REQUEST_BYTES = 50 * 1024 * 1024
_SHUTDOWN_SECONDS = 1.0


def create_app(world: World) -> web.Application:
    """Returns the aiohttp application serving the Bot API and the control API."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[control_errors])
    app[WORLD_KEY] = world
    app.router.add_route("*", "/bot{token}/{method}", handle_bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file_download)
    add_control_routes(app.router)
    return app


def _listening_socket(host: str, port: int) -> socket.socket:
    # Binding ourselves tells us the port when 0 asked the OS to pick a free one.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


class Sandbox:
    """An in-process sandbox: `async with Sandbox() as sb:` then point PTB at sb.base_url."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        *,
        bot_first_name: str = "wipbot (sandbox)",
        host: str = DEFAULT_HOST,
        port: int = 0,
        timeout_fault_delay: float = 10.0,
        callback_query_timeout: float = DEFAULT_CALLBACK_QUERY_TIMEOUT,
        first_update_id: int = 1,
        limits: LimitSettings | None = None,
        person_think_seconds: float = 0.0,
    ) -> None:
        self.token = token
        self.host = host
        # limits=None means Telegram's; LimitSettings.off() only where a test says why.
        self.world = World(
            token,
            bot_username,
            bot_first_name,
            timeout_fault_delay=timeout_fault_delay,
            callback_query_timeout=callback_query_timeout,
            first_update_id=first_update_id,
            limits=limits,
            person_think_seconds=person_think_seconds,
        )
        self._requested_port = port
        self._runner: web.AppRunner | None = None
        self._client: SandboxClient | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Returns the server's origin, e.g. http://127.0.0.1:8081."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Returns the value for PTB's base_url (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Returns the value for PTB's base_file_url (PTB appends the token)."""
        return f"{self.url}/file/bot"

    @property
    def control_url(self) -> str:
        """Returns the root of the control API."""
        return f"{self.url}/sandbox"

    @property
    def client(self) -> SandboxClient:
        """Returns a control API client bound to this sandbox."""
        if self._client is None:
            raise RuntimeError("the sandbox is not running; use `async with Sandbox()`")
        return self._client

    async def start(self) -> None:
        """Starts listening; the port is known afterwards."""
        runner = web.AppRunner(
            create_app(self.world), access_log=None, shutdown_timeout=_SHUTDOWN_SECONDS
        )
        await runner.setup()
        sock = _listening_socket(self.host, self._requested_port)
        self.port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self._client = SandboxClient(self.control_url)

    async def stop(self) -> None:
        """Releases waiting requests and stops the server."""
        self.world.close()
        await self.world.webhook.aclose()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


async def serve(
    host: str = DEFAULT_HOST,
    port: int = 0,
    *,
    token: str = DEFAULT_TOKEN,
    bot_username: str = DEFAULT_BOT_USERNAME,
    timeout_fault_delay: float = 10.0,
    callback_query_timeout: float = DEFAULT_CALLBACK_QUERY_TIMEOUT,
    first_update_id: int = 1,
    limits: LimitSettings | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Runs a sandbox until cancelled, announcing where it listens."""
    sandbox = Sandbox(
        token,
        bot_username,
        host=host,
        port=port,
        timeout_fault_delay=timeout_fault_delay,
        callback_query_timeout=callback_query_timeout,
        first_update_id=first_update_id,
        limits=limits,
    )
    async with sandbox:
        announce(f"Sandbox listening on {sandbox.url}")
        announce(f"  Bot API base_url:  {sandbox.base_url}   (token: {token})")
        announce(f"  Control API:       {sandbox.control_url}/")
        await asyncio.Event().wait()


def build_parser() -> argparse.ArgumentParser:
    """Returns the command-line parser of the sandbox server."""
    parser = argparse.ArgumentParser(
        prog="wipbot sandbox", description="Local Telegram Bot API stand-in with a control API."
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the one bot token accepted")
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME)
    parser.add_argument(
        "--timeout-fault-delay",
        type=float,
        default=10.0,
        help="seconds a 'timeout' fault holds the answer back",
    )
    parser.add_argument(
        "--callback-query-timeout",
        type=float,
        default=DEFAULT_CALLBACK_QUERY_TIMEOUT,
        help="seconds after a press during which answerCallbackQuery is accepted",
    )
    parser.add_argument(
        "--first-update-id",
        type=_first_update_id,
        default=1,
        help="id of the first update, or 'random' (as Telegram after an idle week)",
    )
    parser.add_argument(
        "--no-flood-limits",
        action="store_true",
        help="switch off Telegram's flood limits (never the case at Telegram)",
    )
    return parser


def _first_update_id(value: str) -> int:
    if value == "random":
        return random.randint(1, MAX_UPDATE_ID)
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("give a whole number or 'random'") from None
    if not 1 <= number <= MAX_UPDATE_ID:
        raise argparse.ArgumentTypeError(f"give a number between 1 and {MAX_UPDATE_ID}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the sandbox from the command line until interrupted."""
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                args.host,
                args.port,
                token=args.token,
                bot_username=args.bot_username,
                timeout_fault_delay=args.timeout_fault_delay,
                callback_query_timeout=args.callback_query_timeout,
                first_update_id=args.first_update_id,
                limits=LimitSettings.off() if args.no_flood_limits else None,
                announce=lambda line: print(line, flush=True),
            )
        )
    return 0
