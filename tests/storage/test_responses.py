from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import AnswerStatus, Response
from storage.repositories import participants, responses, updates
from storage.repositories.participants import ParticipantProfile
from storage.repositories.updates import UpdateKey
from tests.storage.conftest import NOW, Seeded

Factory = async_sessionmaker[AsyncSession]
LATER = NOW + dt.timedelta(minutes=3)


async def _start(session: AsyncSession, seeded: Seeded, index: int = 0) -> Response:
    return await responses.get_or_create_response(
        session,
        participant_id=seeded.participant_ids[index],
        questionnaire_id=seeded.questionnaire_id,
        now=NOW,
    )


async def test_get_or_create_returns_the_same_response_each_time(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        assert (
            await responses.get_response(
                session,
                participant_id=seeded.participant_ids[0],
                questionnaire_id=seeded.questionnaire_id,
            )
            is None
        )
        first = await _start(session, seeded)
    async with session_factory.begin() as session:
        second = await _start(session, seeded)
    assert first.id == second.id
    assert second.status == "in_progress"
    assert second.trail == []
    assert second.started_at == NOW


async def test_concurrent_get_or_create_makes_one_response(
    session_factory: Factory, seeded: Seeded
) -> None:
    async def start() -> int:
        async with session_factory.begin() as session:
            return (await _start(session, seeded)).id

    ids = await asyncio.gather(*(start() for _ in range(5)))
    assert len(set(ids)) == 1


async def test_upsert_answer_inserts_then_counts_only_real_changes(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        first = await responses.upsert_answer(
            session, response=response, question_id="G1P1", status="answered", value=7, now=NOW
        )
    assert (first.change_count, first.changed_at, first.answered_at) == (0, None, NOW)

    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        # The same tap delivered twice is not a change.
        same = await responses.upsert_answer(
            session, response=response, question_id="G1P1", status="answered", value=7, now=LATER
        )
    assert (same.change_count, same.changed_at) == (0, None)

    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        changed = await responses.upsert_answer(
            session,
            response=response,
            question_id="G1P1",
            status=AnswerStatus.DONT_KNOW,
            value=None,
            now=LATER,
        )
    assert (changed.status, changed.value) == ("dont_know", None)
    assert (changed.change_count, changed.changed_at, changed.answered_at) == (1, LATER, NOW)
    async with session_factory.begin() as session:
        stored = await responses.get_response_by_id(session, response.id)
    assert stored is not None and stored.updated_at == LATER


async def test_load_answers_returns_all_answers_keyed_by_question_with_json_values(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        await responses.upsert_answer(
            session, response=response, question_id="G1P1", status="answered", value=7, now=NOW
        )
        await responses.upsert_answer(
            session,
            response=response,
            question_id="G2P1",
            status="answered",
            value={"choices": ["a", "b"]},
            now=LATER,
        )
        await responses.upsert_answer(
            session, response=response, question_id="G3P1", status="skipped", value=None, now=LATER
        )
        other = await _start(session, seeded, index=1)
        await responses.upsert_answer(
            session, response=other, question_id="G1P1", status="answered", value=1, now=NOW
        )
    async with session_factory.begin() as session:
        answers = await responses.load_answers(session, response.id)
    assert list(answers) == ["G1P1", "G2P1", "G3P1"]
    assert answers["G1P1"].value == 7
    assert answers["G2P1"].value == {"choices": ["a", "b"]}
    assert answers["G3P1"].value is None


async def test_delete_answers_removes_only_the_named_questions(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        for question in ("A", "B", "C"):
            await responses.upsert_answer(
                session,
                response=response,
                question_id=question,
                status="answered",
                value=5,
                now=NOW,
            )
        removed = await responses.delete_answers(session, response.id, ["B", "C", "Z"])
        assert await responses.delete_answers(session, response.id, []) == 0
    async with session_factory.begin() as session:
        remaining = await responses.load_answers(session, response.id)
    assert removed == 2
    assert list(remaining) == ["A"]


async def test_position_trail_and_message_id_are_stored(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        await responses.set_position(
            session, response, current_question_id="G2P1", trail=["G1P1", "G2P1"], now=LATER
        )
        await responses.set_current_message(session, response, 10_000_000_001, LATER)
    async with session_factory.begin() as session:
        stored = await responses.get_response_by_id(session, response.id)
    assert stored is not None
    assert stored.current_question_id == "G2P1"
    assert stored.trail == ["G1P1", "G2P1"]
    assert stored.current_message_id == 10_000_000_001


async def test_submit_then_reopen(session_factory: Factory, seeded: Seeded) -> None:
    reopened_at = LATER + dt.timedelta(hours=1)
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        await responses.mark_submitted(session, response, LATER)
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        assert (response.status, response.submitted_at) == ("submitted", LATER)
        await responses.reopen(session, response, reopened_at)
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
    assert response.status == "in_progress"
    assert response.reopened_at == reopened_at
    assert response.submitted_at == LATER


async def test_answers_for_workshop_joins_participant_response_and_answer(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        for index in (0, 1):
            response = await _start(session, seeded, index)
            await responses.upsert_answer(
                session,
                response=response,
                question_id="G1P1",
                status="answered",
                value=index + 5,
                now=NOW,
            )
    async with session_factory.begin() as session:
        rows = await responses.answers_for_workshop(
            session, seeded.workshop_id, seeded.questionnaire_id
        )
    assert [(p.pseudonym, a.value) for p, _, a in rows] == [("JA-01", 5), ("JA-02", 6)]


async def test_burst_of_participants_answering_at_once_loses_nothing(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        people = [
            await participants.add_participant(
                session,
                workshop_id=seeded.workshop_id,
                invite_code=f"BURST{i}",
                pseudonym=f"JA-B{i:02d}",
                profile=ParticipantProfile(name=f"P{i}"),
                now=NOW,
            )
            for i in range(20)
        ]
    questions = ["G1P1", "G2P1", "G3P1", "G4P1"]

    async def answer_all(participant_id: int, offset: int) -> None:
        # One transaction per tap, as the bot does: dedup mark, progress, answer.
        for step, question in enumerate(questions):
            async with session_factory.begin() as session:
                assert await updates.mark_processed(session, UpdateKey(offset * 100 + step), NOW)
                response = await responses.get_or_create_response(
                    session,
                    participant_id=participant_id,
                    questionnaire_id=seeded.questionnaire_id,
                    now=NOW,
                )
                await responses.upsert_answer(
                    session,
                    response=response,
                    question_id=question,
                    status="answered",
                    value=step + 1,
                    now=NOW,
                )
                await responses.set_position(
                    session,
                    response,
                    current_question_id=question,
                    trail=[*response.trail, question],
                    now=NOW,
                )

    await asyncio.gather(*(answer_all(p.id, i) for i, p in enumerate(people)))

    async with session_factory.begin() as session:
        progress = await participants.list_with_progress(session, seeded.workshop_id)
        by_id = {p.participant.id: p for p in progress}
        for person in people:
            assert by_id[person.id].answer_count == len(questions)
            response = await responses.get_response(
                session, participant_id=person.id, questionnaire_id=seeded.questionnaire_id
            )
            assert response is not None and response.trail == questions


async def test_insert_answer_writes_a_first_answer_and_refuses_a_second(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        assert await responses.insert_answer(
            session,
            response_id=response.id,
            question_id="G1P1",
            status="answered",
            value=7,
            now=NOW,
        )
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        assert not await responses.insert_answer(
            session,
            response_id=response.id,
            question_id="G1P1",
            status="answered",
            value=3,
            now=LATER,
        )
        stored = await responses.load_answers(session, response.id)
    assert (stored["G1P1"].value, stored["G1P1"].change_count) == (7, 0)


async def test_revise_answer_replaces_and_counts_the_change_like_upsert(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        assert not await responses.revise_answer(
            session,
            response_id=response.id,
            question_id="G1P1",
            status="answered",
            value=7,
            now=NOW,
        )
        await responses.insert_answer(
            session,
            response_id=response.id,
            question_id="G1P1",
            status="answered",
            value=7,
            now=NOW,
        )
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        assert await responses.revise_answer(
            session,
            response_id=response.id,
            question_id="G1P1",
            status="dont_know",
            value=None,
            now=LATER,
        )
    async with session_factory() as session:
        stored = await responses.load_answers(session, response.id)
        values = await responses.answer_values(session, response.id)
    answer = stored["G1P1"]
    assert (answer.status, answer.value, answer.change_count) == ("dont_know", None, 1)
    assert (answer.answered_at, answer.changed_at) == (NOW, LATER)
    assert values == [("G1P1", "dont_know", None, NOW)]


async def test_current_message_is_stored_by_response_id(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response_id = (await _start(session, seeded)).id
    async with session_factory.begin() as session:
        await responses.set_current_messages(session, {response_id: 4242}, LATER)
    async with session_factory() as session:
        response = await responses.get_response_by_id(session, response_id)
    assert response is not None
    assert (response.current_message_id, response.updated_at) == (4242, LATER)


async def test_start_response_by_core_statement_is_idempotent(
    session_factory: Factory, seeded: Seeded
) -> None:
    async def start() -> int:
        async with session_factory.begin() as session:
            return await responses.start_response(
                session,
                participant_id=seeded.participant_ids[0],
                questionnaire_id=seeded.questionnaire_id,
                now=NOW,
            )

    ids = await asyncio.gather(*(start() for _ in range(4)))
    assert len(set(ids)) == 1
    async with session_factory() as session:
        response = await responses.get_response_by_id(session, ids[0])
    assert response is not None
    assert (response.status, response.trail, response.started_at) == ("in_progress", [], NOW)


async def test_position_submission_and_reopening_by_id(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response_id = (await _start(session, seeded)).id
        await responses.save_position(
            session, response_id, current_question_id="G1P2", trail=["G1P1"], now=LATER
        )
    async with session_factory() as session:
        moved = await responses.get_response_by_id(session, response_id)
    assert moved is not None
    assert (moved.current_question_id, moved.trail, moved.updated_at) == ("G1P2", ["G1P1"], LATER)

    submitted_at = LATER + dt.timedelta(minutes=1)
    async with session_factory.begin() as session:
        await responses.submit_by_id(session, response_id, submitted_at)
    async with session_factory() as session:
        submitted = await responses.get_response_by_id(session, response_id)
    assert submitted is not None
    assert (submitted.status, submitted.submitted_at) == ("submitted", submitted_at)
    assert submitted.current_question_id is None

    reopened_at = submitted_at + dt.timedelta(minutes=1)
    async with session_factory.begin() as session:
        await responses.reopen_by_id(session, response_id, reopened_at)
    async with session_factory() as session:
        reopened = await responses.get_response_by_id(session, response_id)
    assert reopened is not None
    assert (reopened.status, reopened.reopened_at, reopened.updated_at) == (
        "in_progress",
        reopened_at,
        reopened_at,
    )
    assert reopened.submitted_at == submitted_at  # the latest submission time is kept


async def test_current_messages_of_many_responses_are_stored_in_one_call(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        first = (await _start(session, seeded, 0)).id
        second = (await _start(session, seeded, 1)).id
    async with session_factory.begin() as session:
        await responses.set_current_messages(session, {first: 11, second: None}, LATER)
        await responses.set_current_messages(session, {}, LATER)  # nothing to do
    async with session_factory() as session:
        stored = [await responses.get_response_by_id(session, i) for i in (first, second)]
    assert [(r.current_message_id, r.updated_at) for r in stored if r] == [
        (11, LATER),
        (None, LATER),
    ]


async def test_participant_context_carries_the_response_once_started(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        await participants.bind_telegram_user(session, seeded.participant_ids[0], 4321, NOW)
        response_id = (await _start(session, seeded)).id
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


async def _revision(factory: Factory, response_id: int) -> int:
    async with factory() as session:
        response = await responses.get_response_by_id(session, response_id)
    assert response is not None
    return response.answers_revision


async def test_answers_revision_counts_every_change_to_the_answers_and_nothing_else(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response = await _start(session, seeded)
        response_id = response.id
    assert await _revision(session_factory, response_id) == 0
    async with session_factory.begin() as session:  # a move without an answer
        await responses.save_position(
            session, response_id, current_question_id="G1P2", trail=["G1P1"], now=NOW
        )
    assert await _revision(session_factory, response_id) == 0
    async with session_factory.begin() as session:  # the answer path: insert, then position
        await responses.insert_answer(
            session,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=4,
            now=NOW,
        )
        await responses.save_position(
            session,
            response_id,
            current_question_id="G1P2",
            trail=["G1P1"],
            now=NOW,
            answers_changed=True,
        )
    assert await _revision(session_factory, response_id) == 1
    for value, expected in ((4, 1), (5, 2)):  # the same answer again changes nothing
        async with session_factory.begin() as session:
            response = await _start(session, seeded)
            await responses.upsert_answer(
                session,
                response=response,
                question_id="G1P1",
                status="answered",
                value=value,
                now=LATER,
            )
        assert await _revision(session_factory, response_id) == expected
    async with session_factory.begin() as session:
        assert await responses.delete_answers(session, response_id, ["nothing"]) == 0
    assert await _revision(session_factory, response_id) == 2
    async with session_factory.begin() as session:
        assert await responses.delete_answers(session, response_id, ["G1P1"]) == 1
    assert await _revision(session_factory, response_id) == 3
