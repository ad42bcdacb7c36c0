"""The HTTP edge of the Bot API: token check, injected faults, rate limits, file downloads."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import web

from sandbox.app_keys import WORLD_KEY
from sandbox.botapi import Method, lookup
from sandbox.errors import (
    ApiError,
    nginx_error_page,
    server_error,
    too_many_requests,
    unauthorized,
)
from sandbox.faults import REFUSING_KINDS, FaultRule
from sandbox.params import Params, read_params
from sandbox.world import World


def _json_response(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        content_type="application/json",
    )


def error_response(error: ApiError) -> web.Response:
    """Returns Telegram's JSON error with the matching HTTP status."""
    return _json_response(error.payload(), error.code)


def _chat_key(params: Params) -> int | None:
    try:
        return int(params.raw("chat_id"))
    except (TypeError, ValueError):
        return None


async def _linger(world: World, seconds: float) -> None:
    """Holds a response back, but lets the server stop without waiting for it."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(world.closing.wait(), seconds)


def _refusal(world: World, name: str, rule: FaultRule) -> web.Response:
    """Answers a fault that refuses the call before it takes effect."""
    if rule.kind in ("html502", "html504"):
        code = int(rule.kind.removeprefix("html"))
        world.stats.error(name, code)
        return web.Response(status=code, text=nginx_error_page(code), content_type="text/html")
    if rule.kind == "empty":
        world.stats.error(name, 502)
        return web.Response(status=502, body=b"")
    error = (
        too_many_requests(max(1, rule.retry_after))
        if rule.kind == "429"
        else server_error(int(rule.kind))
    )
    world.stats.error(name, error.code)
    return error_response(error)


async def _call(world: World, name: str, method: Method, params: Params) -> web.Response:
    try:
        world.limits.admit(name.lower(), _chat_key(params), asyncio.get_running_loop().time())
    except ApiError:
        world.stats.rate_limited[name] += 1
        raise
    result = await method(world, params)
    world.stats.ok[name] += 1
    return _json_response({"ok": True, "result": result}, 200)


async def handle_bot_api(request: web.Request) -> web.StreamResponse:
    """Answers /bot<token>/<method> the way api.telegram.org does."""
    world = request.app[WORLD_KEY]
    if request.match_info["token"] != world.token:
        world.stats.unauthorized += 1
        return error_response(unauthorized())
    try:
        params = await read_params(request)
    except ApiError as error:
        return error_response(error)
    world.conformance.check(request.match_info["method"], params)
    try:
        name, method = lookup(request.match_info["method"])
    except ApiError as error:
        world.stats.unknown_methods[request.match_info["method"]] += 1
        return error_response(error)
    world.stats.calls[name] += 1
    fault = world.faults.pick(name.lower())
    if fault is not None:
        world.stats.fault(name, fault.kind)
        if fault.kind == "drop":
            # The request never reaches "Telegram": no effect, and no answer at all.
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=204)
        if fault.kind in REFUSING_KINDS:
            return _refusal(world, name, fault)
    try:
        response = await _call(world, name, method, params)
    except ApiError as error:
        world.stats.error(name, error.code)
        response = error_response(error)
    if fault is not None and fault.kind == "truncated":
        # The call took effect; the connection broke halfway through the answer.
        body = response.body if isinstance(response.body, bytes) else b""
        return web.Response(
            status=response.status, body=body[: len(body) // 2], content_type="application/json"
        )
    if fault is not None and fault.kind == "timeout":
        # Telegram may well have delivered a send whose answer timed out, so the effect
        # above is applied and only the answer is held back past the client's timeout.
        await _linger(world, fault.delay if fault.delay is not None else world.timeout_fault_delay)
    return response


async def handle_file_download(request: web.Request) -> web.StreamResponse:
    """Serves /file/bot<token>/<file_path> for files the bot sent (after getFile)."""
    world = request.app[WORLD_KEY]
    if request.match_info["token"] != world.token:
        return error_response(unauthorized())
    stored = world.files_by_path.get(request.match_info["path"])
    if stored is None:
        return error_response(ApiError(404, "Not Found"))
    return web.Response(body=stored.data, content_type=stored.mime_type)
