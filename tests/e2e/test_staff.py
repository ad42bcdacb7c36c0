"""Staff access through the real bot: invitations, roles checked on every call, refusals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import WipApplication
from bot.services.staff_invites import create_staff_invite
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import AgendaSession, Staff, StaffRole
from tests.e2e.conftest import PEOPLE, WORKSHOP_DAY
from tests.e2e.harness import (
    JAKARTA,
    Person,
    SeededWorkshop,
    bot_settings,
    new_person,
    running_bot,
    seed_workshop,
)
from tests.e2e.staffing import consented, staff_member

STAFF_COMMANDS = ("/siaran", "/broadcast")


async def _invite(db_url: str, role: StaffRole, workshop_id: int | None) -> str:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            return await create_staff_invite(
                session, role=role, workshop_id=workshop_id, now=dt.datetime.now(dt.UTC)
            )
    finally:
        await engine.dispose()


async def _press_crafted(sandbox: Sandbox, person: Person, data: str) -> None:
    """A button press with made-up data, as a curious or malicious client could send."""
    last = await person.last()
    await sandbox.client.inject_update(
        {
            "callback_query": {
                "id": f"crafted-{data}",
                "from": {"id": person.user_id, "is_bot": False, "first_name": "X"},
                "chat_instance": "1",
                "data": data,
                "message": {
                    "message_id": last.message_id,
                    "date": 0,
                    "chat": {"id": person.user_id, "type": "private"},
                    "text": last.text,
                },
            }
        }
    )


async def _agenda_starts(db_url: str) -> list[dt.datetime]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(select(AgendaSession.starts_at).order_by(AgendaSession.id))
            return list(rows.all())
    finally:
        await engine.dispose()


async def test_a_staff_invitation_grants_its_role_to_the_first_account_only(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    token = await _invite(migrated_db_url, StaffRole.FACILITATOR, seeded.workshop_id)
    first = await new_person(sandbox.client, "Fasilitator")
    await first.send(f"/start {token}")
    welcome = await first.until_text("/siaran")
    assert welcome.text.startswith(
        "Selamat datang, Fasilitator\n\nBapak/Ibu kini terdaftar sebagai fasilitator"
    )
    assert "Lokakarya Jambi" in welcome.text

    second = await new_person(sandbox.client, "Penyusup")
    await second.send(f"/start {token}")
    refused = await second.until_text("sudah tidak berlaku")
    assert "fasilitator" not in refused.text.lower()
    await second.send("/siaran")
    await second.until(lambda ms: any("perintah tersebut tidak kami kenal" in m.text for m in ms))

    await first.send("/siaran")
    choose = await first.until_button("Semua peserta")
    assert "Lokakarya Jambi" in choose.text
    assert "🌏 Semua lokakarya" not in choose.button_texts
    engine = create_engine(migrated_db_url)
    async with create_session_factory(engine)() as session:
        roles = (await session.scalars(select(Staff))).all()
    await engine.dispose()
    assert [(r.telegram_user_id, r.role, r.workshop_id) for r in roles] == [
        (first.user_id, "facilitator", seeded.workshop_id)
    ]


async def test_every_staff_command_is_refused_to_participants_and_strangers(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    stranger = await new_person(sandbox.client, "Tamu")
    participant = await consented(sandbox, seeded.invitees[0].invite_code, "Siti")
    for command in STAFF_COMMANDS:
        seen = len(await stranger.bot_messages())
        await stranger.send(command)
        reply = await stranger.until(lambda ms, n=seen: len(ms) >= n + 2)
        assert "perintah tersebut tidak kami kenal" in reply[-2].text
        seen = len(await participant.bot_messages())
        await participant.send(command)
        shown = await participant.until(lambda ms, n=seen: len(ms) >= n + 2)
        assert "perintah tersebut tidak kami kenal" in shown[-2].text
        assert "· 1/" in shown[-1].text

    # /agenda is theirs too, but without a single button to change it.
    await participant.send("/agenda")
    agenda = await participant.until_text("🗓 Agenda Lokakarya Jambi")
    assert not agenda.buttons and "tekan sesi" not in agenda.text
    await stranger.send("/agenda")
    await stranger.until_text("belum terdaftar")

    # Staff buttons forged by a participant or a stranger do nothing at all.
    starts = await _agenda_starts(migrated_db_url)
    session_id = 3
    before = {p.user_id: len(await p.bot_messages()) for p in (participant, stranger)}
    for person in (participant, stranger):
        for data in ("sb:w:all", "sb:f:all:all", "sb:ok:1", f"ag:s:{session_id}", "ag:n"):
            await _press_crafted(sandbox, person, data)
        seconds = int(starts[2].timestamp())
        await _press_crafted(sandbox, person, f"ag:y:{session_id}:60:{seconds}")
    for person in (participant, stranger):
        await person.send("/bantuan")  # a later update, to know the forged ones were handled
        await person.until_text("Perintah yang tersedia")
        new = (await person.bot_messages())[before[person.user_id] :]
        # Only the bot's general apology can appear: the sandbox refuses to let a forged
        # press be answered, which the participant handler reports as a hiccup.
        assert all(m.text.startswith(("Mohon maaf, terjadi", "Cara menjawab")) for m in new)
        assert not any(m.buttons for m in new)
    assert await _agenda_starts(migrated_db_url) == starts


async def test_a_facilitator_acts_only_on_their_own_workshop(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(dt.datetime(2026, 12, 3, 9, 0, tzinfo=JAKARTA))
    jambi = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=PEOPLE[:2], now=clock.now()
    )
    bali = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, province="ID-BA", people=PEOPLE[2:], now=clock.now()
    )
    async with running_bot(bot_settings(migrated_db_url, sandbox), clock):
        facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Fasilitator",
            role=StaffRole.FACILITATOR,
            workshop_id=jambi.workshop_id,
        )
        organiser = await staff_member(
            sandbox, migrated_db_url, "Penyelenggara", role=StaffRole.ORGANISER
        )
        await organiser.send("/siaran")
        scopes = await organiser.until_button("🌏 Semua lokakarya")
        assert {"Lokakarya Jambi", "Lokakarya Bali"} <= set(scopes.button_texts)
        await organiser.send("/agenda")
        await organiser.until_button("Lokakarya Bali · 2026-12-03")

        starts = await _agenda_starts(migrated_db_url)
        engine = create_engine(migrated_db_url)
        async with create_session_factory(engine)() as session:
            bali_session = await session.scalar(
                select(AgendaSession.id).where(AgendaSession.workshop_id == bali.workshop_id)
            )
        await engine.dispose()
        for data, refusal in (
            ("sb:w:all", "tidak memiliki akses"),
            (f"sb:f:{bali.workshop_id}:all", "tidak memiliki akses"),
            (f"ag:s:{bali_session}", "tidak memiliki akses"),
            (f"ag:w:{bali.workshop_id}", "tidak memiliki akses"),
        ):
            await facilitator.send("/siaran")
            await facilitator.until_button("Semua peserta")
            await _press_crafted(sandbox, facilitator, data)
            await facilitator.until_text(refusal)
        await facilitator.send("/agenda")
        own = await facilitator.until_button("10.30 Rehat kopi")
        assert "Lokakarya Jambi" in own.text
        assert await _agenda_starts(migrated_db_url) == starts
