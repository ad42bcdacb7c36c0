"""The participant use cases keep answers in memory, and still see changes made elsewhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.questionnaire.engine import Acknowledge, AnswerInput, Resume
from bot.questionnaire.model import QuestionType
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.answer_cache import AnswerCache
from bot.services.journey import Journey, RedeemStatus
from bot.services.question_messages import QuestionMessages
from storage.db import begin_driver, create_engine, create_session_factory
from storage.repositories import responses
from storage.repositories.updates import UpdateKey
from tests.e2e.harness import local, seed_workshop
from tests.storage.conftest import response_row

DAY = dt.date(2026, 12, 3)
USER = 4242


@pytest.fixture
async def journey(
    migrated_db_url: str,
) -> AsyncIterator[tuple[Journey, AnswerCache, async_sessionmaker[AsyncSession]]]:
    seeded = await seed_workshop(migrated_db_url, day=DAY, people=[("Siti Aminah", "government")])
    engine = create_engine(migrated_db_url)
    sessions = create_session_factory(engine)
    clock = ManualClock(local(DAY, "09:30"))
    cache = AnswerCache()
    use_cases = Journey(
        sessions,
        QuestionnaireCache(),
        clock,
        create_session_factory(engine, read_only=True),
        messages=QuestionMessages(sessions, clock),
        answer_cache=cache,
    )
    redeemed = await use_cases.redeem(USER, seeded.invitees[0].invite_code, UpdateKey(1))
    assert redeemed.status is RedeemStatus.BOUND
    await use_cases.consent(USER, "id", UpdateKey(2))
    try:
        yield use_cases, cache, sessions
    finally:
        await engine.dispose()


async def test_an_answer_changed_outside_the_bot_is_seen_by_the_next_step(
    journey: tuple[Journey, AnswerCache, async_sessionmaker[AsyncSession]],
) -> None:
    use_cases, cache, sessions = journey
    update_id = 10
    choice_question = None
    while choice_question is None:  # past the notes to the first single-choice question
        participation = await use_cases.participation(USER)
        assert participation is not None and participation.state.current is not None
        question = participation.questionnaire.question(participation.state.current)
        update_id += 1
        if question.type is QuestionType.NOTE:
            await use_cases.apply(USER, UpdateKey(update_id), Acknowledge(question.id))
        else:
            assert question.type is QuestionType.SINGLE_CHOICE
            choice_question = question
    first, second = (c.value for c in choice_question.choices[:2])
    outcome = await use_cases.apply(
        USER, UpdateKey(update_id + 1), AnswerInput(choice_question.id, first)
    )
    assert outcome.participation is not None and outcome.participation.response is not None
    response_id = outcome.participation.response.id
    assert len(cache) == 1  # the answers as committed are kept

    # Another bot process revises the answer: the statements of its `save_step`.
    async with begin_driver(sessions) as connection:
        stored = await response_row(connection, response_id)
        assert await responses.revise_answer(
            connection,
            response_id=response_id,
            question_id=choice_question.id,
            status="answered",
            value=second,
            now=local(DAY, "09:40"),
        )
        await responses.save_position(
            connection,
            response_id,
            current_question_id=stored.current_question_id,
            trail=stored.trail,
            now=local(DAY, "09:40"),
            answers_changed=True,
        )

    after = await use_cases.apply(USER, UpdateKey(update_id + 2), Resume())
    assert after.participation is not None
    seen = after.participation.state.answer(choice_question.id)
    assert seen is not None and seen.value == second
