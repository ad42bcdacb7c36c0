"""Workshops and their agendas: create, load an agenda, close or reopen, move a session.

These take the caller's session (the admin command or the bot handler owns the
transaction) and either do everything or raise `WorkshopProblem` having done nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agenda import AgendaProblem, AgendaSlot, MovePlan, plan_move, sessions_on
from bot.clock import Clock
from bot.formatting import zone_exists
from bot.notices import WorkshopLabel, agenda_change_text
from bot.services.broadcasts import AGENDA_KIND, Audience, enqueue
from bot.services.staff_access import StaffAccess
from storage.models import AgendaSession, Workshop, WorkshopState
from storage.repositories import provinces as province_repo
from storage.repositories import workshops as workshop_repo
from storage.repositories.participants import WorkshopFacts


class WorkshopProblem(Exception):
    """A request that cannot be carried out as asked; nothing was changed."""

    def __init__(self, message: str, problems: Sequence[AgendaProblem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda row detached from the database."""

    id: int
    position: int
    kind: str
    title_id: str
    title_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime

    def title(self, lang: str) -> str:
        """The title in the language."""
        return self.title_en if lang == "en" else self.title_id


def agenda_entries(rows: Sequence[AgendaSession]) -> list[AgendaEntry]:
    """Detached agenda entries in time order."""
    entries = [
        AgendaEntry(
            id=row.id,
            position=row.position,
            kind=row.kind,
            title_id=row.title_id,
            title_en=row.title_en,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
        )
        for row in rows
    ]
    return sorted(entries, key=lambda entry: (entry.starts_at, entry.position))


@dataclass(frozen=True)
class WorkshopInfo:
    """What messages about a workshop need: names, zone, date."""

    id: int
    code: str
    province_code: str
    province_id: str
    province_en: str
    zone: str
    date: dt.date
    manual_state: str | None = None

    @classmethod
    def of(cls, workshop: Workshop) -> WorkshopInfo:
        """Copies the fields of a workshop row (its province is always loaded with it)."""
        return cls(
            id=workshop.id,
            code=workshop.code,
            province_code=workshop.province_code,
            province_id=workshop.province.name_id,
            province_en=workshop.province.name_en,
            zone=workshop.zone,
            date=workshop.date,
            manual_state=workshop.manual_state,
        )

    @classmethod
    def of_facts(cls, workshop: WorkshopFacts) -> WorkshopInfo:
        """Copies the fields of a workshop as the answer path reads it."""
        return cls(
            id=workshop.id,
            code=workshop.code,
            province_code=workshop.province_code,
            province_id=workshop.province_name_id,
            province_en=workshop.province_name_en,
            zone=workshop.zone,
            date=workshop.date,
            manual_state=workshop.manual_state,
        )

    @property
    def label(self) -> WorkshopLabel:
        """How messages name the workshop."""
        return WorkshopLabel(self.province_id, self.province_en, self.zone, self.date)


async def create_workshop(
    session: AsyncSession,
    *,
    province_code: str,
    date: dt.date,
    slots: Sequence[AgendaSlot],
    questionnaire_id: int,
    now: dt.datetime,
    venue: str | None = None,
    timezone: str | None = None,
    code: str | None = None,
) -> Workshop:
    """Creates a workshop with its agenda; the province's zone unless `timezone` is given."""
    province = await province_repo.get_province(session, province_code.upper())
    if province is None:
        known = ", ".join(p.code for p in await province_repo.list_provinces(session))
        raise WorkshopProblem(f"Unknown province {province_code!r}. Provinces: {known}.")
    if timezone is not None and not zone_exists(timezone):
        raise WorkshopProblem(
            f"Unknown time zone {timezone!r}; use an IANA name such as Asia/Makassar."
        )
    code = code or f"{province.code}-{date.isoformat()}"
    if await workshop_repo.get_by_code(session, code) is not None:
        raise WorkshopProblem(f"A workshop {code} already exists.")
    workshop = await workshop_repo.create_workshop(
        session,
        code=code,
        province_code=province.code,
        date=date,
        questionnaire_id=questionnaire_id,
        now=now,
        venue=venue,
        timezone=timezone,
    )
    await replace_agenda(session, workshop, slots)
    return workshop


async def replace_agenda(
    session: AsyncSession, workshop: Workshop, slots: Sequence[AgendaSlot]
) -> list[AgendaSession]:
    """Sets the agenda from file slots, updating rows in place (their ids stay stable)."""
    planned = sorted(
        sessions_on(slots, workshop.date, workshop.zone), key=lambda item: item.starts_at
    )
    rows = await workshop_repo.list_agenda(session, workshop.id)
    for row in rows[len(planned) :]:
        await session.delete(row)
    kept = rows[: len(planned)]
    await _park_positions(session, kept)
    result: list[AgendaSession] = []
    for position, item in enumerate(planned, start=1):
        if position <= len(kept):
            row = kept[position - 1]
        else:
            row = AgendaSession(workshop_id=workshop.id)
            session.add(row)
        row.position = position
        row.kind = item.kind
        row.title_id = item.title_id
        row.title_en = item.title_en
        row.starts_at = item.starts_at
        row.ends_at = item.ends_at
        result.append(row)
    await session.flush()
    return result


async def set_state(
    session: AsyncSession, workshop: Workshop, state: WorkshopState | None
) -> Workshop:
    """Closes or reopens the workshop, or (None) lets its agenda decide again."""
    return await workshop_repo.set_manual_state(session, workshop.id, state)


@dataclass(frozen=True)
class MoveResult:
    """A session moved: where it was, where it went, how many people are told."""

    workshop: WorkshopInfo
    session: AgendaEntry
    new_start: dt.datetime
    later_moved: int
    notified: int


async def plan_session_move(
    session: AsyncSession,
    workshop: Workshop,
    session_id: int,
    new_start: dt.datetime,
    *,
    shift_later: bool = True,
) -> tuple[list[AgendaEntry], int, MovePlan]:
    """Computes a move without changing anything: (agenda, index of the session, plan)."""
    agenda = agenda_entries(await workshop_repo.list_agenda(session, workshop.id))
    index = next((i for i, entry in enumerate(agenda) if entry.id == session_id), None)
    if index is None:
        raise WorkshopProblem(f"The workshop {workshop.code} has no session {session_id}.")
    return (
        agenda,
        index,
        plan_move(agenda, index, new_start, workshop.zone, shift_later=shift_later),
    )


async def move_session(
    session: AsyncSession,
    *,
    workshop: Workshop,
    session_id: int,
    new_start: dt.datetime,
    moved_by: int,
    now: dt.datetime,
    shift_later: bool = True,
    expected_start: dt.datetime | None = None,
) -> MoveResult:
    """Moves a session (and, with `shift_later`, every later one) and queues the notices.

    `expected_start` guards against a stale button: if the session no longer starts
    where the person saw it, nothing is changed. Participants bound to Telegram are told
    in their language through the broadcast queue, in the same transaction as the move.
    """
    agenda, index, plan = await plan_session_move(
        session, workshop, session_id, new_start, shift_later=shift_later
    )
    target = agenda[index]
    if expected_start is not None and target.starts_at != expected_start:
        raise WorkshopProblem("The agenda changed meanwhile.")
    if not plan.ok:
        raise WorkshopProblem(
            "The session cannot be moved: " + "; ".join(p.message for p in plan.problems) + ".",
            plan.problems,
        )
    rows = {row.id: row for row in await workshop_repo.list_agenda(session, workshop.id)}
    for moved in plan.moved:
        row = rows[agenda[moved.index].id]
        row.starts_at = moved.starts_at
        row.ends_at = moved.ends_at
    ordered = sorted(rows.values(), key=lambda row: row.starts_at)
    if [row.position for row in ordered] != sorted(row.position for row in ordered):
        # Moved past a neighbour: keep positions in time order, as the agenda is shown.
        await _park_positions(session, ordered)
        for position, row in enumerate(ordered, start=1):
            row.position = position
    await session.flush()
    notified = 0
    for lang in ("id", "en"):
        text = agenda_change_text(
            target, new_start, workshop.zone, lang, later_sessions_moved=plan.later_count
        )
        queued = await enqueue(
            session,
            kind=AGENDA_KIND,
            audience=Audience(workshop_id=workshop.id, language=lang),
            text=text,
            created_by=moved_by,
            now=now,
        )
        notified += queued[1] if queued else 0
    return MoveResult(WorkshopInfo.of(workshop), target, new_start, plan.later_count, notified)


async def _park_positions(session: AsyncSession, rows: Sequence[AgendaSession]) -> None:
    """Moves rows to temporary negative positions so renumbering never collides."""
    for row in rows:
        row.position = -row.id
    await session.flush()


# --- use cases for the bot's staff and participant views ----------------------------------


class NotAllowed(Exception):
    """The staff member may not act on this workshop (or it no longer exists)."""


@dataclass(frozen=True)
class MovePreview:
    """A move as it would be: for the confirmation button."""

    workshop: WorkshopInfo
    session: AgendaEntry
    new_start: dt.datetime
    plan: MovePlan


class Workshops:
    """Workshop and agenda use cases for the bot; each opens one short transaction.

    Reads go through `read_sessions` (no SQLite write lock) when given.
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

    async def manageable(self, access: StaffAccess) -> list[WorkshopInfo]:
        """The workshops the staff member may act on, by date then code."""
        async with self._read_sessions() as session:
            workshops = await workshop_repo.list_workshops(session)
        return [WorkshopInfo.of(w) for w in workshops if access.can_manage(w.id)]

    async def workshop(self, workshop_id: int) -> WorkshopInfo | None:
        """The workshop, or None."""
        async with self._read_sessions() as session:
            workshop = await workshop_repo.get_workshop(session, workshop_id)
        return WorkshopInfo.of(workshop) if workshop is not None else None

    async def agenda(self, workshop_id: int) -> list[AgendaEntry]:
        """The workshop's agenda in time order."""
        async with self._read_sessions() as session:
            return agenda_entries(await workshop_repo.list_agenda(session, workshop_id))

    async def session_of(
        self, access: StaffAccess, session_id: int
    ) -> tuple[WorkshopInfo, AgendaEntry]:
        """The agenda session and its workshop, if the staff member may act on it."""
        async with self._read_sessions() as session:
            row = await session.get(AgendaSession, session_id)
            if row is None or not access.can_manage(row.workshop_id):
                raise NotAllowed(str(session_id))
            workshop = await workshop_repo.get_workshop(session, row.workshop_id)
            assert workshop is not None
            entry = agenda_entries([row])[0]
            return WorkshopInfo.of(workshop), entry

    async def preview_move(self, access: StaffAccess, session_id: int, minutes: int) -> MovePreview:
        """What moving the session by `minutes` (later sessions too) would do."""
        async with self._read_sessions() as session:
            row = await session.get(AgendaSession, session_id)
            if row is None or not access.can_manage(row.workshop_id):
                raise NotAllowed(str(session_id))
            workshop = await workshop_repo.get_workshop(session, row.workshop_id)
            assert workshop is not None
            new_start = row.starts_at + dt.timedelta(minutes=minutes)
            agenda, index, plan = await plan_session_move(session, workshop, session_id, new_start)
            return MovePreview(WorkshopInfo.of(workshop), agenda[index], new_start, plan)

    async def move(
        self,
        access: StaffAccess,
        session_id: int,
        minutes: int,
        expected_start: dt.datetime,
    ) -> MoveResult:
        """Moves the session by `minutes` (later sessions too) and queues the notices."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = await session.get(AgendaSession, session_id)
            if row is None or not access.can_manage(row.workshop_id):
                raise NotAllowed(str(session_id))
            workshop = await workshop_repo.get_workshop(session, row.workshop_id)
            assert workshop is not None
            return await move_session(
                session,
                workshop=workshop,
                session_id=session_id,
                new_start=expected_start + dt.timedelta(minutes=minutes),
                moved_by=access.telegram_user_id,
                now=now,
                expected_start=expected_start,
            )
