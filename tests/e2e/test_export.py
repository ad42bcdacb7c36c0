"""Exports through the real bot: answers given in the sandbox come back value by value."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator

import openpyxl
import pandas as pd
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.context import WipApplication
from bot.outbound.exports import deliver_due_exports
from sandbox import ChatMessage, Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import RecipientKind, StaffRole
from storage.repositories import reminders as reminder_repo
from storage.repositories import staff as staff_repo
from storage.repositories import workshops as workshop_repo
from storage.repositories.reminders import CLAIM_LEASE
from tests.e2e.harness import (
    Person,
    SeededWorkshop,
    bot_settings,
    local,
    new_person,
    running_bot,
    seed_workshop,
)

DAY = dt.date(2026, 12, 3)
AT = "2026-12-03T10:35:00+07:00"  # the pinned clock, in Jambi
SHEETS = ["tentang", "completion", "answers", "responses", "scores", "matrix", "heatmap"]
# After them, for researchers (bot/reports/research_frames.py).
SHEETS += ["paradata", "flags", "flag_rules", "agreement", "items"]


@pytest.fixture
async def quiet_bot(
    sandbox: Sandbox, migrated_db_url: str, clock: ManualClock, seeded: SeededWorkshop
) -> AsyncIterator[WipApplication]:
    """The real bot whose periodic work runs only at start-up (no break reminder mid-test)."""
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


async def staff(
    db: async_sessionmaker[AsyncSession],
    sandbox: Sandbox,
    name: str,
    role: StaffRole,
    workshop_id: int | None,
) -> Person:
    """A staff member who has written to the bot once (so the bot may write back)."""
    person = await new_person(sandbox.client, name)
    async with db.begin() as session:
        await staff_repo.add_staff(
            session,
            telegram_user_id=person.user_id,
            role=role,
            workshop_id=workshop_id,
            now=dt.datetime.now(dt.UTC),
        )
    await person.send("/progres")
    await person.until_text("📊 Kemajuan")
    return person


async def open_invitation(sandbox: Sandbox, name: str, code: str) -> Person:
    person = await new_person(sandbox.client, name)
    await person.send(f"/start {code}")
    await person.until_button("✅ Bersedia")
    await person.press("✅ Bersedia")
    await person.until_button("Lanjut ▶")
    await person.press("Lanjut ▶")
    await person.until_text("Bapak/Ibu mewakili unsur apa dalam lokakarya ini?")
    return person


async def answer_siti(person: Person) -> None:
    """Profile questions of every kind, then four government items."""
    await person.press("Pemerintah / DPRD")
    await person.until_text("Sudah berapa tahun")
    await person.send("14")
    await person.until_text("seberapa sering")
    await person.press("Sangat sering")
    await person.until_text("Bidang apa saja")
    await person.press("☐ Pelayanan publik")
    await person.until(lambda ms: "☑ Pelayanan publik" in ms[-1].button_texts)
    await person.press("☐ Infrastruktur")
    await person.until(lambda ms: "☑ Infrastruktur" in ms[-1].button_texts)
    await person.press("✔ Selesai")
    await person.until_text("usulan kabupaten/kota diakomodasi")  # G1P1
    await person.press("7")
    await person.until_text("rapat dengar pendapat umum (RDPU)")  # G2P1
    await person.press("Tidak tahu")
    await person.until_text("kesempatan berbagai kelompok masyarakat untuk beraudiensi")  # G3F1
    await person.send("9")
    await person.until_text("APBD provinsi berpihak")  # G2F1
    await person.press("3")
    await person.until(lambda ms: "APBD provinsi berpihak" not in ms[-1].text)


async def answer_bambang(person: Person) -> None:
    """'Other' sector with a formula-like text, a skipped optional question, two items."""
    await person.press("Lainnya")
    await person.until_text("sebutkan unsur")
    await person.send("=1+1 wartawan")
    await person.until_text("Sudah berapa tahun")
    await person.send("5")
    await person.until_text("seberapa sering")
    await person.press("Jarang")
    await person.until_text("Bidang apa saja")
    await person.press("Lewati ▶")
    await person.until_text("usulan kabupaten/kota diakomodasi")
    await person.press("10")
    await person.until_text("rapat dengar pendapat umum (RDPU)")
    await person.press("1")
    await person.until_text("kesempatan berbagai kelompok masyarakat untuk beraudiensi")


async def document(person: Person, sandbox: Sandbox) -> tuple[ChatMessage, bytes]:
    """Waits for a document from the bot and downloads it."""
    # Building a workbook with its heatmap can take a while on a busy machine (the first
    # run also builds matplotlib's font cache): the wait is generous, never a measure.
    messages = await person.until(lambda ms: any(m.document for m in ms), timeout=60)
    message = next(m for m in reversed(messages) if m.document)
    assert message.document is not None
    return message, await sandbox.client.file_bytes(message.document.file_id)


async def test_ekspor_after_answers_in_the_sandbox_holds_every_answer_value_by_value(
    sandbox: Sandbox,
    quiet_bot: WipApplication,
    seeded: SeededWorkshop,
    db: async_sessionmaker[AsyncSession],
) -> None:
    siti_invite, bambang_invite, *_ = seeded.invitees
    await answer_siti(await open_invitation(sandbox, "Siti", siti_invite.invite_code))
    await answer_bambang(await open_invitation(sandbox, "Bambang", bambang_invite.invite_code))

    facilitator = await staff(db, sandbox, "Fasilitator", StaffRole.FACILITATOR, seeded.workshop_id)
    await facilitator.send("/ekspor")
    message, data = await document(facilitator, sandbox)
    assert message.document is not None
    assert message.document.file_name == "wipbot-ID-JA-2026-12-03.xlsx"
    assert "📥 Hasil ID-JA-2026-12-03 per 10.35 WIB." in message.text
    assert "✅ 0 mengirim · ✍️ 2 mengisi · ▫️ 2 belum mulai (dari 4)." in message.text
    # Cells: participation (8.5 + 1) / 2 = 4.75 and fairness (9 + 3) / 2 = 6, weighted
    # .120 and .189: (4.75 * .120 + 6 * .189) / .309 = 5.5146, the only arena.
    assert "Indeks sementara: 5,51 (Sedang)." in message.text
    heatmap = await facilitator.until(lambda ms: ms[-1].photo is not None)
    photo = heatmap[-1].photo
    assert photo is not None
    picture = Image.open(io.BytesIO(await sandbox.client.file_bytes(photo.file_id)))
    assert picture.format == "PNG" and picture.width > 800

    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(sheets) == SHEETS
    siti = f"ID-JA-{siti_invite.invite_code[:6]}"
    bambang = f"ID-JA-{bambang_invite.invite_code[:6]}"

    answers = sheets["answers"]
    got = {
        (row.participant, row.question_id): (row.status, row.value, row.value_label)
        for row in answers.itertuples()
    }
    assert got == {
        (siti, "sector"): ("answered", "government", "Pemerintah / DPRD"),
        (siti, "years_involved"): ("answered", 14, "14"),
        (siti, "familiarity"): ("answered", "very_close", "Sangat sering"),
        (siti, "interest_areas"): (
            "answered",
            "public_services;infrastructure",
            "Pelayanan publik; Infrastruktur",
        ),
        (siti, "G1P1"): ("answered", 7, "7"),
        (siti, "G2P1"): ("dont_know", got[(siti, "G2P1")][1], "Tidak tahu"),
        (siti, "G3F1"): ("answered", 9, "9"),
        (siti, "G2F1"): ("answered", 3, "3"),
        (bambang, "sector"): ("answered", "other", "Lainnya"),
        (bambang, "sector_other"): ("answered", "=1+1 wartawan", "=1+1 wartawan"),
        (bambang, "years_involved"): ("answered", 5, "5"),
        (bambang, "familiarity"): ("answered", "little", "Jarang"),
        (bambang, "interest_areas"): ("skipped", got[(bambang, "interest_areas")][1], "Dilewati"),
        (bambang, "G1P1"): ("answered", 10, "10 (sangat baik)"),
        (bambang, "G2P1"): ("answered", 1, "1 (sangat buruk)"),
    }
    assert pd.isna(got[(siti, "G2P1")][1]) and pd.isna(got[(bambang, "interest_areas")][1])
    assert set(answers["answered_at"]) == {AT} and set(answers["zone"]) == {"Asia/Jakarta"}
    assert answers["dont_know"].tolist().count(True) == 1
    g1p1 = answers[answers.question_id == "G1P1"].iloc[0]
    assert (g1p1.section, g1p1.indicator, g1p1.question_arena, g1p1.principle) == (
        "pemerintah",
        "G1P1",
        "government",
        "participation",
    )
    assert set(answers.respondent_arena) == {"government", "bureaucracy"}
    assert set(answers.province) == {"ID-JA"} and set(answers.workshop) == {seeded.code}

    responses = sheets["responses"].set_index("participant")
    assert responses.loc[siti, ["sector", "years_involved", "G1P1", "G2P1", "G3F1"]].tolist() == [
        "government",
        14,
        7,
        "DK",
        9,
    ]
    assert responses.loc[bambang, "interest_areas"] == "SKIP"
    assert responses.loc[bambang, "sector_other"] == "=1+1 wartawan"
    assert pd.isna(responses.loc[siti, "sector_other"]), "not asked"
    assert len(responses) == 4

    completion = sheets["completion"].set_index("participant")
    assert completion.loc[siti, "status"] == "in_progress"
    assert completion.loc[siti, ["answered", "relevant"]].tolist() == [8, 56]
    assert completion.loc[bambang, ["answered", "relevant"]].tolist() == [7, 57]
    assert completion.loc[siti, "started_at"] == AT
    assert completion["bound"].tolist().count(True) == 2

    scores = sheets["scores"]
    questions = scores[scores.level == "question"].set_index("question_id")
    assert questions.loc["G1P1", ["score", "n"]].tolist() == [8.5, 2]
    assert questions.loc["G2P1", ["score", "n", "dont_know"]].tolist() == [1.0, 1, 1]
    index = scores[scores.level == "index"].iloc[0]
    assert index.score == pytest.approx((4.75 * 0.120 + 6 * 0.189) / 0.309)

    names = [invitee.name for invitee in seeded.invitees]
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert "roster" not in book.sheetnames
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(name in str(value) for value in row for name in names)


async def test_organiser_chooses_every_workshop_and_gets_one_workbook(
    sandbox: Sandbox,
    quiet_bot: WipApplication,
    seeded: SeededWorkshop,
    db: async_sessionmaker[AsyncSession],
    migrated_db_url: str,
    clock: ManualClock,
) -> None:
    await seed_workshop(
        migrated_db_url,
        day=dt.date(2026, 12, 8),
        province="ID-BA",
        people=[("I Made Wirawan", "civil_society")],
        now=clock.now(),
    )
    organiser = await staff(db, sandbox, "Penyelenggara", StaffRole.ORGANISER, None)
    await organiser.send("/export")
    choice = await organiser.until_text("pilih lokakarya yang akan diekspor")
    assert choice.button_texts == [
        "Jambi · 3 Desember 2026",
        "Bali · 8 Desember 2026",
        "📦 Semua lokakarya",
    ]
    await organiser.press("📦 Semua lokakarya")
    message, data = await document(organiser, sandbox)
    assert message.document is not None
    assert message.document.file_name == "wipbot-ALL-2026-12-03.xlsx"
    assert "Hasil semua lokakarya" in message.text
    assert "Indeks: belum ada jawaban berskor." in message.text
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == SHEETS
    assert book["completion"].max_row == 1 + 4 + 1
    workshops = {row[1] for row in book["completion"].iter_rows(min_row=2, values_only=True)}
    assert workshops == {"ID-JA-2026-12-03", "ID-BA-2026-12-08"}


async def test_export_before_closing_reaches_each_facilitator_once(
    sandbox: Sandbox,
    quiet_bot: WipApplication,
    seeded: SeededWorkshop,
    db: async_sessionmaker[AsyncSession],
) -> None:
    first = await staff(db, sandbox, "Fasilitator A", StaffRole.FACILITATOR, seeded.workshop_id)
    second = await staff(db, sandbox, "Fasilitator B", StaffRole.FACILITATOR, seeded.workshop_id)
    organiser = await staff(db, sandbox, "Penyelenggara", StaffRole.ORGANISER, None)
    services = quiet_bot.bot_data.services
    assert services is not None
    assert services.settings.export_before_closing_minutes == 30

    # The closing starts at 15:30: not yet at 14:55, due from just after 15:00.
    assert await deliver_due_exports(quiet_bot, services, local(DAY, "14:55")) == 0
    assert await deliver_due_exports(quiet_bot, services, local(DAY, "15:05")) == 2
    assert await deliver_due_exports(quiet_bot, services, local(DAY, "15:05")) == 0
    assert await deliver_due_exports(quiet_bot.bot, services, local(DAY, "15:25")) == 0

    for person in (first, second):
        message, data = await document(person, sandbox)
        assert message.document is not None
        assert message.document.file_name == "wipbot-ID-JA-2026-12-03.xlsx"
        assert message.text.startswith(
            "⏰ Penutupan dimulai pukul 15.30 WIB. Berikut hasil sementara lokakarya "
            "ID-JA-2026-12-03."
        )
        assert "▫️ 4 belum mulai (dari 4)" in message.text
        assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == SHEETS
        await person.until(lambda ms: ms[-1].photo is not None)
        documents = [m for m in await person.bot_messages() if m.document is not None]
        assert len(documents) == 1
    assert not any(m.document for m in await organiser.bot_messages())


async def test_an_export_claimed_by_a_process_that_died_before_sending_still_arrives(
    sandbox: Sandbox,
    quiet_bot: WipApplication,
    seeded: SeededWorkshop,
    db: async_sessionmaker[AsyncSession],
) -> None:
    facilitator = await staff(
        db, sandbox, "Fasilitator A", StaffRole.FACILITATOR, seeded.workshop_id
    )
    services = quiet_bot.bot_data.services
    assert services is not None
    async with db() as session:
        (member,) = await staff_repo.list_staff(session, seeded.workshop_id)
        day = await workshop_repo.agenda_sessions_starting_between(
            session, local(DAY, "00:00"), local(DAY, "23:59")
        )
        closing = next(s for s in day if s.kind == "closing")
    key = f"export:{seeded.workshop_id}:{closing.starts_at.astimezone(dt.UTC).isoformat()}"
    # What a process killed between claiming and sending leaves behind: a claim, no send.
    async with db.begin() as session:
        assert await reminder_repo.record_sent(
            session,
            recipient_kind=RecipientKind.STAFF,
            recipient_id=member.id,
            workshop_id=seeded.workshop_id,
            reminder_key=key,
            now=local(DAY, "15:05"),
        )
    # Within the lease the claim may still be another live process's: left alone.
    assert (
        await deliver_due_exports(quiet_bot, services, local(DAY, "15:05") + CLAIM_LEASE / 2) == 0
    )
    # After it, the claim is taken over and the export reaches the facilitator, once.
    later = local(DAY, "15:05") + CLAIM_LEASE + dt.timedelta(seconds=1)
    assert await deliver_due_exports(quiet_bot, services, later) == 1
    assert await deliver_due_exports(quiet_bot, services, later + CLAIM_LEASE * 2) == 0
    message, _ = await document(facilitator, sandbox)
    assert message.document is not None
    assert sum(m.document is not None for m in await facilitator.bot_messages()) == 1
