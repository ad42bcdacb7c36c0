"""The periodic job that finds due reminders, last calls and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import WipApplication


def schedule_jobs(application: WipApplication) -> None:
    """Schedules the periodic jobs on PTB's JobQueue."""
