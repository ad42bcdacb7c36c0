"""The control API under /sandbox/: play participants, inject updates, faults and limits."""

from __future__ import annotations

import json
import random
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.app_keys import WORLD_KEY
from sandbox.botapi import CANONICAL_NAMES
from sandbox.errors import ControlError
from sandbox.faults import FaultRule, parse_kind
from sandbox.limits import DEFAULT_LIMITED_METHODS, LimitSettings
from sandbox.model import ChatEvent, ChatState
from sandbox.updates import MAX_UPDATE_ID
from sandbox.views import chat_item, user_summary
from sandbox.world import World

MAX_WAIT_SECONDS = 300.0
MAX_THINK_SECONDS = 3600.0
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def control_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turns ControlError into {"error": ...} with its HTTP status."""
    try:
        return await handler(request)
    except ControlError as error:
        return web.json_response({"error": error.message}, status=error.status)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError:
        raise ControlError(400, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ControlError(400, f"{name} must be a string")
    return value


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ControlError(400, f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def _float(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be a number") from None


def _world(request: web.Request) -> World:
    return request.app[WORLD_KEY]


def _person(request: web.Request) -> ChatState:
    return _world(request).person(_int(request.match_info["user_id"], "user id"))


def _files_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}/sandbox/files"


def _think(body: dict[str, Any]) -> float | None:
    # Seconds the person took before acting; credited to the chat's flood allowance.
    if body.get("think") is None:
        return None  # the sandbox's --person-think-seconds
    think = _float(body["think"], "think")
    if not 0 <= think <= MAX_THINK_SECONDS:
        raise ControlError(400, f"think must be between 0 and {MAX_THINK_SECONDS:g} seconds")
    return think


async def create_user(request: web.Request) -> web.Response:
    """POST /sandbox/users {first_name, last_name?, username?, language_code?}."""
    body = await _body(request)
    first_name = _optional_str(body, "first_name")
    if not first_name:
        raise ControlError(400, "first_name is required")
    chat = _world(request).create_user(
        first_name,
        _optional_str(body, "last_name"),
        _optional_str(body, "username"),
        _optional_str(body, "language_code"),
    )
    return web.json_response({"user_id": chat.user.user_id, "chat_id": chat.user.user_id})


async def get_user(request: web.Request) -> web.Response:
    """GET /sandbox/users/{id}: the person, blocked/started, and the reply keyboard shown."""
    return web.json_response(user_summary(_person(request)))


async def send(request: web.Request) -> web.Response:
    """POST /sandbox/users/{id}/send {text, think?}: the person types a message."""
    body = await _body(request)
    text = _optional_str(body, "text")
    if text is None:
        raise ControlError(400, "text is required")
    message, update_id = _world(request).user_send(_person(request), text, think=_think(body))
    return web.json_response(
        {"message_id": message.message_id, "update_id": update_id, "event_id": message.created_seq}
    )


async def press(request: web.Request) -> web.Response:
    """POST /sandbox/users/{id}/press {message_id?, text? | callback_data?, age?, think?}."""
    body = await _body(request)
    message_id = body.get("message_id")
    age = 0.0 if body.get("age") is None else _float(body["age"], "age")
    if age < 0:
        raise ControlError(400, "age must not be negative")
    record, update_id, message, seq = _world(request).user_press(
        _person(request),
        None if message_id is None else _int(message_id, "message_id"),
        _optional_str(body, "text"),
        _optional_str(body, "callback_data"),
        age=age,
        think=_think(body),
    )
    return web.json_response(
        {
            "callback_query_id": record.query_id,
            "update_id": update_id,
            "message_id": message.message_id,
            "callback_data": record.data,
            "event_id": seq,
        }
    )


async def block(request: web.Request) -> web.Response:
    """POST /sandbox/users/{id}/block: the person blocks the bot."""
    update_id = _world(request).set_blocked(_person(request), True)
    return web.json_response({"ok": True, "update_id": update_id})


async def unblock(request: web.Request) -> web.Response:
    """POST /sandbox/users/{id}/unblock: the person unblocks the bot."""
    update_id = _world(request).set_blocked(_person(request), False)
    return web.json_response({"ok": True, "update_id": update_id})


async def chat(request: web.Request) -> web.Response:
    """GET /sandbox/users/{id}/chat: the chat as the person sees it, oldest first."""
    person = _person(request)
    files_url = _files_url(request)
    items = [
        chat_item(message, files_url) for message in person.messages.values() if not message.deleted
    ]
    return web.json_response(items)


def _event_json(person: ChatState, event: ChatEvent, files_url: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "event_id": event.seq,
        "kind": event.kind,
        "message_id": event.message_id,
    }
    if event.callback_query_id is not None:
        item["callback_query_id"] = event.callback_query_id
    message = person.messages.get(event.message_id) if event.message_id is not None else None
    item["message"] = (
        chat_item(message, files_url) if message is not None and not message.deleted else None
    )
    return item


async def wait(request: web.Request) -> web.Response:
    """GET /sandbox/users/{id}/wait?after=<message_id>|since=<event_id>&timeout=<s>."""
    world = _world(request)
    person = _person(request)
    query = request.query
    if "since" in query:
        threshold = _int(query["since"], "since")
    elif "after" in query:
        after = _int(query["after"], "after")
        message = person.messages.get(after)
        if after <= 0:
            threshold = 0  # everything the bot ever did in this chat
        elif message is None:
            raise ControlError(400, f"message {after} is not in the chat")
        else:
            threshold = message.created_seq
    else:
        threshold = world.last_seq
    timeout = min(max(_float(query.get("timeout", "10"), "timeout"), 0.0), MAX_WAIT_SECONDS)
    events = await world.wait_for_bot(person, threshold, timeout)
    files_url = _files_url(request)
    return web.json_response(
        {
            "timed_out": not events,
            "events": [_event_json(person, event, files_url) for event in events],
            "last_event_id": events[-1].seq if events else threshold,
        }
    )


async def callback_query(request: web.Request) -> web.Response:
    """GET /sandbox/callback_queries/{id}: whether and how the bot answered a press."""
    record = _world(request).callbacks.get(request.match_info["query_id"])
    if record is None:
        raise ControlError(404, "no such callback query")
    return web.json_response(
        {
            "callback_query_id": record.query_id,
            "user_id": record.user_id,
            "message_id": record.message_id,
            "callback_data": record.data,
            "answered": record.answered,
            "refused_answers": record.refused_answers,
            "text": record.answer_text,
            "show_alert": record.show_alert,
            "url": record.url,
        }
    )


async def inject_update(request: web.Request) -> web.Response:
    """POST /sandbox/updates: queue any JSON as an update; update_id is assigned."""
    try:
        raw = json.loads(await request.read())
    except ValueError:
        raise ControlError(400, "the body must be JSON (any JSON value)") from None
    return web.json_response({"update_id": _world(request).updates.push_raw(raw)})


async def redeliver_update(request: web.Request) -> web.Response:
    """POST /sandbox/updates/{update_id}/redeliver: deliver a known update once more."""
    try:
        update_id = int(request.match_info["update_id"])
    except ValueError:
        raise ControlError(400, "update_id must be an integer") from None
    if not _world(request).updates.redeliver(update_id):
        raise ControlError(404, f"update {update_id} is unknown or too old")
    return web.json_response({"update_id": update_id})


async def jump_update_ids(request: web.Request) -> web.Response:
    """POST /sandbox/update_ids {"next": n} or {"random": true, "seed"?}: restart the ids."""
    body = await _body(request)
    world = _world(request)
    if body.get("random"):
        seed = body.get("seed")
        chooser = random.Random(None if seed is None else _int(seed, "seed"))
        next_id = chooser.randint(1, MAX_UPDATE_ID)
    elif body.get("next") is not None:
        next_id = _int(body["next"], "next")
    else:
        raise ControlError(400, 'give "next": <update id> or "random": true')
    world.updates.jump(next_id)
    return web.json_response({"next_update_id": world.updates.next_update_id})


async def get_update_ids(request: web.Request) -> web.Response:
    """GET /sandbox/update_ids: the id the next update will get."""
    return web.json_response({"next_update_id": _world(request).updates.next_update_id})


def _fault_rule(spec: Any) -> FaultRule:
    if not isinstance(spec, dict):
        raise ControlError(400, "a fault must be a JSON object")
    method = spec.get("method", "*")
    if not isinstance(method, str) or not method:
        raise ControlError(400, "method must be a method name or *")
    try:
        kind = parse_kind(spec.get("kind"))
    except ValueError as error:
        raise ControlError(400, str(error)) from None
    count = spec.get("count")
    probability = spec.get("probability")
    if (count is None) == (probability is None):
        raise ControlError(400, "give either count or probability")
    rule = FaultRule(method=method, kind=kind)
    if count is not None:
        rule.count = _int(count, "count")
        if rule.count < 1:
            raise ControlError(400, "count must be at least 1")
    else:
        rule.probability = _float(probability, "probability")
        if not 0.0 <= rule.probability <= 1.0:
            raise ControlError(400, "probability must be between 0 and 1")
    if spec.get("retry_after") is not None:
        rule.retry_after = max(1, _int(spec["retry_after"], "retry_after"))
    if spec.get("delay") is not None:
        rule.delay = max(0.0, _float(spec["delay"], "delay"))
    return rule


def _faults_json(world: World) -> dict[str, Any]:
    return {
        "faults": [
            {
                "method": rule.method,
                "kind": rule.kind,
                "count": rule.count,
                "probability": rule.probability,
                "retry_after": rule.retry_after,
                "delay": rule.delay,
            }
            for rule in world.faults.rules
        ]
    }


async def add_faults(request: web.Request) -> web.Response:
    """POST /sandbox/faults: one rule, or {"faults": [...], "seed": n}; rules accumulate."""
    body = await _body(request)
    world = _world(request)
    specs = body.get("faults", [body] if "kind" in body else [])
    if not isinstance(specs, list):
        raise ControlError(400, "faults must be a list")
    rules = [_fault_rule(spec) for spec in specs]
    if body.get("seed") is not None:
        world.faults.reseed(_int(body["seed"], "seed"))
    for rule in rules:
        world.faults.add(rule)
    return web.json_response(_faults_json(world))


async def get_faults(request: web.Request) -> web.Response:
    """GET /sandbox/faults: the rules still in force."""
    return web.json_response(_faults_json(_world(request)))


async def clear_faults(request: web.Request) -> web.Response:
    """DELETE /sandbox/faults: removes every rule."""
    world = _world(request)
    world.faults.clear()
    return web.json_response(_faults_json(world))


def _optional_rate(body: dict[str, Any], name: str, default: float | None) -> float | None:
    # An absent key keeps Telegram's value; only an explicit null switches the limit off.
    if name not in body:
        return default
    value = body[name]
    if value is None:
        return None
    rate = _float(value, name)
    if rate <= 0:
        raise ControlError(400, f"{name} must be positive, or null for no limit")
    return rate


def _limits_json(settings: LimitSettings) -> dict[str, Any]:
    return {
        "global_per_second": settings.global_per_second,
        "per_chat_per_second": settings.per_chat_per_second,
        "per_chat_burst": settings.per_chat_burst,
        "per_group_per_minute": settings.per_group_per_minute,
        "methods": sorted(CANONICAL_NAMES.get(name, name) for name in settings.methods),
    }


async def set_limits(request: web.Request) -> web.Response:
    """POST /sandbox/limits {global_per_second?, per_chat_per_second?, ...}; null = off."""
    body = await _body(request)
    methods = body.get("methods")
    if methods is not None and not (
        isinstance(methods, list) and all(isinstance(item, str) for item in methods)
    ):
        raise ControlError(400, "methods must be a list of method names")
    telegram = LimitSettings()
    burst = _int(body.get("per_chat_burst", telegram.per_chat_burst), "per_chat_burst")
    if burst < 1:
        raise ControlError(400, "per_chat_burst must be at least 1")
    settings = LimitSettings(
        global_per_second=_optional_rate(body, "global_per_second", telegram.global_per_second),
        per_chat_per_second=_optional_rate(
            body, "per_chat_per_second", telegram.per_chat_per_second
        ),
        per_chat_burst=burst,
        per_group_per_minute=_optional_rate(
            body, "per_group_per_minute", telegram.per_group_per_minute
        ),
        methods=(
            frozenset(m.lower() for m in methods)
            if methods is not None
            else DEFAULT_LIMITED_METHODS
        ),
    )
    world = _world(request)
    world.limits.configure(settings)
    return web.json_response(_limits_json(world.limits.settings))


async def get_limits(request: web.Request) -> web.Response:
    """GET /sandbox/limits: the limits in force."""
    return web.json_response(_limits_json(_world(request).limits.settings))


async def balance_webhook(request: web.Request) -> web.Response:
    """POST /sandbox/webhook/balance {"urls": [...], "random": false}: a load balancer in
    front of several webhook workers (an empty list delivers to the set URL again)."""
    body = await _body(request)
    urls = body.get("urls")
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise ControlError(400, "urls must be a list of URLs")
    world = _world(request)
    world.webhook.balance(urls, randomly=bool(body.get("random", False)))
    return web.json_response({"ok": True})


async def webhook_stats(request: web.Request) -> web.Response:
    """GET /sandbox/webhook: deliveries by target, failed attempts, updates given up, the
    webhook's info."""
    world = _world(request)
    pusher = world.webhook
    return web.json_response(
        {
            "info": pusher.info(),
            "delivered": pusher.stats.delivered,
            "failed_attempts": pusher.stats.failed_attempts,
            "given_up": len(pusher.stats.given_up),
            "by_target": dict(pusher.stats.by_target),
        }
    )


async def stats(request: web.Request) -> web.Response:
    """GET /sandbox/stats: calls per method, 429s issued, faults injected and more."""
    world = _world(request)
    snapshot = world.stats.snapshot()
    snapshot["updates"] = {
        "created": world.updates.created,
        "delivered": world.updates.delivered,
        "pending": world.updates.pending_count,
        "filtered_out": world.updates.dropped_by_filter,
    }
    snapshot["users"] = len(world.chats)
    snapshot["rate_limited_by_scope"] = dict(world.limits.refusals)
    return web.json_response(snapshot)


async def reset_stats(request: web.Request) -> web.Response:
    """DELETE /sandbox/stats: sets the counters back to zero."""
    world = _world(request)
    world.stats.reset()
    world.limits.refusals.clear()
    return web.json_response({"ok": True})


async def get_conformance(request: web.Request) -> web.Response:
    """GET /sandbox/conformance: requests that departed from the Bot API PTB declares."""
    return web.json_response({"violations": _world(request).conformance.as_json()})


async def clear_conformance(request: web.Request) -> web.Response:
    """DELETE /sandbox/conformance: forgets the violations seen so far."""
    _world(request).conformance.clear()
    return web.json_response({"violations": []})


async def file_bytes(request: web.Request) -> web.Response:
    """GET /sandbox/files/{file_id}: the bytes of a document or photo the bot sent."""
    stored = _world(request).files.get(request.match_info["file_id"])
    if stored is None:
        raise ControlError(404, "no such file")
    return web.Response(
        body=stored.data,
        content_type=stored.mime_type,
        headers={"Content-Disposition": f'attachment; filename="{stored.file_name}"'},
    )


async def info(request: web.Request) -> web.Response:
    """GET /sandbox/: the bot this sandbox plays Telegram for, and where to reach it."""
    world = _world(request)
    origin = f"{request.scheme}://{request.host}"
    return web.json_response(
        {
            "bot": world.bot_user,
            "base_url": f"{origin}/bot",
            "base_file_url": f"{origin}/file/bot",
            "control_url": f"{origin}/sandbox",
        }
    )


def add_control_routes(router: web.UrlDispatcher) -> None:
    """Registers every /sandbox/ route."""
    router.add_get("/sandbox", info)
    router.add_get("/sandbox/", info)
    router.add_post("/sandbox/users", create_user)
    router.add_get("/sandbox/users/{user_id}", get_user)
    router.add_post("/sandbox/users/{user_id}/send", send)
    router.add_post("/sandbox/users/{user_id}/press", press)
    router.add_post("/sandbox/users/{user_id}/block", block)
    router.add_post("/sandbox/users/{user_id}/unblock", unblock)
    router.add_get("/sandbox/users/{user_id}/chat", chat)
    router.add_get("/sandbox/users/{user_id}/wait", wait)
    router.add_get("/sandbox/callback_queries/{query_id}", callback_query)
    router.add_post("/sandbox/updates", inject_update)
    router.add_post("/sandbox/updates/{update_id}/redeliver", redeliver_update)
    router.add_post("/sandbox/update_ids", jump_update_ids)
    router.add_get("/sandbox/update_ids", get_update_ids)
    router.add_post("/sandbox/faults", add_faults)
    router.add_get("/sandbox/faults", get_faults)
    router.add_delete("/sandbox/faults", clear_faults)
    router.add_post("/sandbox/limits", set_limits)
    router.add_get("/sandbox/limits", get_limits)
    router.add_get("/sandbox/stats", stats)
    router.add_post("/sandbox/webhook/balance", balance_webhook)
    router.add_get("/sandbox/webhook", webhook_stats)
    router.add_delete("/sandbox/stats", reset_stats)
    router.add_get("/sandbox/conformance", get_conformance)
    router.add_delete("/sandbox/conformance", clear_conformance)
    router.add_get("/sandbox/files/{file_id}", file_bytes)
