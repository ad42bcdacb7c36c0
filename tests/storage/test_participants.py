"""Participants: invite codes, binding to a Telegram account, consent, imports, progress."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import begin_driver
from storage.errors import ParticipantAlreadyBound, TelegramAccountAlreadyBound
from storage.models import AnswerStatus
from storage.repositories import participants, responses, workshops
from storage.repositories.participants import ParticipantProfile
from storage.repositories.workshops import AgendaItem
from tests.storage.conftest import NOW, Seeded, participant_row

Factory = async_sessionmaker[AsyncSession]
LATER = NOW + dt.timedelta(minutes=5)


async def test_participant_found_by_invite_code_and_after_binding_by_telegram_user(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        found = await participants.get_by_invite_code(session, "CODE2")
        assert found is not None and found.name == "Budi"
        assert await participants.get_by_telegram_user(session, 555) is None
        bound = await participants.bind_telegram_user(session, found.id, 555, NOW)
    assert bound.bound_at == NOW
    async with session_factory.begin() as session:
        again = await participants.get_by_telegram_user(session, 555)
    assert again is not None and again.id == found.id
    async with session_factory.begin() as session:
        assert await participants.get_by_invite_code(session, "NOPE") is None


async def test_binding_again_to_same_account_is_idempotent(
    session_factory: Factory, seeded: Seeded
) -> None:
    pid = seeded.participant_ids[0]
    async with session_factory.begin() as session:
        await participants.bind_telegram_user(session, pid, 555, NOW)
    async with session_factory.begin() as session:
        again = await participants.bind_telegram_user(session, pid, 555, LATER)
    assert again.bound_at == NOW


async def test_binding_an_invite_already_bound_to_another_account_is_refused(
    session_factory: Factory, seeded: Seeded
) -> None:
    pid = seeded.participant_ids[0]
    async with session_factory.begin() as session:
        await participants.bind_telegram_user(session, pid, 555, NOW)
    with pytest.raises(ParticipantAlreadyBound):
        async with session_factory.begin() as session:
            await participants.bind_telegram_user(session, pid, 666, LATER)


async def test_binding_an_account_already_bound_to_another_participant_is_refused(
    session_factory: Factory, seeded: Seeded
) -> None:
    first, second, _ = seeded.participant_ids
    async with session_factory.begin() as session:
        await participants.bind_telegram_user(session, first, 555, NOW)
    with pytest.raises(TelegramAccountAlreadyBound):
        async with session_factory.begin() as session:
            await participants.bind_telegram_user(session, second, 555, LATER)


async def test_unreachable_mark_keeps_first_time_until_cleared(
    session_factory: Factory, seeded: Seeded
) -> None:
    pid = seeded.participant_ids[0]
    async with session_factory.begin() as session:
        await participants.mark_unreachable(session, pid, NOW)
        marked = await participants.mark_unreachable(session, pid, LATER)
        assert marked.unreachable_at == NOW
    async with session_factory.begin() as session:
        await participants.mark_reachable(session, pid)
        await participants.mark_reachable(session, pid)  # already reachable: no change
    async with session_factory() as session:
        cleared = await participant_row(session, pid)
    assert cleared.unreachable_at is None


async def test_consent_keeps_first_time_and_language_is_validated(
    session_factory: Factory, seeded: Seeded
) -> None:
    pid = seeded.participant_ids[0]
    async with session_factory.begin() as session:
        await participants.record_consent(session, pid, NOW)
        await participants.record_consent(session, pid, LATER)
        await participants.set_language(session, pid, "en")
    async with session_factory() as session:
        stored = await participant_row(session, pid)
    assert stored.consent_at == NOW
    assert stored.language == "en"
    with pytest.raises(ValueError):
        async with session_factory.begin() as session:
            await participants.set_language(session, pid, "fr")


async def test_duplicate_invite_code_is_refused_by_the_database(
    session_factory: Factory, seeded: Seeded
) -> None:
    with pytest.raises(IntegrityError):
        async with session_factory.begin() as session:
            await participants.add_participant(
                session,
                workshop_id=seeded.workshop_id,
                invite_code="CODE1",
                pseudonym="JA-50",
                profile=ParticipantProfile(name="Dup"),
                now=NOW,
            )


async def test_progress_listing_shows_status_answer_count_and_not_started(
    session_factory: Factory, seeded: Seeded
) -> None:
    ani, budi, _ = seeded.participant_ids
    async with begin_driver(session_factory) as connection:
        response_id = await responses.start_response(
            connection, participant_id=ani, questionnaire_id=seeded.questionnaire_id, now=NOW
        )
        for question in ("G1P1", "G2P1"):
            await responses.insert_answer(
                connection,
                response_id=response_id,
                question_id=question,
                status=AnswerStatus.ANSWERED,
                value=6,
                now=LATER,
            )
        await responses.save_position(
            connection,
            response_id,
            current_question_id=None,
            trail=["G1P1", "G2P1"],
            now=LATER,
            answers_changed=True,
        )
        await responses.submit_by_id(connection, response_id, LATER)
        await responses.start_response(
            connection, participant_id=budi, questionnaire_id=seeded.questionnaire_id, now=NOW
        )
    async with session_factory.begin() as session:
        progress = await participants.list_with_progress(session, seeded.workshop_id)
    summary = [(p.participant.name, p.response_status, p.answer_count) for p in progress]
    assert summary == [("Ani", "submitted", 2), ("Budi", "in_progress", 0), ("Citra", None, 0)]
    assert progress[0].last_activity_at == LATER
    assert progress[2].last_activity_at is None


async def test_participant_context_has_workshop_questionnaire_hash_and_agenda_span(
    session_factory: async_sessionmaker[AsyncSession], seeded: Seeded
) -> None:
    hour = dt.timedelta(hours=1)
    async with session_factory.begin() as session:
        assert await participants.get_context_by_telegram_user(session, 777) is None
        await participants.bind_telegram_user(session, seeded.participant_ids[0], 777, NOW)
        bare = await participants.get_context_by_telegram_user(session, 777)
        await workshops.replace_agenda(
            session,
            seeded.workshop_id,
            [
                AgendaItem("fgd", "Diskusi", "Focus groups", NOW + hour, NOW + 2 * hour),
                AgendaItem("opening", "Pembukaan", "Opening", NOW, NOW + hour),
                AgendaItem("closing", "Penutupan", "Closing", NOW + 5 * hour, NOW + 6 * hour),
            ],
        )
    async with session_factory() as session:
        context = await participants.get_context_by_telegram_user(session, 777)
    assert bare is not None and (bare.agenda_starts_at, bare.agenda_ends_at) == (None, None)
    assert context is not None
    assert context.participant.id == seeded.participant_ids[0]
    assert context.workshop.id == seeded.workshop_id
    assert context.workshop.province_code == "ID-JA"
    assert context.workshop.zone == "Asia/Jakarta"
    assert context.response is None
    assert context.questionnaire_hash == "a" * 64
    # Aware UTC datetimes, as every other timestamp the repositories return.
    assert (context.agenda_starts_at, context.agenda_ends_at) == (NOW, NOW + 6 * hour)
    assert context.agenda_starts_at is not None and context.agenda_starts_at.tzinfo is not None


async def test_participant_context_carries_the_response_once_started(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        await participants.bind_telegram_user(session, seeded.participant_ids[0], 4321, NOW)
        response_id = await responses.start_response(
            session,
            participant_id=seeded.participant_ids[0],
            questionnaire_id=seeded.questionnaire_id,
            now=NOW,
        )
        await responses.save_position(
            session, response_id, current_question_id="G1P2", trail=["G1P1"], now=NOW
        )
        await responses.set_current_messages(session, {response_id: 99}, NOW)
    async with session_factory.begin() as session:
        context = await participants.get_context_by_telegram_user(session, 4321, lock=True)
    assert context is not None and context.response is not None
    assert context.participant.telegram_user_id == 4321
    assert context.response.id == response_id
    assert (context.response.current_question_id, context.response.trail) == ("G1P2", ("G1P1",))
    assert (context.response.status, context.response.current_message_id) == ("in_progress", 99)
