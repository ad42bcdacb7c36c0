"""Results exports delivered by the bot: on request (/ekspor) and before the closing.

A configurable time (`export_before_closing_minutes`) before a workshop's closing
session, each of its facilitators gets the workshop's export as an XLSX document with
the completion summary, plus the heatmap picture. Every (facilitator, closing session)
is claimed in `reminders_sent` under ``export:<workshop id>:<closing start, UTC ISO>``
in a transaction committed BEFORE building and sending, so two processes, a restart or a
second run of the job deliver it once. The claim is confirmed only after the send; one
that a crash left unconfirmed is taken over after a short lease (`CLAIM_LEASE`), so the
export still reaches the facilitator. A send Telegram provably did not take is released,
so the next run retries it.

Exports from the bot are pseudonymous (no roster): names stay in `wipbot-admin export
--with-names`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Bot
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application

from bot.context import Services, WipApplication, WipContext
from bot.formatting import local_time
from bot.i18n import t
from bot.reports.bundle import BuiltExport, build_export_for, export_caption
from bot.telegram.sending import SendStatus, classify_failure, retry_after_seconds
from storage.models import RecipientKind, SessionKind, StaffRole
from storage.repositories import reminders as reminder_repo
from storage.repositories import staff as staff_repo
from storage.repositories import workshops as workshop_repo

log = logging.getLogger(__name__)

JOB_NAME = "export-before-closing"
SEND_ATTEMPTS = 3
MAX_FLOOD_WAIT_SECONDS = 60.0
# A closing session is looked for this far back, so a bot restarted during the closing
# still delivers what it missed.
LOOKBACK = dt.timedelta(hours=12)


async def send_export(bot: Bot, chat_id: int, built: BuiltExport, caption: str) -> SendStatus:
    """Sends the workbook with its caption, then the heatmap; never raises for Telegram."""
    for _ in range(SEND_ATTEMPTS):
        try:
            await bot.send_document(
                chat_id, document=built.xlsx, filename=built.filename, caption=caption
            )
            break
        except RetryAfter as exc:
            await asyncio.sleep(min(retry_after_seconds(exc), MAX_FLOOD_WAIT_SECONDS))
        except TelegramError as exc:
            failure = classify_failure(exc)
            log.warning("export to chat %s: %s", chat_id, failure.error)
            return failure.status
    else:
        return SendStatus.NOT_SENT
    try:
        await bot.send_photo(chat_id, photo=built.png, filename=_png_name(built.filename))
    except TelegramError as exc:
        # The workbook holds the same picture; a missing photo is not worth a resend.
        log.warning("heatmap to chat %s failed: %s", chat_id, exc)
    return SendStatus.SENT


def _png_name(filename: str) -> str:
    return filename.rsplit(".", 1)[0] + ".png"


@dataclass(frozen=True)
class _Claim:
    staff_id: int
    chat_id: int


async def deliver_due_exports(
    application_or_bot: Application[Any, Any, Any, Any, Any, Any] | Bot,
    services: Services,
    now: dt.datetime,
) -> int:
    """Sends each due workshop's export to its facilitators once; returns documents sent."""
    bot = (
        application_or_bot.bot
        if isinstance(application_or_bot, Application)
        else application_or_bot
    )
    window = dt.timedelta(minutes=services.settings.export_before_closing_minutes)
    async with services.read_sessions() as session:
        upcoming = await workshop_repo.agenda_sessions_starting_between(
            session, now - LOOKBACK, now + window
        )
    sent = 0
    for closing in upcoming:
        if closing.kind != SessionKind.CLOSING.value or closing.ends_at <= now:
            continue
        # Claimed workshop by workshop, just before its export is built and sent, so no
        # claim waits long enough for its lease to run out while this process works.
        key = f"export:{closing.workshop_id}:{closing.starts_at.astimezone(dt.UTC).isoformat()}"
        claimed = await _claim(services, closing.workshop_id, key, now)
        if claimed:
            sent += await _deliver(
                services, bot, closing.workshop_id, closing.starts_at, key, claimed, now
            )
    return sent


async def _claim(services: Services, workshop_id: int, key: str, now: dt.datetime) -> list[_Claim]:
    """Claims the export for each facilitator of the workshop who has not had it."""
    async with services.sessions.begin() as session:
        facilitators = [
            s
            for s in await staff_repo.list_staff(session, workshop_id)
            if s.role == StaffRole.FACILITATOR.value and s.workshop_id == workshop_id
        ]
        return [
            _Claim(facilitator.id, facilitator.telegram_user_id)
            for facilitator in facilitators
            if await reminder_repo.record_sent(
                session,
                recipient_kind=RecipientKind.STAFF,
                recipient_id=facilitator.id,
                workshop_id=workshop_id,
                reminder_key=key,
                now=now,
            )
        ]


async def _deliver(
    services: Services,
    bot: Bot,
    workshop_id: int,
    starts_at: dt.datetime,
    key: str,
    claimed: Sequence[_Claim],
    now: dt.datetime,
) -> int:
    """Builds the workshop's export and sends it to the claimed facilitators."""
    try:
        built = await build_export_for(
            services.read_sessions, services.questionnaires, [workshop_id], now
        )
    except Exception:
        log.exception("export of workshop %s before closing could not be built", workshop_id)
        await _release(services, key, [c.staff_id for c in claimed])
        return 0
    if built is None:  # pragma: no cover - the workshop was deleted meanwhile
        return 0
    workshop = built.workshops[0]
    caption = (
        t(
            "export_before_closing",
            "id",
            time=local_time(starts_at, workshop.zone, "id"),
            workshop=workshop.code,
        )
        + "\n\n"
        + export_caption(built, "id", now)
    )
    sent = 0
    retry: list[int] = []
    for claim in claimed:
        status = await send_export(bot, claim.chat_id, built, caption)
        if status is SendStatus.NOT_SENT:
            retry.append(claim.staff_id)
            continue
        # Sent, or may have arrived, or refused for good: done, never sent again.
        await _confirm(services, key, claim.staff_id, services.clock.now())
        if status in (SendStatus.SENT, SendStatus.UNCERTAIN):
            sent += 1
        else:
            log.warning("export not delivered to facilitator %s: %s", claim.staff_id, status)
    if retry:
        await _release(services, key, retry)
    return sent


async def _confirm(services: Services, key: str, staff_id: int, now: dt.datetime) -> None:
    async with services.sessions.begin() as session:
        await reminder_repo.confirm(
            session,
            recipient_kind=RecipientKind.STAFF,
            recipient_id=staff_id,
            reminder_key=key,
            now=now,
        )


async def _release(services: Services, key: str, staff_ids: Sequence[int]) -> None:
    async with services.sessions.begin() as session:
        for staff_id in staff_ids:
            await reminder_repo.release(
                session,
                recipient_kind=RecipientKind.STAFF,
                recipient_id=staff_id,
                reminder_key=key,
            )


async def _export_job(context: WipContext) -> None:
    """Delivers the exports that are due (the job's callback)."""
    services = context.services
    await deliver_due_exports(context.application, services, services.clock.now())


def schedule_export_job(application: WipApplication) -> None:
    """Registers the export-before-closing check on PTB's JobQueue."""
    services = application.bot_data.services
    if services is None:  # pragma: no cover - build_application sets them first
        raise RuntimeError("services are not initialised")
    if application.job_queue is None:  # pragma: no cover - the job-queue extra is required
        log.warning("no JobQueue: exports before closing are disabled")
        return
    interval = services.settings.scheduler_interval_seconds
    application.job_queue.run_repeating(
        _export_job, interval=interval, first=interval, name=JOB_NAME
    )
