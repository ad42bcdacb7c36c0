"""A typed async client for the sandbox control API, for tests, benchmarks and rehearsals."""

from __future__ import annotations

import json as jsonlib
from dataclasses import asdict, dataclass, field
from types import TracebackType
from typing import Any

import aiohttp

from sandbox.limits import (
    TELEGRAM_GLOBAL_PER_SECOND,
    TELEGRAM_PER_CHAT_BURST,
    TELEGRAM_PER_CHAT_PER_SECOND,
    TELEGRAM_PER_GROUP_PER_MINUTE,
)

# The HTTP request outlives the server-side wait by this much, so a wait times out there.
_WAIT_MARGIN_SECONDS = 5.0


class SandboxError(Exception):
    """The control API refused a request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class SandboxWaitTimeout(TimeoutError):
    """The bot did nothing in the chat within the wait's timeout."""


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button as the person sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class FileRef:
    """A document or photo in the chat; `url` serves its bytes."""

    file_id: str
    url: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of the chat as the person sees it now."""

    message_id: int
    sender: str
    text: str
    buttons: list[list[Button]]
    edited: bool
    date: int
    document: FileRef | None = None
    photo: FileRef | None = None
    reply_keyboard: list[list[str]] | None = None
    removes_keyboard: bool = False

    @property
    def from_bot(self) -> bool:
        """Tells whether the bot sent this message."""
        return self.sender == "bot"

    @property
    def button_texts(self) -> list[str]:
        """Returns the inline button labels, row by row, flattened."""
        return [button.text for row in self.buttons for button in row]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChatMessage:
        """Builds the message from the control API's JSON."""
        document = data.get("document")
        photo = data.get("photo")
        return cls(
            message_id=data["message_id"],
            sender=data["from"],
            text=data["text"],
            buttons=[
                [
                    Button(button["text"], button.get("callback_data"), button.get("url"))
                    for button in row
                ]
                for row in data["buttons"]
            ],
            edited=data["edited"],
            date=data["date"],
            document=FileRef(**document) if document else None,
            photo=FileRef(**photo) if photo else None,
            reply_keyboard=data.get("reply_keyboard"),
            removes_keyboard=data.get("removes_keyboard", False),
        )


@dataclass(frozen=True, slots=True)
class SentMessage:
    """What the person's message became: its id, its update and its place in the chat."""

    message_id: int
    update_id: int | None
    event_id: int


@dataclass(frozen=True, slots=True)
class Press:
    """A button press: the callback query the bot receives."""

    callback_query_id: str
    update_id: int | None
    message_id: int
    callback_data: str
    event_id: int


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """Something the bot did: sent, edited or deleted a message, or answered a press."""

    event_id: int
    kind: str
    message_id: int | None
    message: ChatMessage | None
    callback_query_id: str | None = None


@dataclass(frozen=True, slots=True)
class WaitResult:
    """The bot's events after the point waited from; `last_event_id` is the next `since`."""

    timed_out: bool
    events: list[ChatEvent]
    last_event_id: int

    @property
    def messages(self) -> list[ChatMessage]:
        """Returns the messages the events concern, as they stand now."""
        return [event.message for event in self.events if event.message is not None]


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """Whether and how the bot answered a button press."""

    callback_query_id: str
    answered: bool
    text: str | None
    show_alert: bool
    url: str | None
    refused_answers: int = 0


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A simulated person, their standing with the bot and the reply keyboard they see."""

    user_id: int
    user: dict[str, Any]
    blocked: bool
    started: bool
    reply_keyboard: list[list[str]] | None
    last_message_id: int
    last_event_id: int


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault to inject: for the next `count` calls, or each call with `probability`."""

    method: str
    # "429", "500", "502", "504", "html502", "html504", "empty", "truncated", "timeout", "drop"
    kind: str
    count: int | None = None
    probability: float | None = None
    retry_after: int | None = None
    delay: float | None = None

    def to_json(self) -> dict[str, Any]:
        """Returns the rule as the control API takes it."""
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(slots=True)
class Participant:
    """One simulated person who remembers how far they have read the chat."""

    client: SandboxClient
    user_id: int
    last_event_id: int = 0
    # Seconds this person "takes" before each action (credited to the chat's flood
    # allowance instead of slept); None acts at machine speed.
    think: float | None = None
    history: list[ChatEvent] = field(default_factory=list)

    async def send(self, text: str) -> SentMessage:
        """Types a message; later waits look only at what the bot does after it."""
        sent = await self.client.send(self.user_id, text, think=self.think)
        self.last_event_id = sent.event_id
        return sent

    async def press(
        self,
        text: str | None = None,
        *,
        callback_data: str | None = None,
        message_id: int | None = None,
        age: float | None = None,
    ) -> Press:
        """Presses a shown inline button; later waits look only at what follows.

        `age` makes the press that many seconds old when the bot gets it, as after a
        backlog or a restart: past the sandbox's callback timeout, answering it fails.
        """
        pressed = await self.client.press(
            self.user_id,
            text=text,
            callback_data=callback_data,
            message_id=message_id,
            age=age,
            think=self.think,
        )
        self.last_event_id = pressed.event_id
        return pressed

    async def wait(self, timeout: float = 10.0) -> WaitResult:  # noqa: ASYNC109 (server-side wait)
        """Waits for the bot's next events after the last thing read or done."""
        result = await self.client.wait(self.user_id, since=self.last_event_id, timeout=timeout)
        self.last_event_id = result.last_event_id
        self.history.extend(result.events)
        return result

    async def chat(self) -> list[ChatMessage]:
        """Returns the whole chat as the person sees it."""
        return await self.client.chat(self.user_id)


def _error_message(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    try:
        parsed = jsonlib.loads(text)
    except ValueError:
        return text
    return str(parsed.get("error", text)) if isinstance(parsed, dict) else text


class SandboxClient:
    """Async client for /sandbox/; every method raises SandboxError on a refusal."""

    def __init__(
        self,
        control_url: str,
        *,
        timeout: float = 30.0,
        max_connections: int = 100,
    ) -> None:
        self.control_url = control_url.rstrip("/")
        self._timeout = timeout
        self._max_connections = max_connections
        # aiohttp rather than httpx: with a thousand simulated people waiting at once,
        # httpx's connection pool became the bottleneck of the benchmarks.
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        # Created on first use because a session belongs to the running event loop.
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            )
        return self._session

    async def aclose(self) -> None:
        """Closes the HTTP connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        http_timeout: float | None = None,
    ) -> bytes:
        extra: dict[str, Any] = {}
        if http_timeout is not None:
            extra["timeout"] = aiohttp.ClientTimeout(total=http_timeout)
        if params is not None:
            extra["params"] = {key: str(value) for key, value in params.items()}
        if json is not None:
            extra["data"] = jsonlib.dumps(json)
            extra["headers"] = {"Content-Type": "application/json"}
        url = f"{self.control_url}{path}"
        async with self._http().request(method, url, **extra) as response:
            body = await response.read()
            if response.status >= 400:
                raise SandboxError(response.status, _error_message(body))
            return body

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return jsonlib.loads(await self._request(method, path, **kwargs))

    async def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> int:
        """Creates a person and returns their user id (= their private chat id)."""
        body = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        data = await self._json(
            "POST", "/users", json={key: value for key, value in body.items() if value}
        )
        return int(data["user_id"])

    async def participant(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Participant:
        """Creates a person and returns a Participant that tracks their reading position."""
        user_id = await self.create_user(first_name, last_name, username, language_code)
        return Participant(self, user_id)

    async def user(self, user_id: int) -> UserInfo:
        """Returns the person, whether they blocked the bot, and their reply keyboard."""
        data = await self._json("GET", f"/users/{user_id}")
        return UserInfo(
            user_id=data["user_id"],
            user=data["user"],
            blocked=data["blocked"],
            started=data["started"],
            reply_keyboard=data["reply_keyboard"],
            last_message_id=data["last_message_id"],
            last_event_id=data["last_event_id"],
        )

    async def send(self, user_id: int, text: str, *, think: float | None = None) -> SentMessage:
        """Makes the person send text (a leading / makes it a command)."""
        body: dict[str, Any] = {"text": text}
        if think is not None:
            body["think"] = think
        data = await self._json("POST", f"/users/{user_id}/send", json=body)
        return SentMessage(data["message_id"], data["update_id"], data["event_id"])

    async def press(
        self,
        user_id: int,
        *,
        text: str | None = None,
        callback_data: str | None = None,
        message_id: int | None = None,
        age: float | None = None,
        think: float | None = None,
    ) -> Press:
        """Presses an inline button by label or data (default: newest message with buttons)."""
        body = {
            "text": text,
            "callback_data": callback_data,
            "message_id": message_id,
            "age": age,
            "think": think,
        }
        data = await self._json(
            "POST",
            f"/users/{user_id}/press",
            json={key: value for key, value in body.items() if value is not None},
        )
        return Press(
            data["callback_query_id"],
            data["update_id"],
            data["message_id"],
            data["callback_data"],
            data["event_id"],
        )

    async def block(self, user_id: int) -> None:
        """Makes the person block the bot."""
        await self._request("POST", f"/users/{user_id}/block")

    async def unblock(self, user_id: int) -> None:
        """Makes the person unblock the bot."""
        await self._request("POST", f"/users/{user_id}/unblock")

    async def chat(self, user_id: int) -> list[ChatMessage]:
        """Returns the chat as the person sees it now, oldest first."""
        data = await self._json("GET", f"/users/{user_id}/chat")
        return [ChatMessage.from_json(item) for item in data]

    async def wait(
        self,
        user_id: int,
        *,
        after: int | None = None,
        since: int | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 (the server waits; the request outlives it)
        raise_on_timeout: bool = True,
    ) -> WaitResult:
        """Returns as soon as the bot acts in the chat after message `after` or event `since`."""
        params: dict[str, Any] = {"timeout": timeout}
        if since is not None:
            params["since"] = since
        elif after is not None:
            params["after"] = after
        data = await self._json(
            "GET",
            f"/users/{user_id}/wait",
            params=params,
            http_timeout=timeout + _WAIT_MARGIN_SECONDS,
        )
        result = WaitResult(
            timed_out=data["timed_out"],
            events=[
                ChatEvent(
                    event_id=event["event_id"],
                    kind=event["kind"],
                    message_id=event["message_id"],
                    message=ChatMessage.from_json(event["message"]) if event["message"] else None,
                    callback_query_id=event.get("callback_query_id"),
                )
                for event in data["events"]
            ],
            last_event_id=data["last_event_id"],
        )
        if result.timed_out and raise_on_timeout:
            raise SandboxWaitTimeout(f"the bot did nothing in chat {user_id} within {timeout} s")
        return result

    async def callback_answer(self, callback_query_id: str) -> CallbackAnswer:
        """Returns whether and how the bot answered a button press."""
        data = await self._json("GET", f"/callback_queries/{callback_query_id}")
        return CallbackAnswer(
            data["callback_query_id"],
            data["answered"],
            data["text"],
            data["show_alert"],
            data["url"],
            data.get("refused_answers", 0),
        )

    async def inject_update(self, update: Any) -> int:
        """Queues any JSON as an update for the bot and returns the update_id assigned."""
        return int((await self._json("POST", "/updates", json=update))["update_id"])

    async def redeliver(self, update_id: int) -> None:
        """Has the bot receive an update it already got, as after a crash before its ack."""
        await self._request("POST", f"/updates/{update_id}/redeliver")

    async def jump_update_ids(self, next_id: int | None = None, *, seed: int | None = None) -> int:
        """Restarts the update ids at next_id (None: a random value); returns the next id."""
        body: dict[str, Any] = {"next": next_id} if next_id is not None else {"random": True}
        if seed is not None:
            body["seed"] = seed
        data = await self._json("POST", "/update_ids", json=body)
        return int(data["next_update_id"])

    async def set_faults(self, *faults: Fault, seed: int | None = None) -> None:
        """Adds fault rules (they accumulate until clear_faults)."""
        body: dict[str, Any] = {"faults": [fault.to_json() for fault in faults]}
        if seed is not None:
            body["seed"] = seed
        await self._request("POST", "/faults", json=body)

    async def clear_faults(self) -> None:
        """Removes every fault rule."""
        await self._request("DELETE", "/faults")

    async def set_limits(
        self,
        global_per_second: float | None = TELEGRAM_GLOBAL_PER_SECOND,
        per_chat_per_second: float | None = TELEGRAM_PER_CHAT_PER_SECOND,
        methods: list[str] | None = None,
        *,
        per_chat_burst: int = TELEGRAM_PER_CHAT_BURST,
        per_group_per_minute: float | None = TELEGRAM_PER_GROUP_PER_MINUTE,
    ) -> None:
        """Sets the flood limits; each defaults to Telegram's, None switches it off."""
        body: dict[str, Any] = {
            "global_per_second": global_per_second,
            "per_chat_per_second": per_chat_per_second,
            "per_chat_burst": per_chat_burst,
            "per_group_per_minute": per_group_per_minute,
        }
        if methods is not None:
            body["methods"] = methods
        await self._request("POST", "/limits", json=body)

    async def switch_off_limits(self) -> None:
        """Switches every flood limit off (say why where you call it: Telegram never does)."""
        await self.set_limits(None, None, per_group_per_minute=None)

    async def limits(self) -> dict[str, Any]:
        """Returns the flood limits in force and the methods they count."""
        data: dict[str, Any] = await self._json("GET", "/limits")
        return data

    async def stats(self) -> dict[str, Any]:
        """Returns the counters: calls, ok, errors per method, 429s, faults, updates."""
        data: dict[str, Any] = await self._json("GET", "/stats")
        return data

    async def balance_webhook(self, urls: list[str], *, randomly: bool = False) -> None:
        """Delivers webhook updates to these URLs in turn (or at random): a load balancer."""
        await self._request("POST", "/webhook/balance", json={"urls": urls, "random": randomly})

    async def webhook(self) -> dict[str, Any]:
        """The webhook's info and deliveries by target."""
        data: dict[str, Any] = await self._json("GET", "/webhook")
        return data

    async def reset_stats(self) -> None:
        """Sets the counters back to zero."""
        await self._request("DELETE", "/stats")

    async def conformance_violations(self) -> list[str]:
        """Returns the Bot API requests that departed from the API as PTB declares it."""
        data = await self._json("GET", "/conformance")
        return [f"{item['method']}: {item['problem']}" for item in data["violations"]]

    async def file_bytes(self, file_id: str) -> bytes:
        """Returns the bytes of a document or photo the bot sent."""
        return await self._request("GET", f"/files/{file_id}")
