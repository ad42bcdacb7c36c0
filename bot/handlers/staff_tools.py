"""Staff help and lifting code lockouts from the chat: /bantuan for staff, /buka (/unlock).

In the staff group: for a staff member these answer and stop the update; for anyone else
they return and the participant group answers (/bantuan with the participants' help,
/buka like any unknown command), so nobody learns staff commands exist.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler, filters

from bot.context import WipApplication, WipContext
from bot.handlers.common import current_staff, staff_language
from bot.i18n import t
from bot.services.code_locks import locked_accounts, unlock_accounts
from bot.telegram.messages import reply_plain as reply

PRIVATE = filters.ChatType.PRIVATE
_ALL = {"semua", "all"}


def register(application: WipApplication, group: int) -> None:
    """Registers staff help and /buka in the staff group."""
    add = application.add_handler
    add(CommandHandler(["bantuan", "help"], staff_help, filters=PRIVATE), group)
    add(CommandHandler(["buka", "unlock"], unlock, filters=PRIVATE), group)


def staff_help_text(lang: str) -> str:
    """The help staff get (also for a plain "bantuan" typed by a staff member)."""
    return t("staff_help", lang)


async def staff_help(update: Update, context: WipContext) -> None:
    """Staff get their own help, not the participants'."""
    if await current_staff(update, context) is None:
        return
    await reply(update, staff_help_text(staff_language(update.effective_user)))
    raise ApplicationHandlerStop


async def unlock(update: Update, context: WipContext) -> None:
    """Lifts the code lockout of the accounts named (or all); lists them when none is."""
    if await current_staff(update, context) is None:
        return
    lang = staff_language(update.effective_user)
    services = context.services
    arguments = [a.strip().lower() for a in context.args or []]
    if not arguments:
        locked = await locked_accounts(services.read_sessions, services.clock.now())
        if locked:
            accounts = ", ".join(str(lockout.telegram_user_id) for lockout in locked[:20])
            await reply(update, t("unlock_locked_list", lang, accounts=accounts))
        else:
            await reply(update, t("unlock_none", lang))
        await reply(update, t("unlock_usage", lang))
        raise ApplicationHandlerStop
    if set(arguments) & _ALL:
        count = await unlock_accounts(services.sessions, None)
        await reply(update, t("unlock_all_done", lang, count=count))
        raise ApplicationHandlerStop
    if not all(a.isdigit() and len(a) <= 18 for a in arguments):
        await reply(update, t("unlock_usage", lang))
        raise ApplicationHandlerStop
    ids = [int(a) for a in arguments]
    await unlock_accounts(services.sessions, ids)
    await reply(update, t("unlock_done", lang, accounts=", ".join(map(str, ids))))
    raise ApplicationHandlerStop
