"""Several workers: the per-participant advisory lock, and one process only on SQLite."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.workers import AnotherProcessRunning, single_process_guard
from storage.db import create_engine, lock_for_transaction
from storage.migrate import upgrade
from tests.e2e.harness import TOKEN

USER = 500_000_123


async def test_a_second_transaction_for_one_person_waits_for_the_first_to_commit(
    migrated_db_url: str,
) -> None:
    first_engine, second_engine = create_engine(migrated_db_url), create_engine(migrated_db_url)
    order: list[str] = []
    try:
        first = await first_engine.connect()
        await first.begin()
        await lock_for_transaction(first, USER)

        async def second() -> None:
            async with second_engine.begin() as connection:
                await lock_for_transaction(connection, USER)
                order.append("second has the lock")

        task = asyncio.create_task(second())
        if first_engine.dialect.name == "postgresql":
            # Wait until PostgreSQL shows the second transaction waiting on the lock.
            while True:
                waiting = await first.scalar(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    )
                )
                if waiting:
                    break
                assert not task.done(), "the second transaction did not wait"
                await asyncio.sleep(0.02)
            assert order == []
        order.append("first commits")
        await first.commit()
        await first.close()
        await task
    finally:
        await first_engine.dispose()
        await second_engine.dispose()
    assert order == ["first commits", "second has the lock"]


def test_a_second_bot_process_on_one_sqlite_database_is_refused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'wipbot.db'}"
    with single_process_guard(url):
        with pytest.raises(AnotherProcessRunning) as refused, single_process_guard(url):
            pass
        assert "SQLite takes one bot process" in str(refused.value)
        assert "\n" not in str(refused.value)
    with single_process_guard(url):  # released with the first process
        pass


def test_postgresql_takes_several_processes() -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/anything"
    with single_process_guard(url), single_process_guard(url):
        pass


async def test_wipbot_run_exits_with_one_line_when_another_holds_the_sqlite_database(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'wipbot.db'}"
    await upgrade(url)
    env = {
        **os.environ,
        "WIPBOT_DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # never reached
    }
    with single_process_guard(url):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "another wipbot process" in lines[0], err.decode()
    assert "Traceback" not in out.decode() + err.decode()
