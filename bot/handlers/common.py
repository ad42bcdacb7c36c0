"""What the staff handlers share: who is staff, in which language, and the use cases they call."""

from __future__ import annotations

from telegram import Update, User

from bot.context import WipContext
from bot.i18n import normalise_language
from bot.services.broadcasts import Broadcasts
from bot.services.staff_access import StaffAccess, staff_access
from bot.services.workshops import Workshops


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
