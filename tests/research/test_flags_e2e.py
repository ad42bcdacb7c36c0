"""A workshop played through the real bot: a straight-liner, a speeder and a last-minute
burst are flagged from the stored answers and their stored paradata, the honest
respondents are not."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pandas as pd
import pytest

from bench.people import PlannedAnswer, Screen, ScreenKind, ScriptedPerson, plan_answer
from bot.app import WipApplication
from bot.clock import ManualClock
from bot.questionnaire.model import QuestionType
from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.research_frames import research_inputs, research_sheets
from bot.research.flags import quality_flags
from bot.research.results import PARADATA_STORED
from bot.services.progress import WorkshopProgress, load_progress_for
from bot.views.callback_data import Action, encode
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from tests.e2e.harness import HUMAN_THINK_SECONDS, SeededWorkshop, local, seed_workshop

DAY = dt.date(2026, 12, 3)


def _straight_liner(seeded: SeededWorkshop) -> Callable[[Screen], PlannedAnswer]:
    """Taps 7 on every scale item; answers the rest as anyone would."""

    def planner(screen: Screen) -> PlannedAnswer:
        index = screen.question_index
        assert index is not None
        question = seeded.questionnaire.questions[index]
        if question.type is QuestionType.SCALE:
            return PlannedAnswer(encode(Action.ANSWER, index, 7), None, "answered", 7)
        return plan_answer(question, index, random.Random(question.id))

    return planner


async def _read(db_url: str, now: dt.datetime) -> WorkshopProgress:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            (workshop,) = await load_progress_for(session, QuestionnaireCache(), None, now)
            return workshop
    finally:
        await engine.dispose()


PEOPLE = [
    ("Dr. Hj. Siti Aminah, M.Si.", "government"),  # honest
    ("Ir. Bambang O'Neil", "bureaucracy"),  # taps 7 on every item
    ("Rina Wati", "civil_society"),  # honest
    ("Budi Santoso, S.E.", "economic_society"),  # a second per answer
    ("Dewi Lestari", "civil_society"),  # starts after the last call, all at once
]


@pytest.fixture
async def seeded(migrated_db_url: str, clock: ManualClock) -> SeededWorkshop:
    """The default questionnaire and a Jambi workshop with the five people above."""
    return await seed_workshop(migrated_db_url, day=DAY, people=PEOPLE, now=clock.now())


def _pace(clock: ManualClock, seconds: float) -> Callable[[], float]:
    """A person who takes `seconds` (on the bot's pinned clock) before each tap."""

    def think() -> float:
        clock.advance(dt.timedelta(seconds=seconds))
        return 0.0

    return think


async def test_a_straight_liner_a_speeder_and_a_late_burst_are_flagged_honest_people_not(
    sandbox: Sandbox,
    bot: WipApplication,
    clock: ManualClock,
    seeded: SeededWorkshop,
    migrated_db_url: str,
) -> None:
    people = []
    for number, invitee in enumerate(seeded.invitees):
        user_id = await sandbox.client.create_user(f"Peserta{number}", language_code="id")
        seconds = 1.0 if number >= 3 else 25.0
        people.append(
            ScriptedPerson(
                sandbox.client,
                user_id,
                invitee.invite_code,
                seeded.questionnaire,
                seed=number,
                think=_pace(clock, seconds),
                # The sandbox's flood allowance is credited at least a quick person's
                # pace (the bot's clock still sees `seconds`): no person taps faster
                # than Telegram's ~1 message/s per chat lets the bot keep up with.
                credit=max(seconds, HUMAN_THINK_SECONDS),
            )
        )
    siti, bambang, rina, budi, dewi = people
    bambang.planner = _straight_liner(seeded)
    for person in (siti, bambang, rina, budi):
        await person.play(ScreenKind.SUBMITTED)
    # Dewi starts only after the closing has begun (the last call) and rushes through.
    clock.set(local(DAY, "15:35"))
    await dewi.play(ScreenKind.SUBMITTED)

    workshop = await _read(migrated_db_url, clock.now())
    assert workshop.closing_starts_at == local(DAY, "15:30")
    # The paradata the bot stored with each answer: seconds from shown to answered.
    inputs = research_inputs([workshop])
    timing, source = inputs.timing()
    assert source == PARADATA_STORED
    answers = inputs.answers
    flags = quality_flags(answers, timing, last_calls=inputs.last_calls)
    # The export's flags sheet is this very frame.
    pd.testing.assert_frame_equal(research_sheets([workshop])["flags"], flags)
    pseudonyms = {r.participant.id: r.participant.pseudonym for r in workshop.respondents}
    row = flags.set_index("participant").to_dict("index")
    siti_, bambang_, rina_, budi_, dewi_ = (
        row[pseudonyms[i.participant_id]] for i in seeded.invitees
    )
    assert bambang_["longest_run"] == 48 and bambang_["straight_lining"] is True
    assert bambang_["speeding"] is False and bambang_["burst"] is False
    assert budi_["speeding"] is True and budi_["median_seconds"] < budi_["speed_threshold"]
    assert budi_["straight_lining"] is False and budi_["burst"] is False
    dewi_answers = answers[answers["participant"] == pseudonyms[seeded.invitees[4].participant_id]]
    assert dewi_["burst"] is True and dewi_["after_last_call"] == len(dewi_answers) > 40
    for honest in (siti_, rina_):
        assert honest["median_seconds"] >= 25.0
        assert (honest["straight_lining"], honest["speeding"], honest["burst"]) == (
            False,
            False,
            False,
        )
        assert honest["flagged"] is False
    assert int(flags["flagged"].sum()) == 3
