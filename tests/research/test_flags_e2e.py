"""A workshop played through the real bot: a straight-liner and a last-minute burst are
flagged from the stored answers, the honest respondents are not."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from admin.export import answers_frame
from bench.people import PlannedAnswer, Screen, ScreenKind, ScriptedPerson, plan_answer
from bot.app import WipApplication
from bot.clock import ManualClock
from bot.handlers.callback_data import Action, encode
from bot.questionnaire.model import QuestionType
from bot.questionnaire_cache import QuestionnaireCache
from bot.research.flags import quality_flags
from bot.services.progress import WorkshopProgress, load_progress_for
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from tests.e2e.harness import SeededWorkshop, local

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


async def test_a_straight_liner_and_a_burst_after_the_last_call_are_flagged_honest_people_not(
    sandbox: Sandbox,
    bot: WipApplication,
    clock: ManualClock,
    seeded: SeededWorkshop,
    migrated_db_url: str,
) -> None:
    people = []
    for number, invitee in enumerate(seeded.invitees):
        user_id = await sandbox.client.create_user(f"Peserta{number}", language_code="id")
        people.append(
            ScriptedPerson(
                sandbox.client, user_id, invitee.invite_code, seeded.questionnaire, seed=number
            )
        )
    siti, bambang, rina, budi = people
    bambang.planner = _straight_liner(seeded)
    for person in (siti, bambang, rina):
        await person.play(ScreenKind.SUBMITTED)
        clock.advance(dt.timedelta(minutes=20))
    # Budi starts only after the closing has begun (the last call) and answers at once.
    clock.set(local(DAY, "15:35"))
    await budi.play(ScreenKind.SUBMITTED)

    workshop = await _read(migrated_db_url, clock.now())
    assert workshop.closing_starts_at == local(DAY, "15:30")
    flags = quality_flags(
        answers_frame([workshop]), last_calls={workshop.code: workshop.closing_starts_at}
    )
    pseudonyms = {r.participant.id: r.participant.pseudonym for r in workshop.respondents}
    row = flags.set_index("participant").to_dict("index")
    siti_, bambang_, rina_, budi_ = (row[pseudonyms[i.participant_id]] for i in seeded.invitees)
    assert bambang_["longest_run"] == 48 and bambang_["straight_lining"] is True
    assert bambang_["burst"] is False
    assert budi_["burst"] is True and budi_["straight_lining"] is False
    answers = answers_frame([workshop])
    budi_answers = answers[answers["participant"] == pseudonyms[seeded.invitees[3].participant_id]]
    assert budi_["after_last_call"] == len(budi_answers) > 40
    assert siti_["flagged"] is False and rina_["flagged"] is False
    assert int(flags["flagged"].sum()) == 2
