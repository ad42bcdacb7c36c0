"""Reminders from the agenda through the real bot: a day in Jambi (WIB) and Papua (WIT)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import ManualClock
from bot.outbound.reminders import tick
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import ProcessedUpdate, StaffRole
from storage.repositories import updates as update_repo
from storage.repositories.updates import UpdateKey
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import (
    Person,
    bot_settings,
    local,
    running_bot,
    seed_workshop,
    typical_agenda,
)
from tests.e2e.staffing import (
    at_question_two,
    consented,
    mark_submitted,
    nudges,
    staff_member,
    starting,
    unreachable_ids,
)

WIB = ZoneInfo("Asia/Jakarta")
WIT = ZoneInfo("Asia/Jayapura")
# The job runs once at start-up; the test drives every later tick itself.
QUIET = {"scheduler_interval_seconds": 600}


def wib(hhmm: str) -> dt.datetime:
    return local(WORKSHOP_DAY, hhmm, WIB)


def wit(hhmm: str) -> dt.datetime:
    return local(WORKSHOP_DAY, hhmm, WIT)


async def _summaries(person: Person) -> list[str]:
    return [m.text for m in await person.bot_messages() if m.text.startswith("📊")]


async def test_reminders_reach_the_right_people_at_the_right_instants_once_across_a_restart(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(wit("07:00"))
    jambi = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        province="ID-JA",
        agenda=typical_agenda(WORKSHOP_DAY, WIB),
        people=[
            ("Ani", "government"),
            ("Budi", "bureaucracy"),
            ("Citra", "civil_society"),
            ("Dedi", "economic_society"),
            ("Eka", "government"),
            ("Fajar", "bureaucracy"),
        ],
        now=clock.now(),
    )
    papua = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        province="ID-PA",
        agenda=typical_agenda(WORKSHOP_DAY, WIT),
        people=[("Yanti", "civil_society"), ("Zul", "government")],
        now=clock.now(),
    )
    ani_, budi_, _citra, dedi_, eka_, fajar_ = jambi.invitees
    yanti_, zul_ = papua.invitees
    settings = bot_settings(migrated_db_url, sandbox, **QUIET)

    async with running_bot(settings, clock) as application:
        ani = await at_question_two(sandbox, ani_.invite_code, "Ani")
        budi = await consented(sandbox, budi_.invite_code, "Budi")
        dedi = await consented(sandbox, dedi_.invite_code, "Dedi")
        eka = await at_question_two(sandbox, eka_.invite_code, "Eka")
        fajar = await at_question_two(sandbox, fajar_.invite_code, "Fajar", lang="en")
        yanti = await at_question_two(sandbox, yanti_.invite_code, "Yanti")
        zul = await at_question_two(sandbox, zul_.invite_code, "Zul", lang="en")
        jambi_facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Fasilitator Jambi",
            role=StaffRole.FACILITATOR,
            workshop_id=jambi.workshop_id,
        )
        papua_facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Fasilitator Papua",
            role=StaffRole.FACILITATOR,
            workshop_id=papua.workshop_id,
        )
        await mark_submitted(migrated_db_url, [budi_.participant_id], clock.now())
        await sandbox.client.block(dedi.user_id)

        # Papua's coffee break starts at 10:30 WIT (08:30 in Jambi): not a minute early.
        clock.set(wit("10:29"))
        await tick(application)
        assert await nudges(yanti) == []
        clock.set(wit("10:31"))
        await tick(application)
        assert starting(await nudges(yanti), "☕ Rehat kopi telah dimulai")
        assert starting(await nudges(zul), "☕ Coffee break has started")
        shown = await yanti.bot_messages()
        assert shown[-1].text.startswith("☕") and shown[-1].button_texts == ["▶ Lanjutkan"]
        assert "· 2/" in shown[-2].text, "the open question is not sent again"
        assert "1 dari 56 pertanyaan" in shown[-1].text
        assert await nudges(ani) == [], "Jambi's break is two hours later"
        clock.set(wit("10:32"))
        await tick(application)
        assert len(await nudges(yanti)) == 1

    # A restart: a new Application on the same database and sandbox sends nothing again.
    async with running_bot(settings, clock) as application:
        clock.set(wit("10:35"))
        await tick(application)
        assert len(await nudges(yanti)) == 1
        assert len(await nudges(zul)) == 1

        clock.set(wit("12:01"))  # Papua's lunch break; 10:01 in Jambi, mid focus group
        await tick(application)
        assert len(await nudges(yanti)) == 2
        assert await nudges(ani) == []

        # Eka is answering right before Jambi's coffee break: she is left alone.
        clock.set(wib("10:29"))
        await eka.send("12")
        await eka.until_question(3)
        clock.set(wib("10:30") + dt.timedelta(seconds=30))
        await tick(application)
        assert starting(await nudges(ani), "☕ Rehat kopi telah dimulai")
        assert starting(await nudges(fajar), "☕ Coffee break has started")
        assert await nudges(eka) == []
        assert await nudges(budi) == [], "submitted"
        assert dedi_.participant_id in await unreachable_ids(migrated_db_url)
        assert len(await nudges(yanti)) == 2, "Papua's lunch nudge window is over"

        # The grace window: a late tick does not nudge about a break long begun, and a
        # clock jumping back sends nothing a second time.
        clock.set(wib("10:45"))
        await tick(application)
        clock.set(wib("10:31"))
        await tick(application)
        assert len(await nudges(ani)) == 1 and await nudges(eka) == []

        clock.set(wib("12:01"))  # Jambi's lunch
        await tick(application)
        for person in (ani, eka, fajar):
            assert len(await nudges(person)) == (2 if person is not eka else 1)

        clock.set(wit("15:01"))  # Papua's last call (closing 15:30 WIT); 13:01 in Jambi
        await tick(application)
        assert (await nudges(yanti))[-1].startswith("⏰ Penutupan dimulai pukul 15.30 WIT")
        assert (await nudges(zul))[-1].startswith("⏰ The closing session starts at 15:30 WI")
        assert len(await nudges(ani)) == 2
        clock.set(wit("15:31"))
        await tick(application)
        assert len(await _summaries(papua_facilitator)) == 1
        assert await _summaries(jambi_facilitator) == []

        clock.set(wib("15:01"))
        await tick(application)
        clock.set(wib("15:31"))
        await tick(application)
        await tick(application)

    assert starting(
        await nudges(yanti),
        "☕ Rehat kopi telah dimulai",
        "☕ Makan siang telah dimulai",
        "⏰ Penutupan dimulai pukul 15.30 WIT",
    )
    assert starting(
        await nudges(ani),
        "☕ Rehat kopi",
        "☕ Makan siang",
        "⏰ Penutupan dimulai pukul 15.30 WIB",
    )
    assert starting(await nudges(eka), "☕ Makan siang", "⏰ Penutupan")
    assert (await nudges(fajar))[-1].startswith("⏰ The closing session starts at 15:30 WIB")
    assert await nudges(budi) == []
    assert len(await _summaries(papua_facilitator)) == 1
    summaries = await _summaries(jambi_facilitator)
    assert len(summaries) == 1
    assert "Sudah mengirim: 1 dari 6" in summaries[0]
    assert "Citra" in summaries[0] and "Budi" not in summaries[0].split("Belum mengirim")[1]


async def test_a_participant_mid_question_keeps_their_place_through_a_reminder(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(wib("09:00"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Rina", "civil_society")], now=clock.now()
    )
    async with running_bot(bot_settings(migrated_db_url, sandbox, **QUIET), clock) as app:
        rina = await at_question_two(sandbox, seeded.invitees[0].invite_code, "Rina")
        question = await rina.last()
        clock.set(wib("10:31"))
        await tick(app)
        messages = await rina.bot_messages()
        assert messages[-1].text.startswith("☕ Rehat kopi")
        assert messages[-2].message_id == question.message_id, "the question is not sent again"
        await rina.press("▶ Lanjutkan", message_id=messages[-1].message_id)
        # Just above the reminder: brought up where it is; the reminder's button goes.
        await rina.until(lambda ms: not ms[-1].buttons)
        messages = await rina.bot_messages()
        assert messages[-2].message_id == question.message_id and messages[-2].buttons
        assert messages[-2].text == question.text, "the same question, not the first one"
        await rina.send("9")
        await rina.until_question(3)


async def test_the_periodic_tick_forgets_update_ids_older_than_three_days(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(wib("09:00"))
    await seed_workshop(migrated_db_url, day=WORKSHOP_DAY, people=[("Rina", "civil_society")])
    engine = create_engine(migrated_db_url)
    sessions = create_session_factory(engine)
    async with sessions.begin() as session:
        old, recent = UpdateKey(10, "m:1:1:1"), UpdateKey(11, "m:1:2:2")
        await update_repo.mark_processed(session, old, clock.now() - dt.timedelta(days=4))
        await update_repo.mark_processed(session, recent, clock.now() - dt.timedelta(hours=2))
    try:
        async with running_bot(bot_settings(migrated_db_url, sandbox, **QUIET), clock) as app:
            await tick(app)
        async with sessions() as session:
            kept = (await session.scalars(select(ProcessedUpdate.update_id))).all()
        assert 10 not in kept and 11 in kept
    finally:
        await engine.dispose()
