"""A workshop's state (upcoming, open, closed) follows its agenda unless organisers decide."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class WorkshopPhase(StrEnum):
    """Whether answers are accepted: before, during or after the workshop."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class TimedSession(Protocol):
    """Anything with a start and an end (agenda rows)."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...


def workshop_phase(
    manual_state: str | None, agenda: Sequence[TimedSession], now: datetime
) -> WorkshopPhase:
    """Returns the phase: an organiser's decision wins, otherwise the agenda decides."""
    if manual_state is not None:
        return WorkshopPhase(manual_state)
    if not agenda:
        return WorkshopPhase.OPEN
    if now < min(s.starts_at for s in agenda):
        return WorkshopPhase.UPCOMING
    if now >= max(s.ends_at for s in agenda):
        return WorkshopPhase.CLOSED
    return WorkshopPhase.OPEN


def accepts_answers(phase: WorkshopPhase) -> bool:
    """Participants may answer ahead of the day and during it, not after the closing."""
    return phase is not WorkshopPhase.CLOSED
