"""Errors the admin script reports as one line."""

from __future__ import annotations


class AdminError(Exception):
    """A problem the operator can fix; printed as one line, exit status 2."""
