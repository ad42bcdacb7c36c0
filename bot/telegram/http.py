"""PTB's HTTP transport on aiohttp instead of httpx.

Profiling the bot under a burst of answers showed most of its CPU in httpcore's connection
pool: every request added to or removed from the pool re-checks every pooled connection
(`has_expired` asks the socket whether it is readable), so with a 64-connection pool each
Telegram call cost about 2 ms of CPU, and more as requests queued. aiohttp's connector
hands out keep-alive connections in constant time. The behaviour PTB relies on is kept:
timeouts become `TimedOut`, other transport failures `NetworkError`, and PTB's own request
wrapper turns HTTP statuses into `BadRequest`, `RetryAfter` and so on, as with httpx.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

DEFAULT_READ_TIMEOUT = 5.0
DEFAULT_WRITE_TIMEOUT = 5.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_POOL_TIMEOUT = 1.0


class ServerError(NetworkError):
    """Telegram (or the proxy in front of it) answered 5xx: the request was not taken.

    Raised by the transport from the status alone, whatever the body is (JSON, an HTML
    502/504 page, empty or cut), so senders know it is safe to send again.
    """

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"Telegram answered {status}{_body_hint(body)}")
        self.status = status


def _body_hint(body: bytes) -> str:
    """A short, content-free description of an error body (it is never logged whole)."""
    head = body[:200].lstrip().lower()
    if not head:
        return " with an empty body"
    if head.startswith((b"<", b"<!doctype")):
        return " with an HTML page"
    return ""


class AiohttpRequest(BaseRequest):
    """A `telegram.request.BaseRequest` on one aiohttp session with a bounded pool."""

    __slots__ = (
        "_connect_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 1,
        *,
        read_timeout: float | None = DEFAULT_READ_TIMEOUT,
        write_timeout: float | None = DEFAULT_WRITE_TIMEOUT,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        pool_timeout: float | None = DEFAULT_POOL_TIMEOUT,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        # aiohttp has no separate write timeout: a stalled upload ends with the read timeout.
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout, which PTB adds to a long poll's own timeout."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Opens the session (it belongs to the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0),
                headers={"User-Agent": self.USER_AGENT},
                # Telegram answers JSON; PTB parses it. Nothing here needs cookies.
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        """Closes the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Sends one request and returns the status and body; transport errors are mapped."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's "connect" includes waiting for a free pooled connection.
            connect=None if connect is None and pool is None else (connect or 0) + (pool or 0),
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                body = await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error
        if response.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise ServerError(response.status, body)
        return response.status, body

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Parses Telegram's JSON; unlike PTB's own, never logs the body (it may hold
        participants' messages, names and phone numbers)."""
        try:
            parsed = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            log.warning("Telegram's answer was not JSON (%d bytes)", len(payload))
            raise TelegramError("Invalid server response") from exc
        if not isinstance(parsed, dict):
            raise TelegramError("Invalid server response")
        return parsed


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields, as multipart when files are uploaded (as PTB's httpx transport sends)."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
