"""Workshops and their agendas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import AgendaSession, Workshop, WorkshopState


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One agenda slot as the caller describes it; times must be timezone-aware."""

    kind: str
    title_id: str
    title_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime


async def create_workshop(
    session: AsyncSession,
    *,
    code: str,
    province_code: str,
    date: dt.date,
    questionnaire_id: int,
    now: dt.datetime,
    venue: str | None = None,
    timezone: str | None = None,
) -> Workshop:
    """Create a workshop; ``timezone`` overrides the province's zone when set."""
    workshop = Workshop(
        code=code,
        province_code=province_code,
        date=date,
        questionnaire_id=questionnaire_id,
        venue=venue,
        timezone=timezone,
        created_at=now,
    )
    session.add(workshop)
    await session.flush()
    # Load the province so Workshop.zone works without lazy IO.
    await session.refresh(workshop, ["province"])
    return workshop


async def get_workshop(session: AsyncSession, workshop_id: int) -> Workshop | None:
    """Return the workshop with the id, or None."""
    return await session.get(Workshop, workshop_id)


async def get_by_code(session: AsyncSession, code: str) -> Workshop | None:
    """Return the workshop with the code (e.g. 'ID-JA-2026-12-03'), or None."""
    return await session.scalar(select(Workshop).where(Workshop.code == code))


async def list_workshops(session: AsyncSession) -> list[Workshop]:
    """Return all workshops ordered by date, then code."""
    rows = await session.scalars(select(Workshop).order_by(Workshop.date, Workshop.code))
    return list(rows.all())


async def set_manual_state(
    session: AsyncSession, workshop_id: int, state: WorkshopState | str | None
) -> Workshop:
    """Force the workshop open or closed, or (None) hand control back to the agenda."""
    workshop = await _require(session, workshop_id)
    workshop.manual_state = WorkshopState(state).value if state is not None else None
    await session.flush()
    return workshop


async def replace_agenda(
    session: AsyncSession, workshop_id: int, items: Sequence[AgendaItem]
) -> list[AgendaSession]:
    """Replace the workshop's agenda with the items, in the given order."""
    await _require(session, workshop_id)
    await session.execute(delete(AgendaSession).where(AgendaSession.workshop_id == workshop_id))
    sessions = [
        AgendaSession(
            workshop_id=workshop_id,
            position=position,
            kind=item.kind,
            title_id=item.title_id,
            title_en=item.title_en,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
        )
        for position, item in enumerate(items, start=1)
    ]
    session.add_all(sessions)
    await session.flush()
    return sessions


async def list_agenda(session: AsyncSession, workshop_id: int) -> list[AgendaSession]:
    """Return the workshop's agenda in order."""
    rows = await session.scalars(
        select(AgendaSession)
        .where(AgendaSession.workshop_id == workshop_id)
        .order_by(AgendaSession.position)
    )
    return list(rows.all())


async def agenda_sessions_starting_between(
    session: AsyncSession, since: dt.datetime, until: dt.datetime
) -> list[AgendaSession]:
    """Return agenda sessions of any workshop starting in [since, until), by start time."""
    rows = await session.scalars(
        select(AgendaSession)
        .where(AgendaSession.starts_at >= since, AgendaSession.starts_at < until)
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    return list(rows.all())


async def _require(session: AsyncSession, workshop_id: int) -> Workshop:
    workshop = await session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound(f"workshop {workshop_id} does not exist")
    return workshop
