"""A new SQLite database and its WAL and SHM files are readable by their owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from storage.db import create_engine


async def test_a_new_sqlite_database_and_its_wal_and_shm_are_created_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask, which gives 0644
    try:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'wipbot.db'}")
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
            await connection.execute(text("INSERT INTO t VALUES (1)"))
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT x FROM t"))).scalar() == 1
            modes = _modes(tmp_path)
        await engine.dispose()
    finally:
        os.umask(previous)
    assert modes == {"wipbot.db": 0o600, "wipbot.db-wal": 0o600, "wipbot.db-shm": 0o600}


def _modes(folder: Path) -> dict[str, int]:
    return {
        path.name: stat.S_IMODE(path.stat().st_mode)
        for path in folder.iterdir()
        if path.name.startswith("wipbot.db")
    }
