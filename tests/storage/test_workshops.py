"""Workshops: time zones, manual open/closed state and their agendas."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.errors import NotFound
from storage.repositories import workshops
from storage.repositories.workshops import AgendaItem
from tests.storage.conftest import NOW, Seeded

Factory = async_sessionmaker[AsyncSession]


async def test_workshop_zone_falls_back_to_province_and_honours_override(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        jambi = await workshops.get_by_code(session, "ID-JA-2026-12-03")
        papua = await workshops.create_workshop(
            session,
            code="ID-PA-2026-12-10",
            province_code="ID-PA",
            date=dt.date(2026, 12, 10),
            questionnaire_id=seeded.questionnaire_id,
            timezone="Asia/Makassar",
            now=NOW,
        )
    assert jambi is not None and jambi.zone == "Asia/Jakarta"
    assert papua.zone == "Asia/Makassar"
    async with session_factory.begin() as session:
        listed = await workshops.list_workshops(session)
    assert [w.code for w in listed] == ["ID-JA-2026-12-03", "ID-PA-2026-12-10"]
    assert listed[1].province.name_id == "Papua"


async def test_workshop_in_unknown_province_is_refused(
    session_factory: Factory, seeded: Seeded
) -> None:
    with pytest.raises(IntegrityError):
        async with session_factory.begin() as session:
            await workshops.create_workshop(
                session,
                code="XX",
                province_code="ID-XX",
                date=dt.date(2026, 12, 10),
                questionnaire_id=seeded.questionnaire_id,
                now=NOW,
            )


async def test_manual_state_can_be_set_and_cleared(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        await workshops.set_manual_state(session, seeded.workshop_id, "closed")
    async with session_factory.begin() as session:
        workshop = await workshops.get_workshop(session, seeded.workshop_id)
        assert workshop is not None and workshop.manual_state == "closed"
        await workshops.set_manual_state(session, seeded.workshop_id, None)
    async with session_factory.begin() as session:
        workshop = await workshops.get_workshop(session, seeded.workshop_id)
        assert workshop is not None and workshop.manual_state is None
    with pytest.raises(ValueError):
        async with session_factory.begin() as session:
            await workshops.set_manual_state(session, seeded.workshop_id, "paused")
    with pytest.raises(NotFound):
        async with session_factory.begin() as session:
            await workshops.set_manual_state(session, 9999, "open")


async def test_replace_agenda_keeps_order_and_utc_times(
    session_factory: Factory, seeded: Seeded
) -> None:
    wib = dt.timezone(dt.timedelta(hours=7))

    def item(kind: str, start: int, end: int) -> AgendaItem:
        return AgendaItem(
            kind=kind,
            title_id=kind,
            title_en=kind,
            starts_at=dt.datetime(2026, 12, 3, start, tzinfo=wib),
            ends_at=dt.datetime(2026, 12, 3, end, tzinfo=wib),
        )

    async with session_factory.begin() as session:
        await workshops.replace_agenda(session, seeded.workshop_id, [item("opening", 8, 9)])
        await workshops.replace_agenda(
            session,
            seeded.workshop_id,
            [item("opening", 8, 9), item("fgd", 9, 11), item("break", 11, 12)],
        )
    async with session_factory.begin() as session:
        agenda = await workshops.list_agenda(session, seeded.workshop_id)
        due = await workshops.agenda_sessions_starting_between(
            session,
            dt.datetime(2026, 12, 3, 3, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 3, 4, 30, tzinfo=dt.UTC),
        )
    assert [(s.position, s.kind) for s in agenda] == [(1, "opening"), (2, "fgd"), (3, "break")]
    assert agenda[0].starts_at == dt.datetime(2026, 12, 3, 1, tzinfo=dt.UTC)
    assert agenda[0].starts_at.tzinfo is not None
    assert [s.kind for s in due] == ["break"]
