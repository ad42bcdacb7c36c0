"""Admin commands commit before they print: a reader that stops reading undoes nothing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main
from admin.failures import ForgivingStdout
from sandbox import Sandbox
from storage.models import AgendaSession, Participant, Staff, Workshop

ROOT = Path(__file__).resolve().parents[2]


def _admin_with_closed_stdout(database_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """Runs `wipbot-admin ARGV | true`: its stdout's reader is gone before the first line."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "WIPBOT_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    try:
        return subprocess.run(
            [sys.executable, "-m", "admin.cli", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


async def test_workshop_create_piped_into_a_closed_reader_is_still_stored(
    migrated_db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    done = await asyncio.to_thread(
        _admin_with_closed_stdout,
        migrated_db_url,
        *("workshop", "create", "--province", "ID-JA", "--date", "2026-12-03", "--sample-agenda"),
    )
    assert "Traceback" not in done.stderr
    assert done.stderr == ""
    assert done.returncode == 0
    async with session_factory() as session:
        codes = (await session.scalars(select(Workshop.code))).all()
        sessions = await session.scalar(select(func.count()).select_from(AgendaSession))
    assert codes == ["ID-JA-2026-12-03"]
    assert sessions == 8


class _ClosedPipe:
    """A stdout whose reader has gone: every write fails as a closed pipe does."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise OSError("not a file")


@pytest.mark.parametrize("command", ["move", "staff"])
async def test_changing_commands_keep_their_change_when_stdout_is_closed(
    migrated_db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    create = ["workshop", "create", "--province", "ID-JA", "--date", "2026-12-03"]
    assert await asyncio.to_thread(main, [*create, "--sample-agenda"]) == 0
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    if command == "move":
        argv = ["workshop", "move", "ID-JA-2026-12-03", "--session", "2", "--to", "10:30"]
    else:
        argv = ["staff", "add", "--telegram-id", "4242", "--role", "organiser"]
    assert await asyncio.to_thread(main, argv) == 0
    async with session_factory() as session:
        if command == "move":
            workshop = await session.scalar(select(Workshop))
            assert workshop is not None
            second = await session.scalar(
                select(AgendaSession).where(AgendaSession.title_en == "Focus groups I")
            )
            assert second is not None
            assert second.starts_at.astimezone(workshop_zone(workshop)).strftime("%H:%M") == (
                "10:30"
            )
        else:
            staff = (await session.scalars(select(Staff.telegram_user_id))).all()
            assert staff == [4242]


def workshop_zone(workshop: Workshop) -> ZoneInfo:
    return ZoneInfo(workshop.zone)


async def test_a_read_only_database_gets_one_line_and_exit_2(
    migrated_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = make_url(migrated_db_url)
    if url.get_backend_name() == "sqlite":
        read_only = f"sqlite+aiosqlite:///file:{url.database}?mode=ro&uri=true"
    else:
        import asyncpg

        connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
        try:
            await connection.execute(
                f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on'
            )
        finally:
            await connection.close()
        read_only = migrated_db_url
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", read_only)
    argv = ["workshop", "create", "--province", "ID-JA", "--date", "2026-12-03", "--sample-agenda"]
    assert await asyncio.to_thread(main, argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1
    assert "is read-only" in captured.err and "nothing was changed" in captured.err


async def test_a_broadcast_sent_now_reaches_people_when_nobody_reads_its_output(
    migrated_db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """`broadcast --send-now | head -0`: its first line meets a closed pipe, then it delivers."""
    token = "4242:sandbox-token"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    people = tmp_path / "peserta.csv"
    people.write_text("Nama;Arena\nAni Lestari;Birokrasi\n", encoding="utf-8")
    create = ["workshop", "create", "--province", "ID-JA", "--date", "2026-12-03"]
    assert await asyncio.to_thread(main, [*create, "--sample-agenda"]) == 0
    imported = ["participants", "import", str(people), "--workshop", "ID-JA-2026-12-03"]
    assert await asyncio.to_thread(main, imported) == 0
    async with Sandbox(token=token) as sandbox:
        ani = await sandbox.client.create_user("Ani")
        await sandbox.client.send(ani, "/start")
        async with session_factory.begin() as session:
            await session.execute(update(Participant).values(telegram_user_id=ani))
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", sandbox.base_url)
        monkeypatch.setattr(sys, "stdout", _ClosedPipe())
        argv = ["broadcast", "--workshop", "ID-JA-2026-12-03", "--text", "Rehat kopi diundur"]
        assert await asyncio.to_thread(main, [*argv, "--send-now"]) == 0
        received = [m.text for m in await sandbox.client.chat(ani) if m.from_bot]
    assert any("Rehat kopi diundur" in (text or "") for text in received), received


def test_forgiving_stdout_drops_output_once_the_reader_has_gone() -> None:
    stdout = ForgivingStdout(_ClosedPipe())  # type: ignore[arg-type]
    print("first line", file=stdout)  # raises no BrokenPipeError
    assert stdout.reader_gone
    stdout.write("more")
    stdout.flush()
