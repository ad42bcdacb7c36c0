"""Issue 16 as senior participants and staff meet it: codes, help, consent, closed workshops."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from admin.cli import main as admin_main
from bot.clock import ManualClock
from bot.context import WipApplication
from bot.outbound.reminders import tick
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Participant, StaffRole
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import (
    Person,
    SeededWorkshop,
    bot_settings,
    local,
    new_person,
    running_bot,
)
from tests.e2e.staffing import at_question_two, consented, nudges, staff_member

PROMPT = "kami memerlukan kode undangan"
LOCKED = "beberapa kali tidak cocok"
GREETINGS = (
    "Selamat pagi",
    "Terima kasih",
    "Selamat siang, Pak",
    "Halo",
    "Assalamualaikum",
    "Baik, terima kasih banyak",
)


async def _locked_out(person: Person) -> None:
    """Five wrong codes that could be codes (10 characters of the alphabet): locked out."""
    for attempt in range(5):
        await person.send(f"ZZZZZ-ZZZZ{attempt + 2}")
        await person.until(lambda ms, n=attempt: len(ms) >= n + 1)
    assert LOCKED in (await person.last()).text


async def _declined_ids(db_url: str) -> set[int]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(
                select(Participant.id).where(Participant.declined_at.is_not(None))
            )
            return set(rows.all())
    finally:
        await engine.dispose()


# --- 1. codes ------------------------------------------------------------------------------


async def test_greetings_are_not_code_attempts_and_get_a_friendly_prompt(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop
) -> None:
    person = await new_person(sandbox.client, "Tamu")
    for count, greeting in enumerate(GREETINGS, start=1):
        await person.send(greeting)
        await person.until(lambda ms, n=count: len(ms) >= n)
        reply = await person.last()
        assert PROMPT in reply.text and "QR" in reply.text
        assert LOCKED not in reply.text
    english = await new_person(sandbox.client, "Guest", language_code="en")
    await english.send("Good morning")
    assert "we need your invitation code" in (await english.until_text("QR")).text
    # Six greetings later, the typed code still works: none of them counted.
    await person.send(seeded.invitees[0].invite_code.lower())
    await person.until_button("✅ Bersedia")


async def test_a_deep_link_with_a_valid_code_is_never_locked_out(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop
) -> None:
    person = await new_person(sandbox.client, "Tamu")
    await _locked_out(person)
    locked = await person.last()
    assert str(person.user_id) in locked.text, "the account number staff need to unlock"
    await person.send(seeded.invitees[0].invite_code)  # typed: still refused
    await person.until(lambda ms: len(ms) >= 6)
    assert LOCKED in (await person.last()).text
    await person.send("/start ZZZZZZZZZ9")  # a wrong link is refused too
    await person.until(lambda ms: len(ms) >= 7)
    assert LOCKED in (await person.last()).text
    await person.send(f"/start {seeded.invitees[0].invite_code}")  # the card's QR
    await person.until_button("✅ Bersedia")


async def test_staff_unlock_a_person_in_the_chat(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    person = await new_person(sandbox.client, "Tamu")
    await _locked_out(person)
    stranger = await new_person(sandbox.client, "Orang")
    await stranger.send(f"/buka {person.user_id}")  # not staff: an unknown command
    await stranger.until_text("tidak kami kenal")
    facilitator = await staff_member(
        sandbox,
        migrated_db_url,
        "Bu Ratna",
        role=StaffRole.FACILITATOR,
        workshop_id=seeded.workshop_id,
    )
    await facilitator.send("/buka")
    listed = await facilitator.until_text("terkunci saat ini")
    assert str(person.user_id) in listed.text
    await facilitator.send(f"/buka {person.user_id}")
    await facilitator.until_text("Akses dibuka kembali")
    await person.send(seeded.invitees[0].invite_code)
    await person.until_button("✅ Bersedia")


async def test_the_admin_script_unlocks_a_person(
    sandbox: Sandbox,
    bot: WipApplication,
    seeded: SeededWorkshop,
    migrated_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = await new_person(sandbox.client, "Tamu")
    await _locked_out(person)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    assert await asyncio.to_thread(admin_main, ["participants", "unlock"]) == 0
    assert f"{person.user_id} locked out until" in capsys.readouterr().out
    unlock = ["participants", "unlock", str(person.user_id)]
    assert await asyncio.to_thread(admin_main, unlock) == 0
    assert f"{person.user_id} may type a code again" in capsys.readouterr().out
    await person.send(seeded.invitees[0].invite_code)
    await person.until_button("✅ Bersedia")


# --- 4. help -------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["bantuan", "help", "Tolong", "?", "/bantuan"])
async def test_help_words_give_help_with_questions_left_and_the_facilitator(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str, word: str
) -> None:
    await staff_member(
        sandbox,
        migrated_db_url,
        "Bu Ratna",
        role=StaffRole.FACILITATOR,
        workshop_id=seeded.workshop_id,
    )
    person = await at_question_two(sandbox, seeded.invitees[0].invite_code, "Siti")
    before = len(await person.bot_messages())
    await person.send(word)
    help_message = await person.until_text("Cara menjawab")
    assert "/tinjau" in help_message.text  # how to change an answer
    assert "Masih 55 dari 56 pertanyaan" in help_message.text  # how long is left
    assert "Bu Ratna" in help_message.text  # whom to ask in the room
    # Question 2 explains itself (its hint): the help offers the explanation.
    assert help_message.button_texts == ["ℹ️ Penjelasan pertanyaan ini"]
    await person.press("ℹ️ Penjelasan pertanyaan ini")
    explained = await person.until_text("Penjelasan untuk pertanyaan 2")
    assert "Hitung sejak Bapak/Ibu mulai bekerja" in explained.text
    # Help is not an answer: question 2 is still open and nothing else was sent.
    assert len(await person.bot_messages()) == before + 2


async def test_staff_get_staff_help(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    organiser = await staff_member(sandbox, migrated_db_url, "Pak Dodi", role=StaffRole.ORGANISER)
    for word in ("/bantuan", "bantuan", "/help"):
        seen = len(await organiser.bot_messages())
        await organiser.send(word)
        await organiser.until(lambda ms, n=seen: len(ms) > n)
        text = (await organiser.last()).text
        assert "Bantuan untuk panitia" in text and "/buka" in text
        assert "Cara menjawab" not in text


# --- 7. consent and reminders ----------------------------------------------------------------


async def test_declining_is_recorded_stops_reminders_and_shows_in_progress(
    sandbox: Sandbox, migrated_db_url: str, seeded: SeededWorkshop
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "11:30"))
    settings = bot_settings(migrated_db_url, sandbox, scheduler_interval_seconds=600)
    ani_, budi_, citra_, _ = seeded.invitees
    async with running_bot(settings, clock) as application:
        ani = await new_person(sandbox.client, "Ani")
        await ani.send(f"/start {ani_.invite_code}")
        consent = await ani.until_button("Tidak bersedia")
        assert "15–20 menit" in consent.text and "sukarela" in consent.text
        assert "Fasilitator melihat" in consent.text  # who sees what
        await ani.press("Tidak bersedia")
        declined = await ani.until_text("tidak bersedia mengisi")
        assert declined.button_texts == [], "the consent's buttons are gone"
        assert await _declined_ids(migrated_db_url) == {ani_.participant_id}

        budi = await new_person(sandbox.client, "Budi")  # reading the consent, undecided
        await budi.send(f"/start {budi_.invite_code}")
        await budi.until_button("✅ Bersedia")
        citra = await consented(sandbox, citra_.invite_code, "Citra")  # agreed, no answer

        clock.set(local(WORKSHOP_DAY, "12:01"))  # lunch break
        await tick(application)
        assert await nudges(ani) == [], "declined: no reminder"
        (budi_nudge,) = await nudges(budi)
        assert "menunggu persetujuan" in budi_nudge and "0 dari" not in budi_nudge
        assert (await budi.until_text("menunggu persetujuan")).button_texts == [
            "📄 Baca keterangan"
        ]
        (citra_nudge,) = await nudges(citra)
        assert "waktu yang baik untuk mulai" in citra_nudge and "0 dari" not in citra_nudge

        facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Bu Ratna",
            role=StaffRole.FACILITATOR,
            workshop_id=seeded.workshop_id,
        )
        await facilitator.send("/progres")
        report = await facilitator.until_text("Belum selesai")
        (ani_line,) = [line for line in report.text.splitlines() if ani_.name in line]
        assert "tidak bersedia ikut" in ani_line

        # Changing her mind: /start brings the consent back, agreeing clears the decline.
        await ani.send("/start")
        await ani.until(lambda ms: ms[-1].button_texts[:1] == ["✅ Bersedia"])
        await ani.press("✅ Bersedia")
        await ani.until_button("Lanjut ▶")
        assert await _declined_ids(migrated_db_url) == set()


# --- 10. closed workshops --------------------------------------------------------------------


async def test_after_closing_resume_and_old_buttons_show_the_closed_notice(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, clock: ManualClock
) -> None:
    person = await at_question_two(sandbox, seeded.invitees[0].invite_code, "Siti")
    first = (await person.bot_messages())[-2]
    clock.set(local(WORKSHOP_DAY, "17:00"))
    for action in ("/lanjut", "back", "old"):
        seen = len(await person.bot_messages())
        if action == "/lanjut":
            await person.send("/lanjut")
        elif action == "back":
            await person.press("◀ Kembali")
        else:
            # An old question's button, as a client that still shows it would send it.
            sector = seeded.questionnaire.index_of("sector")
            await sandbox.client.inject_update(
                {
                    "callback_query": {
                        "id": "old-sector",
                        "from": {"id": person.user_id, "is_bot": False, "first_name": "Siti"},
                        "chat_instance": "1",
                        "data": f"a:{sector}:0",
                        "message": {
                            "message_id": first.message_id,
                            "date": 0,
                            "chat": {"id": person.user_id, "type": "private"},
                            "text": first.text,
                        },
                    }
                }
            )
        await person.until(lambda ms, n=seen: len(ms) > n)
        shown = (await person.bot_messages())[seen:]
        assert [m.text for m in shown if "sudah ditutup" in m.text], action
        assert not any(m.buttons for m in shown), f"{action}: no live question after closing"
