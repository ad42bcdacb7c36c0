"""Who a break reminder passes over as busy: judged on their answers' times."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.reminders import ACTIVE_WINDOW, Reminders
from storage.models import Questionnaire
from storage.repositories import participants, responses
from tests.storage.conftest import NOW, Seeded

Factory = async_sessionmaker[AsyncSession]


@pytest.mark.parametrize(
    ("answered", "busy"),
    [
        # Answered while the reminder tick ran (after the `now` it started with): the
        # person is answering right now. Seen in an e2e run under load: the tick took
        # its clock, the answer committed, then the tick read the answers.
        (NOW + dt.timedelta(milliseconds=80), True),
        (NOW - dt.timedelta(seconds=20), True),
        (NOW - ACTIVE_WINDOW - dt.timedelta(seconds=1), False),
    ],
)
async def test_a_person_who_answered_recently_or_during_the_tick_is_passed_over(
    session_factory: Factory, seeded: Seeded, answered: dt.datetime, busy: bool
) -> None:
    person = seeded.participant_ids[0]
    questionnaire = load_default_questionnaire()
    async with session_factory.begin() as session:
        # The seeded workshop gets a real questionnaire, which progress reads.
        await session.execute(
            update(Questionnaire)
            .where(Questionnaire.id == seeded.questionnaire_id)
            .values(definition=questionnaire.to_dict(), content_hash=questionnaire.content_hash())
        )
        await participants.bind_telegram_user(session, person, 777, NOW - dt.timedelta(hours=1))
        await participants.record_consent(session, person, NOW - dt.timedelta(hours=1))
        response_id = await responses.start_response(
            session,
            participant_id=person,
            questionnaire_id=seeded.questionnaire_id,
            now=NOW - dt.timedelta(hours=1),
        )
        await responses.insert_answer(
            session,
            response_id=response_id,
            question_id=questionnaire.questions[0].id,
            status="answered",
            value=7,
            now=answered,
        )
    selection = await Reminders(session_factory, QuestionnaireCache()).participant_targets(
        seeded.workshop_id, NOW
    )
    assert [t.participant_id for t in selection.active] == ([person] if busy else [])
    assert [t.participant_id for t in selection.targets] == ([] if busy else [person])
