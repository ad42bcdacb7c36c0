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

    def __init__(
        self,
        virtual_start: datetime,
        speed: float,
        real: Clock | None = None,
        real_start: datetime | None = None,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._real = real or SystemClock()
        # An explicit real start lets several processes share one virtual day.
        self._real_start = real_start or self._real.now()
        self._real_start_text = self._real_start.isoformat()
        self._virtual_start = virtual_start.astimezone(UTC)
        self.speed = speed

    def now(self) -> datetime:
        """Returns the virtual instant."""
        elapsed = self._real.now() - self._real_start
        return self._virtual_start + elapsed * self.speed

    def to_setting(self) -> str:
        """Describes this clock for WIPBOT_CLOCK, so another process can share it."""
        return f"scaled:{self._virtual_start.isoformat()},{self._real_start_text},{self.speed}"


def clock_from_setting(value: str | None) -> Clock:
    """Builds the clock WIPBOT_CLOCK describes: unset means the real wall clock.

    The only other form is `scaled:<virtual start>,<real start>,<speed>` (ISO 8601
    instants), which the rehearsal uses to run a workshop day in minutes.
    """
    if not value:
        return SystemClock()
    kind, _, spec = value.partition(":")
    parts = spec.split(",")
    if kind != "scaled" or len(parts) != 3:
        raise ValueError("expected scaled:<virtual start>,<real start>,<speed>")
    virtual_start, real_start = (datetime.fromisoformat(p) for p in parts[:2])
    if virtual_start.tzinfo is None or real_start.tzinfo is None:
        raise ValueError("the instants need a time zone, e.g. 2026-12-03T08:20:00+07:00")
    return ScaledClock(virtual_start, float(parts[2]), real_start=real_start)
