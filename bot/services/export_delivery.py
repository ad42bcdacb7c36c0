"""Results exports delivered by the bot: on request (/ekspor) and before the closing.

A configurable time (`export_before_closing_minutes`) before a workshop's closing
session, each of its facilitators gets the workshop's export as an XLSX document with
the completion summary, plus the heatmap picture. Every (facilitator, closing session)
is claimed in `reminders_sent` under ``export:<workshop id>:<closing start, UTC ISO>``
in a transaction committed BEFORE sending, so two processes, a restart or a second run
of the job deliver it once. A send that fails for a reason other than a block is
released, so the next run retries it.

Exports from the bot are pseudonymous (no roster): names stay in `wipbot-admin export
--with-names`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application

from bot.delivery import SendStatus, classify_failure, retry_after_seconds
from bot.i18n import t
from bot.questionnaire.scoring import band
from bot.services.progress import StatusCounts, WorkshopProgress, load_progress_for
from storage.db import create_session_factory
from storage.models import RecipientKind, SessionKind, StaffRole
from storage.repositories import reminders as reminder_repo
from storage.repositories import staff as staff_repo
from storage.repositories import workshops as workshop_repo

if TYPE_CHECKING:
    from bot.app import Services, WipApplication, WipContext

log = logging.getLogger(__name__)

JOB_NAME = "export-before-closing"
SEND_ATTEMPTS = 3
MAX_FLOOD_WAIT_SECONDS = 60.0
# A closing session is looked for this far back, so a bot restarted during the closing
# still delivers what it missed.
LOOKBACK = dt.timedelta(hours=12)


@dataclass(frozen=True)
class BuiltExport:
    """An export ready to send."""

    filename: str
    xlsx: bytes
    png: bytes
    index: float | None
    workshops: tuple[WorkshopProgress, ...]

    @property
    def counts(self) -> StatusCounts:
        """Completion summed over the exported workshops."""
        people = [r for w in self.workshops for r in w.respondents]
        return StatusCounts.of(people)


async def build_export_for(
    services: Services, workshop_ids: Sequence[int] | None
) -> BuiltExport | None:
    """Reads the workshops (None: all) and builds the workbook in a worker thread."""
    now = services.clock.now()
    reader = create_session_factory(services.engine, read_only=True)
    async with reader() as session:
        workshops = await load_progress_for(session, services.questionnaires, workshop_ids, now)
    if not workshops:
        return None

    def build() -> BuiltExport:
        # pandas and matplotlib load on first use: the bot starts without them.
        from admin.export import build_export, export_filename, xlsx_bytes

        export = build_export(workshops, generated_at=now)
        return BuiltExport(
            filename=export_filename(export, now),
            xlsx=xlsx_bytes(export),
            png=export.heatmap_png,
            index=export.index,
            workshops=tuple(workshops),
        )

    # Building takes a second or more: off the event loop, so answers keep flowing.
    return await asyncio.to_thread(build)


def export_caption(built: BuiltExport, lang: str, now: dt.datetime) -> str:
    """The completion summary and provisional index sent with the document."""
    counts = built.counts
    first = built.workshops[0]
    scope = first.code if len(built.workshops) == 1 else t("export_all_scope", lang)
    if built.index is None:
        index = t("export_no_index", lang)
    else:
        found = band(built.index)
        index = t(
            "export_index",
            lang,
            index=f"{built.index:.2f}".replace(".", "," if lang == "id" else "."),
            band=found.label.get(lang),
        )
    return t(
        "export_caption",
        lang,
        scope=scope,
        time=local_time(now, first.zone),
        submitted=counts.submitted,
        in_progress=counts.in_progress,
        not_started=counts.not_started,
        total=counts.total,
        index=index,
    )


def local_time(instant: dt.datetime, zone: str) -> str:
    """'15.05 WIB': the time as Indonesians write it, with the zone's abbreviation."""
    local = instant.astimezone(ZoneInfo(zone))
    return f"{local:%H.%M} {local.tzname()}"


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
    claims: dict[tuple[int, str, dt.datetime], list[_Claim]] = {}
    async with services.sessions.begin() as session:
        upcoming = await workshop_repo.agenda_sessions_starting_between(
            session, now - LOOKBACK, now + window
        )
        for closing in upcoming:
            if closing.kind != SessionKind.CLOSING.value or closing.ends_at <= now:
                continue
            key = f"export:{closing.workshop_id}:{closing.starts_at.astimezone(dt.UTC).isoformat()}"
            facilitators = [
                s
                for s in await staff_repo.list_staff(session, closing.workshop_id)
                if s.role == StaffRole.FACILITATOR.value and s.workshop_id == closing.workshop_id
            ]
            for facilitator in facilitators:
                if await reminder_repo.record_sent(
                    session,
                    recipient_kind=RecipientKind.STAFF,
                    recipient_id=facilitator.id,
                    workshop_id=closing.workshop_id,
                    reminder_key=key,
                    now=now,
                ):
                    claims.setdefault((closing.workshop_id, key, closing.starts_at), []).append(
                        _Claim(facilitator.id, facilitator.telegram_user_id)
                    )
    sent = 0
    for (workshop_id, key, starts_at), claimed in claims.items():
        try:
            built = await build_export_for(services, [workshop_id])
        except Exception:
            log.exception("export of workshop %s before closing could not be built", workshop_id)
            await _release(services, key, [c.staff_id for c in claimed])
            continue
        if built is None:  # pragma: no cover - the workshop was deleted meanwhile
            continue
        workshop = built.workshops[0]
        caption = (
            t(
                "export_before_closing",
                "id",
                time=local_time(starts_at, workshop.zone),
                workshop=workshop.code,
            )
            + "\n\n"
            + export_caption(built, "id", now)
        )
        retry: list[int] = []
        for claim in claimed:
            status = await send_export(bot, claim.chat_id, built, caption)
            if status in (SendStatus.SENT, SendStatus.UNCERTAIN):
                sent += 1
            elif status is SendStatus.NOT_SENT:
                retry.append(claim.staff_id)
            else:
                log.warning("export not delivered to facilitator %s: %s", claim.staff_id, status)
        if retry:
            await _release(services, key, retry)
    return sent


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
