"""Every file the admin script writes is readable by its owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from admin.cli import main


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_cards_and_exports_written_by_the_admin_are_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "wipbot.db"
    monkeypatch.setenv("WIPBOT_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    previous = os.umask(0o022)
    try:
        list_file = tmp_path / "peserta.csv"
        list_file.write_text("Nama;Arena\nAni;Birokrasi\n", encoding="utf-8")
        for argv in (
            ["db", "upgrade"],
            ["workshop", "create", "--province", "ID-JA", "--date", "2026-12-03",
             "--sample-agenda"],
            ["participants", "import", str(list_file), "--workshop", "ID-JA-2026-12-03"],
            ["invites", "cards", "--workshop", "ID-JA-2026-12-03", "--out", "cards.pdf",
             "--bot-username", "wipbot_jambi_bot"],
            ["export", "--workshop", "ID-JA-2026-12-03", "--out", "hasil.xlsx", "--with-names"],
            ["questionnaire", "export-xlsform", "default", "--out", "form.xlsx"],
        ):  # fmt: skip
            assert main(argv) == 0, argv
        assert os.umask(0o022) == 0o022  # the admin's umask does not leak out of main
    finally:
        os.umask(previous)
    written = sorted(path for path in tmp_path.rglob("*") if path.name != "peserta.csv")
    assert {path.name for path in written} >= {
        "wipbot.db", "cards.pdf", "hasil.xlsx", "form.xlsx"
    }  # fmt: skip
    assert {path.name: _mode(path) for path in written if path.is_file()} == {
        path.name: 0o600 for path in written if path.is_file()
    }
