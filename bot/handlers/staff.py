"""Staff (organiser and facilitator) commands; each checks the role on every call.

A handler here that recognises a staff member handles the update and stops it
(ApplicationHandlerStop); for anyone else it returns, the update falls through to the
participant group and gets the ordinary answer, so nobody learns staff commands exist.

Broadcast conversation: /siaran (/broadcast) -> workshop (if more than one) -> who
(everyone, not yet submitted, one arena) -> the message, typed -> preview -> «Kirim».
The choices and text are a draft in the database (bot/services/broadcasts.py), so the
conversation survives a restart; the buttons carry only the step and the draft's id.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import WipApplication, WipContext
from bot.handlers.commands_menu import publish_staff_commands
from bot.handlers.common import broadcasts, current_staff, staff_language, workshops
from bot.i18n import t
from bot.message_limits import fits
from bot.notices import arena_name, broadcast_text
from bot.services.broadcasts import ARENAS, Audience, BroadcastRefused, ConfirmationNeeded
from bot.services.staff_access import StaffAccess
from bot.services.staff_invites import redeem_staff_invite
from bot.services.workshops import WorkshopInfo
from bot.telegram.messages import answer_query, strip_keyboard_by_id
from bot.telegram.messages import edit_plain as edit
from bot.telegram.messages import reply_plain as reply
from bot.views.callback_data import StaffFeature, number, staff_data, staff_parts, staff_pattern
from storage.models import StaffRole

log = logging.getLogger(__name__)

BROADCAST = StaffFeature.BROADCAST

PRIVATE = filters.ChatType.PRIVATE
ALL_WORKSHOPS = "all"
_FILTER_EVERYONE = "all"
_FILTER_NOT_SUBMITTED = "ns"


def register(application: WipApplication, group: int) -> None:
    """Registers the staff handlers in their group (see bot.handlers)."""
    add = application.add_handler
    # Before the participant /start (a later group): a staff invitation is not a code.
    add(
        CommandHandler(
            "start", redeem_invite, filters=PRIVATE & filters.Regex(r"^/start\s+staff_")
        ),
        group,
    )
    # A bare /start from staff shows the staff tools, never a request for a code.
    add(
        CommandHandler("start", staff_start, filters=PRIVATE & filters.Regex(r"^/start\s*$")), group
    )
    add(CommandHandler(["siaran", "broadcast"], start_broadcast, filters=PRIVATE), group)
    add(CallbackQueryHandler(broadcast_button, pattern=staff_pattern(BROADCAST)), group)
    # Last in the group, as it matches any text: the message of a broadcast draft. For
    # anyone without a draft it returns and the text goes on to the participant group.
    add(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, broadcast_text_message), group)


# --- staff invitations --------------------------------------------------------------------


async def redeem_invite(update: Update, context: WipContext) -> None:
    """Grants the role of a one-time staff invitation link."""
    user = update.effective_user
    if user is None or not context.args:
        return
    lang = staff_language(user)
    redeemed = await redeem_staff_invite(
        context.services.sessions,
        context.services.clock,
        token=context.args[0],
        telegram_user_id=user.id,
        name=user.full_name or None,
    )
    if redeemed is None:
        await reply(update, t("staff_link_invalid", lang))
    else:
        await publish_staff_commands(context.bot, user.id)
        name = f", {user.first_name}" if user.first_name else ""
        if redeemed.role is StaffRole.ORGANISER or redeemed.workshop is None:
            await reply(update, t("staff_welcome_organiser", lang, name=name))
        else:
            workshop = redeemed.workshop.label.name(lang)
            await reply(update, t("staff_welcome_facilitator", lang, name=name, workshop=workshop))
    raise ApplicationHandlerStop


async def staff_start(update: Update, context: WipContext) -> None:
    """Shows staff their tools; anyone else goes on to the participant's /start."""
    user = update.effective_user
    access = await current_staff(update, context)
    if user is None or access is None:
        return
    name = f", {user.first_name}" if user.first_name else ""
    await reply(update, t("staff_tools", staff_language(user), name=name))
    raise ApplicationHandlerStop


# --- broadcasts ---------------------------------------------------------------------------


async def start_broadcast(update: Update, context: WipContext) -> None:
    """Asks which workshop to broadcast to (or, with only one, which participants)."""
    access = await current_staff(update, context)
    if access is None:
        return
    lang = staff_language(update.effective_user)
    choices = await workshops(context).manageable(access)
    if not choices:
        await reply(update, t("staff_no_workshops", lang))
    elif len(choices) == 1 and not access.is_organiser:
        text, keyboard = _filter_step(choices[0].id, choices, lang)
        await reply(update, text, keyboard)
    else:
        await reply(update, t("bc_pick_scope", lang), _scope_keyboard(access, choices, lang))
    raise ApplicationHandlerStop


async def broadcast_button(update: Update, context: WipContext) -> None:
    """Takes the next step of a staff member's broadcast."""
    query = update.callback_query
    access = await current_staff(update, context)
    if query is None or access is None:
        return
    lang = staff_language(query.from_user)
    parts = staff_parts(query.data, BROADCAST) or [""]
    step, arguments = parts[0], parts[1:]
    try:
        match step, arguments:
            case "w", [scope]:
                await _choose_scope(update, context, access, scope, lang)
            case "f", [scope, who]:
                await _choose_audience(update, context, access, scope, who, lang)
            case "ok", [draft_id, revision] if number(draft_id) is not None:
                await _send(update, context, access, int(draft_id), lang, revision)
            case "ok", [draft_id] if number(draft_id) is not None:
                # A preview from before revisions were carried: it cannot say which text.
                raise BroadcastRefused("bc_superseded")
            case "yes", [draft_id, revision] if number(draft_id) is not None:
                await _send(update, context, access, int(draft_id), lang, revision, confirmed=True)
            case "no", _:
                await broadcasts(context).discard(access.telegram_user_id)
                await edit(query.message, t("bc_cancelled", lang))
    except BroadcastRefused as refusal:
        await edit(query.message, t(refusal.key, lang, **refusal.params))
    finally:
        # The work first: Telegram refuses to answer a query that is too old.
        await answer_query(query)
    raise ApplicationHandlerStop


async def broadcast_text_message(update: Update, context: WipContext) -> None:
    """Takes the typed message of a broadcast draft and shows the preview."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return
    draft = await broadcasts(context).open_draft(user.id)
    if draft is None:
        return
    access = await current_staff(update, context)
    if access is None:
        # No longer staff: the draft is void and the text is an ordinary message.
        await broadcasts(context).discard(user.id)
        return
    lang = staff_language(user)
    try:
        draft = await broadcasts(context).set_text(access, draft.id, message.text)
    except BroadcastRefused as refusal:
        await reply(update, t(refusal.key, lang, **refusal.params))
        raise ApplicationHandlerStop from None
    if draft.recipients == 0:
        await broadcasts(context).discard(user.id)
        await reply(update, t("bc_nobody", lang))
        raise ApplicationHandlerStop
    choices = await workshops(context).manageable(access)
    audience = _audience_text(draft.audience, choices, lang)
    preview = t("bc_preview", lang, audience=audience, count=draft.recipients)
    if draft.unopened:
        preview += "\n" + t("bc_unopened", lang, count=draft.unopened)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("bc_btn_send", lang, count=draft.recipients),
                    callback_data=staff_data(BROADCAST, "ok", draft.id, draft.revision),
                ),
                InlineKeyboardButton(
                    t("btn_cancel", lang), callback_data=staff_data(BROADCAST, "no", draft.id)
                ),
            ]
        ]
    )
    shown = broadcast_text(message.text, lang)
    combined = f"{preview}\n\n{shown}"
    # An older preview of this draft loses its buttons: only the newest can send.
    earlier = _previews(context).pop(PREVIEW_KEY, None)
    if isinstance(earlier, int):
        await strip_keyboard_by_id(context.bot, user.id, earlier)
    if fits(combined):
        sent = await update.get_bot().send_message(user.id, combined, reply_markup=keyboard)
    else:
        # A long text: the preview's line, then the message as participants receive it,
        # with the buttons under it.
        await reply(update, preview)
        sent = await update.get_bot().send_message(user.id, shown, reply_markup=keyboard)
    _previews(context)[PREVIEW_KEY] = sent.message_id
    raise ApplicationHandlerStop


PREVIEW_KEY = "broadcast_preview"


def _previews(context: WipContext) -> dict[Any, Any]:
    """The staff member's own memory, holding the message of their newest preview (in
    memory: after a restart an older preview keeps its buttons, and its revision still
    refuses a changed text)."""
    return context.user_data if context.user_data is not None else {}


async def _choose_scope(
    update: Update, context: WipContext, access: StaffAccess, scope: str, lang: str
) -> None:
    query = update.callback_query
    assert query is not None
    workshop_id = _workshop_id(scope)
    if workshop_id is None and scope != ALL_WORKSHOPS:
        return
    if not (access.is_organiser if workshop_id is None else access.can_manage(workshop_id)):
        raise BroadcastRefused("staff_forbidden")
    choices = await workshops(context).manageable(access)
    text, keyboard = _filter_step(workshop_id, choices, lang)
    await edit(query.message, text, keyboard)


async def _choose_audience(
    update: Update,
    context: WipContext,
    access: StaffAccess,
    scope: str,
    who: str,
    lang: str,
) -> None:
    query = update.callback_query
    assert query is not None
    workshop_id = _workshop_id(scope)
    if (workshop_id is None and scope != ALL_WORKSHOPS) or who not in (
        _FILTER_EVERYONE,
        _FILTER_NOT_SUBMITTED,
        *ARENAS,
    ):
        return
    audience = Audience(
        workshop_id=workshop_id,
        arena=who if who in ARENAS else None,
        not_submitted=who == _FILTER_NOT_SUBMITTED,
    )
    draft = await broadcasts(context).start_draft(access, audience)
    choices = await workshops(context).manageable(access)
    text = t("bc_ask_text", lang, audience=_audience_text(audience, choices, lang))
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("btn_cancel", lang), callback_data=staff_data(BROADCAST, "no", draft.id)
                )
            ]
        ]
    )
    await edit(query.message, text, keyboard)


async def _send(
    update: Update,
    context: WipContext,
    access: StaffAccess,
    draft_id: int,
    lang: str,
    revision: str,
    *,
    confirmed: bool = False,
) -> None:
    query = update.callback_query
    assert query is not None
    shown = query.message.text if isinstance(query.message, Message) and query.message.text else ""
    try:
        broadcast_id, recipients = await broadcasts(context).send(
            access, draft_id, lang, revision=revision, confirmed=confirmed
        )
    except ConfirmationNeeded as large:
        await edit(
            query.message,
            f"{shown}\n\n{_confirmation_text(large, lang)}",
            _confirm_keyboard(large, draft_id, revision, lang),
        )
        return
    context.services.wake_sender()
    _previews(context).pop(PREVIEW_KEY, None)
    sending = t("bc_sending", lang, id=broadcast_id, count=recipients)
    await edit(query.message, f"{shown}\n\n{sending}" if shown else sending)


def _confirmation_text(large: ConfirmationNeeded, lang: str) -> str:
    lines = [
        t(
            "bc_reach_line",
            lang,
            province=r.province,
            code=r.workshop_code,
            zone=r.zone,
            count=r.recipients,
            unopened=r.unopened,
        )
        for r in large.reach
    ]
    return t(
        "bc_confirm_large",
        lang,
        count=sum(r.recipients for r in large.reach),
        workshops=len(large.reach),
        lines="\n".join(lines),
    )


def _confirm_keyboard(
    large: ConfirmationNeeded, draft_id: int, revision: str, lang: str
) -> InlineKeyboardMarkup:
    count = sum(r.recipients for r in large.reach)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("bc_btn_confirm_large", lang, count=count),
                    callback_data=staff_data(BROADCAST, "yes", draft_id, revision),
                )
            ],
            [
                InlineKeyboardButton(
                    t("btn_cancel", lang), callback_data=staff_data(BROADCAST, "no", draft_id)
                )
            ],
        ]
    )


def _workshop_id(scope: str) -> int | None:
    return number(scope)


def _scope_name(workshop_id: int | None, choices: list[WorkshopInfo], lang: str) -> str:
    if workshop_id is None:
        return t("bc_all_scope", lang)
    found = next((w for w in choices if w.id == workshop_id), None)
    name = found.label.name(lang) if found else f"#{workshop_id}"
    return t("bc_scope_workshop", lang, name=name)


def _audience_text(audience: Audience, choices: list[WorkshopInfo], lang: str) -> str:
    scope = _scope_name(audience.workshop_id, choices, lang)
    if audience.arena is not None:
        return t("bc_audience_arena", lang, arena=arena_name(audience.arena, lang), scope=scope)
    if audience.not_submitted:
        return t("bc_audience_not_submitted", lang, scope=scope)
    return t("bc_audience_everyone", lang, scope=scope)


def _scope_keyboard(
    access: StaffAccess, choices: list[WorkshopInfo], lang: str
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(w.label.name(lang), callback_data=staff_data(BROADCAST, "w", w.id))
        for w in choices
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if access.is_organiser:
        rows.append(
            [
                InlineKeyboardButton(
                    t("bc_all_workshops", lang),
                    callback_data=staff_data(BROADCAST, "w", ALL_WORKSHOPS),
                )
            ]
        )
    rows.append(
        [InlineKeyboardButton(t("btn_cancel", lang), callback_data=staff_data(BROADCAST, "no", 0))]
    )
    return InlineKeyboardMarkup(rows)


def _filter_step(
    workshop_id: int | None, choices: list[WorkshopInfo], lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    scope = str(workshop_id) if workshop_id is not None else ALL_WORKSHOPS

    def button(label: str, who: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=staff_data(BROADCAST, "f", scope, who))

    rows = [
        [button(t("bc_everyone", lang), _FILTER_EVERYONE)],
        [button(t("bc_not_submitted", lang), _FILTER_NOT_SUBMITTED)],
        [button(arena_name(a, lang), a) for a in ARENAS[:2]],
        [button(arena_name(a, lang), a) for a in ARENAS[2:]],
        [InlineKeyboardButton(t("btn_cancel", lang), callback_data=staff_data(BROADCAST, "no", 0))],
    ]
    text = t("bc_pick_filter", lang, scope=_scope_name(workshop_id, choices, lang))
    return text, InlineKeyboardMarkup(rows)
