"""The periodic job: due reminders from the agenda, broadcasts left to deliver, pruning.

One job (PTB's JobQueue, every `scheduler_interval_seconds`, first run at start-up)
calls `tick`, which
1. requeues broadcast deliveries a dead process left 'sending' and wakes the sender, so
   a crash mid-broadcast resumes and broadcasts queued by the admin script go out;
2. asks the agenda what is due now (`bot.services.reminders.due_reminders`) and sends
   it: break nudges and last calls to participants, the summary to facilitators;
3. sends the nudges a process claimed and died before sending;
4. at most once an hour, forgets processed update ids older than three days.
Nothing per reminder is scheduled, so a moved session moves its reminders by itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import metrics
from bot.context import Services, WipApplication, WipContext
from bot.formatting import local_time
from bot.i18n import t
from bot.notices import (
    SummaryCounts,
    break_nudge_text,
    closing_summary_text,
    delivery_report_text,
    last_call_text,
    session_title,
)
from bot.outbound.broadcaster import STALE_SENDING, BroadcastDispatcher
from bot.outbound.nudges import resume_interrupted_nudges
from bot.services.broadcasts import STAFF_KIND, Finished, Outbox
from bot.services.reminders import (
    DueWork,
    ParticipantTarget,
    ReminderKind,
    Reminders,
    StaffTarget,
    Standing,
    standing,
)
from bot.telegram.sending import Pacer, SendStatus, send_paced
from bot.views.callback_data import RESUME_FROM_REMINDER, Action, encode
from storage.models import RecipientKind
from storage.repositories import updates as update_repo

log = logging.getLogger(__name__)

# Telegram keeps an update for redelivery at most 24 hours; ids older than this are useless.
KEEP_UPDATE_IDS = dt.timedelta(days=3)
PRUNE_EVERY = dt.timedelta(hours=1)
# Reminders to one workshop go out concurrently (still paced by the shared Pacer).
_CONCURRENT_SENDS = 16


@dataclass
class Background:
    """Per-process state of the periodic work: the bulk pacer, the broadcast sender."""

    pacer: Pacer
    outbox: Outbox
    dispatcher: BroadcastDispatcher
    reminders: Reminders
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pruned_at: dt.datetime | None = None
    resumed_once: bool = False

    async def close(self) -> None:
        """Stops the broadcast sender; deliveries it was sending are requeued by the next start."""
        await self.dispatcher.close()


def background_of(application: WipApplication) -> Background:
    """The process's outbound state, created by `schedule_jobs`."""
    background = application.bot_data.outbound
    if not isinstance(background, Background):
        raise RuntimeError("the outbound jobs are not scheduled")
    return background


def schedule_jobs(application: WipApplication) -> None:
    """Creates the bulk sender and schedules the periodic job on PTB's JobQueue."""
    services = application.bot_data.services
    assert services is not None
    pacer = services.pacer
    outbox = Outbox(services.sessions, services.clock, read_sessions=services.read_sessions)

    async def report(finished: Finished) -> None:
        await _send_report(application, finished)

    background = Background(
        pacer=pacer,
        outbox=outbox,
        dispatcher=BroadcastDispatcher(outbox, application.bot, pacer, report),
        reminders=Reminders(services.sessions, services.questionnaires, services.read_sessions),
    )
    application.bot_data.outbound = background
    services.wake_sender = background.dispatcher.kick
    jobs = application.job_queue
    assert jobs is not None
    interval = services.settings.scheduler_interval_seconds
    jobs.run_repeating(_periodic, interval=interval, first=interval, name="tick")
    # Once as soon as the scheduler starts, however long start-up took (a job added before
    # the start whose first run lies in the past would otherwise wait a whole interval).
    jobs.run_once(_periodic, when=0, name="tick-at-start", job_kwargs={"misfire_grace_time": None})


async def _periodic(context: WipContext) -> None:
    """Runs one tick unless the previous one is still busy."""
    if background_of(cast("WipApplication", context.application)).lock.locked():
        return
    await tick(cast("WipApplication", context.application))


async def tick(application: WipApplication) -> None:
    """Resumes broadcasts and sends what the agenda says is due now (tests call this too)."""
    services = application.bot_data.services
    assert services is not None
    background = background_of(application)
    async with background.lock:
        try:
            await _resume_broadcasts(background)
        except Exception:
            log.exception("could not resume broadcasts")
        try:
            await _send_due_reminders(application, services, background)
        except Exception:
            log.exception("could not send due reminders")
        try:
            await resume_interrupted_nudges(
                application.bot,
                services.sessions,
                services.read_sessions,
                services.questionnaires,
                services.clock,
                background.pacer,
            )
        except Exception:
            log.exception("could not resume interrupted nudges")
        try:
            await _prune_processed_updates(services, background)
        except Exception:
            log.exception("could not prune processed update ids")


async def _prune_processed_updates(services: Services, background: Background) -> None:
    """Forgets update ids older than Telegram's redelivery window (at most once an hour)."""
    now = services.clock.now()
    if background.pruned_at is not None and now - background.pruned_at < PRUNE_EVERY:
        return
    async with services.sessions.begin() as session:
        removed = await update_repo.prune_processed_updates(session, now - KEEP_UPDATE_IDS)
    background.pruned_at = now
    if removed:
        log.info("forgot %d processed update ids older than %s", removed, KEEP_UPDATE_IDS)


async def _resume_broadcasts(background: Background) -> None:
    if not background.dispatcher.running:
        # Only a sender of ours could be working on them, and none is: a dead process
        # left them. Requeue, accepting a possible duplicate over a silent loss. At
        # start-up nothing of this process can be sending yet, so all of them go back
        # at once: a broadcast cut by a crash resumes within seconds of the restart.
        stale = STALE_SENDING if background.resumed_once else dt.timedelta(0)
        background.resumed_once = True
        requeued = await background.outbox.requeue_stale(stale)
        if requeued:
            log.warning("requeued %d broadcast deliveries left by a stopped process", requeued)
    if await background.outbox.has_due():
        background.dispatcher.kick()


async def _send_due_reminders(
    application: WipApplication, services: Services, background: Background
) -> None:
    now = services.clock.now()
    settings = services.settings
    work = await background.reminders.due(
        now,
        last_call_minutes=settings.last_call_minutes,
        grace=dt.timedelta(minutes=settings.reminder_grace_minutes),
    )
    for item in work:
        if item.reminder.kind is ReminderKind.SUMMARY:
            await _send_summaries(application, background, item, now)
        else:
            await _remind_participants(application, background, item, now)


async def _remind_participants(
    application: WipApplication, background: Background, item: DueWork, now: dt.datetime
) -> None:
    reminders = background.reminders
    selection = await reminders.participant_targets(item.workshop.id, now)
    targets = list(selection.targets)
    if item.reminder.kind is ReminderKind.BREAK:
        # Answering right now: no nudge for this break (claimed, so none comes later).
        for busy in selection.active:
            await reminders.claim(
                RecipientKind.PARTICIPANT,
                busy.participant_id,
                item.workshop.id,
                item.reminder.key,
                now,
            )
    else:
        targets += selection.active  # the last call is about a deadline: everyone hears it
    limit = asyncio.Semaphore(_CONCURRENT_SENDS)

    async def remind(target: ParticipantTarget) -> None:
        async with limit:
            await _remind_one(application, background, item, target, now)

    await asyncio.gather(*(remind(target) for target in targets))


async def _remind_one(
    application: WipApplication,
    background: Background,
    item: DueWork,
    target: ParticipantTarget,
    now: dt.datetime,
) -> None:
    reminders = background.reminders
    key = item.reminder.key
    kind = RecipientKind.PARTICIPANT
    if not await reminders.claim(kind, target.participant_id, item.workshop.id, key, now):
        return
    text, button = reminder_wording(item, target)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    button, callback_data=encode(Action.RESUME, None, RESUME_FROM_REMINDER)
                )
            ]
        ]
    )
    result = await send_paced(
        application.bot, background.pacer, target.telegram_user_id, text, reply_markup=keyboard
    )
    if result.status is SendStatus.NOT_SENT:
        log.warning("reminder %s to %s not sent: %s", key, target.participant_id, result.error)
        await reminders.release(kind, target.participant_id, key)
        return
    # Sent, refused or uncertain: done, never sent again (see bot.services.reminders).
    await reminders.confirm(kind, target.participant_id, key, now)
    match result.status:
        case SendStatus.SENT:
            metrics.REMINDERS_SENT.inc()
            # The question is not sent again: the reminder's one button brings it up
            # where it is, or anew if it has scrolled away (bot.views.participant).
        case SendStatus.BLOCKED:
            await reminders.mark_unreachable(target.participant_id, now)
        case _:
            log.warning("reminder %s to %s: %s", key, target.participant_id, result.error)


def reminder_wording(item: DueWork, target: ParticipantTarget) -> tuple[str, str]:
    """The reminder's text and button, worded for where the person stands: someone still
    reading the consent is invited to read it, someone who has not begun is told how long
    it takes, and only those under way hear how many questions they have answered."""
    lang = target.language
    match standing(target), item.reminder.kind:
        case Standing.NOT_CONSENTED, ReminderKind.BREAK:
            session = session_title(item.session, lang)
            text = t("reminder_break_not_consented", lang, session=session)
        case Standing.NOT_CONSENTED, _:
            time = local_time(item.session.starts_at, item.workshop.zone, lang)
            text = t("reminder_last_call_not_consented", lang, time=time)
        case Standing.NOT_STARTED, ReminderKind.BREAK:
            session = session_title(item.session, lang)
            text = t("reminder_break_not_started", lang, session=session, total=target.total)
        case Standing.NOT_STARTED, _:
            time = local_time(item.session.starts_at, item.workshop.zone, lang)
            text = t("reminder_last_call_not_started", lang, time=time, total=target.total)
        case _, ReminderKind.BREAK:
            text = break_nudge_text(item.session, target.answered, target.total, lang)
        case _:
            text = last_call_text(
                item.session.starts_at, item.workshop.zone, target.answered, target.total, lang
            )
    button = {
        Standing.NOT_CONSENTED: "btn_read_consent",
        Standing.NOT_STARTED: "btn_begin",
        Standing.IN_PROGRESS: "btn_resume",
    }[standing(target)]
    return text, t(button, lang)


async def _send_summaries(
    application: WipApplication, background: Background, item: DueWork, now: dt.datetime
) -> None:
    reminders = background.reminders
    facilitators = await reminders.facilitators(item.workshop.id)
    if not facilitators:
        return
    progress = await reminders.progress(item.workshop.id, now)
    counts = progress.counts
    summary = SummaryCounts(
        submitted=counts.submitted,
        in_progress=counts.in_progress,
        not_started=counts.not_started,
        unfinished_names=tuple(r.participant.name for r in progress.unfinished()),
    )
    for facilitator in facilitators:
        await _summarise_to(application, background, item, facilitator, summary, now)


async def _summarise_to(
    application: WipApplication,
    background: Background,
    item: DueWork,
    facilitator: StaffTarget,
    summary: SummaryCounts,
    now: dt.datetime,
) -> None:
    reminders = background.reminders
    key, kind = item.reminder.key, RecipientKind.STAFF
    if not await reminders.claim(kind, facilitator.staff_id, item.workshop.id, key, now):
        return
    # Staff have no language setting; the summary is in Indonesian, the workshops' language.
    text = closing_summary_text(item.workshop.label, summary, item.session.starts_at, "id")
    result = await send_paced(application.bot, background.pacer, facilitator.telegram_user_id, text)
    if result.status is SendStatus.NOT_SENT:
        await reminders.release(kind, facilitator.staff_id, key)
        return
    await reminders.confirm(kind, facilitator.staff_id, key, now)
    if result.status is not SendStatus.SENT:
        log.warning("summary %s to staff %s: %s", key, facilitator.staff_id, result.error)


async def _send_report(application: WipApplication, finished: Finished) -> None:
    """Tells a staff member how their broadcast went."""
    if finished.kind != STAFF_KIND or not finished.sender:
        return
    text = delivery_report_text(finished.report, finished.sender_language)
    result = await send_paced(
        application.bot, background_of(application).pacer, finished.sender, text
    )
    if result.status is not SendStatus.SENT:
        log.warning("broadcast report to %s: %s", finished.sender, result.error)
