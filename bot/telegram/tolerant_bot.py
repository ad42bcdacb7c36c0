"""PTB's bot, except that one update it cannot read does not stop polling for good.

PTB reads a `getUpdates` batch in one go: one update of a known kind with an unexpected
shape (a Bot API change ahead of the pinned PTB, or a bug) makes the whole call fail, and
PTB logs the whole batch, content and all. The updater then asks again from the same
offset, gets the same batch, and no later update is ever handled. Here the batch is read
item by item: an update that cannot be read is logged (its id and the error, not its
content) and replaced by a bare `Update` with its id, which no handler matches, so polling
acknowledges it and goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.constants import ParseMode
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class TolerantBot(ExtBot[None]):
    """An `ExtBot` whose `get_updates` skips the updates it cannot read."""

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 - PTB's signature
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """Like PTB's, but each update is read on its own and one it cannot read is skipped.

        PTB's own logs the whole batch at CRITICAL when one update cannot be read: other
        participants' typed answers, names and phone numbers. This one never logs content.
        """
        # As PTB does: a long poll's read timeout is the poll's plus the transport's own.
        if isinstance(read_timeout, DefaultValue):
            base_timeout = self._request[0].read_timeout or 0
        else:
            base_timeout = read_timeout or 0
        if isinstance(timeout, dt.timedelta):
            poll_seconds = timeout.total_seconds()
        else:
            poll_seconds = float(timeout or 0)
        raw: Any = await self._post(
            "getUpdates",
            {
                "timeout": timeout,
                "offset": offset,
                "limit": limit,
                "allowed_updates": allowed_updates,
            },
            read_timeout=base_timeout + poll_seconds,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        return tuple(self._readable(item) for item in (raw or ()) if isinstance(item, dict))

    def _readable(self, item: JSONDict) -> Update:
        try:
            update = Update.de_json(item, self)
        except Exception as exc:
            update = None
            error: Exception | None = exc
        else:
            error = None
        if update is not None:
            self.insert_callback_data(update)
            return update
        update_id = item.get("update_id")
        if not isinstance(update_id, int):
            raise TypeError("an update without an update_id") from error
        log.error(
            "update %s could not be read and is skipped: %s",
            update_id,
            type(error).__name__ if error else "empty",
        )
        skipped = Update(update_id=update_id)
        skipped.set_bot(self)
        return skipped

    async def send_text(
        self,
        chat_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None = None,
        *,
        html: bool = True,
    ) -> int:
        """Sends a message and returns its id: the same sendMessage call as
        `send_message`, without building the `Message` (and its buttons) from the reply,
        which the answer path never reads. A refusal raises as `send_message` would."""
        result = await self._post(
            "sendMessage",
            {
                "chat_id": chat_id,
                "text": text,
                "parse_mode": ParseMode.HTML if html else None,
                "reply_markup": markup_json(keyboard),
            },
        )
        return int(result["message_id"])

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None = None,
        *,
        html: bool = True,
    ) -> None:
        """Replaces a message's text and buttons (none unless given): the editMessageText
        call of `edit_message_text`, without reading the edited message back."""
        await self._post(
            "editMessageText",
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "parse_mode": ParseMode.HTML if html else None,
                "reply_markup": markup_json(keyboard),
            },
        )


_MARKUPS_KEPT = 1024
_markups: dict[int, tuple[InlineKeyboardMarkup, JSONDict]] = {}


def markup_json(keyboard: InlineKeyboardMarkup | None) -> JSONDict | None:
    """A keyboard as the Bot API's JSON object. PTB's objects are immutable and the
    keyboards of unanswered questions are built once and shared, so each is converted
    once (known by identity: a keyboard built per message is converted per message)."""
    if keyboard is None:
        return None
    entry = _markups.get(id(keyboard))
    if entry is not None and entry[0] is keyboard:
        return entry[1]
    converted = keyboard.to_dict()
    if len(_markups) >= _MARKUPS_KEPT:
        del _markups[next(iter(_markups))]
    _markups[id(keyboard)] = (keyboard, converted)
    return converted
