"""One injectable source of time, so tests and the rehearsal can run a day in seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current instant, always timezone-aware UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Returns the current UTC instant."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to (tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Returns the pinned instant."""
        return self._now

    def set(self, instant: datetime) -> None:
        """Moves the clock to an instant (backwards too, to test clock jumps)."""
        self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Moves the clock forward."""
        self._now += delta


class ScaledClock:
    """Virtual time running `speed` times faster than real time from a chosen start."""

    def __init__(self, virtual_start: datetime, speed: float, real: Clock | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._real = real or SystemClock()
        self._real_start = self._real.now()
        self._virtual_start = virtual_start.astimezone(UTC)
        self.speed = speed

    def now(self) -> datetime:
        """Returns the virtual instant."""
        elapsed = self._real.now() - self._real_start
        return self._virtual_start + elapsed * self.speed
