"""A tour that reaches every message a participant can be sent, in one conversation each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bot.i18n
from bot.clock import ManualClock
from bot.questionnaire.loader import load_questionnaire_yaml
from sandbox import Fault, Sandbox
from storage.models import StaffRole
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import Person, bot_settings, local, new_person, running_bot, seed_workshop
from tests.e2e.staffing import staff_member

TOUR = """
id: tour
version: "1"
title: {id: Tur, en: Tour}
sections:
  - id: a
    title: {id: Bagian A, en: Part A}
    arena: government
    questions:
      - {id: intro, type: note, text: {id: Catatan pembuka, en: Opening note}}
      - id: rating
        type: scale
        principle: participation
        text: {id: Nilai, en: Rating}
        hint: {id: Petunjuk nilai, en: Rating hint}
      - id: pick
        type: single_choice
        text: {id: Pilih satu, en: Pick one}
        choices:
          - {value: a, label: {id: Satu, en: One}}
          - {value: b, label: {id: Dua, en: Two}}
      - id: many
        type: multiple_choice
        required: false
        text: {id: Pilih beberapa, en: Pick some}
        choices:
          - {value: x, label: {id: Iks, en: Ex}}
          - {value: y, label: {id: Ye, en: Why}}
  - id: b
    title: {id: Bagian B, en: Part B}
    questions:
      - {id: between, type: integer, min: 1, max: 5, text: {id: Antara, en: Between}}
      - {id: at_least, type: decimal, min: 0, text: {id: Paling kecil, en: At least}}
      - id: at_most
        type: integer
        max: 10
        constraint: ". != 7"
        constraint_message: {id: Jangan tujuh, en: Not seven}
        text: {id: Paling besar, en: At most}
      - {id: odd, type: integer, constraint: ". != 2", text: {id: Bukan dua, en: Not two}}
      - id: free
        type: text
        max_length: 20
        default: catatan singkat
        text: {id: Bebas, en: Free}
      - {id: when, type: date, text: {id: Tanggal kegiatan, en: Date of the event}}
      - {id: clock, type: time, text: {id: Jam mulai, en: Start time}}
      - {id: moment, type: datetime, text: {id: Waktu rapat, en: Meeting time}}
      - id: stepped
        type: scale
        scale: {min: 0, max: 10, step: 5}
        text: {id: Skala lima-lima, en: Five by five}
      - {id: strict, type: scale, dont_know: false, text: {id: Wajib, en: Strict}}
"""

# Keys no Telegram client can trigger: whitespace-only messages cannot be sent, buttons
# only ever carry valid choices, and typed numbers are read forgivingly first
# (bot/questionnaire/phrasing.py): what is not a number gets the re-ask, never the
# engine's own number checks.
UNREACHABLE = {
    "invalid_empty",
    "invalid_unknown_choice",
    "invalid_other",
    "invalid_not_a_number",
    "invalid_not_an_integer",
}
PARTICIPANT_MODULES = (
    "handlers/participant.py",
    "views/participant.py",
    "views/question.py",
    "handlers/errors.py",
)


class _RecordingCatalog(dict[str, tuple[str, str]]):
    """The catalog, noting every key the bot renders (`bot.i18n.t` reads it by name)."""

    def __init__(self, base: dict[str, tuple[str, str]], seen: set[str]) -> None:
        super().__init__(base)
        self.seen = seen

    def __getitem__(self, key: str) -> tuple[str, str]:
        self.seen.add(key)
        return super().__getitem__(key)


def _participant_keys() -> set[str]:
    package = Path(__file__).parents[2] / "bot"
    source = "".join((package / name).read_text() for name in PARTICIPANT_MODULES)
    keys = set(re.findall(r'\bt\(\s*"([a-z_]+)"', source))
    from bot.i18n import CATALOG

    keys |= {key for key in CATALOG if key.startswith("invalid_")}
    return keys - UNREACHABLE


async def _on_screen(person: Person, fragment: str) -> None:
    """Waits until a message with live buttons shows `fragment` (questions are often
    edited in place rather than sent anew)."""
    await person.until(lambda ms: any(fragment in m.text and m.buttons for m in ms))


async def _step(person: Person, action: str, value: str) -> None:
    seen = len(await person.bot_messages())
    if action == "send":
        await person.send(value)
    else:
        await person.press(value)
    await person.until(lambda ms: len(ms) > seen or any(m.edited for m in ms[seen - 1 :]))


async def test_every_message_a_participant_can_receive_is_reached(
    sandbox: Sandbox, migrated_db_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    questionnaire = load_questionnaire_yaml(TOUR).unwrap()
    seeded = await seed_workshop(
        migrated_db_url,
        day=WORKSHOP_DAY,
        people=[("Ani", "government"), ("Budi", "bureaucracy")],
        questionnaire=questionnaire,
        now=clock.now(),
    )
    ani_code, budi_code = (i.invite_code for i in seeded.invitees)
    seen: set[str] = set()
    monkeypatch.setattr(bot.i18n, "CATALOG", _RecordingCatalog(bot.i18n.CATALOG, seen))
    try:
        async with running_bot(bot_settings(migrated_db_url, sandbox), clock):
            stranger = await new_person(sandbox.client, "Tamu")
            await stranger.send("/start")
            await stranger.until_text("kode undangan")
            await stranger.send("/lanjut")
            await stranger.until_text("belum terdaftar")
            await stranger.send("/apaini")
            await stranger.until_text("kode undangan")
            await stranger.send("Selamat pagi")
            await stranger.until_text("kami memerlukan kode undangan")
            await stranger.send("bantuan")
            await stranger.until_text("Untuk memulai, silakan ketik kode undangan")
            for attempt in range(5):
                await stranger.send(f"/start ZZZZZZZZZ{attempt + 2}")
                await stranger.until(lambda ms, n=attempt: len(ms) >= 7 + n)
            await stranger.until_text("beberapa kali tidak cocok")

            ani = await new_person(sandbox.client, "Ani")
            await ani.send(f"/start {ani_code}")
            await ani.until_button("✅ Bersedia")
            await ani.send("/lanjut")
            await ani.until(lambda ms: len(ms) > 2 and "pernyataan di bawah ini" in ms[-2].text)
            await ani.press("🇬🇧 English")
            await ani.until_button("✅ I agree")
            await ani.press("🇮🇩 Bahasa Indonesia")
            await ani.until_button("✅ Bersedia")
            await ani.press("✅ Bersedia")
            await ani.until_button("Lanjut ▶")
            await ani.send("/tinjau")  # nothing answered yet
            await ani.until_text("Belum ada pertanyaan yang dijawab")
            await ani.press("Lanjut ▶")
            await ani.until_button("Tidak tahu")
            await ani.press("Tidak tahu")
            await ani.until_button("Dua")
            await ani.send("Tiga")
            await ani.until(lambda ms: "belum dapat kami pahami" in ms[-1].text)
            await ani.press("◀ Kembali")
            await _on_screen(ani, "Jawaban saat ini: Tidak tahu")
            await ani.press("7")
            await _on_screen(ani, "Pilih satu")
            await ani.press("Dua")
            await ani.until_button("✔ Selesai")
            await ani.press("✔ Selesai")  # nothing ticked
            await ani.until_text("Belum ada yang dicentang")
            await ani.press("Lewati ▶")
            await ani.until_text("(1–5)")
            await ani.send("/tinjau")  # B has no answers yet: opens on A, the last answered
            await ani.until_text("Dilewati")
            await ani.press("▶")
            await ani.until_text("belum dijawab")
            await ani.send("/kirim")  # required questions still missing
            await ani.until(lambda ms: "wajib yang belum dijawab" in ms[-2].text)
            between = await ani.until_text("(1–5)")
            assert "ketik angkanya saja (1–5)" in between.text
            for typed in ("abc", "0", "9", "2,5", "3"):
                await _step(ani, "send", typed)
            await ani.until_text("minimal 0")
            for typed in ("-1", "2,5"):
                await _step(ani, "send", typed)
            await ani.until_text("maksimal 10")
            for typed in ("7", "8"):
                await _step(ani, "send", typed)
            await ani.until_text("Bukan dua")
            for typed in ("2", "3"):
                await _step(ani, "send", typed)
            await ani.until_text("maksimal 20 karakter")
            await _step(ani, "send", "x" * 25)
            await _step(ani, "press", "Pakai: catatan singkat")  # the default, one tap
            await ani.until_text("Tanggal kegiatan")
            for typed in ("31/02/2026", "17 Agustus 2026"):
                await _step(ani, "send", typed)
            await ani.until_text("Jam mulai")
            for typed in ("25.99", "14.30"):
                await _step(ani, "send", typed)
            await ani.until_text("Waktu rapat")
            await _step(ani, "send", "17/08/2026 09.15")
            stepped = await ani.until_text("Skala lima-lima")
            assert stepped.button_texts[:3] == ["0", "5", "10"]
            for typed in ("7", "5"):
                await _step(ani, "send", typed)
            strict = await ani.until_text("Wajib")
            index = questionnaire.index_of("strict")
            for data in (f"d:{index}", f"s:{index}"):  # crafted: no such buttons are shown
                await sandbox.client.inject_update(
                    {
                        "callback_query": {
                            "id": f"crafted-{data}",
                            "from": {"id": ani.user_id, "is_bot": False, "first_name": "Ani"},
                            "chat_instance": "1",
                            "data": data,
                            "message": {
                                "message_id": strict.message_id,
                                "date": 0,
                                "chat": {"id": ani.user_id, "type": "private"},
                                "text": strict.text,
                            },
                        }
                    }
                )
            await ani.press("5")
            await ani.until_button("📨 Kirim sekarang")
            await ani.send("/tinjau")
            review = await ani.until_text("Tekan nomor pertanyaan")
            assert "Bagian B" in review.text, "opens on the page of the last answer"
            await ani.press("◀")
            await ani.until_text("Dilewati")
            await ani.press("3")  # re-open the skipped multiple choice
            await ani.until_button("✔ Selesai")
            await ani.press("☐ Iks")
            await ani.until(lambda ms: "☑ Iks" in ms[-1].button_texts)
            await ani.press("✔ Selesai")
            await ani.until_button("📨 Kirim sekarang")
            await ani.send("/progres")
            await ani.until_text("belum dikirim")
            await ani.press("📨 Kirim sekarang")
            await ani.until_button("Batal")
            await ani.press("Batal")
            await ani.until_text("belum dikirim")
            await ani.send("/kirim")
            await ani.until_button("✅ Ya, kirim")
            await ani.press("✅ Ya, kirim")
            await ani.until_text("jawaban telah kami terima")
            await ani.send("/progres")
            await ani.until_text("sudah dikirim ✅")
            await ani.send("8")
            await ani.until_text("tidak dapat diubah lagi")
            await ani.send("/bahasa")
            await ani.until_button("🇬🇧 English")
            await ani.press("🇬🇧 English")
            await ani.until(lambda ms: any("continue in English" in m.text for m in ms[-2:]))
            await ani.send("/help")
            await ani.until_text("Every question is answered")
            await sandbox.client.set_faults(Fault(method="sendMessage", kind=500, count=1))
            await ani.send("/help")
            await ani.until_text("something went wrong")
            await sandbox.client.clear_faults()
            await ani.send(f"/start {budi_code}")
            await ani.until_text("already registered")

            budi = await new_person(sandbox.client, "Budi")
            await budi.send(f"/start {ani_code}")
            await budi.until_text("sudah dipakai")
            await budi.send(budi_code)
            await budi.until_button("Tidak bersedia")
            await budi.press("Tidak bersedia")
            await budi.until_text("tidak bersedia mengisi")
            await budi.send("/start")
            await budi.until_button("✅ Bersedia")
            await budi.press("✅ Bersedia")
            await budi.until_button("Lanjut ▶")
            await budi.press("Lanjut ▶")
            await budi.until_button("Tidak tahu")
            await sandbox.client.inject_update(
                {
                    "message": {
                        "message_id": 1,
                        "date": 0,
                        "chat": {"id": budi.user_id, "type": "private"},
                        "from": {"id": budi.user_id, "is_bot": False, "first_name": "Budi"},
                        "voice": {"file_id": "v", "file_unique_id": "v", "duration": 3},
                    }
                }
            )
            await budi.until(lambda ms: any("belum dapat kami proses" in m.text for m in ms[-2:]))
            rating = await budi.until_question(1)
            await staff_member(
                sandbox,
                migrated_db_url,
                "Bu Ratna",
                role=StaffRole.FACILITATOR,
                workshop_id=seeded.workshop_id,
            )
            await budi.send("?")
            await budi.until_text("Silakan hubungi fasilitator: Bu Ratna")
            await budi.press("ℹ️ Penjelasan pertanyaan ini")
            await budi.until_text("Petunjuk nilai")
            await budi.send("tolong")
            helped = await budi.until_button("ℹ️ Penjelasan pertanyaan ini")
            await sandbox.client.inject_update(  # crafted: a question without a hint
                {
                    "callback_query": {
                        "id": "explain-note",
                        "from": {"id": budi.user_id, "is_bot": False, "first_name": "Budi"},
                        "chat_instance": "2",
                        "data": "explain:0",
                        "message": {
                            "message_id": helped.message_id,
                            "date": 0,
                            "chat": {"id": budi.user_id, "type": "private"},
                            "text": helped.text,
                        },
                    }
                }
            )
            await budi.until_text("tidak memiliki penjelasan tambahan")
            await budi.press("4", message_id=rating.message_id)
            await budi.until_button("Dua")
            await sandbox.client.inject_update(
                {
                    "callback_query": {
                        "id": "stale-rating",
                        "from": {"id": budi.user_id, "is_bot": False, "first_name": "Budi"},
                        "chat_instance": "2",
                        "data": f"a:{questionnaire.index_of('rating')}:9",
                        "message": {
                            "message_id": rating.message_id,
                            "date": 0,
                            "chat": {"id": budi.user_id, "type": "private"},
                            "text": rating.text,
                        },
                    }
                }
            )
            await budi.until(lambda ms: "untuk pertanyaan yang lain" in ms[-1].text)
            await _on_screen(budi, "Jawaban saat ini: 4")  # the tapped message shows it again
            await sandbox.client.inject_update(
                {
                    "edited_message": {
                        "message_id": 1,
                        "date": 1764662400,
                        "edit_date": 1764662460,
                        "chat": {"id": budi.user_id, "type": "private"},
                        "from": {"id": budi.user_id, "is_bot": False, "first_name": "Budi"},
                        "text": "7",
                    }
                }
            )
            await budi.until_text("tidak kami baca")
            clock.set(local(WORKSHOP_DAY, "17:00"))
            await budi.press("5", message_id=rating.message_id)  # an old button, after closing
            await budi.until_text("sudah ditutup")
    finally:
        monkeypatch.undo()
    missing = _participant_keys() - seen
    assert not missing, f"participant messages never reached: {sorted(missing)}"
