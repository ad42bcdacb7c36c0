"""A form's regular expressions, through RE2: linear time, never Python's backtracking `re`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print a refused pattern to stderr
    return options


_RE2_OPTIONS = _re2_options()


@lru_cache(maxsize=512)
def compiled_regex(pattern: str) -> Any:
    """Compiles a form's pattern with RE2 (linear time); None if RE2 cannot take it."""
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except re2.error:
        return None


def regex_problem(pattern: str) -> str | None:
    """Says why RE2 cannot take a form's pattern (e.g. a back-reference), or None."""
    try:
        re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else b""
        text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        return text or "not a valid regular expression"
    return None
