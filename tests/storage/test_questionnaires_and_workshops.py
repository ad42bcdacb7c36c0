from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.errors import NotFound, QuestionnaireLocked
from storage.models import AnswerStatus
from storage.repositories import provinces, questionnaires, responses, workshops
from storage.repositories.workshops import AgendaItem
from tests.storage.conftest import DEFINITION, NOW, Seeded

Factory = async_sessionmaker[AsyncSession]


async def test_provinces_are_listed_in_code_order_and_found_by_code(
    session_factory: Factory,
) -> None:
    async with session_factory.begin() as session:
        listed = await provinces.list_provinces(session)
        jambi = await provinces.get_province(session, "id-ja")
    assert len(listed) == 38
    assert [p.code for p in listed] == sorted(p.code for p in listed)
    assert jambi is not None and jambi.timezone == "Asia/Jakarta"


async def test_saving_same_definition_again_returns_existing_row(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        again = await questionnaires.save_definition(
            session,
            key="igi-wip",
            version="1",
            title="IGI WIP",
            definition=DEFINITION,
            content_hash="a" * 64,
            now=NOW + dt.timedelta(days=1),
        )
    assert again.id == seeded.questionnaire_id
    assert again.created_at == NOW


async def test_changed_definition_replaces_unanswered_version(
    session_factory: Factory, seeded: Seeded
) -> None:
    changed = {**DEFINITION, "questions": []}
    async with session_factory.begin() as session:
        saved = await questionnaires.save_definition(
            session,
            key="igi-wip",
            version="1",
            title="IGI WIP v1b",
            definition=changed,
            content_hash="b" * 64,
            now=NOW,
        )
    async with session_factory.begin() as session:
        loaded = await questionnaires.get_by_key_version(session, "igi-wip", "1")
    assert saved.id == seeded.questionnaire_id
    assert loaded is not None
    assert loaded.definition == changed
    assert loaded.content_hash == "b" * 64


async def test_changed_definition_of_answered_version_raises_questionnaire_locked(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response = await responses.get_or_create_response(
            session,
            participant_id=seeded.participant_ids[0],
            questionnaire_id=seeded.questionnaire_id,
            now=NOW,
        )
        await responses.upsert_answer(
            session,
            response=response,
            question_id="G1P1",
            status=AnswerStatus.ANSWERED,
            value=7,
            now=NOW,
        )
    with pytest.raises(QuestionnaireLocked, match="new version"):
        async with session_factory.begin() as session:
            await questionnaires.save_definition(
                session,
                key="igi-wip",
                version="1",
                title="IGI WIP",
                definition={**DEFINITION, "questions": []},
                content_hash="c" * 64,
                now=NOW,
            )
    async with session_factory.begin() as session:
        # The same content is still accepted: re-running a deploy must not fail.
        same = await questionnaires.save_definition(
            session,
            key="igi-wip",
            version="1",
            title="IGI WIP",
            definition=DEFINITION,
            content_hash="a" * 64,
            now=NOW,
        )
        versions = await questionnaires.list_versions(session, "igi-wip")
    assert same.id == seeded.questionnaire_id
    assert [v.version for v in versions] == ["1"]


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
