"""Where real Telegram is unkind, through the real bot: late presses, HTML 5xx, update ids.

Issue 14's points, each failing when its feature is taken out (checked by reverting it
locally): a press whose query had expired did nothing when the answer came first, an HTML
502 counted as "maybe delivered" was never retried, a restarted update-id sequence was
taken for duplicates without the fingerprint, and the admin script printed cards with any
username. The 4,000-character broadcast is in test_broadcasts.py, the /progres title in
test_participant_edges.py, the start-up username line in tests/bot/test_startup.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main as admin_main
from bot.clock import ManualClock
from bot.outbound.exports import deliver_due_exports
from bot.outbound.reminders import tick
from bot.questionnaire.loader import load_questionnaire_yaml
from sandbox import Fault, Sandbox
from sandbox.limits import (
    TELEGRAM_GLOBAL_PER_SECOND,
    TELEGRAM_PER_CHAT_PER_SECOND,
    TELEGRAM_PER_GROUP_PER_MINUTE,
)
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Participant, Response, StaffInvite, StaffRole
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import (
    BOT_USERNAME,
    TOKEN,
    Person,
    SeededWorkshop,
    bot_settings,
    local,
    new_person,
    running_bot,
    seed_workshop,
)
from tests.e2e.staffing import at_question_two, nudges, staff_member

# Older than the sandbox's callback-query timeout (15 s, Telegram's order of magnitude):
# answering such a press is refused with Telegram's "query is too old".
EXPIRED = 20.0
# The job runs once at start-up (09:00, nothing due); the tests drive every later tick.
QUIET = {"scheduler_interval_seconds": 600}

TWO_QUESTIONS = """
id: two
version: "1"
title: {id: Dua pertanyaan, en: Two questions}
sections:
  - id: a
    title: {id: Bagian A, en: Part A}
    arena: government
    questions:
      - {id: first, type: scale, principle: participation, text: {id: Pertama, en: First}}
      - {id: second, type: scale, principle: participation, text: {id: Kedua, en: Second}}
"""


@pytest.fixture
async def db(migrated_db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(migrated_db_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def _two_questions(db_url: str, clock: ManualClock, *names: str) -> SeededWorkshop:
    return await seed_workshop(
        db_url,
        day=WORKSHOP_DAY,
        people=[(name, "government") for name in names],
        questionnaire=load_questionnaire_yaml(TWO_QUESTIONS).unwrap(),
        now=clock.now(),
    )


async def _answers(db: async_sessionmaker[AsyncSession], participant_id: int) -> dict[str, object]:
    async with db() as session:
        rows = await session.execute(
            select(Answer.question_id, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.participant_id == participant_id)
        )
        return {question_id: value for question_id, value in rows}


async def _late_press(person: Person, label: str, message_id: int | None = None) -> str:
    """Presses `label` so late that Telegram refuses to answer the query; returns its id."""
    press = await person.inner.press(label, age=EXPIRED, message_id=message_id)
    return press.callback_query_id


# -- 1. a press answered after its query expired still does what it says -----------------


async def test_expired_presses_still_consent_change_language_answer_resume_and_submit(
    sandbox: Sandbox, migrated_db_url: str, db: async_sessionmaker[AsyncSession]
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:00"))
    seeded = await _two_questions(migrated_db_url, clock, "Ani")
    (invitee,) = seeded.invitees
    pressed: list[str] = []
    async with running_bot(bot_settings(migrated_db_url, sandbox, **QUIET), clock):
        ani = await new_person(sandbox.client, "Ani")
        await ani.send(f"/start {invitee.invite_code}")
        await ani.until_button("✅ Bersedia")
        pressed.append(await _late_press(ani, "✅ Bersedia"))
        await ani.until_question(1)

        await ani.send("/bahasa")
        await ani.until_button("🇬🇧 English")
        pressed.append(await _late_press(ani, "🇬🇧 English"))
        first = await ani.until_shown(1, "First")  # the question just above, now in English
        assert "First" in first.text
        assert any("continue in English" in m.text for m in await ani.bot_messages())

        pressed.append(await _late_press(ani, "7", message_id=first.message_id))
        await ani.until_question(2)
        assert await _answers(db, invitee.participant_id) == {"first": 7}

        await ani.send("/review")
        await ani.until_button("▶ Continue")
        pressed.append(await _late_press(ani, "▶ Continue"))
        second = await ani.until_shown(2)  # just above the review page: brought up in place
        assert "Second" in second.text

        pressed.append(await _late_press(ani, "8", message_id=second.message_id))
        await ani.until_button("📨 Submit now")
        pressed.append(await _late_press(ani, "📨 Submit now"))
        await ani.until_button("✅ Yes, submit")
        pressed.append(await _late_press(ani, "✅ Yes, submit"))
        await ani.until_text("we have received your answers")

    assert await _answers(db, invitee.participant_id) == {"first": 7, "second": 8}
    async with db() as session:
        participant = await session.get(Participant, invitee.participant_id)
        response = await session.scalar(
            select(Response).where(Response.participant_id == invitee.participant_id)
        )
    assert participant is not None and participant.language == "en"
    assert response is not None and response.status == "submitted"
    # Telegram refused every answer (the presses were too old), and the bot tried once each:
    # it answers after the work and never a second time from the error handler.
    for query_id in pressed:
        answer = await sandbox.client.callback_answer(query_id)
        assert not answer.answered and answer.refused_answers == 1
    assert not any("gangguan" in m.text for m in await ani.bot_messages()), "no apology"


# -- 2. an HTML 502 page on the reminder, the nudge and the export send is retried ---------


async def test_a_reminder_refused_with_an_html_502_page_is_sent_at_the_next_tick(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:00"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Rina", "civil_society")], now=clock.now()
    )
    async with running_bot(bot_settings(migrated_db_url, sandbox, **QUIET), clock) as app:
        rina = await at_question_two(sandbox, seeded.invitees[0].invite_code, "Rina")
        await sandbox.client.set_faults(Fault("sendMessage", "html502", count=1))
        clock.set(local(WORKSHOP_DAY, "10:31"))  # the coffee break began at 10:30
        await tick(app)
        assert (await sandbox.client.stats())["faults_by_kind"] == {"html502": 1}
        assert await nudges(rina) == [], "the proxy's page came instead of the message"
        clock.set(local(WORKSHOP_DAY, "10:32"))
        await tick(app)
        clock.set(local(WORKSHOP_DAY, "10:33"))
        await tick(app)
    reminders = await nudges(rina)
    assert len(reminders) == 1 and reminders[0].startswith("☕ Rehat kopi telah dimulai")


async def test_a_nudge_refused_with_an_html_502_page_is_reported_failed_and_sent_on_retry(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:00"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Rina", "civil_society")], now=clock.now()
    )
    async with running_bot(bot_settings(migrated_db_url, sandbox, **QUIET), clock):
        rina = await at_question_two(sandbox, seeded.invitees[0].invite_code, "Rina")
        facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Fasilitator",
            role=StaffRole.FACILITATOR,
            workshop_id=seeded.workshop_id,
        )
        await facilitator.send("/progres")
        report = await facilitator.until_button("🔔 Ingatkan yang belum selesai (1)")
        await sandbox.client.set_faults(Fault("sendMessage", "html502", count=1))
        await facilitator.press("🔔 Ingatkan yang belum selesai (1)")
        failed = await facilitator.until_text("gagal terkirim")
        assert "1 gagal terkirim; silakan coba beberapa saat lagi." in failed.text
        assert (await sandbox.client.stats())["faults_by_kind"] == {"html502": 1}
        assert not any("Pengingat dari fasilitator" in m.text for m in await rina.bot_messages())

        await facilitator.press("🔔 Ingatkan yang belum selesai (1)", message_id=report.message_id)
        sent = await facilitator.until(lambda ms: ms[-1].message_id > failed.message_id)
        assert sent[-1].text == "🔔 Pengingat terkirim kepada 1 peserta."
        await rina.until_text("Pengingat dari fasilitator")
    assert sum("Pengingat dari fasilitator" in m.text for m in await rina.bot_messages()) == 1


async def test_an_export_refused_with_an_html_502_page_reaches_the_facilitator_next_run(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:00"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Rina", "civil_society")], now=clock.now()
    )
    async with running_bot(bot_settings(migrated_db_url, sandbox, **QUIET), clock) as app:
        facilitator = await staff_member(
            sandbox,
            migrated_db_url,
            "Fasilitator",
            role=StaffRole.FACILITATOR,
            workshop_id=seeded.workshop_id,
        )
        services = app.bot_data.services
        assert services is not None
        await sandbox.client.set_faults(Fault("sendDocument", "html502", count=1))
        # The closing starts at 15:30; the export is due from 15:00.
        assert await deliver_due_exports(app, services, local(WORKSHOP_DAY, "15:05")) == 0
        assert (await sandbox.client.stats())["faults_by_kind"] == {"html502": 1}
        assert not any(m.document for m in await facilitator.bot_messages())
        assert await deliver_due_exports(app, services, local(WORKSHOP_DAY, "15:06")) == 1
        assert await deliver_due_exports(app, services, local(WORKSHOP_DAY, "15:07")) == 0
        await facilitator.until(lambda ms: any(m.document is not None for m in ms))
    documents = [m for m in await facilitator.bot_messages() if m.document is not None]
    assert len(documents) == 1
    assert documents[0].document is not None
    assert documents[0].document.file_name == f"wipbot-{seeded.code}.xlsx"


# -- 3. update ids restarted at 1, or jumping to a random value, lose no update -----------


async def test_update_ids_restarted_at_one_or_jumping_lose_no_update(
    sandbox: Sandbox, migrated_db_url: str, db: async_sessionmaker[AsyncSession]
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:00"))
    seeded = await _two_questions(migrated_db_url, clock, "Ani", "Budi")
    ani_invite, budi_invite = seeded.invitees
    settings = bot_settings(migrated_db_url, sandbox, **QUIET)
    async with running_bot(settings, clock):
        ani = await new_person(sandbox.client, "Ani")
        opened = await ani.send(f"/start {ani_invite.invite_code}")
        assert opened.update_id == 1
        await ani.until_button("✅ Bersedia")
        await ani.press("✅ Bersedia")
        await ani.until_question(1)

    # The bot is down; Telegram's sequence starts over (the database remembers ids 1, 2).
    assert await sandbox.client.jump_update_ids(1) == 1
    async with running_bot(settings, clock):
        answered = await ani.inner.press("6")
        assert answered.update_id == 1, "the id of Ani's /start, already processed"
        await ani.until_question(2)
        budi = await new_person(sandbox.client, "Budi")
        opened = await budi.send(f"/start {budi_invite.invite_code}")
        assert opened.update_id == 2, "the id of Ani's consent, already processed"
        await budi.until_button("✅ Bersedia")

        # While the bot runs, the sequence jumps to a random value.
        jumped = await sandbox.client.jump_update_ids(seed=14)
        assert jumped > 3
        answered = await ani.inner.press("9")
        assert answered.update_id == jumped
        await ani.until_text("Semua pertanyaan sudah terjawab")
        await budi.press("✅ Bersedia")
        await budi.until_question(1)

    assert await _answers(db, ani_invite.participant_id) == {"first": 6, "second": 9}
    async with db() as session:
        budi_row = await session.get(Participant, budi_invite.participant_id)
    assert budi_row is not None and budi_row.consent_at is not None


# -- 6. printed links refuse a username the token's bot does not have ---------------------


async def _admin(*argv: str) -> int:
    """Runs `wipbot-admin` as an organiser would, beside the test's event loop."""
    return await asyncio.to_thread(admin_main, list(argv))


async def test_admin_commands_that_print_links_refuse_a_username_the_bot_does_not_have(
    sandbox: Sandbox,
    migrated_db_url: str,
    db: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:00"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Ani", "government")], now=clock.now()
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("WIPBOT_BOT_USERNAME", "wipbot_jambi_bot")  # a typo: not the token's
    cards = tmp_path / "cards.pdf"
    refusals = {
        "cards": ("invites", "cards", "--workshop", seeded.code, "--out", str(cards)),
        "list": ("participants", "list", "--workshop", seeded.code),
        "staff": ("staff", "add", "--invite", "--role", "organiser"),
    }
    for argv in refusals.values():
        assert await _admin(*argv) == 2
        printed = capsys.readouterr()
        assert printed.out == ""
        assert printed.err.count("\n") == 1, printed.err
        assert "WIPBOT_BOT_USERNAME is 'wipbot_jambi_bot'" in printed.err
        assert f"belongs to @{BOT_USERNAME}" in printed.err
    assert not cards.exists()
    async with db() as session:
        assert await session.scalar(select(StaffInvite)) is None, "nothing was changed"
    assert (await sandbox.client.stats())["calls"]["getMe"] == 3

    # The bot's real name, given or learnt from the token, prints the cards.
    assert await _admin(*refusals["cards"], "--bot-username", f"@{BOT_USERNAME}") == 0
    assert cards.exists()
    monkeypatch.delenv("WIPBOT_BOT_USERNAME")
    assert await _admin(*refusals["list"]) == 0
    assert f"https://t.me/{BOT_USERNAME}?start={seeded.invitees[0].invite_code}" in (
        capsys.readouterr().out
    )


async def test_cards_print_unchecked_with_one_warning_when_telegram_cannot_be_reached(
    migrated_db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = ManualClock(local(WORKSHOP_DAY, "09:00"))
    seeded = await seed_workshop(
        migrated_db_url, day=WORKSHOP_DAY, people=[("Ani", "government")], now=clock.now()
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9/bot")  # nothing listens
    monkeypatch.delenv("WIPBOT_BOT_USERNAME", raising=False)
    cards = ("invites", "cards", "--workshop", seeded.code, "--out", str(tmp_path / "c.pdf"))

    assert await _admin(*cards, "--bot-username", "wipbot-jambi") == 2
    assert "is not a Telegram bot username" in capsys.readouterr().err
    assert await _admin(*cards, "--bot-username", "wipbot_jambi_bot") == 0
    printed = capsys.readouterr()
    assert printed.err.count("\n") == 1
    assert printed.err.startswith("warning: could not ask Telegram for the bot's username")
    assert (tmp_path / "c.pdf").exists()


# -- 7. the e2e suite meets Telegram's flood limits --------------------------------------


async def test_the_e2e_sandbox_enforces_telegrams_flood_limits(sandbox: Sandbox) -> None:
    limits = await sandbox.client.limits()
    assert limits["global_per_second"] == TELEGRAM_GLOBAL_PER_SECOND
    assert limits["per_chat_per_second"] == TELEGRAM_PER_CHAT_PER_SECOND
    assert limits["per_group_per_minute"] == TELEGRAM_PER_GROUP_PER_MINUTE
    assert {"sendMessage", "editMessageText"} <= set(limits["methods"])
    assert sandbox.world.callback_query_timeout < EXPIRED
