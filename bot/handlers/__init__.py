"""Handler registration: the order of groups matters and is explained here."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import WipApplication
from bot.handlers import agenda, participant, staff, staff_reports, staff_tools
from bot.handlers.commands_menu import ENGLISH_ALIASES
from bot.handlers.errors import on_error

# Group STAFF runs first: a staff handler that recognises a staff member handles the update
# and stops it (ApplicationHandlerStop); for anyone else it returns, and the update falls
# through to the participant group, so a stranger never learns staff commands exist.
# Group EDITS runs before both: an edited message is never read as an answer, a broadcast
# draft or a command (PTB's text and command handlers also match edited messages).
EDITS_GROUP = -1
STAFF_GROUP = 0
PARTICIPANT_GROUP = 1

PRIVATE = filters.ChatType.PRIVATE


def _names(indonesian: str) -> list[str]:
    alias = ENGLISH_ALIASES[indonesian]
    return [indonesian] if alias == indonesian else [indonesian, alias]


def is_resume_command(update: object) -> bool:
    """Tells whether the update is /lanjut (/resume), which only brings the screen up again."""
    if not isinstance(update, Update) or update.message is None or not update.message.text:
        return False
    command = update.message.text.split(maxsplit=1)[0].partition("@")[0].lower()
    return command.removeprefix("/") in _names("lanjut") and command.startswith("/")


def register_handlers(application: WipApplication) -> None:
    """Registers every handler of the bot, staff before participants."""
    # staff.register ends with a handler for any text (a broadcast draft's message, passed
    # on for everyone without a draft): staff modules after it add commands and buttons only.
    application.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, participant.edited_message),
        EDITS_GROUP,
    )
    staff.register(application, STAFF_GROUP)
    agenda.register(application, STAFF_GROUP)
    staff_reports.register(application, STAFF_GROUP)
    staff_tools.register(application, STAFF_GROUP)

    group = PARTICIPANT_GROUP
    add = application.add_handler
    add(CommandHandler("start", participant.start, filters=PRIVATE), group)
    add(CommandHandler(_names("lanjut"), participant.resume, filters=PRIVATE), group)
    add(CommandHandler(_names("progres"), participant.show_progress, filters=PRIVATE), group)
    add(CommandHandler(_names("tinjau"), participant.review, filters=PRIVATE), group)
    add(CommandHandler(_names("kirim"), participant.submit, filters=PRIVATE), group)
    add(CommandHandler(_names("bahasa"), participant.choose_language, filters=PRIVATE), group)
    add(CommandHandler(_names("bantuan"), participant.show_help, filters=PRIVATE), group)
    add(CommandHandler(_names("agenda"), agenda.show_agenda, filters=PRIVATE), group)
    add(CallbackQueryHandler(participant.button), group)
    add(ChatMemberHandler(participant.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER), group)
    # Order within the group: commands above, then any other command, then plain text,
    # then everything else a phone can send.
    add(MessageHandler(PRIVATE & filters.COMMAND, participant.unknown_command), group)
    add(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, participant.text_message), group)
    add(
        MessageHandler(
            PRIVATE & filters.UpdateType.MESSAGE & ~filters.TEXT, participant.unsupported_message
        ),
        group,
    )
    application.add_error_handler(on_error)


__all__ = ["Update", "register_handlers"]
