"""What the benchmarks ran on, and what else the machine was busy with meanwhile."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class Machine:
    """CPU, cores, memory, Python and the code's version."""

    cpu_model: str
    cores: int
    memory_gib: float
    python: str
    system: str
    sqlite: str
    commit: str
    date: str

    @classmethod
    def describe(cls) -> Machine:
        """Reads the running machine."""
        return cls(
            cpu_model=_cpu_model(),
            cores=os.cpu_count() or 0,
            memory_gib=psutil.virtual_memory().total / 2**30,
            python=platform.python_version(),
            system=platform.platform(terse=True),
            sqlite=sqlite3.sqlite_version,
            commit=_commit(),
            date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else platform.processor() or "unknown"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


class BusyMeter:
    """The machine's CPU use outside the given processes, in cores, over a phase."""

    def __init__(self) -> None:
        self._start_total = 0.0
        self._start_wall = 0.0

    def start(self) -> None:
        """Starts measuring."""
        self._start_total = _busy_seconds()
        self._start_wall = psutil.boot_time() + _uptime()

    def cores_used(self, ours_cpu_seconds: float) -> float:
        """Average cores used by everything else since start()."""
        wall = psutil.boot_time() + _uptime() - self._start_wall
        if wall <= 0:
            return 0.0
        return max(0.0, (_busy_seconds() - self._start_total - ours_cpu_seconds) / wall)


def _busy_seconds() -> float:
    times = psutil.cpu_times()
    return float(times.user + times.nice + times.system + times.irq + times.softirq)


def _uptime() -> float:
    try:
        return float(Path("/proc/uptime").read_text().split()[0])
    except OSError:
        return 0.0
