"""Reminders computed from the agenda: break nudges, the last call, the closing summary.

Nothing is stored as a scheduled job. One periodic job asks `due_reminders` what is due
at this instant (a pure function of the agenda, the clock and the settings) and sends it.
Each reminder is claimed per recipient in the database (`reminders_sent`) in a committed
transaction BEFORE it is sent, so a restart, a clock jump or a second process never sends
it twice. Reminders are therefore at most once: a claim whose send never happened because
the process died is lost, which beats nagging a senior official twice; a send refused in a
way that proves nothing went out (flood control, 5xx, no connection) releases the claim
so a later tick retries it within the grace window.

The key names the reminder kind, the workshop and the UTC instant of the session it
belongs to (`break:12:2026-12-03T03:30:00+00:00`): a moved session gets a new key, so its
reminder moves with it, while reloading an unchanged agenda (which replaces the rows)
keeps the key and sends nothing again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agenda import TimedSession
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.progress import RespondentProgress, WorkshopProgress, load_workshop_progress
from bot.services.workshops import AgendaEntry, WorkshopInfo, agenda_entries
from storage.models import RecipientKind, SessionKind, StaffRole, WorkshopState
from storage.repositories import participants as participant_repo
from storage.repositories import reminders as reminder_repo
from storage.repositories import staff as staff_repo
from storage.repositories import workshops as workshop_repo

# Someone who answered this recently is answering anyway: no break nudge for them.
# (Taken from their answers' times, see `last_answered_at`.)
ACTIVE_WINDOW = dt.timedelta(minutes=2)
# How far back the periodic job looks for workshops with something due.
_LOOKBACK = dt.timedelta(days=1)


class ReminderKind(StrEnum):
    """What a reminder is and who receives it."""

    BREAK = "break"  # participants not yet submitted, when a break starts
    LAST_CALL = "last_call"  # participants not yet submitted, before the closing
    SUMMARY = "summary"  # facilitators, when the closing starts


@dataclass(frozen=True)
class DueReminder:
    """A reminder whose instant has come and whose grace window is still open."""

    kind: ReminderKind
    key: str
    due_at: dt.datetime
    session_index: int  # the break, or the closing, in the agenda as given


def reminder_key(kind: ReminderKind, workshop_id: int, session_starts_at: dt.datetime) -> str:
    """The claim key: kind, workshop and the UTC start of the session it belongs to."""
    return f"{kind.value}:{workshop_id}:{session_starts_at.astimezone(dt.UTC).isoformat()}"


def due_reminders(
    agenda: Sequence[TimedSession],
    now: dt.datetime,
    *,
    workshop_id: int,
    last_call_minutes: int,
    grace: dt.timedelta,
) -> list[DueReminder]:
    """Returns the reminders due at `now`, earliest first.

    A reminder is due from its instant until `grace` later, and never after the moment it
    stops making sense: a break nudge not after the break ends, a last call not after the
    closing starts, the summary not after the closing ends. A bot that was down for three
    hours therefore does not wake up and nudge people about the morning coffee break.
    """
    due: list[DueReminder] = []

    def consider(
        kind: ReminderKind, index: int, at: dt.datetime, stop: dt.datetime, anchor: dt.datetime
    ) -> None:
        if at <= now < min(at + grace, stop):
            due.append(DueReminder(kind, reminder_key(kind, workshop_id, anchor), at, index))

    for index, session in enumerate(agenda):
        if session.kind == SessionKind.BREAK.value:
            consider(
                ReminderKind.BREAK, index, session.starts_at, session.ends_at, session.starts_at
            )
        elif session.kind == SessionKind.CLOSING.value:
            last_call = session.starts_at - dt.timedelta(minutes=last_call_minutes)
            consider(ReminderKind.LAST_CALL, index, last_call, session.starts_at, session.starts_at)
            consider(
                ReminderKind.SUMMARY, index, session.starts_at, session.ends_at, session.starts_at
            )
    due.sort(key=lambda reminder: (reminder.due_at, reminder.kind.value))
    return due


@dataclass(frozen=True)
class DueWork:
    """A due reminder with the workshop and the agenda session it concerns."""

    workshop: WorkshopInfo
    reminder: DueReminder
    session: AgendaEntry


@dataclass(frozen=True)
class ParticipantTarget:
    """A participant who should receive a reminder, with their progress."""

    participant_id: int
    telegram_user_id: int
    name: str
    language: str
    answered: int
    total: int
    consented: bool


class Standing(StrEnum):
    """Where a reminded participant stands, which decides the reminder's wording."""

    NOT_CONSENTED = "not_consented"  # opened the invitation, not yet agreed (nor declined)
    NOT_STARTED = "not_started"  # agreed, nothing answered yet
    IN_PROGRESS = "in_progress"


def standing(target: ParticipantTarget) -> Standing:
    """How to word the participant's reminder: "0 of 56 answered" is for nobody."""
    if not target.consented:
        return Standing.NOT_CONSENTED
    if target.answered == 0:
        return Standing.NOT_STARTED
    return Standing.IN_PROGRESS


@dataclass(frozen=True)
class StaffTarget:
    """A facilitator who should receive the closing summary."""

    staff_id: int
    telegram_user_id: int
    name: str | None


@dataclass(frozen=True)
class ParticipantSelection:
    """Who gets a participant reminder, and who was passed over because they are busy."""

    targets: tuple[ParticipantTarget, ...]
    active: tuple[ParticipantTarget, ...]


class Reminders:
    """The reminder use cases over one session factory; each opens a short transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cache: QuestionnaireCache,
        read_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        self._read_sessions = read_sessions or sessions
        self._cache = cache

    async def due(
        self, now: dt.datetime, *, last_call_minutes: int, grace: dt.timedelta
    ) -> list[DueWork]:
        """Finds every workshop's due reminders (workshops closed by organisers have none)."""
        async with self._read_sessions() as session:
            recent = await workshop_repo.agenda_sessions_starting_between(
                session, now - _LOOKBACK, now + dt.timedelta(minutes=last_call_minutes) + grace
            )
            work: list[DueWork] = []
            for workshop_id in sorted({row.workshop_id for row in recent}):
                workshop = await workshop_repo.get_workshop(session, workshop_id)
                if workshop is None or workshop.manual_state == WorkshopState.CLOSED.value:
                    continue
                agenda = agenda_entries(await workshop_repo.list_agenda(session, workshop_id))
                info = WorkshopInfo.of(workshop)
                for reminder in due_reminders(
                    agenda,
                    now,
                    workshop_id=workshop_id,
                    last_call_minutes=last_call_minutes,
                    grace=grace,
                ):
                    work.append(DueWork(info, reminder, agenda[reminder.session_index]))
            return work

    async def participant_targets(self, workshop_id: int, now: dt.datetime) -> ParticipantSelection:
        """Participants bound to Telegram, reachable and not submitted; the busy ones apart."""
        progress = await self.progress(workshop_id, now)
        targets: list[ParticipantTarget] = []
        active: list[ParticipantTarget] = []
        for respondent in progress.nudgeable():
            target = _target(respondent)
            last = last_answered_at(respondent)
            # An answer stamped after `now` came in while this ran: busy all the more.
            if last is not None and last >= now - ACTIVE_WINDOW:
                active.append(target)
            else:
                targets.append(target)
        return ParticipantSelection(tuple(targets), tuple(active))

    async def progress(self, workshop_id: int, now: dt.datetime) -> WorkshopProgress:
        """The workshop's progress as facilitators see it."""
        async with self._read_sessions() as session:
            workshop = await workshop_repo.get_workshop(session, workshop_id)
            if workshop is None:
                raise LookupError(f"workshop {workshop_id} does not exist")
            return await load_workshop_progress(session, self._cache, workshop, now)

    async def facilitators(self, workshop_id: int) -> list[StaffTarget]:
        """The workshop's facilitators (organisers are not sent per-workshop summaries)."""
        async with self._read_sessions() as session:
            staff = await staff_repo.list_staff(session, workshop_id)
        return [
            StaffTarget(member.id, member.telegram_user_id, member.name)
            for member in staff
            if member.role == StaffRole.FACILITATOR.value and member.workshop_id == workshop_id
        ]

    async def claim(
        self,
        kind: RecipientKind,
        recipient_id: int,
        workshop_id: int,
        key: str,
        now: dt.datetime,
    ) -> bool:
        """Claims the reminder for the recipient; False if it was claimed before."""
        async with self._sessions.begin() as session:
            return await reminder_repo.record_sent(
                session,
                recipient_kind=kind,
                recipient_id=recipient_id,
                workshop_id=workshop_id,
                reminder_key=key,
                now=now,
            )

    async def confirm(
        self, kind: RecipientKind, recipient_id: int, key: str, now: dt.datetime
    ) -> None:
        """Marks the claim done once the send is over (sent, refused, or may have arrived)."""
        async with self._sessions.begin() as session:
            await reminder_repo.confirm(
                session, recipient_kind=kind, recipient_id=recipient_id, reminder_key=key, now=now
            )

    async def release(self, kind: RecipientKind, recipient_id: int, key: str) -> None:
        """Drops a claim whose send provably did not happen, so a later tick retries it."""
        async with self._sessions.begin() as session:
            await reminder_repo.release(
                session, recipient_kind=kind, recipient_id=recipient_id, reminder_key=key
            )

    async def mark_unreachable(self, participant_id: int, now: dt.datetime) -> None:
        """Records that the participant blocked the bot."""
        async with self._sessions.begin() as session:
            await participant_repo.mark_unreachable(session, participant_id, now)


def last_answered_at(respondent: RespondentProgress) -> dt.datetime | None:
    """When the participant last gave or changed an answer.

    Not `responses.updated_at`: that also moves when the bot itself shows a question
    (e.g. below an earlier reminder), which is not the participant being busy.
    """
    return max((stored.given_at for stored in respondent.answers.values()), default=None)


def _target(respondent: RespondentProgress) -> ParticipantTarget:
    participant = respondent.participant
    assert participant.telegram_user_id is not None  # nudgeable() keeps only bound people
    return ParticipantTarget(
        participant_id=participant.id,
        telegram_user_id=participant.telegram_user_id,
        name=participant.name,
        language=participant.language,
        answered=respondent.answered,
        total=respondent.relevant,
        consented=participant.consent_at is not None,
    )
