"""Agenda changes through the real bot: a facilitator moves a session, reminders follow."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from admin.cli import main as admin_main
from bot.clock import ManualClock
from bot.outbound.reminders import tick
from sandbox import Sandbox
from storage.models import StaffRole
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import bot_settings, local, new_person, running_bot, seed_workshop
from tests.e2e.staffing import at_question_two, nudges, staff_member, starting

WIB = ZoneInfo("Asia/Jakarta")


def wib(hhmm: str) -> dt.datetime:
    return local(WORKSHOP_DAY, hhmm, WIB)


async def test_moving_a_session_moves_its_reminders_and_tells_participants(
    sandbox: Sandbox, migrated_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(wib("09:00"))
    seeded = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        people=[("Ani", "government"), ("Fajar", "bureaucracy"), ("Tamu", "civil_society")],
        now=clock.now(),
    )
    ani_, fajar_, _ = seeded.invitees
    settings = bot_settings(migrated_db_url, sandbox, scheduler_interval_seconds=600)
    async with running_bot(settings, clock) as app:
        ani = await at_question_two(sandbox, ani_.invite_code, "Ani")
        fajar = await at_question_two(sandbox, fajar_.invite_code, "Fajar", lang="en")
        facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Fasilitator",
            role=StaffRole.FACILITATOR,
            workshop_id=seeded.workshop_id,
        )

        await facilitator.send("/agenda")
        agenda = await facilitator.until_button("10.30 Rehat kopi")
        assert "Diskusi kelompok I  ◀ sekarang" in agenda.text
        assert "Rehat kopi  ◀ berikutnya" in agenda.text
        await facilitator.press("10.30 Rehat kopi")
        await facilitator.until_button("+15")
        await facilitator.press("+15")
        confirm = await facilitator.until_button("✅ Ya, geser")
        assert "“Rehat kopi”: 10.30 WIB → 10.45 WIB" in confirm.text
        assert "4 sesi berikutnya ikut bergeser" in confirm.text
        stale = next(b for b in confirm.buttons[0] if b.text == "✅ Ya, geser")
        await facilitator.press("✅ Ya, geser")
        done = await facilitator.until_text("Agenda diperbarui")
        assert "2 peserta diberi tahu" in done.text
        assert "10.45–11.05  Rehat kopi" in done.text
        assert "15.45–16.15  Penutupan" in done.text

        told = await ani.until_text("🗓")
        assert told.text == (
            "🗓 Sesi rehat kopi diundur ke 10.45 WIB. Sesi berikutnya juga mundur 15 menit."
        )
        told_en = await fajar.until_text("🗓")
        assert told_en.text == (
            "🗓 The coffee break session has been moved to 10:45 WIB. "
            "Later sessions are also 15 minutes later."
        )
        question = [m for m in await ani.bot_messages() if "· 2/" in m.text][-1]
        assert question.buttons and not question.edited, "a notice leaves the question alone"

        # The same confirmation again (a stale button): nothing moves twice.
        assert stale.callback_data is not None
        before = len(await facilitator.bot_messages())
        await sandbox.client.inject_update(
            {
                "callback_query": {
                    "id": "stale-move",
                    "from": {"id": facilitator.user_id, "is_bot": False, "first_name": "F"},
                    "chat_instance": "1",
                    "data": stale.callback_data,
                    "message": {
                        "message_id": done.message_id,
                        "date": 0,
                        "chat": {"id": facilitator.user_id, "type": "private"},
                        "text": done.text,
                    },
                }
            }
        )
        refused = await facilitator.until_text("Agenda sudah berubah")
        assert refused.message_id == done.message_id
        assert len(await facilitator.bot_messages()) == before

        # The coffee-break nudge moved with the session.
        clock.set(wib("10:31"))
        await tick(app)
        assert await nudges(ani) == []
        clock.set(wib("10:46"))
        await tick(app)
        assert starting(await nudges(ani), "☕ Rehat kopi telah dimulai")
        assert starting(await nudges(fajar), "☕ Coffee break has started")

        await ani.send("/agenda")
        shown = await ani.until_text("🗓 Agenda Lokakarya Jambi")
        assert "10.45–11.05  Rehat kopi  ◀ sekarang" in shown.text
        assert "11.05–12.15  Diskusi kelompok II  ◀ berikutnya" in shown.text
        assert not shown.buttons
        await fajar.send("/agenda")
        shown_en = await fajar.until_text("🗓 Agenda of the Jambi workshop")
        assert "10:45–11:05  Coffee break  ◀ now" in shown_en.text
        assert "3 December 2026 · WIB time" in shown_en.text

        # The admin script moves the plenary; the running bot tells everyone.
        monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
        moved = await asyncio.to_thread(
            admin_main, ["workshop", "move", seeded.code, "--session", "6", "--to", "15:30"]
        )
        assert moved == 0
        await tick(app)
        plenary = await ani.until_text("pleno")
        assert plenary.text.startswith("🗓 Sesi pleno diundur ke 15.30 WIB.")
        plenary_en = await fajar.until_text("plenary")
        assert plenary_en.text.startswith("🗓 The plenary session has been moved to 15:30 WIB.")

        # The last call follows the closing, now at 18:00 (15:45 + 2 h 15 min).
        clock.set(wib("15:16"))
        await tick(app)
        assert len(await nudges(ani)) == 1
        clock.set(wib("17:31"))
        await tick(app)
        assert (await nudges(ani))[-1].startswith("⏰ Penutupan dimulai pukul 18.00 WIB")
        stranger = await new_person(sandbox.client, "Orang")
        await stranger.send("/agenda")
        await stranger.until_text("belum terdaftar")
