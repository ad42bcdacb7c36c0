"""/progres through the real bot: facilitators, organisers, participants and strangers."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.context import WipApplication
from bot.handlers.staff_reports import _workshop_ids, report_message
from bot.outbound.reminders import tick
from bot.questionnaire.default import load_default_questionnaire
from bot.services.progress import ParticipantInfo, RespondentProgress, Status, WorkshopProgress
from bot.services.staff_access import StaffAccess
from bot.workshop_state import WorkshopPhase
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Participant, RecipientKind, StaffRole
from storage.repositories import participants as participant_repo
from storage.repositories import reminders as reminder_repo
from storage.repositories import responses as response_repo
from storage.repositories import staff as staff_repo
from storage.repositories.reminders import CLAIM_LEASE
from tests.e2e.harness import (
    Person,
    SeededWorkshop,
    bot_settings,
    new_person,
    running_bot,
    seed_workshop,
)

NUDGE = "🔔 Ingatkan yang belum selesai"


@pytest.fixture
async def quiet_bot(
    sandbox: Sandbox, migrated_db_url: str, clock: ManualClock, seeded: SeededWorkshop
) -> AsyncIterator[WipApplication]:
    """The real bot whose periodic work runs only at start-up, where a 1-minute grace keeps
    it from sending the break reminder of the pinned clock (10:35, five minutes into it)."""
    settings = bot_settings(
        migrated_db_url, sandbox, scheduler_interval_seconds=600, reminder_grace_minutes=1
    )
    async with running_bot(settings, clock) as application:
        yield application


@pytest.fixture
async def db(migrated_db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(migrated_db_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def make_staff(
    db: async_sessionmaker[AsyncSession], person: Person, role: StaffRole, workshop_id: int | None
) -> None:
    async with db.begin() as session:
        await staff_repo.add_staff(
            session,
            telegram_user_id=person.user_id,
            role=role,
            workshop_id=workshop_id,
            now=dt.datetime.now(dt.UTC),
        )


async def consented(sandbox: Sandbox, name: str, code: str) -> Person:
    """A participant who opened their invitation, agreed and sees question 1."""
    person = await new_person(sandbox.client, name)
    await person.send(f"/start {code}")
    await person.until_button("✅ Bersedia")
    await person.press("✅ Bersedia")
    await person.until_button("Lanjut ▶")
    await person.press("Lanjut ▶")
    await person.until_question(1)
    return person


async def forget_block_notice(db: async_sessionmaker[AsyncSession], participant_id: int) -> None:
    """Waits for the bot to record the block, then undoes the record."""
    for _ in range(200):
        async with db.begin() as session:
            participant = await session.get(Participant, participant_id)
            assert participant is not None
            if participant.unreachable_at is not None:
                participant.unreachable_at = None
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the bot never recorded the block")


async def submitted_without_telegram_chat(
    db: async_sessionmaker[AsyncSession], participant_id: int, questionnaire_id: int
) -> None:
    """Marks a participant bound and submitted directly (a fast stand-in for 56 answers)."""
    now = dt.datetime.now(dt.UTC)
    async with db.begin() as session:
        await participant_repo.bind_telegram_user(session, participant_id, 990_000_001, now)
        response_id = await response_repo.start_response(
            session, participant_id=participant_id, questionnaire_id=questionnaire_id, now=now
        )
        await response_repo.submit_by_id(session, response_id, now)


async def test_facilitator_sees_the_workshop_and_nudges_only_the_unfinished_reachable(
    sandbox: Sandbox,
    quiet_bot: WipApplication,
    seeded: SeededWorkshop,
    db: async_sessionmaker[AsyncSession],
) -> None:
    siti_invite, bambang_invite, _rina, budi_invite = seeded.invitees
    siti = await consented(sandbox, "Siti", siti_invite.invite_code)
    await siti.press("Pemerintah / DPRD")
    await siti.until_question(2)
    await siti.send("14")
    await siti.until_question(3)
    bambang = await consented(sandbox, "Bambang", bambang_invite.invite_code)
    await sandbox.client.block(bambang.user_id)
    # As if Telegram's notice of the block never reached the bot: the nudge meets the 403.
    await forget_block_notice(db, bambang_invite.participant_id)
    await submitted_without_telegram_chat(db, budi_invite.participant_id, seeded.questionnaire_id)

    facilitator = await new_person(sandbox.client, "Fasilitator")
    await make_staff(db, facilitator, StaffRole.FACILITATOR, seeded.workshop_id)
    await facilitator.send("/progres")
    report = await facilitator.until_text("📊 Kemajuan Lokakarya Jambi")
    assert report.text.splitlines() == [
        "📊 Kemajuan Lokakarya Jambi · 3 Desember 2026",
        "ID-JA-2026-12-03",
        "",
        "✅ Sudah mengirim: 1",
        "✍️ Sedang mengisi: 2",
        "▫️ Belum mulai: 1",
        "Jumlah peserta: 4",
        "",
        # The research lines (bot/research/live.py): Siti's two answers score nothing yet.
        "Penanda kualitas: 0 dari 1 responden",
        "Kesepakatan (α): belum cukup jawaban",
        "",
        "Per arena:",
        "• Pemerintah: 0/1 mengirim, 1 mengisi, 0 belum",
        "• Birokrasi: 0/1 mengirim, 1 mengisi, 0 belum",
        "• Masyarakat Sipil: 0/1 mengirim, 0 mengisi, 1 belum",
        "• Masyarakat Ekonomi: 1/1 mengirim, 0 mengisi, 0 belum",
        "",
        "Belum selesai (3):",
        "• Dr. Hj. Siti Aminah, M.Si. (Pemerintah) — 2/56",
        "• Ir. Bambang O'Neil (Birokrasi) — 0/56",
        "• Rina Wati (Masyarakat Sipil) — belum mulai · belum membuka bot",
    ]
    assert report.button_texts == [f"{NUDGE} (2)", "📥 Ekspor hasil"]

    await facilitator.press(f"{NUDGE} (2)")
    result = await facilitator.until_text("Pengingat terkirim")
    assert result.text.splitlines() == [
        "🔔 Pengingat terkirim kepada 1 peserta.",
        "1 belum membuka bot: mohon serahkan kartu undangan kepada mereka.",
        "1 tidak dapat dihubungi (memblokir bot).",
    ]
    reminder = await siti.until_text("Pengingat dari fasilitator")
    assert "2 dari 56 pertanyaan telah dijawab" in reminder.text
    assert reminder.button_texts == ["▶ Lanjutkan"]
    async with db() as session:
        blocked = await session.get(Participant, bambang_invite.participant_id)
    assert blocked is not None and blocked.unreachable_at is not None

    await siti.press("▶ Lanjutkan")
    await siti.until(lambda ms: not ms[-1].buttons)  # the reminder's one button has gone
    await siti.until_shown(3)  # the question just above it, brought up in place

    # The same report's button again: nobody is reminded twice.
    seen = len(await siti.bot_messages())
    await facilitator.press(f"{NUDGE} (2)", message_id=report.message_id)
    await facilitator.until_text("sudah dikirim")
    assert len(await siti.bot_messages()) == seen

    await facilitator.send("/progress")
    again = await facilitator.until(
        lambda ms: ms[-1].message_id != report.message_id and "📊 Kemajuan" in ms[-1].text
    )
    assert "• Ir. Bambang O'Neil (Birokrasi) — 0/56 · tidak dapat dihubungi" in again[-1].text
    assert again[-1].button_texts[0] == f"{NUDGE} (1)"


async def test_participants_and_strangers_get_their_own_answer_to_progres(
    sandbox: Sandbox, quiet_bot: WipApplication, seeded: SeededWorkshop
) -> None:
    siti = await consented(sandbox, "Siti", seeded.invitees[0].invite_code)
    await siti.press("Pemerintah / DPRD")
    await siti.until_question(2)
    await siti.send("/progres")
    own = await siti.until_text("Kemajuan pengisian")
    assert "Kemajuan pengisian: 1 dari 56 pertanyaan terjawab." in own.text
    assert "📊" not in own.text and not own.buttons

    stranger = await new_person(sandbox.client, "Tamu")
    await stranger.send("/progres")
    answer = await stranger.until_text("belum terdaftar")
    assert "📊" not in answer.text
    await stranger.send("/ekspor")
    await stranger.until(lambda ms: any("tidak kami kenal" in m.text for m in ms[-2:]))
    assert all(m.document is None for m in await stranger.bot_messages())


async def test_organiser_sees_one_line_per_workshop_and_opens_one(
    sandbox: Sandbox,
    quiet_bot: WipApplication,
    seeded: SeededWorkshop,
    migrated_db_url: str,
    db: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    bali = await seed_workshop(
        migrated_db_url,
        day=dt.date(2026, 12, 8),
        province="ID-BA",
        people=[("I Made Wirawan", "civil_society")],
        now=clock.now(),
    )
    await submitted_without_telegram_chat(
        db, seeded.invitees[3].participant_id, seeded.questionnaire_id
    )
    organiser = await new_person(sandbox.client, "Penyelenggara")
    await make_staff(db, organiser, StaffRole.ORGANISER, None)
    await organiser.send("/progres")
    overview = await organiser.until_text("📊 Kemajuan semua lokakarya (2)")
    lines = overview.text.splitlines()
    assert "ID-JA-2026-12-03 Jambi: ✅ 1/4 · ✍️ 0 · ▫️ 3" in lines
    assert "ID-BA-2026-12-08 Bali: ✅ 0/1 · ✍️ 0 · ▫️ 1" in lines
    assert overview.button_texts == ["Jambi · 3 Desember 2026", "Bali · 8 Desember 2026"]

    await organiser.press("Bali · 8 Desember 2026")
    detail = await organiser.until_text("📊 Kemajuan Lokakarya Bali · 8 Desember 2026")
    assert "• I Made Wirawan (Masyarakat Sipil) — belum mulai · belum membuka bot" in (detail.text)
    assert detail.button_texts == ["📥 Ekspor hasil"], "nobody to nudge: nobody is bound"
    assert bali.workshop_id != seeded.workshop_id


def test_report_buttons_act_only_on_workshops_the_presser_may_manage() -> None:
    facilitator = StaffAccess(1, is_organiser=False, facilitated_workshop_ids=frozenset({3}))
    organiser = StaffAccess(2, is_organiser=True, facilitated_workshop_ids=frozenset())
    stranger = StaffAccess(3, is_organiser=False, facilitated_workshop_ids=frozenset())
    assert _workshop_ids(facilitator, "3") == [3]
    assert _workshop_ids(facilitator, "4") is None
    assert _workshop_ids(facilitator, "all") is None
    assert _workshop_ids(organiser, "4") == [4]
    assert _workshop_ids(organiser, "all") == []
    assert _workshop_ids(stranger, "3") is None
    assert _workshop_ids(organiser, "x") is None


def test_report_of_a_large_workshop_with_long_names_fits_one_telegram_message() -> None:
    def person(number: int) -> RespondentProgress:
        info = ParticipantInfo(
            id=number,
            pseudonym=f"JA-{number:03d}",
            invite_code=f"CODE{number}",
            name=f"Prof. Dr. Ir. H. Peserta Dengan Nama Yang Sangat Panjang Sekali {number}, "
            "S.H., M.H., M.Si., Ph.D.",
            arena="civil_society",
            category=None,
            organisation=None,
            position=None,
            phone=None,
            email=None,
            language="id",
            telegram_user_id=None,
            consent_at=None,
            bound_at=None,
            unreachable_at=None,
        )
        return RespondentProgress(info, Status.NOT_STARTED, {}, answered=0, relevant=56)

    report = WorkshopProgress(
        workshop_id=1,
        code="ID-JA-2026-12-03",
        province_code="ID-JA",
        province_name="Jambi",
        zone="Asia/Jakarta",
        date=dt.date(2026, 12, 3),
        questionnaire_id=1,
        questionnaire=load_default_questionnaire(),
        phase=WorkshopPhase.OPEN,
        as_of=dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC),
        respondents=tuple(person(n) for n in range(1, 61)),
    )
    text, keyboard = report_message(report, "id")
    assert len(text) <= 4096
    shown = text.count("• Prof. Dr.")
    assert 20 < shown < 60
    assert text.endswith(f"… dan {60 - shown} lainnya")
    assert [b.text for row in keyboard.inline_keyboard for b in row] == ["📥 Ekspor hasil"]


async def test_a_nudge_claimed_by_a_process_that_died_before_sending_goes_out_from_the_tick(
    sandbox: Sandbox,
    quiet_bot: WipApplication,
    seeded: SeededWorkshop,
    db: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    siti_invite = seeded.invitees[0]
    siti = await consented(sandbox, "Siti", siti_invite.invite_code)
    # What a process killed mid-nudge leaves: a claim for Siti, no message.
    async with db.begin() as session:
        assert await reminder_repo.record_sent(
            session,
            recipient_kind=RecipientKind.PARTICIPANT,
            recipient_id=siti_invite.participant_id,
            workshop_id=seeded.workshop_id,
            reminder_key=f"nudge:{seeded.workshop_id}:77",
            now=clock.now(),
        )
    await tick(quiet_bot)
    assert await _facilitator_nudges(siti) == [], "within the lease it may be a live process's"
    clock.advance(CLAIM_LEASE + dt.timedelta(seconds=1))
    await tick(quiet_bot)
    await siti.until(lambda ms: any(m.text.startswith("🔔") for m in ms))
    await tick(quiet_bot)
    assert len(await _facilitator_nudges(siti)) == 1


async def _facilitator_nudges(person: Person) -> list[str]:
    return [m.text for m in await person.bot_messages() if m.text.startswith("🔔")]
