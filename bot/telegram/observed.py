"""A Bot API transport that reports every call's method and outcome (for the metrics)."""

from __future__ import annotations

from collections.abc import Callable

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram.http import ServerError

# (method, outcome): outcome is ok, 429, 4xx, 5xx, timeout or network.
Observer = Callable[[str, str], None]


def _status_outcome(status: int) -> str:
    if 200 <= status < 300:
        return "ok"
    if status == 429:
        return "429"
    if 400 <= status < 500:
        return "4xx"
    return "5xx"


class ObservedRequest(BaseRequest):
    """Wraps another transport; tells `observe` how each call ended."""

    def __init__(self, inner: BaseRequest, observe: Observer) -> None:
        self._inner = inner
        self._observe = observe

    @property
    def read_timeout(self) -> float | None:
        """The wrapped transport's read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialises the wrapped transport."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shuts the wrapped transport down."""
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Runs the call on the wrapped transport and reports its outcome."""
        name = url.rsplit("/", 1)[-1]
        try:
            status, body = await self._inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except TimedOut:
            self._observe(name, "timeout")
            raise
        except ServerError as error:
            self._observe(name, _status_outcome(error.status))
            raise
        except Exception:
            self._observe(name, "network")
            raise
        self._observe(name, _status_outcome(status))
        return status, body
