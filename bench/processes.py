"""The sandbox and the bots as OS processes, and what they cost in CPU and memory."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import psutil

from sandbox import SandboxClient

BENCH_TOKEN = "123456:wipbot-bench-token-abcdefghij"
BENCH_BOT_USERNAME = "wipbot_bench_bot"
_LISTENING = re.compile(r"Sandbox listening on (http://\S+)")
_START_SECONDS = 60.0


class ProcessFailed(RuntimeError):
    """A child process did not start, or died."""


class SandboxProcess:
    """`python -m sandbox --port 0` in its own process, so its CPU is not the bot's."""

    def __init__(self, log_path: Path, *, timeout_fault_delay: float = 10.0) -> None:
        self.log_path = log_path
        self.timeout_fault_delay = timeout_fault_delay
        self.process: asyncio.subprocess.Process | None = None
        self.url = ""
        self.client: SandboxClient | None = None

    @property
    def base_url(self) -> str:
        """PTB's base_url for this sandbox."""
        return f"{self.url}/bot"

    @property
    def control_url(self) -> str:
        """The control API root."""
        return f"{self.url}/sandbox"

    async def start(self) -> SandboxClient:
        """Starts the server, learns its port and returns a control client."""
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "sandbox",
            "--port",
            "0",
            "--token",
            BENCH_TOKEN,
            "--bot-username",
            BENCH_BOT_USERNAME,
            "--timeout-fault-delay",
            str(self.timeout_fault_delay),
            stdout=asyncio.subprocess.PIPE,
            stderr=self.log_path.open("ab"),
        )
        assert self.process.stdout is not None
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), _START_SECONDS)
            if not line:
                raise ProcessFailed(f"sandbox exited:\n{self.log_path.read_text()}")
            found = _LISTENING.search(line.decode())
            if found:
                self.url = found.group(1)
                break
        # Nothing more is printed; the pipe is left for the OS to close.
        self.client = SandboxClient(self.control_url, max_connections=2000)
        return self.client

    async def stop(self) -> None:
        """Stops the server."""
        if self.client is not None:
            await self.client.aclose()
        await _terminate(self.process)


class BotUnderTest:
    """A bot run as its own process and polled for, e.g. `python -m bot.cli run`."""

    def __init__(
        self,
        argv: Sequence[str],
        sandbox: SandboxProcess,
        log_path: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.sandbox = sandbox
        self.log_path = log_path
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": BENCH_TOKEN,
            "TELEGRAM_API_BASE_URL": sandbox.base_url,
            **(env or {}),
        }
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        """The OS process id."""
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        """Starts the process and waits until it long-polls the sandbox."""
        client = self.sandbox.client
        assert client is not None
        before = (await client.stats())["calls"].get("getUpdates", 0)
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, env=self.env, stdout=log, stderr=log
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _START_SECONDS
        while (await client.stats())["calls"].get("getUpdates", 0) <= before:
            if self.process.returncode is not None or loop.time() > deadline:
                raise ProcessFailed(f"{self.argv} did not start:\n{self.log_path.read_text()}")
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL, like a power cut of the process."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        """SIGTERM and wait (clean shutdown)."""
        await _terminate(self.process)

    @property
    def alive(self) -> bool:
        """Tells whether the process is still running."""
        return self.process is not None and self.process.returncode is None


async def _terminate(process: asyncio.subprocess.Process | None) -> None:
    if process is None or process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 20)
    except TimeoutError:
        process.kill()
        await process.wait()


@dataclass(frozen=True)
class Usage:
    """CPU seconds spent and memory used by a process over a measured phase."""

    cpu_seconds: float
    main_thread_cpu_seconds: float  # the event loop's thread; the rest is worker threads
    wall_seconds: float
    peak_rss_bytes: int  # the highest RSS sampled during the phase
    high_water_rss_bytes: int  # the kernel's VmHWM: the peak over the process's life

    @property
    def cpu_share(self) -> float:
        """Average share of one core used during the phase."""
        return self.cpu_seconds / self.wall_seconds if self.wall_seconds else 0.0


class UsageMonitor:
    """Measures a process's CPU time and samples its RSS while a phase runs."""

    def __init__(self, pid: int, *, interval: float = 0.1) -> None:
        self._process = psutil.Process(pid)
        self._interval = interval
        self._peak_rss = 0
        self._task: asyncio.Task[None] | None = None
        self._cpu_start = (0.0, 0.0)
        self._wall_start = 0.0
        self.usage: Usage | None = None

    def _cpu(self) -> tuple[float, float]:
        times = self._process.cpu_times()
        main = next(
            (
                t.user_time + t.system_time
                for t in self._process.threads()
                if t.id == self._process.pid
            ),
            0.0,
        )
        return float(times.user + times.system), float(main)

    async def _sample(self) -> None:
        while True:
            with contextlib.suppress(psutil.Error):
                self._peak_rss = max(self._peak_rss, self._process.memory_info().rss)
            await asyncio.sleep(self._interval)

    def _high_water(self) -> int:
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return 0
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) * 1024 if found else 0

    async def __aenter__(self) -> UsageMonitor:
        loop = asyncio.get_running_loop()
        self._cpu_start = self._cpu()
        self._wall_start = loop.time()
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        loop = asyncio.get_running_loop()
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        try:
            total, main = self._cpu()
            self._peak_rss = max(self._peak_rss, self._process.memory_info().rss)
        except psutil.Error:
            total, main = self._cpu_start
        self.usage = Usage(
            cpu_seconds=total - self._cpu_start[0],
            main_thread_cpu_seconds=main - self._cpu_start[1],
            wall_seconds=loop.time() - self._wall_start,
            peak_rss_bytes=self._peak_rss,
            high_water_rss_bytes=self._high_water(),
        )
