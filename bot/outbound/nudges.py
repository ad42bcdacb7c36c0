"""A facilitator's nudge: remind one workshop's unfinished participants, paced.

Each recipient is claimed in `reminders_sent` (under a key naming the report the
facilitator pressed) in a transaction committed before anything is sent, so a double
tap or a redelivered press never reminds anyone twice. Messages go through the
process's bulk `Pacer` (bot/telegram/sending.py), shared with broadcasts and reminders, so
together they stay under Telegram's limit; a participant Telegram refuses with 403 is
marked unreachable, and a message provably not sent is released for the next press.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import Clock
from bot.i18n import t
from bot.services.progress import RespondentProgress, Status, WorkshopProgress
from bot.telegram.sending import Pacer, SendStatus, send_paced
from bot.views.callback_data import Action, encode
from storage.models import RecipientKind
from storage.repositories import participants as participant_repo
from storage.repositories import reminders as reminder_repo

log = logging.getLogger(__name__)


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
        [[InlineKeyboardButton(t("btn_resume", lang), callback_data=encode(Action.RESUME))]]
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
    now = clock.now()
    async with sessions.begin() as session:
        claimed = [
            r
            for r in targets
            if await reminder_repo.record_sent(
                session,
                recipient_kind=RecipientKind.PARTICIPANT,
                recipient_id=r.participant.id,
                workshop_id=report.workshop_id,
                reminder_key=claim_key,
                now=now,
            )
        ]
    if targets and not claimed:
        return NudgeResult(already_sent=True)
    outcomes: dict[int, SendStatus] = {}
    for respondent in claimed:
        participant = respondent.participant
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
        outcomes[participant.id] = result.status
    blocked = [pid for pid, status in outcomes.items() if status is SendStatus.BLOCKED]
    not_sent = [pid for pid, status in outcomes.items() if status is SendStatus.NOT_SENT]
    if blocked or not_sent:
        async with sessions.begin() as session:
            for participant_id in blocked:
                await participant_repo.mark_unreachable(session, participant_id, clock.now())
            # Provably not delivered: released, so pressing again can retry them.
            for participant_id in not_sent:
                await reminder_repo.release(
                    session,
                    recipient_kind=RecipientKind.PARTICIPANT,
                    recipient_id=participant_id,
                    reminder_key=claim_key,
                )
    # A timed-out send probably arrived: counted as sent, never repeated.
    sent = sum(1 for s in outcomes.values() if s in (SendStatus.SENT, SendStatus.UNCERTAIN))
    log.info("nudge %s: %d of %d sent, %d blocked", claim_key, sent, len(outcomes), len(blocked))
    return NudgeResult(
        sent=sent,
        unbound=unbound,
        unreachable=already_unreachable + len(blocked),
        failed=len(outcomes) - sent - len(blocked),
    )
