"""A facilitator's nudge: remind one workshop's unfinished participants, paced.

Each recipient is claimed in `reminders_sent` (under a key naming the report the
facilitator pressed) in a transaction committed before anything is sent, so a double
tap or a redelivered press never reminds anyone twice. Messages go out at most
`rate` per second (Telegram accepts about 30/s from one bot); a participant Telegram
refuses with 403 is marked unreachable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.clock import Clock
from bot.handlers.callback_data import Action, encode
from bot.i18n import t
from bot.services.progress import RespondentProgress, Status, WorkshopProgress
from storage.models import RecipientKind
from storage.repositories import participants as participant_repo
from storage.repositories import reminders as reminder_repo

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
MAX_RETRY_AFTER_SECONDS = 60.0


class Delivery(StrEnum):
    """What became of one message."""

    SENT = "sent"
    BLOCKED = "blocked"  # 403: the user blocked the bot
    FAILED = "failed"


@dataclass(frozen=True)
class NudgeResult:
    """What the facilitator is told after a nudge."""

    sent: int = 0
    unbound: int = 0
    unreachable: int = 0
    failed: int = 0
    already_sent: bool = False


class Pacer:
    """Spaces calls at least 1/rate seconds apart."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        """Sleeps until the next call may go out."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._next > now:
            await asyncio.sleep(self._next - now)
            now = self._next
        self._next = now + self._interval


async def send_with_retry(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Delivery:
    """Sends one message, waiting out flood control; never raises for Telegram errors."""
    for _ in range(SEND_ATTEMPTS):
        try:
            await bot.send_message(chat_id, text, reply_markup=markup)
            return Delivery.SENT
        except RetryAfter as exc:
            await asyncio.sleep(min(retry_seconds(exc), MAX_RETRY_AFTER_SECONDS))
        except Forbidden:
            return Delivery.BLOCKED
        except TelegramError as exc:
            log.warning("message to chat %s failed: %s", chat_id, exc)
            return Delivery.FAILED
    return Delivery.FAILED


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds Telegram asked to wait (an int or a timedelta, by PTB version)."""
    delay: object = exc.retry_after
    if isinstance(delay, dt.timedelta):
        return delay.total_seconds()
    return float(delay)  # type: ignore[arg-type]


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
    rate: float,
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
    pacer = Pacer(rate)
    outcomes: dict[int, Delivery] = {}
    for respondent in claimed:
        await pacer.wait()
        participant = respondent.participant
        assert participant.telegram_user_id is not None
        outcomes[participant.id] = await send_with_retry(
            bot,
            participant.telegram_user_id,
            nudge_text(respondent, report.code),
            resume_keyboard(participant.language),
        )
    blocked = [pid for pid, outcome in outcomes.items() if outcome is Delivery.BLOCKED]
    failed = [pid for pid, outcome in outcomes.items() if outcome is Delivery.FAILED]
    if blocked or failed:
        async with sessions.begin() as session:
            for participant_id in blocked:
                await participant_repo.mark_unreachable(session, participant_id, clock.now())
            # Unsent reminders are released so pressing again can retry them.
            for participant_id in failed:
                await reminder_repo.release(
                    session,
                    recipient_kind=RecipientKind.PARTICIPANT,
                    recipient_id=participant_id,
                    reminder_key=claim_key,
                )
    log.info(
        "nudge %s: %d sent, %d blocked, %d failed",
        claim_key,
        len(outcomes),
        len(blocked),
        len(failed),
    )
    return NudgeResult(
        sent=sum(1 for outcome in outcomes.values() if outcome is Delivery.SENT),
        unbound=unbound,
        unreachable=already_unreachable + len(blocked),
        failed=len(failed),
    )
