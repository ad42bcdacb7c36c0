"""The workshop agenda: participants see the day; staff also move sessions.

Moving, for staff: /agenda -> (workshop) -> a session -> a shift (+15, +30, +60 or -15
minutes) -> confirm. Later sessions move with it (the day slips as a block), the
reminders follow by construction (they are computed from the agenda), and participants
are told in their language and local time through the broadcast queue. The confirm
button carries the session's start as the staff member saw it, so a stale button after
someone else's move changes nothing.
"""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, filters

from bot.agenda import AgendaProblemCode
from bot.context import WipApplication, WipContext
from bot.formatting import clock_time, local_time
from bot.handlers.common import current_staff, staff_language, workshops
from bot.i18n import normalise_language, t
from bot.notices import agenda_change_text, agenda_text, session_title
from bot.services.staff_access import StaffAccess
from bot.services.workshops import NotAllowed, WorkshopInfo, WorkshopProblem
from bot.telegram.messages import answer_query
from bot.telegram.messages import edit_plain as edit
from bot.telegram.messages import reply_plain as reply
from bot.views.callback_data import StaffFeature, number, staff_data, staff_parts, staff_pattern
from bot.views.participant import journey

SHIFTS_MINUTES = (15, 30, 60, -15)


AGENDA = StaffFeature.AGENDA


def register(application: WipApplication, group: int) -> None:
    """Registers the staff's /agenda and its buttons in the staff group (see bot.handlers)."""
    add = application.add_handler
    add(CommandHandler("agenda", staff_agenda, filters=filters.ChatType.PRIVATE), group)
    add(CallbackQueryHandler(staff_agenda_button, pattern=staff_pattern(AGENDA)), group)


async def show_agenda(update: Update, context: WipContext) -> None:
    """Shows a participant today's sessions in local time, the current and next marked."""
    user = update.effective_user
    if user is None:
        return
    participation = await journey(context).participation(user.id)
    if participation is None:
        lang = normalise_language(user.language_code)
        await reply(update, t("not_registered", lang))
        return
    lang = participation.language
    info = WorkshopInfo.of_facts(participation.workshop)
    entries = await workshops(context).agenda(info.id)
    text = agenda_text(info.label, entries, context.services.clock.now(), lang)
    await reply(update, text)


async def staff_agenda(update: Update, context: WipContext) -> None:
    """Shows a staff member the agenda with a button per session to move it."""
    access = await current_staff(update, context)
    if access is None:
        return  # a participant's /agenda: the participant group answers
    lang = staff_language(update.effective_user)
    choices = await workshops(context).manageable(access)
    if not choices:
        await reply(update, t("staff_no_workshops", lang))
    elif len(choices) == 1:
        text, keyboard = await _agenda_page(context, choices[0], lang)
        await reply(update, text, keyboard)
    else:
        rows = [
            [
                InlineKeyboardButton(
                    f"{w.label.name(lang)} · {w.date}", callback_data=staff_data(AGENDA, "w", w.id)
                )
            ]
            for w in choices
        ]
        await reply(update, t("staff_pick_workshop", lang), InlineKeyboardMarkup(rows))
    raise ApplicationHandlerStop


async def staff_agenda_button(update: Update, context: WipContext) -> None:
    """Takes the next step of moving a session."""
    query = update.callback_query
    access = await current_staff(update, context)
    if query is None or access is None:
        return
    lang = staff_language(query.from_user)
    parts = staff_parts(query.data, AGENDA) or []
    try:
        match parts:
            case ["w", workshop_id] if _numbers(workshop_id):
                await _show_workshop(update, context, access, int(workshop_id), lang)
            case ["s", session_id] if _numbers(session_id):
                await _pick_shift(update, context, access, int(session_id), lang)
            case ["d", session_id, minutes, seen] if _numbers(session_id, minutes, seen):
                await _confirm(update, context, access, int(session_id), int(minutes), lang)
            case ["y", session_id, minutes, seen] if _numbers(session_id, minutes, seen):
                await _move(update, context, access, int(session_id), int(minutes), int(seen), lang)
            case ["n"]:
                await edit(query.message, t("ag_cancelled", lang))
    except NotAllowed:
        await edit(query.message, t("staff_forbidden", lang))
    finally:
        # The work first: Telegram refuses to answer a query that is too old.
        await answer_query(query)
    raise ApplicationHandlerStop


def _numbers(*values: str) -> bool:
    return all(number(value) is not None for value in values)


async def _agenda_page(
    context: WipContext, workshop: WorkshopInfo, lang: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    entries = await workshops(context).agenda(workshop.id)
    text = agenda_text(workshop.label, entries, context.services.clock.now(), lang)
    if not entries:
        return text, None
    rows = [
        [
            InlineKeyboardButton(
                f"{clock_time(e.starts_at, workshop.zone, lang)} {session_title(e, lang)}",
                callback_data=staff_data(AGENDA, "s", e.id),
            )
        ]
        for e in entries
    ]
    return f"{text}\n\n{t('ag_pick_session', lang)}", InlineKeyboardMarkup(rows)


async def _show_workshop(
    update: Update, context: WipContext, access: StaffAccess, workshop_id: int, lang: str
) -> None:
    query = update.callback_query
    assert query is not None
    workshop = await workshops(context).workshop(workshop_id)
    if workshop is None or not access.can_manage(workshop_id):
        raise NotAllowed(str(workshop_id))
    text, keyboard = await _agenda_page(context, workshop, lang)
    await edit(query.message, text, keyboard)


async def _pick_shift(
    update: Update, context: WipContext, access: StaffAccess, session_id: int, lang: str
) -> None:
    query = update.callback_query
    assert query is not None
    workshop, entry = await workshops(context).session_of(access, session_id)
    seen = int(entry.starts_at.timestamp())
    shifts = [
        InlineKeyboardButton(
            f"{'+' if minutes > 0 else '−'}{abs(minutes)}",
            callback_data=staff_data(AGENDA, "d", session_id, minutes, seen),
        )
        for minutes in SHIFTS_MINUTES
    ]
    keyboard = InlineKeyboardMarkup(
        [
            shifts,
            [
                InlineKeyboardButton(
                    t("btn_back", lang), callback_data=staff_data(AGENDA, "w", workshop.id)
                ),
                InlineKeyboardButton(t("btn_cancel", lang), callback_data=staff_data(AGENDA, "n")),
            ],
        ]
    )
    text = t(
        "ag_pick_shift",
        lang,
        title=session_title(entry, lang),
        start=clock_time(entry.starts_at, workshop.zone, lang),
        end=local_time(entry.ends_at, workshop.zone, lang),
    )
    await edit(query.message, text, keyboard)


async def _confirm(
    update: Update,
    context: WipContext,
    access: StaffAccess,
    session_id: int,
    minutes: int,
    lang: str,
) -> None:
    query = update.callback_query
    assert query is not None
    preview = await workshops(context).preview_move(access, session_id, minutes)
    zone = preview.workshop.zone
    if not preview.plan.ok:
        codes = {problem.code for problem in preview.plan.problems}
        key = "ag_problem_day" if AgendaProblemCode.PAST_MIDNIGHT in codes else "ag_problem_overlap"
        await edit(query.message, t(key, lang))
        return
    entry = preview.session
    lines = [
        t(
            "ag_confirm",
            lang,
            title=session_title(entry, lang),
            old=local_time(entry.starts_at, zone, lang),
            new=local_time(preview.new_start, zone, lang),
        )
    ]
    if preview.plan.later_count:
        lines.append(t("ag_confirm_followers", lang, count=preview.plan.later_count))
    notice = agenda_change_text(
        entry, preview.new_start, zone, lang, later_sessions_moved=preview.plan.later_count
    )
    lines += ["", t("ag_confirm_notice", lang, notice=notice)]
    seen = int(entry.starts_at.timestamp())
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("ag_btn_confirm", lang),
                    callback_data=staff_data(AGENDA, "y", session_id, minutes, seen),
                ),
                InlineKeyboardButton(t("btn_cancel", lang), callback_data=staff_data(AGENDA, "n")),
            ]
        ]
    )
    await edit(query.message, "\n".join(lines), keyboard)


async def _move(
    update: Update,
    context: WipContext,
    access: StaffAccess,
    session_id: int,
    minutes: int,
    seen: int,
    lang: str,
) -> None:
    query = update.callback_query
    assert query is not None
    expected = dt.datetime.fromtimestamp(seen, dt.UTC)
    try:
        result = await workshops(context).move(access, session_id, minutes, expected)
    except WorkshopProblem as problem:
        codes = {p.code for p in problem.problems}
        if not problem.problems:
            key = "ag_changed_meanwhile"
        elif AgendaProblemCode.PAST_MIDNIGHT in codes:
            key = "ag_problem_day"
        else:
            key = "ag_problem_overlap"
        await edit(query.message, t(key, lang))
        return
    context.services.wake_sender()
    done = t("ag_done", lang, count=result.notified)
    workshop = await workshops(context).workshop(result.workshop.id)
    if workshop is None:
        await edit(query.message, done)
        return
    entries = await workshops(context).agenda(workshop.id)
    text = agenda_text(workshop.label, entries, context.services.clock.now(), lang)
    await edit(query.message, f"{done}\n\n{text}")
