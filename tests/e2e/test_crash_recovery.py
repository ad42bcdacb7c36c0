"""The bot process is killed mid-questionnaire and restarted: nothing is lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Response
from storage.repositories.workshops import AgendaItem
from tests.e2e.harness import BotProcess, Person, new_person, seed_workshop


def _agenda_around_now() -> tuple[dt.date, list[AgendaItem]]:
    now = dt.datetime.now(dt.UTC)
    day = now.date()
    return day, [
        AgendaItem("opening", "Pembukaan", "Opening", now - dt.timedelta(hours=1), now),
        AgendaItem("break", "Rehat", "Break", now, now + dt.timedelta(hours=2)),
        AgendaItem(
            "closing",
            "Penutupan",
            "Closing",
            now + dt.timedelta(hours=2),
            now + dt.timedelta(hours=3),
        ),
    ]


async def _answer_scale_items(person: Person, first: int, last: int) -> None:
    for number in range(first, last + 1):
        await person.until_question(number, timeout=20)
        await person.press(str(1 + number % 10))


async def test_bot_killed_mid_questionnaire_resumes_at_the_same_question(
    sandbox: Sandbox, migrated_db_url: str, tmp_path: Path
) -> None:
    day, agenda = _agenda_around_now()
    seeded = await seed_workshop(
        migrated_db_url, day=day, people=[("Rina Wati", "civil_society")], agenda=agenda
    )
    invitee = seeded.invitees[0]
    bot = BotProcess(migrated_db_url, sandbox, tmp_path / "bot.log")
    await bot.start()
    try:
        person = await new_person(sandbox.client, "Rina")
        await person.send(f"/start {invitee.invite_code}")
        await person.until_button("✅ Bersedia", timeout=20)
        await person.press("✅ Bersedia")
        await person.until_button("Lanjut ▶", timeout=20)
        await person.press("Lanjut ▶")
        await person.until_question(1, timeout=20)
        await person.press("Masyarakat Sipil")
        await person.until_question(2, timeout=20)
        await person.send("9")
        await person.until_question(3, timeout=20)
        await person.press("Sering")
        await person.until_question(4, timeout=20)
        await person.press("Lewati ▶")
        await _answer_scale_items(person, 5, 14)
        await person.until_question(15, timeout=20)

        await bot.kill()
        await person.press("7")  # tapped while the bot is down: Telegram keeps the update
        await bot.start()
        await person.until_question(16, timeout=30)
        await person.send("/lanjut")
        again = await person.until_question(16, timeout=20)
        assert again.buttons, "the re-sent question must be answerable"
        await person.press("6")
        await person.until_question(17, timeout=20)  # the optional comment on government
        await person.press("Lewati ▶")
        await _answer_scale_items(person, 18, 20)
        await person.until_question(21, timeout=20)
    finally:
        await bot.stop()

    engine = create_engine(migrated_db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = (
                await session.execute(
                    select(Answer.question_id, Answer.value, func.count())
                    .join(Response, Response.id == Answer.response_id)
                    .where(Response.participant_id == invitee.participant_id)
                    .group_by(Answer.question_id, Answer.value)
                )
            ).all()
    finally:
        await engine.dispose()
    answers = {question_id: value for question_id, value, _ in rows}
    assert all(count == 1 for _, _, count in rows)
    assert answers["sector"] == "civil_society"
    assert answers["years_involved"] == 9
    scale = [q.id for q in seeded.questionnaire.questions if q.is_scored]
    given = [1 + n % 10 for n in range(5, 15)] + [7, 6] + [1 + n % 10 for n in range(18, 21)]
    assert [answers[q] for q in scale[:15]] == given
    assert scale[15] not in answers
    assert answers["G_comment"] is None
