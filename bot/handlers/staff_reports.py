"""Staff reports in the chat: /progres with a nudge button, and /ekspor.

These handlers live in the staff group. For a staff member they answer and stop the
update (ApplicationHandlerStop); for anyone else they return, so the participant group
answers /progres with the participant's own progress and /ekspor like any unknown
command. Roles are read on every call, never cached.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.constants import ChatAction
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from bot.context import WipApplication, WipContext
from bot.i18n import normalise_language, t
from bot.notices import format_day
from bot.outbound.exports import send_export
from bot.outbound.nudges import NUDGE_KEY_PREFIX, NudgeResult, nudge_unfinished
from bot.questionnaire.model import Arena
from bot.reports.bundle import build_export_for, export_caption, research_lines
from bot.services.progress import (
    RespondentProgress,
    Status,
    WorkshopProgress,
    load_progress_for,
)
from bot.services.staff_access import StaffAccess, staff_access
from bot.telegram.messages import answer_query
from bot.views.callback_data import StaffFeature, number, staff_data, staff_parts, staff_pattern
from bot.workshop_state import WorkshopPhase
from storage.db import create_session_factory
from storage.repositories import workshops as workshop_repo

log = logging.getLogger(__name__)

REPORT = StaffFeature.REPORT
UNFINISHED_LIST_LIMIT = 40
# Telegram refuses texts over 4096 characters; long names must not break the report.
TEXT_BUDGET = 3900
PRIVATE = filters.ChatType.PRIVATE


def register(application: WipApplication, group: int) -> None:
    """Registers /progres, /ekspor and their buttons in the staff group."""
    add = application.add_handler
    add(CommandHandler(["progres", "progress"], show_progress, filters=PRIVATE), group)
    add(CommandHandler(["ekspor", "export"], export_results, filters=PRIVATE), group)
    add(CallbackQueryHandler(on_button, pattern=staff_pattern(REPORT)), group)


# --- commands ----------------------------------------------------------------------------


async def show_progress(update: Update, context: WipContext) -> None:
    """Shows a facilitator their workshop's progress, an organiser every workshop."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    access = await staff_access(context.services.read_sessions, user.id)
    if not access.is_staff:
        return  # a participant's own /progres, in the participant group
    lang = _language(user)
    if access.is_organiser:
        reports = await _load(context, None)
        text, keyboard = overview_message(reports, lang)
        await context.bot.send_message(chat.id, text, reply_markup=keyboard)
    else:
        for report in await _load(context, sorted(access.facilitated_workshop_ids)):
            research = await research_lines(report, lang)
            text, keyboard = report_message(report, lang, research)
            await context.bot.send_message(chat.id, text, reply_markup=keyboard)
    raise ApplicationHandlerStop


async def export_results(update: Update, context: WipContext) -> None:
    """Sends a facilitator their workshop's export; organisers choose a workshop or all."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    access = await staff_access(context.services.read_sessions, user.id)
    if not access.is_staff:
        return  # unknown to a participant: the participant group answers
    lang = _language(user)
    if not access.is_organiser and len(access.facilitated_workshop_ids) == 1:
        (workshop_id,) = access.facilitated_workshop_ids
        await _deliver_export(context, chat.id, [workshop_id], lang)
        raise ApplicationHandlerStop
    async with context.services.sessions() as session:
        workshops = await workshop_repo.list_workshops(session)
    choices = [
        (
            w.id,
            f"{w.province.name_id if lang == 'id' else w.province.name_en} · "
            f"{format_day(w.date, lang)}",
        )
        for w in workshops
        if access.can_manage(w.id)
    ]
    if not choices:
        await context.bot.send_message(chat.id, t("no_workshops", lang))
        raise ApplicationHandlerStop
    rows = _button_rows(
        [
            InlineKeyboardButton(code, callback_data=staff_data(REPORT, "export", wid))
            for wid, code in choices
        ]
    )
    if access.is_organiser:
        rows.append(
            [
                InlineKeyboardButton(
                    t("btn_export_all", lang), callback_data=staff_data(REPORT, "export", "all")
                )
            ]
        )
    await context.bot.send_message(
        chat.id, t("export_pick", lang), reply_markup=InlineKeyboardMarkup(rows)
    )
    raise ApplicationHandlerStop


# --- buttons -----------------------------------------------------------------------------


async def on_button(update: Update, context: WipContext) -> None:
    """Opens a workshop's report, nudges its unfinished participants, or exports it."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    user = query.from_user
    lang = _language(user)
    access = await staff_access(context.services.read_sessions, user.id)
    parts = staff_parts(query.data, REPORT) or [""]
    action, argument = parts[0], ":".join(parts[1:])
    workshop_ids = _workshop_ids(access, argument)
    if workshop_ids is None:
        await answer_query(query, t("staff_not_allowed", lang), alert=True)
        raise ApplicationHandlerStop
    chat_id = query.message.chat.id if query.message else user.id
    try:
        if action == "show":
            for report in await _load(context, workshop_ids):
                research = await research_lines(report, lang)
                text, keyboard = report_message(report, lang, research)
                await context.bot.send_message(chat_id, text, reply_markup=keyboard)
        elif action == "nudge" and len(workshop_ids) == 1:
            message_id = query.message.message_id if query.message else 0
            await _nudge(context, chat_id, workshop_ids[0], message_id, lang)
        elif action == "export":
            ids = None if argument == "all" else workshop_ids
            await _deliver_export(context, chat_id, ids, lang)
    finally:
        # The work first: Telegram refuses to answer a query that is too old.
        await answer_query(query)
    raise ApplicationHandlerStop


def _workshop_ids(access: StaffAccess, argument: str) -> list[int] | None:
    """The workshops a button names, or None if the user may not act on them."""
    if argument == "all":
        return [] if access.is_organiser else None
    workshop_id = number(argument)
    if workshop_id is None or not access.can_manage(workshop_id):
        return None
    return [workshop_id]


async def _nudge(
    context: WipContext, chat_id: int, workshop_id: int, message_id: int, lang: str
) -> None:
    services = context.services
    reports = await _load(context, [workshop_id])
    if not reports:
        return
    result = await nudge_unfinished(
        context.bot,
        services.sessions,
        services.clock,
        reports[0],
        # One nudge per report message: a double tap reminds nobody twice, a fresh
        # /progres report can nudge again later.
        claim_key=f"{NUDGE_KEY_PREFIX}{workshop_id}:{message_id}",
        pacer=context.services.pacer,
    )
    await context.bot.send_message(chat_id, nudge_result_text(result, lang))


async def _deliver_export(
    context: WipContext, chat_id: int, workshop_ids: Sequence[int] | None, lang: str
) -> None:
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    services = context.services
    built = await build_export_for(
        services.read_sessions, services.questionnaires, workshop_ids, services.clock.now()
    )
    if built is None:
        await context.bot.send_message(chat_id, t("no_workshops", lang))
        return
    caption = export_caption(built, lang, context.services.clock.now())
    await send_export(context.bot, chat_id, built, caption)


async def _load(context: WipContext, workshop_ids: Sequence[int] | None) -> list[WorkshopProgress]:
    services = context.services
    reader = create_session_factory(services.engine, read_only=True)
    async with reader() as session:
        return await load_progress_for(
            session, services.questionnaires, workshop_ids, services.clock.now()
        )


# --- rendering ---------------------------------------------------------------------------


def report_message(
    report: WorkshopProgress, lang: str, research: Sequence[str] = ()
) -> tuple[str, InlineKeyboardMarkup]:
    """One workshop: counts, the research lines (quality flags, agreement), counts by
    arena, who has not finished; nudge and export buttons."""
    counts = report.counts
    lines = [
        t(
            "report_title",
            lang,
            workshop=report.code,
            province=report.province_name,
            date=format_day(report.date, lang),
        ),
        "",
        t(
            "report_counts",
            lang,
            submitted=counts.submitted,
            in_progress=counts.in_progress,
            not_started=counts.not_started,
            total=counts.total,
        ),
    ]
    if research:
        lines += ["", *research]
    if report.phase is WorkshopPhase.CLOSED:
        lines += ["", t("report_closed", lang)]
    if not report.respondents:
        lines += ["", t("report_no_participants", lang)]
    else:
        lines += ["", t("report_by_arena", lang)]
        for arena, item in report.counts_by_arena().items():
            lines.append(
                t(
                    "report_arena_line",
                    lang,
                    arena=_arena(arena, lang),
                    submitted=item.submitted,
                    total=item.total,
                    in_progress=item.in_progress,
                    not_started=item.not_started,
                )
            )
        unfinished = report.unfinished()
        lines.append("")
        if unfinished:
            lines.append(t("report_unfinished", lang, count=len(unfinished)))
            length = sum(len(line) + 1 for line in lines)
            shown = 0
            for respondent in unfinished[:UNFINISHED_LIST_LIMIT]:
                line = _unfinished_line(respondent, lang)
                length += len(line) + 1
                if length > TEXT_BUDGET:
                    break
                lines.append(line)
                shown += 1
            if shown < len(unfinished):
                lines.append(t("report_unfinished_more", lang, count=len(unfinished) - shown))
        else:
            lines.append(t("report_all_submitted", lang))
    rows = []
    nudgeable = report.nudgeable()
    if nudgeable and report.phase is not WorkshopPhase.CLOSED:
        label = t("btn_nudge", lang, count=len(nudgeable))
        rows.append(
            [
                InlineKeyboardButton(
                    label, callback_data=staff_data(REPORT, "nudge", report.workshop_id)
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                t("btn_export_workshop", lang),
                callback_data=staff_data(REPORT, "export", report.workshop_id),
            )
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def overview_message(
    reports: Sequence[WorkshopProgress], lang: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One line per workshop, with a button to open each."""
    if not reports:
        return t("no_workshops", lang), None
    lines = [t("overview_title", lang, count=len(reports)), ""]
    for report in reports:
        counts = report.counts
        lines.append(
            t(
                "overview_line",
                lang,
                code=report.code,
                province=report.province_name,
                submitted=counts.submitted,
                total=counts.total,
                in_progress=counts.in_progress,
                not_started=counts.not_started,
            )
        )
    lines += ["", t("overview_pick", lang)]
    buttons = [
        InlineKeyboardButton(
            f"{r.province_name} · {format_day(r.date, lang)}",
            callback_data=staff_data(REPORT, "show", r.workshop_id),
        )
        for r in reports
    ]
    return "\n".join(lines), InlineKeyboardMarkup(_button_rows(buttons))


def nudge_result_text(result: NudgeResult, lang: str) -> str:
    """What the facilitator is told after pressing the nudge button."""
    if result.already_sent:
        return t("nudge_already_sent", lang)
    lines = [t("nudge_result", lang, sent=result.sent)]
    if result.unbound:
        lines.append(t("nudge_result_unbound", lang, count=result.unbound))
    if result.unreachable:
        lines.append(t("nudge_result_unreachable", lang, count=result.unreachable))
    if result.failed:
        lines.append(t("nudge_result_failed", lang, count=result.failed))
    return "\n".join(lines)


def _unfinished_line(respondent: RespondentProgress, lang: str) -> str:
    participant = respondent.participant
    if participant.declined_at is not None:
        state = t("report_status_declined", lang)
    elif respondent.status is Status.NOT_STARTED:
        state = t("report_status_not_started", lang)
    else:
        state = t(
            "report_status_in_progress",
            lang,
            answered=respondent.answered,
            total=respondent.relevant,
        )
    flags = [state]
    if not participant.bound:
        flags.append(t("report_flag_unbound", lang))
    elif participant.unreachable_at is not None:
        flags.append(t("report_flag_unreachable", lang))
    return f"• {participant.name} ({_arena(participant.arena, lang)}) — {' · '.join(flags)}"


def _arena(arena: str | None, lang: str) -> str:
    if not arena:
        return t("report_no_arena", lang)
    try:
        return Arena(arena).label.get(lang)
    except ValueError:
        return arena


def _button_rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int = 2
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _language(user: User | None) -> str:
    # Staff have no stored language; Telegram's language setting decides.
    return normalise_language(user.language_code if user else None)
