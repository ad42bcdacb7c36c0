"""Broadcasts as staff see them (issue 16 point 9): a preview sends exactly its own text or
refuses, older previews lose their buttons, a large broadcast asks a second time naming
the workshops, zones and counts, and the count says who has not opened the bot."""

from __future__ import annotations

from sqlalchemy import select
from telegram import BotCommandScopeChat

from bot.clock import ManualClock
from sandbox import ChatMessage, Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Broadcast, StaffRole
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import Person, bot_settings, local, new_person, running_bot, seed_workshop
from tests.e2e.staffing import staff_member


async def _broadcast_texts(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            return list(
                (await session.scalars(select(Broadcast.text).order_by(Broadcast.id))).all()
            )
    finally:
        await engine.dispose()


async def _open(sandbox: Sandbox, code: str, name: str) -> Person:
    person = await new_person(sandbox.client, name)
    await person.send(f"/start {code}")
    await person.until_button("✅ Bersedia")
    return person


async def _inject_press(sandbox: Sandbox, person: Person, message: ChatMessage, data: str) -> None:
    """A press of a button as an older client still shows it."""
    await sandbox.client.inject_update(
        {
            "callback_query": {
                "id": f"old-{message.message_id}",
                "from": {"id": person.user_id, "is_bot": False, "first_name": "Staf"},
                "chat_instance": "7",
                "data": data,
                "message": {
                    "message_id": message.message_id,
                    "date": 0,
                    "chat": {"id": person.user_id, "type": "private"},
                    "text": message.text,
                },
            }
        }
    )


async def test_a_preview_sends_its_own_text_or_refuses_and_older_previews_lose_buttons(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "10:35"))
    seeded = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        people=[("Ani", "government"), ("Budi", "bureaucracy"), ("Citra", "civil_society")],
        now=clock.now(),
    )
    settings = bot_settings(
        migrated_db_url, sandbox, scheduler_interval_seconds=600, reminder_grace_minutes=1
    )
    async with running_bot(settings, clock):
        await _open(sandbox, seeded.invitees[0].invite_code, "Ani")
        await _open(sandbox, seeded.invitees[1].invite_code, "Budi")  # Citra never opens it
        facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Fasilitator",
            role=StaffRole.FACILITATOR,
            workshop_id=seeded.workshop_id,
        )
        await facilitator.send("/siaran")
        await facilitator.until_button("Semua peserta")
        await facilitator.press("Semua peserta")
        await facilitator.until_text("ketik pesan")
        await facilitator.send("Pleno mulai pukul 13.00.")
        first = await facilitator.until_button("📨 Kirim ke 2 orang")
        assert "1 undangan lain belum membuka bot" in first.text
        await facilitator.send("Pleno mulai pukul 13.30.")
        second = await facilitator.until(lambda ms: "13.30" in ms[-1].text and bool(ms[-1].buttons))
        older = next(m for m in second if m.message_id == first.message_id)
        assert older.buttons == [], "the older preview loses its buttons"
        old_data = first.buttons[0][0].callback_data
        assert old_data is not None
        await _inject_press(sandbox, facilitator, first, old_data)
        await facilitator.until(
            lambda ms: any(
                "sudah diganti" in m.text for m in ms if m.message_id == first.message_id
            )
        )
        assert await _broadcast_texts(migrated_db_url) == [], "nothing sent from the old one"
        await facilitator.press("📨 Kirim ke 2 orang", message_id=second[-1].message_id)
        await facilitator.until_text("dikirim")
        assert await _broadcast_texts(migrated_db_url) == ["Pleno mulai pukul 13.30."]


async def test_a_broadcast_to_every_workshop_asks_again_naming_workshops_zones_and_counts(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "10:35"))
    jambi = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        people=[("Ani", "government"), ("Budi", "bureaucracy")],
        now=clock.now(),
    )
    papua = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        province="ID-PA",
        people=[("Yanti", "government"), ("Zul", "civil_society")],
        now=clock.now(),
    )
    settings = bot_settings(
        migrated_db_url, sandbox, scheduler_interval_seconds=600, reminder_grace_minutes=1
    )
    async with running_bot(settings, clock):
        await _open(sandbox, jambi.invitees[0].invite_code, "Ani")
        await _open(sandbox, papua.invitees[0].invite_code, "Yanti")
        organiser = await staff_member(
            sandbox, migrated_db_url, "Penyelenggara", role=StaffRole.ORGANISER
        )
        await organiser.send("/siaran")
        await organiser.until_button("🌏 Semua lokakarya")
        await organiser.press("🌏 Semua lokakarya")
        await organiser.until_button("Semua peserta")
        await organiser.press("Semua peserta")
        await organiser.until_text("ketik pesan")
        await organiser.send("Mohon isi kuesioner sebelum makan siang.")
        preview = await organiser.until_button("📨 Kirim ke 2 orang")
        assert "2 undangan lain belum membuka bot" in preview.text
        await organiser.press("📨 Kirim ke 2 orang")
        confirm = await organiser.until_button("⚠️ Ya, kirim ke 2 orang")
        assert "2 penerima di 2 lokakarya" in confirm.text
        assert jambi.code in confirm.text and papua.code in confirm.text
        assert "WIB" in confirm.text and "WIT" in confirm.text
        assert "1 penerima, 1 belum membuka bot" in confirm.text
        assert await _broadcast_texts(migrated_db_url) == [], "one tap sends nothing yet"
        await organiser.press("⚠️ Ya, kirim ke 2 orang")
        await organiser.until_text("dikirim")
        assert await _broadcast_texts(migrated_db_url) == [
            "Mohon isi kuesioner sebelum makan siang."
        ]


async def test_staff_get_their_own_menu_in_their_chat_and_start_shows_staff_tools(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "10:35"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Ani", "government")], now=clock.now()
    )
    settings = bot_settings(
        migrated_db_url, sandbox, scheduler_interval_seconds=600, reminder_grace_minutes=1
    )
    async with running_bot(settings, clock) as application:
        participant = await _open(sandbox, seeded.invitees[0].invite_code, "Ani")
        facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Fasilitator",
            role=StaffRole.FACILITATOR,
            workshop_id=seeded.workshop_id,
        )
        bot = application.bot
        staff_menu = await bot.get_my_commands(scope=BotCommandScopeChat(facilitator.user_id))
        assert [c.command for c in staff_menu] == ["progres", "ekspor", "agenda", "siaran"]
        english = await bot.get_my_commands(
            scope=BotCommandScopeChat(facilitator.user_id), language_code="en"
        )
        assert [c.command for c in english] == ["progress", "export", "agenda", "broadcast"]
        assert await bot.get_my_commands(scope=BotCommandScopeChat(participant.user_id)) == ()
        everyone = [c.command for c in await bot.get_my_commands()]
        assert "lanjut" in everyone and "siaran" not in everyone

        await facilitator.send("/start")
        tools = await facilitator.until_text("Alat untuk staf")
        assert "/siaran" in tools.text and "/progres" in tools.text
        assert not any("kode undangan" in m.text for m in await facilitator.bot_messages())
