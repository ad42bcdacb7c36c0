"""Invitation codes: random, easy to read aloud and type, safe in a deep link."""

from __future__ import annotations

import re
import secrets
from typing import Final

# No 0/O and no 1/I/L: codes are read off printed cards and typed on phones.
ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH: Final = 10  # 31**10 is about 2**49.5, comfortably over the 40 bits required
_SEPARATORS = re.compile(r"[\s\-_.·]+")
_STAFF_PREFIX: Final = "staff_"


def new_invite_code() -> str:
    """Returns a fresh random invitation code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """Groups a code for printing and reading aloud: K7M4P-Q2XRT."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_code(text: str) -> str | None:
    """Turns what a person typed into a canonical code, or None if it cannot be one."""
    candidate = _SEPARATORS.sub("", text.strip()).upper()
    if len(candidate) != CODE_LENGTH or any(ch not in ALPHABET for ch in candidate):
        return None
    return candidate


def looks_like_code_attempt(text: str) -> bool:
    """Tells whether a text could be a code (counts towards lockout): once spaces and dashes
    are removed, exactly a code's length in the code's alphabet (either case).

    "Selamat pagi", "Terima kasih" or "Mohon bantuannya" cannot be codes and are never
    counted: they get a friendly prompt for the code or the QR instead.
    """
    return normalise_code(text) is not None


def deep_link(bot_username: str, code: str) -> str:
    """The t.me link that opens the bot and sends `/start <code>`."""
    return f"https://t.me/{bot_username}?start={code}"


def new_staff_token() -> str:
    """Returns a one-time staff invitation token, usable as a deep-link payload."""
    return _STAFF_PREFIX + secrets.token_urlsafe(24).replace("-", "x").replace("_", "y")
