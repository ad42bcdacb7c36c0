"""Several bot processes on one database: the leader that runs the background senders,
and the refusal of a second process on SQLite.

Every worker handles updates. Reminders, broadcasts, the export before closing and the
pruning of old update ids run in one process only, the leader: the one holding a
PostgreSQL session-level advisory lock on a connection of its own for its whole life.
The others try for the lock every `RETRY_SECONDS`, so when the leader dies (its
connection closes and PostgreSQL releases the lock) one of them takes over and its first
tick requeues what the dead one was sending. A broadcast queued on a follower wakes the
leader with NOTIFY. The claims in the repositories still keep each delivery to one send.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bot import metrics
from bot.context import WipApplication
from storage.db import async_url, is_sqlite

log = logging.getLogger(__name__)

# The leader's advisory lock key. Per-participant locks use the (positive) Telegram user
# id as key (storage/db.py), so a negative key never meets one of them.
LEADER_LOCK_KEY = -0x77697062  # "wipb"
WAKE_CHANNEL = "wipbot_wake"
RETRY_SECONDS = 2.0


class AnotherProcessRunning(RuntimeError):
    """A second bot process on a SQLite database; the message is the one line to print."""


@contextmanager
def single_process_guard(database_url: str) -> Iterator[None]:
    """On SQLite, holds an exclusive lock file beside the database for the process's life;
    raises AnotherProcessRunning (one line) if another bot process holds it.

    Nothing on PostgreSQL, where several workers are the point."""
    if not is_sqlite(database_url):
        yield
        return
    database = make_url(database_url).database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    path = f"{database}.lock"
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        raise AnotherProcessRunning(
            f"Cannot start: another wipbot process is running on the SQLite database "
            f"{database}; SQLite takes one bot process (use PostgreSQL for several workers)."
        ) from None
    try:
        yield
    finally:
        os.close(handle)  # releases the lock (so does the kernel when the process dies)


def _set_jobs(application: WipApplication, enabled: bool) -> None:
    jobs = application.job_queue
    if jobs is None:  # pragma: no cover - the job-queue extra is required
        return
    for job in jobs.jobs():
        job.enabled = enabled


def _asyncpg_dsn(database_url: str) -> str:
    url = async_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Leadership:
    """Tries for the leader lock, runs the background senders while holding it."""

    def __init__(
        self,
        application: WipApplication,
        database_url: str,
        *,
        retry_seconds: float = RETRY_SECONDS,
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        self._application = application
        self._dsn = _asyncpg_dsn(database_url)
        self._retry = retry_seconds
        self._on_lost = on_lost
        self._connection: Any = None
        self._lock = asyncio.Lock()  # one query at a time on the dedicated connection
        self._task: asyncio.Task[None] | None = None
        self.is_leader = False
        services = application.bot_data.services
        assert services is not None
        self._kick = services.wake_sender
        services.wake_sender = self._wake

    def start(self) -> None:
        """Jobs off until this process leads; then tries for the lock in the background."""
        _set_jobs(self._application, False)
        metrics.IS_LEADER.set(0)
        self._task = asyncio.create_task(self._run(), name="wipbot-leadership")

    async def stop(self) -> None:
        """Gives the lead up (closing the connection releases the lock)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        self.is_leader = False
        metrics.IS_LEADER.set(0)

    def _wake(self) -> None:
        if self.is_leader:
            self._kick()
        else:
            asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        try:
            async with self._lock:
                connection = await self._connect()
                await connection.execute(f"NOTIFY {WAKE_CHANNEL}")
        except Exception:
            log.warning("could not wake the leader; its next tick sends the broadcast")

    async def _connect(self) -> Any:
        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(
                self._dsn, server_settings={"application_name": "wipbot-leadership"}
            )
        return self._connection

    async def _run(self) -> None:
        # Entered before the application starts (so its jobs never run here unled); the
        # Application offers no event for "started", hence the short polls.
        while not self._application.running:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        while True:
            try:
                if not self.is_leader:
                    await self._try_to_lead()
                else:
                    await self._check_still_leading()
            except asyncio.CancelledError:
                raise
            except Exception:
                if self.is_leader:
                    self._lose()
                    return
                log.warning("cannot reach PostgreSQL for the leader lock; retrying")
                with contextlib.suppress(Exception):
                    if self._connection is not None:
                        await self._connection.close()
                self._connection = None
            await asyncio.sleep(self._retry)

    async def _try_to_lead(self) -> None:
        async with self._lock:
            connection = await self._connect()
            got = await connection.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK_KEY)
            if not got:
                return
            await connection.add_listener(WAKE_CHANNEL, lambda *_args: self._kick())
        self.is_leader = True
        metrics.IS_LEADER.set(1)
        log.info("this worker now runs the reminders, broadcasts and exports")
        _set_jobs(self._application, True)
        jobs = self._application.job_queue
        if jobs is not None:  # a tick now: requeues what a dead leader was sending
            for job in jobs.jobs():
                self._application.create_task(job.run(self._application))

    async def _check_still_leading(self) -> None:
        async with self._lock:
            await self._connection.fetchval("SELECT 1")

    def _lose(self) -> None:
        # The lock went with the connection: another worker may lead already. Stop at
        # once rather than send twice; the service manager starts this worker again.
        log.critical("lost the connection holding the leader lock; stopping this worker")
        self.is_leader = False
        metrics.IS_LEADER.set(0)
        _set_jobs(self._application, False)
        if self._on_lost is not None:
            self._on_lost()


@asynccontextmanager
async def worker_role(
    application: WipApplication, *, on_lost: Callable[[], None] | None = None
) -> AsyncIterator[Leadership | None]:
    """On PostgreSQL, takes part in the leader election for the application's life (enter
    before the application starts); on SQLite the one process leads, nothing to do."""
    services = application.bot_data.services
    assert services is not None
    url = services.settings.database_url
    if is_sqlite(url):
        metrics.IS_LEADER.set(1)
        yield None
        return
    leadership = Leadership(application, url, on_lost=on_lost)
    leadership.start()
    try:
        yield leadership
    finally:
        await leadership.stop()
