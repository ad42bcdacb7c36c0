"""A facilitator's nudge: remind one workshop's unfinished participants, paced.

Each recipient is claimed in `reminders_sent` (under a key naming the report the
facilitator pressed) in a transaction committed before anything is sent, so a double
tap or a redelivered press never reminds anyone twice. Messages go through the
process's bulk `Pacer` (bot/telegram/sending.py), shared with broadcasts and reminders, so
together they stay under Telegram's limit; a participant Telegram refuses with 403 is
marked unreachable, and a message provably not sent is released for the next press.
A claim is confirmed once its send is over; one a dead process left unconfirmed is sent
by the periodic tick (`resume_interrupted_nudges`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import Clock
from bot.i18n import t
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.progress import RespondentProgress, Status, WorkshopProgress, load_progress_for
from bot.telegram.sending import Pacer, SendStatus, send_paced
from bot.views.callback_data import RESUME_FROM_REMINDER, Action, encode
from storage.models import RecipientKind
from storage.repositories import participants as participant_repo
from storage.repositories import reminders as reminder_repo

log = logging.getLogger(__name__)

# The claims of a facilitator's nudge are named "nudge:<workshop id>:<message id>".
NUDGE_KEY_PREFIX = "nudge:"


@dataclass(frozen=True)
class NudgeResult:
    """What the facilitator is told after a nudge."""

    sent: int = 0
    unbound: int = 0
    unreachable: int = 0
    failed: int = 0
    already_sent: bool = False


def nudge_text(respondent: RespondentProgress, workshop_code: str) -> str:
    """The reminder in the participant's language."""
    lang = respondent.participant.language
    if respondent.status is Status.NOT_STARTED or respondent.answered == 0:
        return t("nudge_not_started", lang, workshop=workshop_code)
    return t("nudge_in_progress", lang, answered=respondent.answered, total=respondent.relevant)


def resume_keyboard(lang: str) -> InlineKeyboardMarkup:
    """The «Lanjutkan» button the participant handler already answers."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("btn_resume", lang),
                    callback_data=encode(Action.RESUME, None, RESUME_FROM_REMINDER),
                )
            ]
        ]
    )


async def nudge_unfinished(
    bot: Bot,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    report: WorkshopProgress,
    *,
    claim_key: str,
    pacer: Pacer,
) -> NudgeResult:
    """Reminds every unfinished, bound, reachable participant of the workshop once."""
    unfinished = report.unfinished()
    unbound = sum(1 for r in unfinished if not r.participant.bound)
    already_unreachable = sum(
        1 for r in unfinished if r.participant.bound and not r.participant.reachable
    )
    targets = report.nudgeable()
    outcomes: dict[int, SendStatus] = {}
    for respondent in targets:
        # Claimed one by one, just before each send: a claim is never held long enough
        # for its lease to run out while this process is still at work.
        status = await _nudge_one(bot, sessions, clock, report, respondent, claim_key, pacer)
        if status is not None:
            outcomes[respondent.participant.id] = status
    if targets and not outcomes:
        return NudgeResult(already_sent=True)
    blocked = [pid for pid, status in outcomes.items() if status is SendStatus.BLOCKED]
    # A timed-out send probably arrived: counted as sent, never repeated.
    sent = sum(1 for s in outcomes.values() if s in (SendStatus.SENT, SendStatus.UNCERTAIN))
    log.info("nudge %s: %d of %d sent, %d blocked", claim_key, sent, len(outcomes), len(blocked))
    return NudgeResult(
        sent=sent,
        unbound=unbound,
        unreachable=already_unreachable + len(blocked),
        failed=len(outcomes) - sent - len(blocked),
    )


async def _nudge_one(
    bot: Bot,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    report: WorkshopProgress,
    respondent: RespondentProgress,
    claim_key: str,
    pacer: Pacer,
) -> SendStatus | None:
    """Claims, sends and settles one nudge; None if someone else has it."""
    participant = respondent.participant
    kind, pid = RecipientKind.PARTICIPANT, participant.id
    async with sessions.begin() as session:
        if not await reminder_repo.record_sent(
            session,
            recipient_kind=kind,
            recipient_id=pid,
            workshop_id=report.workshop_id,
            reminder_key=claim_key,
            now=clock.now(),
        ):
            return None
    assert participant.telegram_user_id is not None
    result = await send_paced(
        bot,
        pacer,
        participant.telegram_user_id,
        nudge_text(respondent, report.code),
        reply_markup=resume_keyboard(participant.language),
    )
    if result.status not in (SendStatus.SENT, SendStatus.BLOCKED):
        log.warning("nudge to participant %s: %s", participant.id, result.error)
    async with sessions.begin() as session:
        if result.status is SendStatus.NOT_SENT:
            # Provably not delivered: released, so pressing again can retry it.
            await reminder_repo.release(
                session, recipient_kind=kind, recipient_id=pid, reminder_key=claim_key
            )
            return result.status
        await reminder_repo.confirm(
            session, recipient_kind=kind, recipient_id=pid, reminder_key=claim_key, now=clock.now()
        )
        if result.status is SendStatus.BLOCKED:
            await participant_repo.mark_unreachable(session, participant.id, clock.now())
    return result.status


async def resume_interrupted_nudges(
    bot: Bot,
    sessions: async_sessionmaker[AsyncSession],
    read_sessions: async_sessionmaker[AsyncSession],
    questionnaires: QuestionnaireCache,
    clock: Clock,
    pacer: Pacer,
) -> int:
    """Sends the nudges a process claimed and died before sending; returns how many."""
    now = clock.now()
    async with read_sessions() as session:
        left = await reminder_repo.pending(
            session, key_prefix=NUDGE_KEY_PREFIX, older_than=now - reminder_repo.CLAIM_LEASE
        )
    by_key: dict[tuple[int, str], set[int]] = {}
    for claim in left:
        by_key.setdefault((claim.workshop_id, claim.reminder_key), set()).add(claim.recipient_id)
    resumed = 0
    for (workshop_id, claim_key), participant_ids in sorted(by_key.items()):
        async with read_sessions() as session:
            reports = await load_progress_for(session, questionnaires, [workshop_id], now)
        for report in reports:
            for respondent in report.nudgeable():
                if respondent.participant.id in participant_ids:
                    status = await _nudge_one(
                        bot, sessions, clock, report, respondent, claim_key, pacer
                    )
                    resumed += status in (SendStatus.SENT, SendStatus.UNCERTAIN)
    if resumed:
        log.warning("resumed %d nudges a stopped process had claimed", resumed)
    return resumed
