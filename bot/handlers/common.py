"""What handlers share: who is staff, in which language, the use cases, and an update's key."""

from __future__ import annotations

from telegram import Update, User

from bot.context import WipContext
from bot.i18n import normalise_language
from bot.services.broadcasts import Broadcasts
from bot.services.staff_access import StaffAccess, staff_access
from bot.services.workshops import Workshops
from storage.repositories.updates import UpdateKey


def staff_language(user: User | None) -> str:
    """Staff have no language setting: their Telegram app's language decides."""
    return normalise_language(user.language_code if user else None)


async def current_staff(update: Update, context: WipContext) -> StaffAccess | None:
    """The sender's staff roles, read now; None for participants and strangers."""
    user = update.effective_user
    if user is None:
        return None
    access = await staff_access(context.services.read_sessions, user.id)
    return access if access.is_staff else None


def workshops(context: WipContext) -> Workshops:
    """The workshop use cases bound to this application's services."""
    services = context.services
    return Workshops(services.sessions, services.clock, services.read_sessions)


def broadcasts(context: WipContext) -> Broadcasts:
    """The broadcast use cases bound to this application's services."""
    services = context.services
    return Broadcasts(services.sessions, services.clock, services.read_sessions)


def update_key(update: Update) -> UpdateKey:
    """The update's id with what it is about, so a reused id is not taken for a duplicate."""
    if update.callback_query is not None:
        return UpdateKey(update.update_id, f"q:{update.callback_query.id}")
    message = update.message or update.edited_message
    if message is not None:
        when = message.edit_date or message.date
        stamp = f"{message.chat.id}:{message.message_id}:{int(when.timestamp())}"
        return UpdateKey(update.update_id, ("e:" if update.edited_message else "m:") + stamp)
    member = update.my_chat_member
    if member is not None:
        return UpdateKey(update.update_id, f"c:{member.chat.id}:{int(member.date.timestamp())}")
    return UpdateKey(update.update_id)
