"""A participant's whole journey through the real bot and the Telegram sandbox."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import WipApplication
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Participant, Response
from tests.e2e.harness import Person, SeededWorkshop, new_person


async def _answers(db_url: str, participant_id: int) -> dict[str, tuple[str, object]]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(Answer.question_id, Answer.status, Answer.value)
                .join(Response, Response.id == Answer.response_id)
                .where(Response.participant_id == participant_id)
            )
            return {qid: (status, value) for qid, status, value in rows}
    finally:
        await engine.dispose()


async def _open_invitation(person: Person, code: str) -> None:
    await person.send(f"/start {code}")
    await person.until_button("✅ Bersedia")
    await person.press("✅ Bersedia")
    await person.until_button("Lanjut ▶")
    await person.press("Lanjut ▶")
    await person.until_question(1)


async def test_participant_completes_default_questionnaire_with_every_kind_of_input(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    invitee = seeded.invitees[0]
    person = await new_person(sandbox.client, "Siti")
    await person.send(f"/start {invitee.invite_code}")
    consent = await person.until_button("✅ Bersedia")
    assert "Dr. Hj. Siti Aminah, M.Si." in consent.text
    assert "per kelompok" in consent.text
    await person.press("✅ Bersedia")

    # The opening note, then the profile: single choice, integer, single, multiple.
    note = await person.until_button("Lanjut ▶")
    assert "Bagian 1/5 · Profil Responden" in note.text
    await person.press("Lanjut ▶")
    sector = await person.until_question(1)
    assert "Bapak/Ibu mewakili unsur apa dalam lokakarya ini?" in sector.text
    await person.press("Pemerintah / DPRD")
    years = await person.until_question(2)
    assert "ketik angkanya saja (0–60)" in years.text
    await person.send("dua puluh")
    problem = await person.until_text("belum dapat kami pahami")
    assert "satu angka bulat" in problem.text and "12 tahun" in problem.text
    await person.send("75 tahun")
    await person.until_text("maksimal 60")
    await person.send("12")
    await person.until_question(3)
    await person.press("◀ Kembali")
    back = await person.until_question(2)
    assert "Jawaban saat ini: 12" in back.text
    await person.send("14")
    await person.until_question(3)
    messages = await person.bot_messages()
    assert any("✅ Jawaban: 14" in m.text for m in messages)
    await person.press(text=(await person.last()).buttons[0][0].text)
    interests = await person.until_question(4)
    assert "boleh dilewati" in interests.text
    await person.press("☐ " + interests.buttons[1][0].text.removeprefix("☐ "))
    ticked = await person.until(lambda ms: "☑" in " ".join(ms[-1].button_texts))
    assert ticked[-1].button_texts[1].startswith("☑")
    await person.press("✔ Selesai")
    first_scale = await person.until_question(5)
    assert "Pemerintah" in first_scale.text
    assert first_scale.button_texts[:10] == [str(n) for n in range(1, 11)]

    # Scale items: numbers, don't know, a typed number; the optional comment is skipped.
    number = 5
    for position in range(48 + 4):
        last = await person.last()
        if "Ada catatan lain" in last.text:
            await person.press("Lewati ▶")
        elif position % 7 == 3:
            await person.press("Tidak tahu")
        elif position % 11 == 5:
            await person.send("8")
        else:
            await person.press(str(1 + position % 10))
        number += 1
        if number <= 56:
            await person.until_question(number)
    done = await person.until_text("Semua pertanyaan sudah terjawab")
    assert done.button_texts == ["📨 Kirim sekarang", "📋 Tinjau"]
    await person.press("📨 Kirim sekarang")
    await person.until_button("✅ Ya, kirim")
    await person.press("✅ Ya, kirim")
    await person.until_text("jawaban telah kami terima")

    answers = await _answers(migrated_db_url, invitee.participant_id)
    assert answers["sector"] == ("answered", "government")
    assert answers["years_involved"] == ("answered", 14)
    assert answers["interest_areas"][0] == "answered"
    assert answers["G_comment"] == ("skipped", None)
    assert sum(1 for status, _ in answers.values() if status == "dont_know") >= 5
    assert "sector_other" not in answers
    scale_values = [v for q, (s, v) in answers.items() if q[0] in "GBCE" and s == "answered"]
    assert all(isinstance(v, int) and 1 <= v <= 10 for v in scale_values)

    # Locked after submission.
    await person.send("/tinjau")
    review = await person.until_text("Jawaban Bapak/Ibu ·")
    assert not any(t.isdigit() and len(t) < 3 for t in review.button_texts)
    await person.send("/lanjut")
    await person.until_text("sudah dikirim")
    engine = create_engine(migrated_db_url)
    async with create_session_factory(engine)() as session:
        response = await session.scalar(
            select(Response).where(Response.participant_id == invitee.participant_id)
        )
        bound = await session.get(Participant, invitee.participant_id)
    await engine.dispose()
    assert response is not None and response.status == "submitted"
    assert bound is not None and bound.telegram_user_id == person.user_id
