"""The one typed settings object, read from the environment and `.env`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,100}$")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


# Telegram's paid broadcasts allow up to 1,000 messages per second.
TELEGRAM_RATE_CEILING = 1000.0


class SettingsError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    """Everything the bot and the admin script can be configured with."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        default="sqlite+aiosqlite:///wipbot.db", validation_alias="WIPBOT_DATABASE_URL"
    )
    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    telegram_api_base_url: str | None = Field(
        default=None, validation_alias="TELEGRAM_API_BASE_URL"
    )
    log_level: LogLevel = Field(default="INFO", validation_alias="WIPBOT_LOG_LEVEL")
    # The bot's @username without the @, for invitation links printed by the admin script
    # (the running bot learns its own name from getMe).
    bot_username: str | None = Field(default=None, validation_alias="WIPBOT_BOT_USERNAME")
    last_call_minutes: int = Field(
        default=30, ge=1, le=24 * 60, validation_alias="WIPBOT_LAST_CALL_MINUTES"
    )
    export_before_closing_minutes: int = Field(
        default=30, ge=1, le=24 * 60, validation_alias="WIPBOT_EXPORT_BEFORE_CLOSING_MINUTES"
    )
    # Every message the bot sends stays under this rate overall: Telegram's ~30/s per bot
    # (a bot with paid broadcasts may go up to 1,000/s).
    telegram_rate_per_second: float = Field(
        default=30.0, gt=0, le=TELEGRAM_RATE_CEILING, validation_alias="WIPBOT_TELEGRAM_RATE"
    )
    # Telegram's bulk limit is about 30 messages/s per bot; 28 leaves room for the
    # answers' replies that go out meanwhile (a 429 pauses every bulk send anyway).
    broadcast_rate_per_second: float = Field(
        default=28.0, gt=0, le=30, validation_alias="WIPBOT_BROADCAST_RATE"
    )
    scheduler_interval_seconds: float = Field(
        default=20.0, gt=0, le=600, validation_alias="WIPBOT_SCHEDULER_INTERVAL"
    )
    reminder_grace_minutes: int = Field(
        default=10, ge=1, le=24 * 60, validation_alias="WIPBOT_REMINDER_GRACE_MINUTES"
    )

    # Webhook mode (`wipbot run --webhook`): Telegram posts updates to the public URL, which a
    # reverse proxy with TLS forwards to the address below (README, "Several workers").
    webhook_url: str | None = Field(default=None, validation_alias="WIPBOT_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, validation_alias="WIPBOT_WEBHOOK_SECRET")
    webhook_listen: str = Field(default="127.0.0.1", validation_alias="WIPBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=0, le=65535, validation_alias="WIPBOT_WEBHOOK_PORT")
    webhook_path: str = Field(default="/telegram", validation_alias="WIPBOT_WEBHOOK_PATH")
    webhook_max_connections: int = Field(
        default=40, ge=1, le=100, validation_alias="WIPBOT_WEBHOOK_MAX_CONNECTIONS"
    )
    # Polling mode: serve /healthz, /readyz and /metrics on this port (none when unset).
    health_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias="WIPBOT_HEALTH_PORT"
    )
    log_format: Literal["text", "json"] = Field(
        default="text", validation_alias="WIPBOT_LOG_FORMAT"
    )

    # Rehearsals only: a virtual clock shared with the rehearsal's other processes.
    clock: str | None = Field(default=None, validation_alias="WIPBOT_CLOCK")

    @field_validator("clock")
    @classmethod
    def _check_clock(cls, value: str | None) -> str | None:
        from bot.clock import clock_from_setting

        clock_from_setting(value)  # raises ValueError with the expected form
        return value or None

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL (expected e.g. sqlite:///wipbot.db)") from exc
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError("only sqlite and postgresql databases are supported")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token from @BotFather (123456:ABC-...)")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL, e.g. http://127.0.0.1:8081/bot")
        return value or None

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://[^\s/]+", value.strip()):
            raise ValueError(
                "must be the public https URL Telegram posts to, e.g. https://bot.example.org/telegram"
            )
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("1-256 characters, only letters, digits, _ and - (Telegram's rule)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _check_webhook_path(cls, value: str) -> str:
        if not re.fullmatch(r"/[A-Za-z0-9_./-]*", value):
            raise ValueError("a URL path starting with /, e.g. /telegram")
        return value

    @field_validator("bot_username")
    @classmethod
    def _check_bot_username(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        name = value.strip().removeprefix("@")
        if not is_bot_username(name):
            raise ValueError(
                "not a Telegram bot username: 5-32 letters, digits or _, starting with a letter"
                " and ending in 'bot' (e.g. wipbot_jambi_bot)"
            )
        return name

    @property
    def token(self) -> str | None:
        """The bot token in clear text, for the Telegram client only."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


def is_bot_username(name: str) -> bool:
    """Tells whether Telegram would accept `name` as a bot's username (without the @)."""
    return re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{1,28}bot", name, flags=re.IGNORECASE) is not None


_ENV_NAMES = {
    name: (field.validation_alias if isinstance(field.validation_alias, str) else name)
    for name, field in Settings.model_fields.items()
}


def load_settings(env_file: Path | str | None = ".env", **overrides: Any) -> Settings:
    """Loads the settings, turning a validation failure into one line naming the variable."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        variable = _ENV_NAMES.get(field, field)
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"Configuration error: {variable}: {message}") from None
