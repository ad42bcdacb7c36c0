"""Failures of the machine around a command (database, terminal), as one line for the operator."""

from __future__ import annotations

import os
import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

# SQLite's and PostgreSQL's words for a database the command may read but not write.
_READ_ONLY_MARKERS = (
    "attempt to write a readonly database",
    "readonly database",
    "read-only transaction",
    "permission denied",
)


def database_failure(exc: DBAPIError, database_url: str) -> str | None:
    """One line for a database the command cannot use (read-only, missing), or None."""
    text = str(exc.orig).lower()
    where = make_url(database_url).render_as_string(hide_password=True)
    if any(marker in text for marker in _READ_ONLY_MARKERS):
        return (
            f"The database {where} is read-only for this user (WIPBOT_DATABASE_URL): "
            "nothing was changed. Run as the bot's user, or fix the file's permissions."
        )
    if "unable to open database file" in text:
        return (
            f"Cannot open the database {where} (WIPBOT_DATABASE_URL): "
            "check that its folder exists and is writable."
        )
    return None


def silence_stdout() -> None:
    """Points stdout at /dev/null once its reader has gone (`| head -1`).

    Python's recipe for SIGPIPE: without it the interpreter's final flush fails again and
    prints "Exception ignored ... BrokenPipeError" on the operator's terminal.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (e.g. replaced in a test)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit
    finally:
        os.close(devnull)
