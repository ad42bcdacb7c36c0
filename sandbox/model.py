"""The sandbox's state: simulated people, their private chats with the bot, files, queries."""

from __future__ import annotations

import asyncio
import bisect
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.markup import InlineKeyboard, ReplyKeyboard

EventKind = Literal["sent", "edited", "deleted", "callback_answered"]


@dataclass(slots=True)
class SimUser:
    """A simulated Telegram user; their private chat with the bot has the same id."""

    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def as_user(self) -> dict[str, Any]:
        """Returns the Telegram User object."""
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def as_chat(self) -> dict[str, Any]:
        """Returns the Telegram Chat object of the private chat with this user."""
        chat: dict[str, Any] = {
            "id": self.user_id,
            "type": "private",
            "first_name": self.first_name,
        }
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(slots=True)
class StoredFile:
    """A document or photo the bot uploaded; its bytes stay retrievable."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str
    mime_type: str
    kind: Literal["document", "photo"]
    file_path: str
    width: int = 0
    height: int = 0


@dataclass(slots=True)
class StoredMessage:
    """One message in a private chat, as it currently stands."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    created_seq: int
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    inline_keyboard: InlineKeyboard | None = None
    reply_keyboard: ReplyKeyboard | None = None
    remove_keyboard: bool = False
    edit_date: int | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    deleted: bool = False

    @property
    def has_caption_slot(self) -> bool:
        """Tells whether the text is a caption (media message) rather than message text."""
        return self.document is not None or self.photo is not None


@dataclass(slots=True)
class CallbackRecord:
    """A press of an inline button and whether the bot answered it."""

    query_id: str
    user_id: int
    message_id: int
    data: str
    # When the press happened, on the sandbox's clock; Telegram refuses late answers.
    created_at: float = 0.0
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    url: str | None = None
    refused_answers: int = 0


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """Something the bot did in a chat that a waiting person should notice."""

    seq: int
    kind: EventKind
    message_id: int | None = None
    callback_query_id: str | None = None


@dataclass(slots=True)
class ChatState:
    """A person and their private chat with the bot."""

    user: SimUser
    blocked: bool = False
    started: bool = False
    next_message_id: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    # Sorted ids of bot messages currently showing inline buttons: the default press target
    # is the last one, found without scanning the chat.
    button_message_ids: list[int] = field(default_factory=list)
    reply_keyboard: ReplyKeyboard | None = None
    events: list[ChatEvent] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def allocate_message_id(self) -> int:
        """Returns the next message id; ids increase per chat, shared by both sides."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def track_buttons(self, message: StoredMessage) -> None:
        """Keeps the index of messages with inline buttons in step with the message."""
        position = bisect.bisect_left(self.button_message_ids, message.message_id)
        present = (
            position < len(self.button_message_ids)
            and self.button_message_ids[position] == message.message_id
        )
        shows_buttons = bool(message.inline_keyboard) and not message.deleted
        if shows_buttons and not present:
            self.button_message_ids.insert(position, message.message_id)
        elif present and not shows_buttons:
            del self.button_message_ids[position]

    def record(self, event: ChatEvent) -> None:
        """Appends a bot event and wakes everyone waiting on this chat."""
        self.events.append(event)
        self.wake()

    def wake(self) -> None:
        """Releases current waiters; later waiters get a fresh event."""
        self.changed.set()
        self.changed = asyncio.Event()

    def events_after(self, seq: int) -> list[ChatEvent]:
        """Returns bot events newer than seq, oldest first."""
        start = bisect.bisect_right(self.events, seq, key=lambda event: event.seq)
        return self.events[start:]
