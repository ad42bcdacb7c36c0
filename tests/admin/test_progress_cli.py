"""`wipbot-admin progress`: the same counts as the bot's /progres, in a terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.cli import main
from tests.admin.conftest import seed_scored_workshop


async def test_progress_prints_one_line_per_workshop_and_each_participant_on_request(
    tmp_path: Path,
    migrated_db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", migrated_db_url)
    assert await asyncio.to_thread(main, ["progress"]) == 0
    assert "No workshops yet." in capsys.readouterr().out

    await seed_scored_workshop(session_factory)
    await seed_scored_workshop(
        session_factory, code="ID-BA-2026-12-03", province="ID-BA", prefix="BA"
    )
    assert await asyncio.to_thread(main, ["progress"]) == 0
    overview = capsys.readouterr().out
    rows = [line for line in overview.splitlines() if "ID-" in line]
    assert len(rows) == 2
    for row, province in zip(sorted(rows), ("Bali", "Jambi"), strict=True):
        cells = [cell.strip() for cell in row.strip("│ ").split("│")]
        assert cells[1] == province
        assert cells[-4:] == ["2", "1", "1", "4"]  # submitted, in progress, not started, total

    assert await asyncio.to_thread(main, ["progress", "--workshop", "ID-JA-2026-12-03"]) == 0
    detail = capsys.readouterr().out
    assert "2 submitted, 1 in progress, 1 not started, of 4." in detail
    assert "Rina Wati" in detail and "in progress 4/5" in detail
    assert detail.count("submitted") >= 3 and "not started" in detail
    assert "Masyarakat Ekonomi" in detail
