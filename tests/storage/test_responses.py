"""Responses and answers written by the statements the bot's answer path runs."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import Executor, begin_driver
from storage.models import AnswerStatus
from storage.repositories import participants, responses, updates
from storage.repositories.participants import ParticipantProfile
from storage.repositories.updates import UpdateKey
from tests.storage.conftest import NOW, Seeded, answer_rows, response_of, response_row

Factory = async_sessionmaker[AsyncSession]
LATER = NOW + dt.timedelta(minutes=3)


async def _start(session: Executor, seeded: Seeded, index: int = 0) -> int:
    return await responses.start_response(
        session,
        participant_id=seeded.participant_ids[index],
        questionnaire_id=seeded.questionnaire_id,
        now=NOW,
    )


async def test_start_response_returns_the_same_response_each_time(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        assert (
            await response_of(session, seeded.participant_ids[0], seeded.questionnaire_id) is None
        )
        first = await _start(session, seeded)
    async with session_factory.begin() as session:
        second = await _start(session, seeded)
        stored = await response_row(session, second)
    assert first == second
    assert stored.status == "in_progress"
    assert stored.trail == []
    assert stored.started_at == NOW


async def test_concurrent_starts_on_driver_connections_make_one_response(
    session_factory: Factory, seeded: Seeded
) -> None:
    async def start() -> int:
        async with begin_driver(session_factory) as connection:
            return await _start(connection, seeded)

    ids = await asyncio.gather(*(start() for _ in range(5)))
    assert len(set(ids)) == 1


async def test_a_first_answer_then_a_revision_count_only_the_real_change(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with begin_driver(session_factory) as connection:
        response_id = await _start(connection, seeded)
        assert await responses.insert_answer(
            connection,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=7,
            now=NOW,
        )
    async with session_factory() as session:
        first = (await answer_rows(session, response_id))["G1P1"]
    assert (first.change_count, first.changed_at, first.answered_at) == (0, None, NOW)

    async with begin_driver(session_factory) as connection:
        # The same tap delivered twice is not a change: the first answer stays as it was.
        assert not await responses.insert_answer(
            connection,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=7,
            now=LATER,
        )
    async with session_factory() as session:
        same = (await answer_rows(session, response_id))["G1P1"]
    assert (same.change_count, same.changed_at) == (0, None)

    async with begin_driver(session_factory) as connection:
        assert await responses.revise_answer(
            connection,
            response_id=response_id,
            question_id="G1P1",
            status=AnswerStatus.DONT_KNOW,
            value=None,
            now=LATER,
        )
        await responses.save_position(
            connection,
            response_id,
            current_question_id="G2P1",
            trail=["G1P1"],
            now=LATER,
            answers_changed=True,
        )
    async with session_factory() as session:
        changed = (await answer_rows(session, response_id))["G1P1"]
        stored = await response_row(session, response_id)
    assert (changed.status, changed.value) == ("dont_know", None)
    assert (changed.change_count, changed.changed_at, changed.answered_at) == (1, LATER, NOW)
    assert stored.updated_at == LATER


async def test_answer_values_are_the_responses_answers_in_order_with_json_values(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with begin_driver(session_factory) as connection:
        response_id = await _start(connection, seeded)
        for question_id, status, value, at in (
            ("G1P1", "answered", 7, NOW),
            ("G2P1", "answered", {"choices": ["a", "b"]}, LATER),
            ("G3P1", "skipped", None, LATER),
        ):
            await responses.insert_answer(
                connection,
                response_id=response_id,
                question_id=question_id,
                status=status,
                value=value,
                now=at,
            )
        other = await _start(connection, seeded, index=1)
        await responses.insert_answer(
            connection, response_id=other, question_id="G1P1", status="answered", value=1, now=NOW
        )
    async with session_factory() as session:
        values = await responses.answer_values(session, response_id)
    assert [question_id for question_id, *_ in values] == ["G1P1", "G2P1", "G3P1"]
    assert values[0] == ("G1P1", "answered", 7, NOW)
    assert values[1][2] == {"choices": ["a", "b"]}
    assert values[2][1:3] == ("skipped", None)


async def test_revising_an_answer_leaves_the_same_question_of_another_response_alone(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with begin_driver(session_factory) as connection:
        mine, theirs = await _start(connection, seeded, 0), await _start(connection, seeded, 1)
        for response_id in (mine, theirs):
            await responses.insert_answer(
                connection,
                response_id=response_id,
                question_id="G1P1",
                status="answered",
                value=5,
                now=NOW,
            )
    async with begin_driver(session_factory) as connection:
        assert await responses.revise_answer(
            connection, response_id=mine, question_id="G1P1", status="answered", value=2, now=LATER
        )
    async with session_factory() as session:
        kept = (await answer_rows(session, theirs))["G1P1"]
        revised = (await answer_rows(session, mine))["G1P1"]
    assert (kept.value, kept.change_count, kept.changed_at) == (5, 0, None)
    assert (revised.value, revised.change_count) == (2, 1)


async def test_position_trail_and_message_id_are_stored(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with begin_driver(session_factory) as connection:
        response_id = await _start(connection, seeded)
        await responses.save_position(
            connection,
            response_id,
            current_question_id="G2P1",
            trail=["G1P1", "G2P1"],
            now=LATER,
        )
    async with session_factory.begin() as session:  # a message id beyond 32 bits
        await responses.set_current_messages(session, {response_id: 10_000_000_001}, LATER)
    async with session_factory() as session:
        stored = await response_row(session, response_id)
    assert stored.current_question_id == "G2P1"
    assert stored.trail == ["G1P1", "G2P1"]
    assert stored.current_message_id == 10_000_000_001


async def test_submit_then_reopen_then_submit_again_keeps_the_latest_submission(
    session_factory: Factory, seeded: Seeded
) -> None:
    reopened_at = LATER + dt.timedelta(hours=1)
    again_at = reopened_at + dt.timedelta(minutes=10)
    async with begin_driver(session_factory) as connection:
        response_id = await _start(connection, seeded)
        await responses.submit_by_id(connection, response_id, LATER)
    async with begin_driver(session_factory) as connection:
        assert await _start(connection, seeded) == response_id
        submitted = await response_row(connection, response_id)
        assert (submitted.status, submitted.submitted_at) == ("submitted", LATER)
        await responses.reopen_by_id(connection, response_id, reopened_at)
    async with session_factory() as session:
        reopened = await response_row(session, response_id)
    assert reopened.status == "in_progress"
    assert reopened.reopened_at == reopened_at
    assert reopened.submitted_at == LATER
    async with begin_driver(session_factory) as connection:
        await responses.submit_by_id(connection, response_id, again_at)
    async with session_factory() as session:
        resubmitted = await response_row(session, response_id)
    assert (resubmitted.status, resubmitted.submitted_at) == ("submitted", again_at)
    assert resubmitted.reopened_at == reopened_at


async def test_each_participants_answers_are_kept_apart_and_counted_once_in_progress(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with begin_driver(session_factory) as connection:
        for index in (0, 1):
            response_id = await _start(connection, seeded, index)
            await responses.insert_answer(
                connection,
                response_id=response_id,
                question_id="G1P1",
                status="answered",
                value=index + 5,
                now=NOW,
            )
            # A redelivered first answer inserts nothing.
            assert not await responses.insert_answer(
                connection,
                response_id=response_id,
                question_id="G1P1",
                status="answered",
                value=index + 5,
                now=LATER,
            )
    async with session_factory() as session:
        progress = await participants.list_with_progress(session, seeded.workshop_id)
        values = [
            await responses.answer_values(session, (await _response_id(session, seeded, index)))
            for index in (0, 1)
        ]
    assert [(p.participant.pseudonym, p.answer_count) for p in progress] == [
        ("JA-01", 1),
        ("JA-02", 1),
        ("JA-03", 0),
    ]
    assert [[value for _, _, value, _ in answers] for answers in values] == [[5], [6]]


async def _response_id(session: Executor, seeded: Seeded, index: int) -> int:
    row = await response_of(session, seeded.participant_ids[index], seeded.questionnaire_id)
    assert row is not None
    return int(row.id)


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
        for i, person in enumerate(people):
            await participants.bind_telegram_user(session, person.id, 70_000 + i, NOW)
    questions = ["G1P1", "G2P1", "G3P1", "G4P1"]

    async def answer_all(telegram_user_id: int, offset: int) -> None:
        # One transaction per tap, as the bot's answer path runs it (`Journey._run` and
        # `participation.save_step`): dedup mark, the participant's context under its
        # lock, the response started on the first tap, the answer, then the position.
        for step, question in enumerate(questions):
            async with begin_driver(session_factory) as connection:
                assert await updates.mark_processed(connection, UpdateKey(offset * 100 + step), NOW)
                context = await participants.get_context_by_telegram_user(
                    connection, telegram_user_id, lock=True
                )
                assert context is not None
                facts = context.response
                response_id = (
                    facts.id
                    if facts is not None
                    else await responses.start_response(
                        connection,
                        participant_id=context.participant.id,
                        questionnaire_id=seeded.questionnaire_id,
                        now=NOW,
                    )
                )
                assert await responses.insert_answer(
                    connection,
                    response_id=response_id,
                    question_id=question,
                    status="answered",
                    value=step + 1,
                    now=NOW,
                )
                trail = facts.trail if facts is not None else ()
                await responses.save_position(
                    connection,
                    response_id,
                    current_question_id=question,
                    trail=[*trail, question],
                    now=NOW,
                    answers_changed=True,
                )

    await asyncio.gather(*(answer_all(70_000 + i, i) for i in range(len(people))))

    async with session_factory.begin() as session:
        progress = await participants.list_with_progress(session, seeded.workshop_id)
        by_id = {p.participant.id: p for p in progress}
        for person in people:
            assert by_id[person.id].answer_count == len(questions)
            response = await response_of(session, person.id, seeded.questionnaire_id)
            assert response is not None and response.trail == questions
            assert response.answers_revision == len(questions)
            answers = await answer_rows(session, response.id)
            assert [(a.question_id, a.value) for a in answers.values()] == [
                (question, step + 1) for step, question in enumerate(questions)
            ]


async def test_insert_answer_writes_a_first_answer_and_refuses_a_second(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response_id = await _start(session, seeded)
        assert await responses.insert_answer(
            session,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=7,
            now=NOW,
        )
    async with session_factory.begin() as session:
        response_id = await _start(session, seeded)
        assert not await responses.insert_answer(
            session,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=3,
            now=LATER,
        )
        stored = await answer_rows(session, response_id)
    assert (stored["G1P1"].value, stored["G1P1"].change_count) == (7, 0)


async def test_revise_answer_replaces_and_counts_the_change(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response_id = await _start(session, seeded)
        assert not await responses.revise_answer(
            session,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=7,
            now=NOW,
        )
        await responses.insert_answer(
            session,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=7,
            now=NOW,
        )
    async with session_factory.begin() as session:
        response_id = await _start(session, seeded)
        assert await responses.revise_answer(
            session,
            response_id=response_id,
            question_id="G1P1",
            status="dont_know",
            value=None,
            now=LATER,
        )
    async with session_factory() as session:
        stored = await answer_rows(session, response_id)
        values = await responses.answer_values(session, response_id)
    answer = stored["G1P1"]
    assert (answer.status, answer.value, answer.change_count) == ("dont_know", None, 1)
    assert (answer.answered_at, answer.changed_at) == (NOW, LATER)
    assert values == [("G1P1", "dont_know", None, NOW)]


async def test_current_message_is_stored_by_response_id(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response_id = await _start(session, seeded)
    async with session_factory.begin() as session:
        await responses.set_current_messages(session, {response_id: 4242}, LATER)
    async with session_factory() as session:
        response = await response_row(session, response_id)
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
        response = await response_row(session, ids[0])
    assert (response.status, response.trail, response.started_at) == ("in_progress", [], NOW)


async def test_position_submission_and_reopening_by_id(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response_id = await _start(session, seeded)
        await responses.save_position(
            session, response_id, current_question_id="G1P2", trail=["G1P1"], now=LATER
        )
    async with session_factory() as session:
        moved = await response_row(session, response_id)
    assert (moved.current_question_id, moved.trail, moved.updated_at) == ("G1P2", ["G1P1"], LATER)

    submitted_at = LATER + dt.timedelta(minutes=1)
    async with session_factory.begin() as session:
        await responses.submit_by_id(session, response_id, submitted_at)
    async with session_factory() as session:
        submitted = await response_row(session, response_id)
    assert (submitted.status, submitted.submitted_at) == ("submitted", submitted_at)
    assert submitted.current_question_id is None

    reopened_at = submitted_at + dt.timedelta(minutes=1)
    async with session_factory.begin() as session:
        await responses.reopen_by_id(session, response_id, reopened_at)
    async with session_factory() as session:
        reopened = await response_row(session, response_id)
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
        first = await _start(session, seeded, 0)
        second = await _start(session, seeded, 1)
    async with session_factory.begin() as session:
        await responses.set_current_messages(session, {first: 11, second: None}, LATER)
        await responses.set_current_messages(session, {}, LATER)  # nothing to do
    async with session_factory() as session:
        stored = [await response_row(session, i) for i in (first, second)]
    assert [(r.current_message_id, r.updated_at) for r in stored] == [
        (11, LATER),
        (None, LATER),
    ]


async def _revision(factory: Factory, response_id: int) -> int:
    async with factory() as session:
        return int((await response_row(session, response_id)).answers_revision)


async def test_answers_revision_counts_every_change_to_the_answers_and_nothing_else(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        response_id = await _start(session, seeded)
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
    async with begin_driver(session_factory) as connection:  # a redelivered first answer
        assert not await responses.insert_answer(
            connection,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=4,
            now=LATER,
        )
    assert await _revision(session_factory, response_id) == 1
    async with begin_driver(session_factory) as connection:  # a revision, as save_step
        assert await responses.revise_answer(
            connection,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=5,
            now=LATER,
        )
        # The revision is bumped by the position's statement, not by the answer's.
        assert int((await response_row(connection, response_id)).answers_revision) == 1
        await responses.save_position(
            connection,
            response_id,
            current_question_id="G1P2",
            trail=["G1P1"],
            now=LATER,
            answers_changed=True,
        )
    assert await _revision(session_factory, response_id) == 2
    async with session_factory.begin() as session:  # submitting, reopening, showing
        await responses.submit_by_id(session, response_id, LATER)
        await responses.reopen_by_id(session, response_id, LATER)
        await responses.set_current_messages(session, {response_id: 5}, LATER)
    assert await _revision(session_factory, response_id) == 2
