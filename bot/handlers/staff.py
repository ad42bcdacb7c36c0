"""Staff (organiser and facilitator) commands; each checks the role on every call."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import WipApplication


def register(application: WipApplication, group: int) -> None:
    """Registers the staff handlers in their group (see bot.handlers)."""
