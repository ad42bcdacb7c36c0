"""Starting the bot: clear one-line refusals, schema checks, and no token in any log."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.logging_setup import RedactingFilter, configure_logging
from bot.settings import SettingsError, load_settings
from sandbox import Sandbox
from storage.migrate import upgrade
from tests.e2e.conftest import WORKSHOP_DAY
from tests.e2e.harness import (
    BOT_USERNAME,
    TOKEN,
    BotProcess,
    bot_settings,
    new_person,
    running_bot,
    seed_workshop,
)


def _wipbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WIPBOT_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_without_a_token_says_in_one_line_where_to_get_one(tmp_path: Path) -> None:
    done = _wipbot("run", env={}, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "TELEGRAM_BOT_TOKEN" in done.stderr and "BotFather" in done.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("WIPBOT_DATABASE_URL", "mysql://root@localhost/wipbot"),
        ("WIPBOT_LOG_LEVEL", "LOUD"),
        ("WIPBOT_BROADCAST_RATE", "fast"),
        ("TELEGRAM_API_BASE_URL", "localhost:8081"),
    ],
)
def test_a_malformed_setting_stops_with_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    done = _wipbot("run", env={variable: value}, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"Configuration error: {variable}: ")


def test_settings_come_from_a_dotenv_file_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WIPBOT_DATABASE_URL=oracle://x\n", encoding="utf-8")
    done = _wipbot("run", env={}, cwd=tmp_path)
    assert done.returncode == 2
    assert "WIPBOT_DATABASE_URL" in done.stderr


def test_the_bot_refuses_an_outdated_schema_and_names_the_fix(tmp_path: Path) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "WIPBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
    }
    done = _wipbot("run", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "wipbot-admin db upgrade" in done.stderr


def test_redacting_filter_masks_the_token_in_messages_and_arguments(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("wipbot.test.redaction")
    handler_filter = RedactingFilter([TOKEN])
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, "POST %s/getMe", (f"/bot{TOKEN}",), None
    )
    handler_filter.filter(record)
    assert TOKEN not in record.getMessage()
    assert "<redacted>" in record.getMessage()


def test_httpx_stays_quiet_because_its_urls_carry_the_token() -> None:
    configure_logging("DEBUG", secrets=[TOKEN])
    try:
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
        assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING
    finally:
        configure_logging("WARNING")


async def test_no_token_reaches_the_bot_log(
    sandbox: Sandbox, migrated_db_url: str, tmp_path: Path
) -> None:
    await upgrade(migrated_db_url)
    seeded = await seed_workshop(migrated_db_url, day=WORKSHOP_DAY, people=[("Ani", "government")])
    bot = BotProcess(migrated_db_url, sandbox, tmp_path / "bot.log")
    bot.env["WIPBOT_LOG_LEVEL"] = "DEBUG"
    await bot.start()
    try:
        person = await new_person(sandbox.client, "Ani")
        await person.send(f"/start {seeded.invitees[0].invite_code}")
        await person.until_button("✅ Bersedia", timeout=20)
        await person.send("/start ZZZZZZZZ22")
        await person.until_text("tidak kami temukan", timeout=20)
    finally:
        await bot.stop()
    log = (tmp_path / "bot.log").read_text(encoding="utf-8", errors="replace")
    assert log, "the bot logged nothing at DEBUG, so the check would prove nothing"
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A Telegram stand-in on a free port."""
    async with Sandbox(token=TOKEN, bot_username=BOT_USERNAME, timeout_fault_delay=1.0) as sb:
        yield sb


@pytest.mark.parametrize(
    "name", ["wip", "wipbot_jambi", "1wipbot", "wip-jambi_bot", "w" * 30 + "bot", "wip bot"]
)
def test_a_username_telegram_would_not_give_a_bot_is_refused(name: str) -> None:
    with pytest.raises(SettingsError, match="WIPBOT_BOT_USERNAME"):
        load_settings(env_file=None, bot_username=name)


@pytest.mark.parametrize("name", ["wipbot_jambi_bot", "@WipJambiBot", "abbot"])
def test_a_username_telegram_allows_is_taken_without_the_at(name: str) -> None:
    assert load_settings(env_file=None, bot_username=name).bot_username == name.lstrip("@")


async def test_a_username_that_is_not_the_token_bots_is_reported_at_start(
    sandbox: Sandbox, migrated_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = bot_settings(migrated_db_url, sandbox, bot_username="wipbot_jambi_bot")
    with caplog.at_level(logging.INFO):
        async with running_bot(settings, SystemClock()):
            pass
    lines = [r.getMessage() for r in caplog.records if "WIPBOT_BOT_USERNAME" in r.getMessage()]
    assert len(lines) == 1
    assert "'wipbot_jambi_bot'" in lines[0] and f"@{BOT_USERNAME}" in lines[0]
