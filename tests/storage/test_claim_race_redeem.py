"""Two accounts sending one invitation code at once through the bot's use case."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.clock import ManualClock
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.journey import Journey, RedeemStatus
from bot.services.question_messages import QuestionMessages
from storage.db import create_engine, create_session_factory
from tests.e2e.harness import local, seed_workshop

DAY = dt.date(2026, 12, 3)
PAIRS = 20


async def test_of_two_accounts_redeeming_one_code_at_once_one_is_greeted_the_other_told_taken(
    migrated_db_url: str,
) -> None:
    people = [(f"Invitee Sekar {n}", "government") for n in range(PAIRS)]
    seeded = await seed_workshop(migrated_db_url, day=DAY, people=people)
    engine = create_engine(migrated_db_url)
    try:
        sessions = create_session_factory(engine)
        clock = ManualClock(local(DAY, "09:30"))
        journey = Journey(
            sessions, QuestionnaireCache(), clock, messages=QuestionMessages(sessions, clock)
        )
        for pair, invitee in enumerate(seeded.invitees):
            first, second = 5000 + 2 * pair, 5001 + 2 * pair
            outcomes = await asyncio.gather(
                journey.redeem(first, invitee.invite_code, None),
                journey.redeem(second, invitee.invite_code, None),
            )
            statuses = sorted(outcome.status.value for outcome in outcomes)
            assert statuses == sorted([RedeemStatus.BOUND.value, RedeemStatus.TAKEN.value])
            winner = next(o for o in outcomes if o.status is RedeemStatus.BOUND)
            loser = next(o for o in outcomes if o.status is RedeemStatus.TAKEN)
            assert winner.participation is not None
            assert winner.participation.participant.name == f"Invitee Sekar {pair}"
            assert loser.participation is None and loser.other_name == ""
            won_by = first if outcomes[0] is winner else second
            lost_by = second if won_by == first else first
            assert await journey.participation(lost_by) is None
            after = await journey.participation(won_by)
            assert after is not None and after.participant.name == f"Invitee Sekar {pair}"
    finally:
        await engine.dispose()
