"""Failures of the machine around a command (database, terminal), as one line for the operator."""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO

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


class ForgivingStdout(io.TextIOBase):
    """Stdout for a command whose reader may leave (`| head -1`): output then goes nowhere.

    A command goes on to its end when nobody reads what it prints: `broadcast --send-now`
    still delivers after its first line met a closed pipe. Without this, the first print
    would raise BrokenPipeError in the middle of the command.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._reader_gone = False

    def write(self, text: str) -> int:
        if not self._reader_gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._silence()
        return len(text)

    def flush(self) -> None:
        if not self._reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._silence()

    def isatty(self) -> bool:
        return not self._reader_gone and self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares it read-only
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def reader_gone(self) -> bool:
        """Whether a write or flush met a closed pipe."""
        return self._reader_gone

    def _silence(self) -> None:
        self._reader_gone = True
        silence_stdout(self._stream)


def silence_stdout(stream: TextIO | None = None) -> None:
    """Points stdout's file at /dev/null once its reader has gone (`| head -1`).

    Python's recipe for SIGPIPE: without it the interpreter's final flush fails again and
    prints "Exception ignored ... BrokenPipeError" on the operator's terminal.
    """
    stream = stream or sys.stdout
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError):  # stdout is not a file (e.g. replaced in a test)
        if stream is sys.stdout:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit
    finally:
        os.close(devnull)
