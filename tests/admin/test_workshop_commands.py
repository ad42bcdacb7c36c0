"""`wipbot-admin workshop`, `staff` and `broadcast` against a real database."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main
from bot.invites import new_invite_code
from storage.models import (
    AgendaSession,
    Broadcast,
    BroadcastDelivery,
    Staff,
    StaffInvite,
    Workshop,
)
from storage.repositories import participants as participant_repo
from storage.repositories.participants import ParticipantProfile

BOT = "wipbot_test_bot"


@pytest.fixture
def cli(
    migrated_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> pytest.MonkeyPatch:
    """The admin script pointed at the test database, from an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    monkeypatch.delenv("WIPBOT_BOT_USERNAME", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return monkeypatch


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def _agenda(
    session_factory: async_sessionmaker[AsyncSession], code: str
) -> list[tuple[str, str, str]]:
    async with session_factory() as session:
        workshop = await session.scalar(select(Workshop).where(Workshop.code == code))
        assert workshop is not None
        rows = await session.scalars(
            select(AgendaSession)
            .where(AgendaSession.workshop_id == workshop.id)
            .order_by(AgendaSession.position)
        )
        tz = ZoneInfo(workshop.zone)
        return [
            (
                row.kind,
                row.starts_at.astimezone(tz).strftime("%H:%M"),
                row.ends_at.astimezone(tz).strftime("%H:%M"),
            )
            for row in rows.all()
        ]


async def test_workshop_create_takes_the_province_zone_and_the_default_questionnaire(
    cli: pytest.MonkeyPatch,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await run("workshop", "create", "--province", "ID-PA", "--date", "2026-12-03",
                     "--sample-agenda", "--venue", "Hotel Sentani") == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Created ID-PA-2026-12-03: Papua, 3 December 2026, Asia/Jayapura (WIT)" in out
    assert "8. 15:30-16:00  closing" in out
    async with session_factory() as session:
        workshop = await session.scalar(select(Workshop))
        assert workshop is not None
        assert (workshop.venue, workshop.timezone, workshop.zone) == (
            "Hotel Sentani",
            None,
            "Asia/Jayapura",
        )
        first = await session.scalar(
            select(AgendaSession.starts_at).order_by(AgendaSession.starts_at).limit(1)
        )
    assert first == dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC), "08:30 WIT"


async def test_workshop_create_with_a_zone_of_its_own_and_a_csv_agenda(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    agenda = tmp_path / "agenda.csv"
    agenda.write_text(
        "kind;title_id;title_en;start;end\nopening;Buka;Open;09.00;09.30\n"
        "closing;Tutup;Close;15.00;15.30\n",
        encoding="utf-8",
    )
    assert await run("workshop", "create", "--province", "ID-JA", "--date", "2026-12-03",
                     "--agenda", str(agenda), "--timezone", "Asia/Makassar") == 0  # fmt: skip
    assert await _agenda(session_factory, "ID-JA-2026-12-03") == [
        ("opening", "09:00", "09:30"),
        ("closing", "15:00", "15:30"),
    ]
    async with session_factory() as session:
        workshop = await session.scalar(select(Workshop))
        assert workshop is not None and workshop.zone == "Asia/Makassar"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--province", "ID-XX"], "Unknown province 'ID-XX'"),
        (["--province", "ID-JA", "--timezone", "Asia/Atlantis"], "Unknown time zone"),
        (["--province", "ID-JA", "--questionnaire", "99"], "No stored questionnaire '99'"),
    ],
)
async def test_workshop_create_refuses_mistakes_politely(
    cli: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    base = ["workshop", "create", "--date", "2026-12-03", "--sample-agenda"]
    assert await run(*base, *argv) == 2
    assert message in capsys.readouterr().err


async def test_a_second_workshop_for_the_same_province_and_day_is_refused(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["workshop", "create", "--province", "ID-JA", "--date", "2026-12-03"]
    assert await run(*create, "--sample-agenda") == 0
    assert await run(*create, "--sample-agenda") == 2
    assert "already exists" in capsys.readouterr().err
    assert await run(*create, "--sample-agenda", "--code", "ID-JA-2026-12-03-B") == 0


async def test_a_broken_agenda_file_changes_nothing_and_lists_every_problem(
    cli: pytest.MonkeyPatch,
    tmp_path: Path,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = "ID-JA-2026-12-03"
    assert await run("workshop", "create", "--province", "ID-JA", "--date", "2026-12-03",
                     "--sample-agenda") == 0  # fmt: skip
    before = await _agenda(session_factory, code)
    broken = tmp_path / "agenda.yaml"
    broken.write_text(
        "sessions:\n"
        "  - {kind: opening, title_id: Buka, start: '08:00', end: '09:00'}\n"
        "  - {kind: makan, title_id: Makan, start: '12:00', end: '11:00'}\n"
        "  - {kind: fgd, title_id: Diskusi, start: '08:30', end: '10:00'}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert await run("workshop", "agenda", code, str(broken)) == 2
    err = capsys.readouterr().err
    assert f"{broken}, line 3: unknown kind 'makan'" in err
    assert f"{broken}, line 3: 'Makan' ends at 11:00" in err
    assert f"{broken}, line 4: 'Diskusi' starts at 08:30, before 'Buka' ends at 09:00" in err
    assert f"{broken}: there is no closing session" in err
    assert "4 problem(s) in the agenda; nothing was changed." in err
    assert await _agenda(session_factory, code) == before

    fixed = tmp_path / "agenda.csv"
    fixed.write_text(
        "kind,title_id,title_en,start,end\nopening,Buka,Open,08:00,09:00\n"
        "closing,Tutup,Close,15:00,15:30\n",
        encoding="utf-8",
    )
    assert await run("workshop", "agenda", code, str(fixed)) == 0
    assert await _agenda(session_factory, code) == [
        ("opening", "08:00", "09:00"),
        ("closing", "15:00", "15:30"),
    ]


async def test_workshops_are_listed_closed_reopened_and_handed_back_to_their_agenda(
    cli: pytest.MonkeyPatch,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = "ID-BA-2026-12-08"
    assert await run("workshop", "create", "--province", "ID-BA", "--date", "2026-12-08",
                     "--sample-agenda") == 0  # fmt: skip
    assert await run("workshop", "list") == 0
    assert "ID-BA-2026-12-08     Bali" in capsys.readouterr().out

    async def state() -> str | None:
        async with session_factory() as session:
            workshop = await session.scalar(select(Workshop))
            assert workshop is not None
            return workshop.manual_state

    assert await run("workshop", "close", code) == 0
    assert await state() == "closed"
    assert await run("workshop", "list") == 0
    assert "closed (set by organisers)" in capsys.readouterr().out
    assert await run("workshop", "reopen", code) == 0
    assert await state() == "open"
    assert await run("workshop", "follow-agenda", code) == 0
    assert await state() is None
    assert await run("workshop", "close", "ID-XX-2000-01-01") == 2


async def test_workshop_move_shifts_later_sessions_and_queues_the_notices(
    cli: pytest.MonkeyPatch,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = "ID-JA-2026-12-03"
    assert await run("workshop", "create", "--province", "ID-JA", "--date", "2026-12-03",
                     "--sample-agenda") == 0  # fmt: skip
    async with session_factory.begin() as session:
        workshop = await session.scalar(select(Workshop))
        assert workshop is not None
        for number, language in enumerate(("id", "en", "id")):
            participant = await participant_repo.add_participant(
                session,
                workshop_id=workshop.id,
                invite_code=new_invite_code(),
                pseudonym=f"P{number}",
                profile=ParticipantProfile(name=f"Peserta {number}", language=language),
                now=dt.datetime.now(dt.UTC),
            )
            participant.telegram_user_id = 100 + number
    capsys.readouterr()
    assert await run("workshop", "move", code, "--session", "6", "--to", "15:30") == 0
    out = capsys.readouterr().out
    assert "Moved 'Plenary' and 2 later session(s) to start at 15:30 WIB." in out
    assert "3 participant(s) will be told by the running bot." in out
    assert (await _agenda(session_factory, code))[5:] == [
        ("plenary", "15:30", "17:30"),
        ("break", "17:30", "18:00"),
        ("closing", "18:00", "18:30"),
    ]
    async with session_factory() as session:
        notices = {
            b.audience["language"]: b.text for b in (await session.scalars(select(Broadcast)))
        }
        queued = (await session.scalars(select(BroadcastDelivery.status))).all()
    assert notices == {
        "id": "🗓 Sesi pleno diundur ke 15.30 WIB. Sesi berikutnya juga mundur 150 menit.",
        "en": "🗓 The plenary session has been moved to 15:30 WIB. "
        "Later sessions are also 150 minutes later.",
    }
    assert queued == ["queued"] * 3

    assert await run("workshop", "move", code, "--session", "3", "--to", "10:45", "--only") == 2
    assert "Nothing was changed" in capsys.readouterr().err
    assert await run("workshop", "move", code, "--session", "9", "--to", "10:45") == 2
    assert await run("workshop", "move", code, "--session", "3", "--to", "10h45") == 2
    assert await run("workshop", "show", code) == 0
    assert " 3. 10:30-10:50  break    Rehat kopi / Coffee break" in capsys.readouterr().out


async def test_staff_are_added_directly_or_by_a_one_time_invitation_link(
    cli: pytest.MonkeyPatch,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await run("workshop", "create", "--province", "ID-JA", "--date", "2026-12-03",
                     "--sample-agenda") == 0  # fmt: skip
    capsys.readouterr()
    assert await run("staff", "add", "--telegram-id", "42", "--role", "organiser",
                     "--name", "Ani") == 0  # fmt: skip
    assert await run("staff", "add", "--telegram-id", "43", "--role", "facilitator") == 2
    assert "add --workshop" in capsys.readouterr().err
    assert await run("staff", "add", "--telegram-id", "43", "--role", "organiser",
                     "--workshop", "ID-JA-2026-12-03") == 2  # fmt: skip
    assert await run("staff", "add", "--telegram-id", "43", "--role", "facilitator",
                     "--workshop", "ID-JA-2026-12-03", "--name", "Budi") == 0  # fmt: skip

    invite = ["staff", "add", "--invite", "--role", "facilitator", "--workshop", "1"]
    capsys.readouterr()
    assert await run(*invite) == 2
    assert "--bot-username" in capsys.readouterr().err
    cli.setenv("WIPBOT_BOT_USERNAME", BOT)
    assert await run(*invite) == 0
    link = capsys.readouterr().out.strip().splitlines()[-1]
    assert link.startswith(f"https://t.me/{BOT}?start=staff_")
    async with session_factory() as session:
        stored = await session.scalar(select(StaffInvite))
        roles = (await session.scalars(select(Staff).order_by(Staff.telegram_user_id))).all()
    assert stored is not None and link.endswith(stored.token)
    assert stored.expires_at is not None
    assert [(s.telegram_user_id, s.role, s.name) for s in roles] == [
        (42, "organiser", "Ani"),
        (43, "facilitator", "Budi"),
    ]
    assert await run("staff", "list") == 0
    listing = capsys.readouterr().out
    assert "organiser    every workshop" in listing and "ID-JA-2026-12-03" in listing
    assert await run("staff", "remove", "--telegram-id", "42", "--role", "organiser") == 0
    assert await run("staff", "remove", "--telegram-id", "42", "--role", "organiser") == 2


async def test_broadcast_queues_for_the_running_bot_and_reports(
    cli: pytest.MonkeyPatch,
    session_factory: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await run("workshop", "create", "--province", "ID-JA", "--date", "2026-12-03",
                     "--sample-agenda") == 0  # fmt: skip
    async with session_factory.begin() as session:
        workshop = await session.scalar(select(Workshop))
        assert workshop is not None
        for number, arena in enumerate(("government", "bureaucracy", "government", None)):
            participant = await participant_repo.add_participant(
                session,
                workshop_id=workshop.id,
                invite_code=new_invite_code(),
                pseudonym=f"P{number}",
                profile=ParticipantProfile(name=f"Peserta {number}", arena=arena),
                now=dt.datetime.now(dt.UTC),
            )
            if number < 3:  # the fourth never opened their invitation
                participant.telegram_user_id = 200 + number
    capsys.readouterr()
    assert await run("broadcast", "--workshop", "ID-JA-2026-12-03", "--arena", "government",
                     "--text", "Rapat arena pemerintah di Ruang 2.") == 0  # fmt: skip
    assert "Broadcast #1 queued for 2 participant(s)" in capsys.readouterr().out
    assert await run("broadcast", "--all", "--text", "  ") == 2
    assert await run("broadcast", "--all", "--not-submitted", "--text", "Halo") == 0
    assert "queued for 3 participant(s)" in capsys.readouterr().out
    assert await run("broadcast", "--all", "--text", "Halo", "--send-now") == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    async with session_factory() as session:
        first = await session.get(Broadcast, 1)
        assert first is not None and first.created_by_telegram_user_id == 0
        assert first.audience["arena"] == "government"
    assert await run("broadcast", "--report", "1") == 0
    assert "0 sent, 0 failed, 0 blocked the bot, 2 still to send." in capsys.readouterr().out
    assert await run("broadcast", "--report", "9") == 2
