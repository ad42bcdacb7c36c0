"""The simulated Telegram: people, chats, the bot's update queue, files, limits and faults."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from sandbox.conformance import ConformanceLog
from sandbox.errors import ControlError, bad_request, forbidden
from sandbox.faults import FaultPlan
from sandbox.limits import LimitSettings, RateLimiter
from sandbox.model import (
    CallbackRecord,
    ChatEvent,
    ChatState,
    EventKind,
    SimUser,
    StoredFile,
    StoredMessage,
)
from sandbox.stats import Stats
from sandbox.updates import UpdateQueue
from sandbox.views import message_json
from sandbox.webhooks import WebhookPusher

DEFAULT_TOKEN = "1000000001:SANDBOX-local-token-not-valid-at-telegram"
DEFAULT_BOT_USERNAME = "wipbot_test_bot"
FIRST_USER_ID = 500_000_001
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_FIRST_CALLBACK_ID = 4_000_000_000_000_000_001
# Telegram's apps stop waiting for an answer to a press after about 15 seconds, and the
# Bot API refuses answerCallbackQuery from then on.
DEFAULT_CALLBACK_QUERY_TIMEOUT = 15.0


def _bot_id_from_token(token: str) -> int:
    # A real token starts with the bot's id ("123456:secret"); keep that correspondence.
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 1_000_000_001


class World:
    """Everything the sandbox knows; shared by the Bot API and the control API."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = "wipbot (sandbox)",
        *,
        timeout_fault_delay: float = 10.0,
        callback_query_timeout: float = DEFAULT_CALLBACK_QUERY_TIMEOUT,
        first_update_id: int = 1,
        limits: LimitSettings | None = None,
        person_think_seconds: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": _bot_id_from_token(token),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.timeout_fault_delay = timeout_fault_delay
        self.callback_query_timeout = callback_query_timeout
        # Think time of a person's action that states none (see `_think`).
        self.person_think_seconds = person_think_seconds
        self.clock = clock
        self.chats: dict[int, ChatState] = {}
        self.updates = UpdateQueue(first_update_id)
        self.webhook = WebhookPusher(self.updates, clock=clock)
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.limits = RateLimiter(limits)
        self.faults = FaultPlan()
        self.stats = Stats()
        self.conformance = ConformanceLog()
        self.closing = asyncio.Event()
        self._next_user_id = FIRST_USER_ID
        self._next_callback_id = _FIRST_CALLBACK_ID
        self._next_file_number = 1
        self._seq = 0

    # -- shared helpers ----------------------------------------------------------------

    def now(self) -> int:
        """Returns the current Unix time in whole seconds, as Telegram dates are."""
        return int(self.clock())

    def next_seq(self) -> int:
        """Returns a new position in the sandbox-wide order of chat events."""
        self._seq += 1
        return self._seq

    @property
    def last_seq(self) -> int:
        """Returns the position of the newest chat event."""
        return self._seq

    def next_file_number(self) -> int:
        """Returns a new number for naming a stored file."""
        number = self._next_file_number
        self._next_file_number += 1
        return number

    def message_json(self, chat: ChatState, message: StoredMessage) -> dict[str, Any]:
        """Returns the Telegram Message object for a message of this chat."""
        return message_json(message, chat, self.bot_user)

    def close(self) -> None:
        """Releases every long poll and wait so the server stops promptly."""
        self.closing.set()
        self.updates.close()
        for chat in self.chats.values():
            chat.wake()

    # -- people (control API) ----------------------------------------------------------

    def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> ChatState:
        """Creates a person who has not yet talked to the bot."""
        user_id = self._next_user_id
        self._next_user_id += 1
        user = SimUser(user_id, first_name, last_name, username, language_code)
        chat = ChatState(user=user)
        self.chats[user_id] = chat
        return chat

    def person(self, user_id: int) -> ChatState:
        """Returns the person's chat or raises a 404 ControlError."""
        chat = self.chats.get(user_id)
        if chat is None:
            raise ControlError(404, f"no simulated user {user_id}")
        return chat

    def _require_not_blocked(self, chat: ChatState) -> None:
        if chat.blocked:
            raise ControlError(409, f"user {chat.user.user_id} has blocked the bot; unblock first")

    def _think(self, chat: ChatState, seconds: float | None) -> None:
        # The person took `seconds` before acting: real Telegram time the test skips.
        if seconds is None:
            seconds = self.person_think_seconds
        if seconds > 0:
            now = asyncio.get_running_loop().time()
            self.limits.credit_time(chat.user.user_id, seconds, now)

    def user_send(
        self, chat: ChatState, text: str, *, think: float | None = None
    ) -> tuple[StoredMessage, int | None]:
        """Makes the person send text; returns the message and its update id."""
        self._require_not_blocked(chat)
        if not text:
            raise ControlError(400, "text must not be empty")
        self._think(chat, think)
        chat.started = True
        message = StoredMessage(
            message_id=chat.allocate_message_id(),
            chat_id=chat.user.user_id,
            from_bot=False,
            date=self.now(),
            created_seq=self.next_seq(),
            text=text,
        )
        command = _COMMAND.match(text)
        if command is not None:
            message.entities = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        chat.messages[message.message_id] = message
        if chat.reply_keyboard is not None and chat.reply_keyboard.one_time:
            # Telegram apps hide a one-time keyboard once it has been used.
            chat.reply_keyboard = None
        self.stats.messages_from_users += 1
        update_id = self.updates.push("message", self.message_json(chat, message))
        return message, update_id

    def _press_target(self, chat: ChatState, message_id: int | None) -> StoredMessage:
        if message_id is None:
            if not chat.button_message_ids:
                raise ControlError(400, "no bot message in this chat shows inline buttons")
            message_id = chat.button_message_ids[-1]
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise ControlError(400, f"message {message_id} is not in the chat")
        if not message.from_bot or not message.inline_keyboard:
            raise ControlError(400, f"message {message_id} shows no inline buttons")
        return message

    def user_press(
        self,
        chat: ChatState,
        message_id: int | None = None,
        text: str | None = None,
        callback_data: str | None = None,
        *,
        age: float = 0.0,
        think: float | None = None,
    ) -> tuple[CallbackRecord, int | None, StoredMessage, int]:
        """Makes the person press an inline button; returns the query, update id, message, seq."""
        self._require_not_blocked(chat)
        if text is None and callback_data is None:
            raise ControlError(400, "give the button's text or its callback_data")
        message = self._press_target(chat, message_id)
        for row in message.inline_keyboard or []:
            for button in row:
                if text is not None and button["text"] != text:
                    continue
                if callback_data is not None and button.get("callback_data") != callback_data:
                    continue
                if "callback_data" not in button:
                    raise ControlError(400, f"button {button['text']!r} sends no callback data")
                self._think(chat, think)
                return self._press(chat, message, button["callback_data"], age)
        wanted = f"text {text!r}" if text is not None else f"callback_data {callback_data!r}"
        raise ControlError(400, f"message {message.message_id} shows no button with {wanted}")

    def _press(
        self, chat: ChatState, message: StoredMessage, data: str, age: float
    ) -> tuple[CallbackRecord, int | None, StoredMessage, int]:
        query_id = str(self._next_callback_id)
        self._next_callback_id += 1
        record = CallbackRecord(
            query_id, chat.user.user_id, message.message_id, data, self.clock() - age
        )
        self.callbacks[query_id] = record
        self.stats.callback_queries_pressed += 1
        seq = self.next_seq()
        update_id = self.updates.push(
            "callback_query",
            {
                "id": query_id,
                "from": chat.user.as_user(),
                "message": self.message_json(chat, message),
                "chat_instance": self.chat_instance(chat),
                "data": data,
            },
        )
        return record, update_id, message, seq

    def chat_instance(self, chat: ChatState) -> str:
        """Returns the stable chat_instance Telegram gives callback queries from a chat."""
        digest = hashlib.sha256(f"{self.bot_user['id']}:{chat.user.user_id}".encode())
        return str(-int.from_bytes(digest.digest()[:7], "big"))

    def set_blocked(self, chat: ChatState, blocked: bool) -> int | None:
        """Blocks or unblocks the bot; Telegram tells the bot with a my_chat_member update."""
        if chat.blocked == blocked:
            return None
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        member_old: dict[str, Any] = {"user": self.bot_user, "status": old}
        member_new: dict[str, Any] = {"user": self.bot_user, "status": new}
        for member in (member_old, member_new):
            if member["status"] == "kicked":
                member["until_date"] = 0
        return self.updates.push(
            "my_chat_member",
            {
                "chat": chat.user.as_chat(),
                "from": chat.user.as_user(),
                "date": self.now(),
                "old_chat_member": member_old,
                "new_chat_member": member_new,
            },
        )

    async def wait_for_bot(
        self, chat: ChatState, after_seq: int, wait_seconds: float
    ) -> list[ChatEvent]:
        """Returns bot events newer than after_seq as soon as there are any, or [] on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while True:
            events = chat.events_after(after_seq)
            if events or self.closing.is_set():
                return events
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            changed = chat.changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return []

    # -- the bot's side (Bot API) ------------------------------------------------------

    def chat_for_bot(self, chat_id: Any, *, initiating: bool = True) -> ChatState:
        """Returns the chat the bot addresses, or raises the error Telegram would."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        try:
            numeric = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self.chats.get(numeric)
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if initiating and not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    def add_bot_message(self, chat: ChatState, message: StoredMessage) -> None:
        """Stores a message the bot sent and wakes waiters."""
        chat.messages[message.message_id] = message
        chat.track_buttons(message)
        if message.reply_keyboard is not None:
            chat.reply_keyboard = message.reply_keyboard
        elif message.remove_keyboard:
            chat.reply_keyboard = None
        self.stats.messages_from_bot += 1
        chat.record(ChatEvent(seq=message.created_seq, kind="sent", message_id=message.message_id))

    def record_change(self, chat: ChatState, message: StoredMessage, kind: EventKind) -> None:
        """Records an edit or deletion by the bot and wakes waiters."""
        chat.track_buttons(message)
        chat.record(ChatEvent(seq=self.next_seq(), kind=kind, message_id=message.message_id))

    def record_callback_answer(self, record: CallbackRecord) -> None:
        """Records that the bot answered a button press and wakes waiters."""
        self.stats.callback_queries_answered += 1
        chat = self.chats.get(record.user_id)
        if chat is not None:
            chat.record(
                ChatEvent(
                    seq=self.next_seq(), kind="callback_answered", callback_query_id=record.query_id
                )
            )
