"""Calculate values are committed with the answer that changes them, on the bot's answer path."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.clock import ManualClock
from bot.questionnaire.engine import AnswerInput, GoTo
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.journey import Journey, RedeemStatus
from bot.services.question_messages import QuestionMessages
from storage.db import begin_driver, create_engine, create_session_factory
from storage.models import Answer as AnswerRow
from storage.repositories import responses
from storage.repositories.updates import UpdateKey
from tests.e2e.harness import local, seed_workshop
from tests.questionnaire.test_defaults_skips_calculations import CALCULATING

DAY = dt.date(2026, 12, 3)
USER = 5151


async def test_calculations_are_stored_with_the_answers_and_follow_a_change(
    migrated_db_url: str,
) -> None:
    seeded = await seed_workshop(
        migrated_db_url, day=DAY, people=[("Siti Aminah", "government")], questionnaire=CALCULATING
    )
    engine = create_engine(migrated_db_url)
    try:
        sessions = create_session_factory(engine)
        clock = ManualClock(local(DAY, "09:30"))
        journey = Journey(
            sessions,
            QuestionnaireCache(),
            clock,
            create_session_factory(engine, read_only=True),
            messages=QuestionMessages(sessions, clock),
        )
        redeemed = await journey.redeem(USER, seeded.invitees[0].invite_code, UpdateKey(1))
        assert redeemed.status is RedeemStatus.BOUND
        await journey.consent(USER, "id", UpdateKey(2))
        for update, given in enumerate(
            (
                AnswerInput("adults", "4"),
                AnswerInput("children", "3"),
                GoTo("children"),
                AnswerInput("children", "0"),
            ),
            start=3,
        ):
            outcome = await journey.apply(USER, UpdateKey(update), given)
        assert outcome.participation is not None and outcome.participation.response is not None
        response_id = outcome.participation.response.id
        async with begin_driver(sessions) as connection:
            stored = {
                question_id: value
                for question_id, _, value, _ in await responses.answer_values(
                    connection, response_id
                )
            }
            methods = dict(
                (
                    await connection.execute(
                        select(AnswerRow.question_id, AnswerRow.method).where(
                            AnswerRow.response_id == response_id
                        )
                    )
                ).all()
            )
        assert stored == {
            "adults": 4,
            "children": 0,
            "total": "4",
            "half": "2",
            "big": "kecil",
        }
        assert methods["total"] == "calculated"
    finally:
        await engine.dispose()
