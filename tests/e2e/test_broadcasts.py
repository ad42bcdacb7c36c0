"""Broadcasts through the real bot: flood limits, 429s, blocked people, crashes, mid-question."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select, update

from admin.cli import main as admin_main
from bot.clock import ManualClock
from bot.outbound.reminders import tick
from bot.services.broadcasts import MAX_TEXT_LENGTH
from sandbox import Fault, Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import BroadcastDelivery, StaffRole
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import Person, bot_settings, local, new_person, running_bot, seed_workshop
from tests.e2e.staffing import at_question_two, staff_member, unreachable_ids

MESSAGE = "Pleno dimulai pukul 13.00 di Ruang Melati."


async def _bound(sandbox: Sandbox, codes: list[str]) -> list[Person]:
    """People who opened their invitation link (bound to Telegram, consent not needed)."""
    limit = asyncio.Semaphore(40)

    async def one(number: int, code: str) -> Person:
        async with limit:
            person = await new_person(sandbox.client, f"Peserta {number}")
            await person.send(f"/start {code}")
            await person.until_button("✅ Bersedia", timeout=30)
            return person

    return list(await asyncio.gather(*(one(n, c) for n, c in enumerate(codes, start=1))))


async def _received(sandbox: Sandbox, person: Person, fragment: str) -> int:
    return sum(1 for m in await sandbox.client.chat(person.user_id) if fragment in m.text)


async def _delivery_counts(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(BroadcastDelivery.status, func.count()).group_by(BroadcastDelivery.status)
            )
            return {status: count for status, count in rows}
    finally:
        await engine.dispose()


async def test_broadcast_to_200_under_flood_limits_delivers_once_and_reports_the_blocked(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "10:35"))
    people = [(f"Peserta {n:03d}", "government") for n in range(1, 201)]
    seeded = await seed_workshop(migrated_db_url, day=WORKSHOP_DAY, people=people, now=clock.now())
    settings = bot_settings(
        migrated_db_url, sandbox, scheduler_interval_seconds=600, reminder_grace_minutes=1
    )
    async with running_bot(settings, clock):
        persons = await _bound(sandbox, [i.invite_code for i in seeded.invitees])
        organiser = await staff_member(
            sandbox, migrated_db_url, "Penyelenggara", role=StaffRole.ORGANISER
        )
        blocked = persons[57]
        await sandbox.client.block(blocked.user_id)

        await organiser.send("/siaran")
        await organiser.until_button("🌏 Semua lokakarya")
        await organiser.press("Lokakarya Jambi")
        await organiser.until_button("Semua peserta")
        await organiser.press("Semua peserta")
        await organiser.until_text("ketik pesan")
        await organiser.send(MESSAGE)
        preview = await organiser.until_button("📨 Kirim ke 200 orang")
        assert "200 penerima" in preview.text and MESSAGE in preview.text

        await sandbox.client.set_limits(global_per_second=30)
        await sandbox.client.set_faults(Fault("sendMessage", "429", count=3, retry_after=1))
        # Over 100 people: a second, explicit confirmation comes first (issue 16).
        await organiser.press("📨 Kirim ke 200 orang")
        confirm = await organiser.until_button("⚠️ Ya, kirim ke 200 orang")
        assert "200 penerima di 1 lokakarya" in confirm.text
        await sandbox.client.reset_stats()
        started = asyncio.get_running_loop().time()
        await organiser.press("⚠️ Ya, kirim ke 200 orang")
        await organiser.until_text("sedang dikirim")
        # Once the injected 429s are used up, another person's tap is answered at once
        # while the broadcast is still going out.
        await persons[10].until_text(MESSAGE, timeout=15)
        await persons[199].press("✅ Bersedia")
        await persons[199].until_button("Lanjut ▶", timeout=3)
        assert await _received(sandbox, persons[199], MESSAGE) == 0, "still going out"
        report = await organiser.until_text("Laporan siaran", timeout=40)
        elapsed = asyncio.get_running_loop().time() - started

    assert "199 terkirim, 0 gagal, 1 memblokir bot" in report.text
    assert f"Memblokir bot:\n• {seeded.invitees[57].name}" in report.text
    counts = [await _received(sandbox, person, MESSAGE) for person in persons]
    assert counts.count(1) == 199 and counts[57] == 0, "exactly once to each reachable person"
    assert await _delivery_counts(migrated_db_url) == {"sent": 199, "blocked": 1}
    assert seeded.invitees[57].participant_id in await unreachable_ids(migrated_db_url)
    stats = await sandbox.client.stats()
    assert stats["faults_by_kind"] == {"429": 3}, "the injected 429s were met and honoured"
    assert elapsed >= 199 / 25 - 1, "paced to the configured 25 messages a second"


async def test_a_broadcast_left_half_sent_by_a_crash_is_resumed_at_start_up(
    sandbox: Sandbox, migrated_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "10:35"))
    seeded = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        people=[(f"Peserta {n}", "bureaucracy") for n in range(10)],
        now=clock.now(),
    )
    settings = bot_settings(
        migrated_db_url, sandbox, scheduler_interval_seconds=600, reminder_grace_minutes=1
    )
    async with running_bot(settings, clock):
        persons = await _bound(sandbox, [i.invite_code for i in seeded.invitees])
    # Queued by the admin script while the bot is down; a dead sender had claimed four.
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    argv = ["broadcast", "--workshop", seeded.code, "--text", MESSAGE]
    assert await asyncio.to_thread(admin_main, argv) == 0
    engine = create_engine(migrated_db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            claimed = (await session.scalars(select(BroadcastDelivery.id).limit(4))).all()
            await session.execute(
                update(BroadcastDelivery)
                .where(BroadcastDelivery.id.in_(claimed))
                .values(status="sending", attempts=1, updated_at=clock.now())
            )
    finally:
        await engine.dispose()

    # Restarted seconds after the crash: the start-up run of the periodic job takes the
    # dead sender's four back at once (no process of ours can be sending them yet).
    clock.advance(dt.timedelta(seconds=5))
    async with running_bot(settings, clock):
        for person in persons:
            await person.until_text(MESSAGE, timeout=20)
    assert [await _received(sandbox, p, MESSAGE) for p in persons] == [1] * 10
    assert await _delivery_counts(migrated_db_url) == {"sent": 10}
    assert await asyncio.to_thread(admin_main, ["broadcast", "--report", "1"]) == 0


async def test_a_participant_mid_question_keeps_their_place_through_a_broadcast(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:30"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Rina", "civil_society")], now=clock.now()
    )
    settings = bot_settings(
        migrated_db_url, sandbox, scheduler_interval_seconds=600, reminder_grace_minutes=1
    )
    async with running_bot(settings, clock) as app:
        rina = await at_question_two(sandbox, seeded.invitees[0].invite_code, "Rina")
        question = await rina.last()
        organiser = await staff_member(
            sandbox, migrated_db_url, "Penyelenggara", role=StaffRole.ORGANISER
        )
        await organiser.send("/broadcast")
        await organiser.until_button("Lokakarya Jambi")
        await organiser.press("Lokakarya Jambi")
        await organiser.until_button("Yang belum mengirim jawaban")
        await organiser.press("Yang belum mengirim jawaban")
        await organiser.until_text("ketik pesan")
        await organiser.send(MESSAGE)
        await organiser.until_button("📨 Kirim ke 1 orang")
        await organiser.press("📨 Kirim ke 1 orang")
        announcement = await rina.until_text(MESSAGE)
        assert announcement.text == f"📢 Pengumuman\n\n{MESSAGE}"
        assert not announcement.buttons
        kept = next(m for m in await rina.bot_messages() if m.message_id == question.message_id)
        assert kept == question, "the question message is not touched"
        await rina.send("9")  # the typed answer still goes to question 2
        after = await rina.until_question(3)
        assert after.message_id > announcement.message_id
        await tick(app)
        await organiser.until_text("Laporan siaran #1: 1 terkirim")


async def test_a_4000_character_broadcast_is_previewed_and_sent_and_a_longer_one_refused(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "10:35"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Ani", "government")], now=clock.now()
    )
    long_text = ("Mohon hadir tepat waktu di Ruang Melati untuk pleno. " * 80)[:4000]
    settings = bot_settings(migrated_db_url, sandbox, scheduler_interval_seconds=600)
    async with running_bot(settings, clock):
        (ani,) = await _bound(sandbox, [seeded.invitees[0].invite_code])
        organiser = await staff_member(
            sandbox, migrated_db_url, "Penyelenggara", role=StaffRole.ORGANISER
        )
        await organiser.send("/siaran")
        await organiser.until_button("🌏 Semua lokakarya")
        await organiser.press("Lokakarya Jambi")
        await organiser.until_button("Semua peserta")
        await organiser.press("Semua peserta")
        await organiser.until_text("ketik pesan")
        # 2,100 emoji are 2,100 characters for Python but 4,200 for Telegram.
        await organiser.send("📢" * 2100)
        refusal = await organiser.until_text("terlalu panjang")
        assert "4200" in refusal.text and str(MAX_TEXT_LENGTH) in refusal.text
        assert MAX_TEXT_LENGTH >= 4000
        await organiser.send(long_text)
        preview = await organiser.until_button("📨 Kirim ke 1 orang")
        assert long_text in preview.text
        await organiser.press("📨 Kirim ke 1 orang")
        await ani.until_text(long_text[-200:], timeout=15)
    received = [m.text for m in await sandbox.client.chat(ani.user_id) if long_text in m.text]
    assert len(received) == 1 and received[0].endswith(long_text)
