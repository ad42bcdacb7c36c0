"""Logging configuration that never lets the bot token reach a log."""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

_QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio")


class RedactingFilter(logging.Filter):
    """Replaces every occurrence of a secret in formatted log records."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrites the record's message with the secrets masked."""
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "<redacted>")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(
    level: str, secrets: list[str] | None = None, *, log_format: str = "text"
) -> None:
    """Sets up root logging; httpx stays at WARNING because its URLs contain the token.

    `log_format="json"` writes one JSON object a line (python-json-logger), for a log
    collector; the redaction of secrets applies to both formats."""
    root = logging.getLogger()
    root.setLevel(level)
    if not root.handlers:
        stream = logging.StreamHandler()
        stream.setFormatter(_formatter(log_format))
        root.addHandler(stream)
    elif log_format == "json":
        for handler in root.handlers:
            handler.setFormatter(_formatter(log_format))
    redactor = RedactingFilter(secrets or [])
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def _formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
