"""The participant journey's rough edges: redelivery, stale buttons, codes, strangers."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import WipApplication
from bot.questionnaire.loader import load_questionnaire_yaml
from sandbox import Fault, Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Participant
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import (
    Person,
    SeededWorkshop,
    bot_settings,
    local,
    new_person,
    running_bot,
    seed_workshop,
)


async def _consented(sandbox: Sandbox, code: str, name: str = "Siti", lang: str = "id") -> Person:
    person = await new_person(sandbox.client, name, language_code=lang)
    await person.send(f"/start {code}")
    await person.until_button("✅ Bersedia")
    await person.press("✅ Bersedia")
    await person.until_button("Lanjut ▶")
    await person.press("Lanjut ▶")
    await person.until_question(1)
    return person


async def _answer_rows(db_url: str) -> list[tuple[str, object, int]]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(Answer.question_id, Answer.value, Answer.change_count).where(
                    Answer.question_id != "intro"  # the opening note, acknowledged
                )
            )
            return [(q, v, c) for q, v, c in rows]
    finally:
        await engine.dispose()


async def test_redelivered_answer_has_no_second_effect(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    person = await _consented(sandbox, seeded.invitees[0].invite_code)
    await person.press("Birokrasi")
    await person.until_question(2)
    pressed = await sandbox.client.press(person.user_id, text="◀ Kembali")
    await person.until_question(1)
    before = await person.bot_messages()
    assert pressed.update_id is not None
    await sandbox.client.redeliver(pressed.update_id)
    await person.send("/bantuan")  # a later update, to know the redelivery was handled
    await person.until_text("Perintah yang tersedia")
    after = await person.bot_messages()
    assert len(after) == len(before) + 1, "the redelivered Back must not show anything"
    assert await _answer_rows(migrated_db_url) == [("sector", "bureaucracy", 0)]


async def test_tap_on_an_older_question_reopens_it_instead_of_answering_the_current_one(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    person = await _consented(sandbox, seeded.invitees[0].invite_code)
    sector = await person.last()
    await person.press("Birokrasi")
    await person.until_question(2)
    # A stale button: the same question message, as an old client might still show it.
    stale = next(
        b for row in sector.buttons for b in row if b.text == "Masyarakat Ekonomi (Dunia Usaha)"
    )
    await sandbox.client.inject_update(
        {
            "callback_query": {
                "id": "stale-1",
                "from": {"id": person.user_id, "is_bot": False, "first_name": "Siti"},
                "chat_instance": "1",
                "data": stale.callback_data,
                "message": {
                    "message_id": sector.message_id,
                    "date": 0,
                    "chat": {"id": person.user_id, "type": "private"},
                    "text": sector.text,
                },
            }
        }
    )
    reopened = await person.until_shown(1)
    assert reopened.message_id == sector.message_id, "the tapped message shows it again"
    assert "Jawaban saat ini: Birokrasi" in reopened.text
    messages = await person.bot_messages()
    assert any("untuk pertanyaan yang lain" in m.text for m in messages)
    assert await _answer_rows(migrated_db_url) == [("sector", "bureaucracy", 0)]
    # A quick double tap repeating the stored answer is simply acknowledged.
    await person.press("✓ Birokrasi")
    await person.until_shown(2)
    assert await _answer_rows(migrated_db_url) == [("sector", "bureaucracy", 0)]


async def test_wrong_codes_are_explained_and_repeated_guessing_locks_the_account(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop
) -> None:
    person = await new_person(sandbox.client, "Tamu")
    await person.send("/start")
    await person.until_text("kode undangan")
    await person.send("ABCDE-FGHJK")
    reply = await person.until_text("tidak kami temukan")
    assert "ABCDE-FGHJK" in reply.text
    for attempt in range(4):
        await person.send(f"/start ZZZZZZZZZ{attempt + 2}")
        await person.until(lambda ms, n=attempt: len(ms) >= 3 + n)
    locked = await person.last()
    assert "beberapa kali tidak cocok" in locked.text
    # Even the right code is refused while locked out, when typed (the QR link is not:
    # tests/e2e/test_participant_experience.py).
    await person.send(seeded.invitees[1].invite_code)
    await person.until(lambda ms: len(ms) >= 7)
    assert "beberapa kali tidak cocok" in (await person.last()).text


async def test_second_account_on_a_used_invitation_is_refused_politely(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    code = seeded.invitees[2].invite_code
    owner = await _consented(sandbox, code, "Rina")
    intruder = await new_person(sandbox.client, "Orang Lain")
    await intruder.send(f"/start {code}")
    refusal = await intruder.until_text("sudah dipakai oleh akun Telegram lain")
    assert "fasilitator" in refusal.text
    engine = create_engine(migrated_db_url)
    async with create_session_factory(engine)() as session:
        participant = await session.get(Participant, seeded.invitees[2].participant_id)
    await engine.dispose()
    assert participant is not None and participant.telegram_user_id == owner.user_id


async def test_strangers_and_participants_get_the_ordinary_answer_to_staff_commands(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop
) -> None:
    stranger = await new_person(sandbox.client, "Tamu")
    participant = await _consented(sandbox, seeded.invitees[0].invite_code)
    for command in ("/siaran", "/broadcast", "/ekspor", "/export", "/agenda_ubah"):
        seen = len(await stranger.bot_messages())
        await stranger.send(command)
        reply = await stranger.until(lambda ms, n=seen: len(ms) >= n + 2)
        assert "perintah tersebut tidak kami kenal" in reply[-2].text
        assert "kode undangan" in reply[-1].text
        seen = len(await participant.bot_messages())
        await participant.send(command)
        shown = await participant.until(lambda ms, n=seen: len(ms) >= n + 2)
        assert "perintah tersebut tidak kami kenal" in shown[-2].text
        assert "· 1/" in shown[-1].text and shown[-1].buttons, "the question is shown again"


async def test_stickers_and_photos_get_a_nudge_and_the_current_question(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    person = await _consented(sandbox, seeded.invitees[0].invite_code)
    chat = {"id": person.user_id, "type": "private"}
    sender = {"id": person.user_id, "is_bot": False, "first_name": "Siti"}
    await sandbox.client.inject_update(
        {
            "message": {
                "message_id": 900,
                "date": 0,
                "chat": chat,
                "from": sender,
                "sticker": {
                    "file_id": "s1",
                    "file_unique_id": "s1",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                },
            }
        }
    )
    await person.until(lambda ms: any("belum dapat kami proses" in m.text for m in ms[-2:]))
    await person.until_question(1)
    await person.send("x" * 300)
    # One re-ask that names the accepted forms; the question above still has its buttons.
    reask = await person.until_text("belum dapat kami pahami")
    assert "“Birokrasi”" in reask.text
    assert await _answer_rows(migrated_db_url) == []


async def test_english_participant_reads_the_whole_flow_in_english(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop
) -> None:
    person = await new_person(sandbox.client, "John", language_code="en")
    await person.send(f"/start {seeded.invitees[3].invite_code}")
    await person.until_button("🇬🇧 English")
    await person.press("🇬🇧 English")
    consent = await person.until_button("✅ I agree")
    assert "reported by group, never by person" in consent.text
    # The pinned clock is in a break, so a break reminder may arrive below the consent.
    await person.press("✅ I agree", message_id=consent.message_id)
    await person.until_button("Next ▶")
    await person.press("Next ▶")
    question = await person.until_question(1)
    assert question.text.startswith("Section 1/5 · Respondent Profile")
    assert "Government / DPRD" in question.button_texts
    await person.press("Economic Society (Business)")
    await person.until_question(2)
    await person.send("7,5")
    problem = await person.until_text("could not understand")
    assert "one whole number" in problem.text and "12 years" in problem.text
    await person.send("/language")
    await person.until_button("🇮🇩 Bahasa Indonesia")
    await person.press("🇮🇩 Bahasa Indonesia")
    again = await person.until_shown(2, "Bagian 1/5")
    assert again.edited, "the question is edited in place, not sent again"


async def test_answers_are_refused_after_the_workshop_closes(
    sandbox: Sandbox,
    bot: WipApplication,
    seeded: SeededWorkshop,
    clock: ManualClock,
    migrated_db_url: str,
) -> None:
    person = await _consented(sandbox, seeded.invitees[0].invite_code)
    clock.set(local(WORKSHOP_DAY, "16:30"))
    await person.press("Birokrasi")
    closed = await person.until_text("sudah ditutup")
    assert "Jambi" in closed.text
    assert await _answer_rows(migrated_db_url) == []


async def test_blocking_and_unblocking_the_bot_is_recorded(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    person = await _consented(sandbox, seeded.invitees[0].invite_code)
    participant_id = seeded.invitees[0].participant_id

    async def unreachable() -> bool:
        engine = create_engine(migrated_db_url)
        try:
            async with create_session_factory(engine)() as session:
                participant = await session.get(Participant, participant_id)
                assert participant is not None
                return participant.unreachable_at is not None
        finally:
            await engine.dispose()

    async def settle(expected: bool) -> None:
        for _ in range(100):
            if await unreachable() is expected:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"unreachable never became {expected}")

    await sandbox.client.block(person.user_id)
    await settle(True)
    await sandbox.client.unblock(person.user_id)
    await settle(False)


async def test_a_question_telegram_refused_once_is_sent_again_without_an_apology(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    person = await _consented(sandbox, seeded.invitees[0].invite_code)
    # The next question's sendMessage fails with a 5xx (nothing sent), then with a 429
    # asking for a short wait: each time it is sent again, and nothing else is said.
    for fault in (Fault("sendMessage", "500", count=1), Fault("sendMessage", "429", count=1)):
        await sandbox.client.set_faults(fault)
        question = await person.last()
        answered = len(await _answer_rows(migrated_db_url))
        button = next(
            (
                b
                for row in question.buttons
                for b in row
                if b.callback_data and b.callback_data.split(":")[0] in ("a", "d", "s", "n")
            ),
            None,
        )
        if button is not None:
            await person.press(button.text)
        else:  # a typed answer (the profile's number of years)
            await person.send("5")
        await person.until_question(answered + 2)
        await sandbox.client.clear_faults()
    texts = [m.text for m in await person.bot_messages()]
    assert not any("gangguan" in text for text in texts), texts  # no apology
    assert len(await _answer_rows(migrated_db_url)) == 2


MARKUP_TITLES = """
id: markup
version: "1"
title: {id: Judul, en: Title}
sections:
  - id: a
    title: {id: "<b>Bagian & A</b> <x>", en: "<b>Part & A</b>"}
    arena: government
    questions:
      - {id: rating, type: scale, principle: participation, text: {id: Nilai, en: Rating}}
"""


async def test_a_section_title_with_markup_characters_renders_in_progres(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:00"))
    seeded = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        people=[("Ani", "government")],
        questionnaire=load_questionnaire_yaml(MARKUP_TITLES).unwrap(),
        now=clock.now(),
    )
    async with running_bot(bot_settings(migrated_db_url, sandbox), clock):
        ani = await new_person(sandbox.client, "Ani")
        await ani.send(f"/start {seeded.invitees[0].invite_code}")
        await ani.until_button("✅ Bersedia")
        await ani.press("✅ Bersedia")
        await ani.until_question(1)
        await ani.send("/progres")
        progress = await ani.until_text("Kemajuan pengisian")
    assert "<b>Bagian & A</b> <x>" in progress.text


def _edited(user_id: int, message_id: int, text: str) -> dict[str, object]:
    return {
        "edited_message": {
            "message_id": message_id,
            "date": 1764662400,
            "edit_date": 1764662460,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Siti"},
            "text": text,
        }
    }


async def test_editing_a_sent_answer_changes_no_answer_and_says_how_to_change_one(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    siti = await _consented(sandbox, seeded.invitees[0].invite_code)
    await siti.press("Pemerintah / DPRD")
    await siti.until_question(2)
    typed = await siti.send("12")
    third = await siti.until_question(3)
    before = await _answer_rows(migrated_db_url)
    # The typo fixed the way people do: editing the sent message, twice, and a command too.
    await sandbox.client.inject_update(_edited(siti.user_id, typed.message_id, "7"))
    await siti.until_text("tidak kami baca")
    await sandbox.client.inject_update(_edited(siti.user_id, typed.message_id, "/kirim"))
    await siti.until(lambda ms: sum("tidak kami baca" in m.text for m in ms) == 2)
    assert await _answer_rows(migrated_db_url) == before
    assert ("years_involved", 12, 0) in before
    # Nothing else was said: no submit confirmation, no second copy of the question.
    texts = [m.text for m in await siti.bot_messages()]
    assert texts[-3:-2] == [third.text] and not any("Kirim semua" in t for t in texts)


async def test_forged_button_data_with_unusual_digits_changes_nothing_and_apologises_for_nothing(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    siti = await _consented(sandbox, seeded.invitees[0].invite_code)
    before = await _answer_rows(migrated_db_url)
    seen = len(await siti.bot_messages())
    for number, data in enumerate(["review:²", "a:²:1", "a:1:²", "M:1:²", "g:٣", "rep:show:²"]):
        await sandbox.client.inject_update(
            {
                "callback_query": {
                    "id": f"forged-{number}",
                    "from": {"id": siti.user_id, "is_bot": False, "first_name": "Siti"},
                    "chat_instance": "9",
                    "data": data,
                }
            }
        )
    # A real tap after the forgeries is still answered: the bot got past all of them.
    await siti.press("Pemerintah / DPRD")
    await siti.until_question(2)
    texts = [m.text for m in (await siti.bot_messages())[seen:]]
    assert not any("gangguan" in text for text in texts), texts
    assert len(await _answer_rows(migrated_db_url)) == len(before) + 1


async def test_each_answer_keeps_when_its_question_was_shown_how_it_was_given_and_in_what_language(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    siti = await _consented(sandbox, seeded.invitees[0].invite_code)
    await siti.press("Pemerintah / DPRD")
    await siti.until_question(2)
    await siti.send("12 tahun")
    await siti.until_question(3)
    await siti.press("◀ Kembali")
    await siti.until_question(2)
    await siti.send("14")
    await siti.until_question(3)
    engine = create_engine(migrated_db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = {
                a.question_id: a
                for a in (
                    await session.scalars(select(Answer).where(Answer.question_id != "intro"))
                )
            }
    finally:
        await engine.dispose()
    sector, years = rows["sector"], rows["years_involved"]
    assert (sector.method, years.method) == ("tap", "review")
    assert sector.language == years.language == "id"
    assert sector.shown_at is not None and sector.shown_at <= sector.answered_at
    assert years.shown_at is not None and years.value == 14
