"""Broadcasts: the audience, the staff member's draft, the durable queue of deliveries.

A broadcast is a row per recipient (`broadcast_deliveries`), so delivery survives a
crash and every outcome is recorded (queued, sending, sent, failed, blocked). The
sending itself (pacing, Telegram's answers) lives in bot/delivery.py; these use cases
only read and write the queue, each in one short transaction.

Drafts: between /siaran and «Kirim» a staff member's choices and text are kept in
`broadcast_drafts` (one per person), never in memory, so a restart between taps loses
nothing and any bot process can pick the conversation up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.formatting import zone_abbreviation
from bot.message_limits import TEXT_LIMIT, utf16_length
from bot.notices import DeliveryReport, broadcast_text
from bot.questionnaire.vocabulary import LANGUAGES
from bot.services.staff_access import StaffAccess
from storage.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastStatus,
    DeliveryStatus,
    Participant,
    ResponseStatus,
)
from storage.repositories import broadcast_drafts as draft_repo
from storage.repositories import broadcasts as broadcast_repo
from storage.repositories import participants as participant_repo
from storage.repositories import workshops as workshop_repo

STAFF_KIND = "staff"  # written by staff in the bot or the admin script
AGENDA_KIND = "agenda_change"  # an agenda change, told in each participant's language
CLI_SENDER = 0  # created_by_telegram_user_id of broadcasts from the admin script
DRAFT_TTL = dt.timedelta(hours=1)
# Telegram's limit is 4096 UTF-16 code units; the header in each participant's language is
# added in front of the text, so the text may use what the longest header leaves.
MAX_TEXT_LENGTH = TEXT_LIMIT - max(utf16_length(broadcast_text("", lang)) for lang in LANGUAGES)
ARENAS = ("government", "bureaucracy", "civil_society", "economic_society")


@dataclass(frozen=True)
class Audience:
    """Who a broadcast goes to; every filter narrows the one before."""

    workshop_id: int | None  # None: every workshop (organisers only)
    arena: str | None = None  # the participants' own arena
    not_submitted: bool = False
    language: str | None = None  # agenda-change notices go out per language

    def to_json(self, kind: str) -> dict[str, Any]:
        """The audience as stored with the broadcast, for the record."""
        return {
            "kind": kind,
            "workshop_id": self.workshop_id,
            "arena": self.arena,
            "not_submitted": self.not_submitted,
            "language": self.language,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        """Reads an audience stored by `to_json`."""
        workshop_id = data.get("workshop_id")
        return cls(
            workshop_id=int(workshop_id) if workshop_id is not None else None,
            arena=data.get("arena"),
            not_submitted=bool(data.get("not_submitted")),
            language=data.get("language"),
        )


class BroadcastRefused(Exception):
    """A broadcast the person may not send, or one with nothing to send; `key` says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


LARGE_BROADCAST = 100
"""More recipients than this (or more than one workshop) need a second, explicit yes."""


def revision_of(text: str) -> str:
    """A short fingerprint of a draft's text, carried by its preview's button: the button
    sends exactly the text it was shown under, or nothing."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Reach:
    """Who one workshop's share of an audience is: recipients, and invitees not reachable
    because they have not opened the bot."""

    workshop_code: str
    province: str
    zone: str
    recipients: int
    unopened: int


class ConfirmationNeeded(Exception):
    """A broadcast large enough to need a second, explicit confirmation."""

    def __init__(self, reach: list[Reach]) -> None:
        super().__init__("confirmation needed")
        self.reach = reach


def needs_confirmation(reach: list[Reach]) -> bool:
    """More than one workshop, or more than `LARGE_BROADCAST` people."""
    return len(reach) > 1 or sum(r.recipients for r in reach) > LARGE_BROADCAST


async def audience_reach(session: AsyncSession, audience: Audience) -> list[Reach]:
    """The audience by workshop: recipients and unopened invitees (workshops with neither
    are left out)."""
    if audience.workshop_id is None:
        chosen = await workshop_repo.list_workshops(session)
    else:
        found = await workshop_repo.get_workshop(session, audience.workshop_id)
        chosen = [found] if found is not None else []
    reach = []
    for workshop in chosen:
        recipients = unopened = 0
        for row in await participant_repo.list_with_progress(session, workshop.id):
            participant = row.participant
            if audience.arena is not None and participant.arena != audience.arena:
                continue
            if audience.not_submitted and row.response_status == ResponseStatus.SUBMITTED.value:
                continue
            if audience.language is not None and participant.language != audience.language:
                continue
            if participant.telegram_user_id is None:
                unopened += 1
            else:
                recipients += 1
        if recipients or unopened:
            zone = workshop.timezone or workshop.province.timezone
            reach.append(
                Reach(
                    workshop.code,
                    workshop.province.name_id,
                    zone_abbreviation(zone, dt.datetime.combine(workshop.date, dt.time(12))),
                    recipients,
                    unopened,
                )
            )
    return reach


async def audience_participants(session: AsyncSession, audience: Audience) -> list[Participant]:
    """The participants bound to Telegram that the audience selects, by workshop and name.

    People who blocked the bot earlier are included: they may have unblocked it since,
    and if not, the delivery is recorded as blocked and named in the report.
    """
    if audience.workshop_id is None:
        workshop_ids = [w.id for w in await workshop_repo.list_workshops(session)]
    else:
        workshop_ids = [audience.workshop_id]
    chosen: list[Participant] = []
    for workshop_id in workshop_ids:
        for row in await participant_repo.list_with_progress(session, workshop_id):
            participant = row.participant
            if participant.telegram_user_id is None:
                continue
            if audience.arena is not None and participant.arena != audience.arena:
                continue
            if audience.not_submitted and row.response_status == ResponseStatus.SUBMITTED.value:
                continue
            if audience.language is not None and participant.language != audience.language:
                continue
            chosen.append(participant)
    return chosen


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    audience: Audience,
    text: str,
    created_by: int,
    now: dt.datetime,
    sender_language: str = "id",
) -> tuple[int, int] | None:
    """Queues a broadcast with one delivery per recipient; (id, recipients), None if nobody."""
    participants = await audience_participants(session, audience)
    if not participants:
        return None
    broadcast = await broadcast_repo.create_broadcast(
        session,
        workshop_id=audience.workshop_id,
        created_by_telegram_user_id=created_by,
        audience={**audience.to_json(kind), "sender_language": sender_language},
        text=text,
        participants=participants,
        now=now,
    )
    return broadcast.id, len(participants)


# --- the staff member's draft -------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A broadcast being written."""

    id: int
    audience: Audience
    text: str | None
    recipients: int
    unopened: int = 0  # invitees the audience holds who have not opened the bot

    @property
    def revision(self) -> str:
        """The fingerprint of the text this draft holds now."""
        return revision_of(self.text or "")


class Broadcasts:
    """Staff broadcast use cases: draft, preview, send; each opens a short transaction.

    `read_sessions` (read-only, no SQLite write lock) serve the lookups made for every
    text message, so they never queue behind answers being saved.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        read_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        self._read_sessions = read_sessions or sessions
        self._clock = clock

    async def start_draft(self, access: StaffAccess, audience: Audience) -> Draft:
        """Records the chosen audience; the text comes next."""
        _check_allowed(access, audience)
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = await draft_repo.start_draft(
                session,
                telegram_user_id=access.telegram_user_id,
                audience=audience.to_json(STAFF_KIND),
                now=now,
            )
            recipients = len(await audience_participants(session, audience))
            return Draft(row.id, audience, None, recipients)

    async def open_draft(self, telegram_user_id: int) -> Draft | None:
        """The person's draft if it is recent enough to be what they are typing for."""
        now = self._clock.now()
        async with self._read_sessions() as session:
            row = await draft_repo.get_draft(session, telegram_user_id)
            if row is None or now - row.updated_at > DRAFT_TTL:
                return None
            return Draft(row.id, Audience.from_json(row.audience), row.text, 0)

    async def set_text(self, access: StaffAccess, draft_id: int, text: str) -> Draft:
        """Stores the typed text and counts the recipients, for the preview."""
        if utf16_length(text) > MAX_TEXT_LENGTH:
            raise BroadcastRefused("bc_too_long", length=utf16_length(text), max=MAX_TEXT_LENGTH)
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = await draft_repo.get_draft(session, access.telegram_user_id, lock=True)
            if row is None or row.id != draft_id or now - row.updated_at > DRAFT_TTL:
                raise BroadcastRefused("bc_expired")
            audience = Audience.from_json(row.audience)
            _check_allowed(access, audience)
            await draft_repo.set_text(session, row, text, now)
            reach = await audience_reach(session, audience)
            recipients = sum(r.recipients for r in reach)
            unopened = sum(r.unopened for r in reach)
            return Draft(row.id, audience, text, recipients, unopened)

    async def send(
        self,
        access: StaffAccess,
        draft_id: int,
        lang: str,
        *,
        revision: str | None = None,
        confirmed: bool = False,
    ) -> tuple[int, int]:
        """Turns the draft into a queued broadcast; returns (broadcast id, recipients).

        Refuses when the draft's text is no longer the one previewed (`revision`), and
        raises `ConfirmationNeeded` for a large broadcast not yet `confirmed`.
        """
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = await draft_repo.get_draft(session, access.telegram_user_id, lock=True)
            if row is None or row.id != draft_id or row.text is None:
                raise BroadcastRefused("bc_expired")
            if revision is not None and revision != revision_of(row.text):
                raise BroadcastRefused("bc_superseded")
            audience = Audience.from_json(row.audience)
            _check_allowed(access, audience)
            if not confirmed:
                reach = await audience_reach(session, audience)
                if needs_confirmation(reach):
                    raise ConfirmationNeeded(reach)
            text = row.text
            await draft_repo.discard(session, access.telegram_user_id)
            queued = await enqueue(
                session,
                kind=STAFF_KIND,
                audience=audience,
                text=text,
                created_by=access.telegram_user_id,
                now=now,
                sender_language=lang,
            )
            if queued is None:
                raise BroadcastRefused("bc_nobody")
            return queued

    async def discard(self, telegram_user_id: int) -> None:
        """Forgets the person's draft."""
        async with self._sessions.begin() as session:
            await draft_repo.discard(session, telegram_user_id)


def _check_allowed(access: StaffAccess, audience: Audience) -> None:
    allowed = (
        access.is_organiser
        if audience.workshop_id is None
        else access.can_manage(audience.workshop_id)
    )
    if not allowed:
        raise BroadcastRefused("staff_forbidden")


# --- the delivery queue -------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One claimed delivery, with what the sender needs to write it."""

    delivery_id: int
    broadcast_id: int
    participant_id: int
    chat_id: int
    kind: str
    text: str
    language: str
    attempts: int


@dataclass(frozen=True)
class Finished:
    """A broadcast just completed: its report and whom to give it to."""

    report: DeliveryReport
    sender: int  # a Telegram user id; CLI_SENDER for the admin script
    kind: str
    sender_language: str


class Outbox:
    """The broadcast queue's use cases for the sender; each in one short transaction.

    With `broadcast_id`, only that broadcast's deliveries are claimed (the admin script's
    --send-now); otherwise every due delivery, oldest first.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        broadcast_id: int | None = None,
        read_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        self._read_sessions = read_sessions or sessions
        self._clock = clock
        self._broadcast_id = broadcast_id

    async def claim(self, limit: int) -> list[Outgoing]:
        """Marks up to `limit` due deliveries 'sending' (committed before any send)."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            deliveries = await broadcast_repo.claim_next_deliveries(
                session, now=now, limit=limit, broadcast_id=self._broadcast_id
            )
            if not deliveries:
                return []
            broadcasts = {
                b.id: b
                for b in await session.scalars(
                    select(Broadcast).where(Broadcast.id.in_({d.broadcast_id for d in deliveries}))
                )
            }
            language_rows = await session.execute(
                select(Participant.id, Participant.language).where(
                    Participant.id.in_({d.participant_id for d in deliveries})
                )
            )
            languages = {participant_id: language for participant_id, language in language_rows}
            return [
                Outgoing(
                    delivery_id=d.id,
                    broadcast_id=d.broadcast_id,
                    participant_id=d.participant_id,
                    chat_id=d.chat_id,
                    kind=str(broadcasts[d.broadcast_id].audience.get("kind", STAFF_KIND)),
                    text=broadcasts[d.broadcast_id].text,
                    language=languages.get(d.participant_id, "id"),
                    attempts=d.attempts,
                )
                for d in deliveries
            ]

    async def sent(self, outgoing: Outgoing, message_id: int) -> None:
        """Records a delivered message."""
        async with self._sessions.begin() as session:
            await broadcast_repo.mark_sent(
                session, outgoing.delivery_id, telegram_message_id=message_id, now=self._clock.now()
            )

    async def blocked(self, outgoing: Outgoing, error: str) -> None:
        """Records that the person blocked the bot, and marks them unreachable."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            await broadcast_repo.mark_failed(
                session, outgoing.delivery_id, error=error, now=now, blocked=True
            )
            await participant_repo.mark_unreachable(session, outgoing.participant_id, now)

    async def failed(self, outgoing: Outgoing, error: str) -> None:
        """Records a delivery given up on."""
        async with self._sessions.begin() as session:
            await broadcast_repo.mark_failed(
                session, outgoing.delivery_id, error=error, now=self._clock.now()
            )

    async def retry_later(self, outgoing: Outgoing, error: str, delay: dt.timedelta) -> None:
        """Puts the delivery back in the queue, not to be tried before `delay` has passed."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            await broadcast_repo.mark_failed(
                session, outgoing.delivery_id, error=error, now=now, retry_at=now + delay
            )

    async def requeue_stale(self, older_than: dt.timedelta) -> int:
        """Requeues deliveries left 'sending' by a process that died; returns how many."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            return await broadcast_repo.requeue_stale_sending(
                session, claimed_before=now - older_than, now=now
            )

    async def has_due(self) -> bool:
        """Tells whether a queued delivery may be sent now."""
        now = self._clock.now()
        async with self._read_sessions() as session:
            found = await session.scalar(
                select(BroadcastDelivery.id)
                .where(
                    BroadcastDelivery.status == DeliveryStatus.QUEUED.value,
                    (BroadcastDelivery.not_before.is_(None))
                    | (BroadcastDelivery.not_before <= now),
                )
                .limit(1)
            )
        return found is not None

    async def finish(self, broadcast_id: int) -> Finished | None:
        """Completes the broadcast if nothing is left to send.

        Returns the report only to the one caller that completed it, so the sender is
        told exactly once, however many senders look.
        """
        now = self._clock.now()
        async with self._sessions.begin() as session:
            broadcast = await session.scalar(
                select(Broadcast)
                .where(Broadcast.id == broadcast_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            if broadcast is None or broadcast.status == BroadcastStatus.DONE.value:
                return None
            if not await broadcast_repo.finish_if_complete(session, broadcast_id, now):
                return None
            return Finished(
                report=await _report(session, broadcast_id),
                sender=broadcast.created_by_telegram_user_id,
                kind=str(broadcast.audience.get("kind", STAFF_KIND)),
                sender_language=str(broadcast.audience.get("sender_language") or "id"),
            )

    async def report(self, broadcast_id: int) -> DeliveryReport:
        """The broadcast's delivery report as it stands."""
        async with self._read_sessions() as session:
            return await _report(session, broadcast_id)


async def _report(session: AsyncSession, broadcast_id: int) -> DeliveryReport:
    if await session.get(Broadcast, broadcast_id) is None:
        raise LookupError(f"there is no broadcast #{broadcast_id}")
    counts = await broadcast_repo.delivery_counts(session, broadcast_id)
    rows = await session.execute(
        select(Participant.name, BroadcastDelivery.status)
        .join(Participant, Participant.id == BroadcastDelivery.participant_id)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.status.in_(
                (DeliveryStatus.BLOCKED.value, DeliveryStatus.FAILED.value)
            ),
        )
        .order_by(Participant.name)
    )
    names: dict[str, list[str]] = {
        DeliveryStatus.BLOCKED.value: [],
        DeliveryStatus.FAILED.value: [],
    }
    for name, status in rows:
        names[status].append(name)
    return DeliveryReport(
        broadcast_id=broadcast_id,
        sent=counts[DeliveryStatus.SENT.value],
        failed=counts[DeliveryStatus.FAILED.value],
        blocked=counts[DeliveryStatus.BLOCKED.value],
        blocked_names=tuple(names[DeliveryStatus.BLOCKED.value]),
        failed_names=tuple(names[DeliveryStatus.FAILED.value]),
        pending=counts[DeliveryStatus.QUEUED.value] + counts[DeliveryStatus.SENDING.value],
    )
