"""Two `wipbot run --webhook` processes on one PostgreSQL behind one webhook address
(the sandbox delivering to them alternately, as a load balancer would)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Answer, Response
from storage.repositories import broadcasts as broadcast_repo
from storage.repositories import participants as participant_repo
from storage.repositories.workshops import AgendaItem
from tests.conftest import POSTGRES_URL_ENV, _postgres_database
from tests.e2e.harness import BotProcess, Person, SeededWorkshop, new_person, seed_workshop

SECRET = "e2e-webhook-secret_42"
BROADCAST_TEXT = "Pleno dimajukan ke pukul 13.00 di Ruang Garuda."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WebhookWorker(BotProcess):
    """One bot worker: `wipbot run --webhook` as its own OS process on its own port
    (killed and stopped as BotProcess does)."""

    stop_seconds = 30.0

    def __init__(
        self,
        name: str,
        db_url: str,
        sandbox: Sandbox,
        log_dir: Path,
        *,
        scheduler_interval: float = 1.0,
    ) -> None:
        super().__init__(db_url, sandbox, log_dir / f"{name}.log")
        self.name = name
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        self.env |= {
            "WIPBOT_WEBHOOK_URL": self.url,
            "WIPBOT_WEBHOOK_SECRET": SECRET,
            "WIPBOT_WEBHOOK_LISTEN": "127.0.0.1",
            "WIPBOT_WEBHOOK_PORT": str(self.port),
            "WIPBOT_WEBHOOK_PATH": "/telegram",
            "WIPBOT_SCHEDULER_INTERVAL": str(scheduler_interval),
        }

    async def start(self) -> None:
        """Starts the worker and waits until it answers /healthz with its webhook set."""
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "--webhook",
            env=self.env,
            stdout=log,
            stderr=log,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 40
        async with aiohttp.ClientSession() as http:
            while True:
                if self.process.returncode is not None or loop.time() > deadline:
                    raise AssertionError(f"{self.name} did not start:\n{self.log_path.read_text()}")
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        if response.status == 200 and "webhook set" in self.log_path.read_text():
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)

    async def metric(self, name: str) -> float:
        """A metric's value as the worker's /metrics reports it (0 when absent)."""
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{self.port}/metrics") as response,
        ):
            text = await response.text()
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        return 0.0


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL database (several workers need PostgreSQL)."""
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    async with _postgres_database(server_url) as url:
        await upgrade(url)
        yield url


def _agenda(*, break_now: bool) -> tuple[dt.date, list[AgendaItem]]:
    """A day in progress: focus groups now (or a break that has just begun), closing later."""
    now = dt.datetime.now(dt.UTC)
    hour = dt.timedelta(hours=1)
    current = (
        AgendaItem(
            "break", "Rehat kopi", "Coffee break", now - dt.timedelta(seconds=30), now + hour
        )
        if break_now
        else AgendaItem("fgd", "Diskusi kelompok", "Focus groups", now - hour, now + hour)
    )
    return now.date(), [
        AgendaItem("opening", "Pembukaan", "Opening", now - 2 * hour, now - hour),
        current,
        AgendaItem("closing", "Penutupan", "Closing", now + 3 * hour, now + 4 * hour),
    ]


@pytest.fixture
async def workers(
    sandbox: Sandbox, pg_url: str, tmp_path: Path
) -> AsyncIterator[list[WebhookWorker]]:
    """Two workers behind one address: the sandbox delivers to them in turn."""
    sandbox.world.webhook.max_retry_seconds = 1.0
    pair = [WebhookWorker(name, pg_url, sandbox, tmp_path) for name in ("w1", "w2")]
    try:
        for worker in pair:
            await worker.start()
        sandbox.world.webhook.balance([worker.url for worker in pair])
        yield pair
    finally:
        for worker in pair:
            await worker.stop()


async def _leader(workers: list[WebhookWorker], timeout: float = 30.0) -> WebhookWorker:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        alive = [w for w in workers if w.process is not None and w.process.returncode is None]
        flags = [await w.metric("wipbot_leader") for w in alive]
        if sum(flags) == 1:
            return alive[flags.index(1.0)]
        assert sum(flags) <= 1, "two workers lead at once"
        assert loop.time() < deadline, "no worker became the leader"
        await asyncio.sleep(0.2)


async def _answers(db_url: str, participant_id: int) -> list[tuple[str, str, object]]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(Answer.question_id, Answer.status, Answer.value)
                .join(Response, Response.id == Answer.response_id)
                .where(Response.participant_id == participant_id)
            )
            return [(q, s, v) for q, s, v in rows]
    finally:
        await engine.dispose()


def _nothing() -> None:
    pass


async def _seed(pg_url: str, people: int, *, break_now: bool = False) -> SeededWorkshop:
    day, agenda = _agenda(break_now=break_now)
    return await seed_workshop(
        pg_url,
        day=day,
        agenda=agenda,
        people=[(f"Peserta {n}", "civil_society") for n in range(people)],
    )


async def _answer_everything(
    person: Person,
    invite_code: str,
    *,
    offset: int = 0,
    tapped: Callable[[], None] = _nothing,
    rescued: list[str] | None = None,
) -> list[int]:
    """Joins with the code and answers the whole questionnaire, each tap as soon as its
    question shows, up to the submission; returns the scale values given, in order.

    `tapped` is called after each tap; `offset` varies the values from person to person.
    A screen that never comes fails, unless `rescued` is given: then the person sends
    /lanjut, as a stuck person would, and the step is noted there.
    """
    wait = 20.0  # generous: under load, and a redelivery after a kill waits its backoff

    async def until(step: str, shown: Callable[[], Awaitable[object]]) -> None:
        try:
            await shown()
        except AssertionError:
            if rescued is None:
                raise
            rescued.append(step)
            await person.send("/lanjut")
            await shown()

    def question(number: int) -> Callable[[], Awaitable[object]]:
        return lambda: person.until_question(number, timeout=wait)

    await person.send(f"/start {invite_code}")
    await person.until_button("✅ Bersedia", timeout=wait)
    await person.press("✅ Bersedia")
    await person.until_button("Lanjut ▶", timeout=wait)
    await person.press("Lanjut ▶")
    await until("question 1", question(1))
    await person.press("Masyarakat Sipil")
    tapped()
    await until("question 2", question(2))
    await person.send("9")
    tapped()
    await until("question 3", question(3))
    await person.press(text=(await person.last()).buttons[0][0].text)
    tapped()
    await until("question 4", question(4))
    await person.press("Lewati ▶")
    tapped()
    given: list[int] = []
    await until("question 5", question(5))
    for number in range(5, 57):
        last = await person.last()
        if "Ada catatan lain" in last.text:
            await person.press("Lewati ▶")
        else:
            value = 1 + (number - 5 + offset) % 10
            given.append(value)
            await person.press(str(value))
        tapped()
        if number < 56:
            await until(f"question {number + 1}", question(number + 1))
    await until(
        "review", lambda: person.until_text("Semua pertanyaan sudah terjawab", timeout=wait)
    )
    await person.press("📨 Kirim sekarang")
    await person.until_button("✅ Ya, kirim", timeout=wait)
    await person.press("✅ Ya, kirim")
    await person.until_text("jawaban telah kami terima", timeout=wait)
    return given


def _check_stored_in_order(
    answers: list[tuple[str, str, object]], seeded: SeededWorkshop, given: list[int]
) -> None:
    ids = [q for q, _, _ in answers]
    assert len(ids) == len(set(ids)), "an answer stored twice"
    scale = [q.id for q in seeded.questionnaire.questions if q.is_scored]
    by_id = {q: v for q, s, v in answers if s == "answered"}
    assert [by_id.get(q) for q in scale] == given, "answers not applied in the order tapped"


async def test_a_whole_questionnaire_tapped_quickly_across_two_workers_is_stored_in_order(
    sandbox: Sandbox, pg_url: str, workers: list[WebhookWorker]
) -> None:
    seeded = await _seed(pg_url, 1)
    invitee = seeded.invitees[0]
    person = await new_person(sandbox.client, "Rina")
    # The sandbox sends every other update to the other worker, so each step reads what
    # the other process has just committed.
    given = await _answer_everything(person, invitee.invite_code)

    stats = sandbox.world.webhook.stats
    assert stats.by_target[workers[0].url] > 10 and stats.by_target[workers[1].url] > 10
    _check_stored_in_order(await _answers(pg_url, invitee.participant_id), seeded, given)


async def _statuses(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(Response.status))).all())
    finally:
        await engine.dispose()


async def test_answers_stay_once_and_in_order_when_a_worker_is_killed_mid_answering(
    sandbox: Sandbox, pg_url: str, workers: list[WebhookWorker]
) -> None:
    seeded = await _seed(pg_url, 8)
    people = [await new_person(sandbox.client, f"Peserta{n}") for n in range(8)]
    pusher = sandbox.world.webhook
    taps = 0
    halfway = asyncio.Event()
    failures_before_kill: list[int] = []
    rescued: list[str] = []

    def tapped() -> None:
        nonlocal taps
        taps += 1
        if taps >= len(people) * 56 // 2:
            halfway.set()

    async def kill_halfway() -> None:
        await halfway.wait()
        failures_before_kill.append(pusher.stats.failed_attempts)
        await workers[1].kill()
        # The balancer's health check drops it a moment later; until then deliveries to
        # it fail, and what it had not answered 200 to is delivered again.
        await asyncio.sleep(2.0)
        pusher.balance([workers[0].url])

    killer = asyncio.create_task(kill_halfway())
    try:
        # A person sends /lanjut only when a screen has not come 20 s after the tap.
        given = await asyncio.gather(
            *(
                _answer_everything(
                    person, invitee.invite_code, offset=n, tapped=tapped, rescued=rescued
                )
                for n, (person, invitee) in enumerate(zip(people, seeded.invitees, strict=True))
            )
        )
    finally:
        if not killer.done():
            killer.cancel()
    await killer
    assert workers[1].process is not None and workers[1].process.returncode is not None
    assert pusher.stats.failed_attempts > failures_before_kill[0], "nothing was redelivered"
    assert pusher.stats.given_up == [], "the sandbox gave updates up"
    for invitee, values in zip(seeded.invitees, given, strict=True):
        _check_stored_in_order(await _answers(pg_url, invitee.participant_id), seeded, values)
    assert await _statuses(pg_url) == ["submitted"] * len(people)
    # When the killed worker had committed a tap but not sent the next question, the
    # redelivery brings the question up again: nobody waits for a screen that never comes.
    assert rescued == [], f"{len(rescued)} person(s) had to send /lanjut, at {rescued}"


async def _bind_people(sandbox: Sandbox, pg_url: str, seeded: SeededWorkshop) -> dict[int, int]:
    """Binds every invitee to a sandbox person who has started the bot: user id by
    participant id (as /start with the code does)."""
    users: dict[int, int] = {}
    engine = create_engine(pg_url)
    try:
        async with create_session_factory(engine).begin() as session:
            for invitee in seeded.invitees:
                chat = sandbox.world.create_user(invitee.name, language_code="id")
                chat.started = True
                await participant_repo.bind_telegram_user(
                    session, invitee.participant_id, chat.user.user_id, dt.datetime.now(dt.UTC)
                )
                users[invitee.participant_id] = chat.user.user_id
    finally:
        await engine.dispose()
    return users


async def _queue_broadcast(pg_url: str, seeded: SeededWorkshop) -> None:
    engine = create_engine(pg_url)
    try:
        async with create_session_factory(engine).begin() as session:
            participants = await participant_repo.list_for_workshop(session, seeded.workshop_id)
            await broadcast_repo.create_broadcast(
                session,
                workshop_id=seeded.workshop_id,
                created_by_telegram_user_id=1,
                audience={"workshop": seeded.code},
                text=BROADCAST_TEXT,
                participants=participants,
                now=dt.datetime.now(dt.UTC),
            )
    finally:
        await engine.dispose()


def _received(sandbox: Sandbox, user_id: int, fragment: str) -> int:
    chat = sandbox.world.chats[user_id]
    return sum(1 for m in chat.messages.values() if m.from_bot and fragment in (m.text or ""))


async def _until(condition: object, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "condition never met"
        await asyncio.sleep(0.1)


async def test_a_reminder_and_a_broadcast_reach_each_person_once_with_two_workers(
    sandbox: Sandbox, pg_url: str, workers: list[WebhookWorker]
) -> None:
    seeded = await _seed(pg_url, 6, break_now=True)
    users = await _bind_people(sandbox, pg_url, seeded)
    leader = await _leader(workers)
    await _queue_broadcast(pg_url, seeded)
    await _until(
        lambda: all(
            _received(sandbox, u, BROADCAST_TEXT) and _received(sandbox, u, "telah dimulai")
            for u in users.values()
        ),
        timeout=60,
    )
    await asyncio.sleep(3)  # three more ticks of the leader: nothing goes out again
    for user_id in users.values():
        assert _received(sandbox, user_id, BROADCAST_TEXT) == 1
        assert _received(sandbox, user_id, "telah dimulai") == 1
    follower = next(w for w in workers if w is not leader)
    assert await follower.metric("wipbot_reminders_sent_total") == 0
    assert await leader.metric("wipbot_reminders_sent_total") == len(users)


async def test_the_other_worker_finishes_a_broadcast_when_the_leader_is_killed(
    sandbox: Sandbox, pg_url: str, workers: list[WebhookWorker]
) -> None:
    seeded = await _seed(pg_url, 120)
    users = await _bind_people(sandbox, pg_url, seeded)
    leader = await _leader(workers)
    await _queue_broadcast(pg_url, seeded)
    reached = lambda: sum(1 for u in users.values() if _received(sandbox, u, BROADCAST_TEXT))  # noqa: E731
    await _until(lambda: reached() >= 20, timeout=30)
    await leader.kill()
    assert reached() < len(users), "the broadcast finished before the kill; make it longer"
    survivor = next(w for w in workers if w is not leader)
    sandbox.world.webhook.balance([survivor.url])  # the balancer's health check drops it
    assert await _leader([survivor]) is survivor
    await _until(lambda: reached() == len(users), timeout=60)
    counts = [_received(sandbox, u, BROADCAST_TEXT) for u in users.values()]
    # At least once for everyone; a second copy only for deliveries that were in flight
    # at the kill (sent, not yet recorded): at most one batch of the sender.
    assert min(counts) == 1
    assert sum(counts) - len(users) <= 25


async def test_a_forged_webhook_request_is_refused_and_changes_nothing(
    sandbox: Sandbox, pg_url: str, workers: list[WebhookWorker]
) -> None:
    seeded = await _seed(pg_url, 1)
    chat = sandbox.world.create_user("Mallory", language_code="id")
    chat.started = True
    forged = {
        "update_id": 999_999,
        "message": {
            "message_id": 1,
            "date": 1_764_000_000,
            "chat": chat.user.as_chat(),
            "from": chat.user.as_user(),
            "text": f"/start {seeded.invitees[0].invite_code}",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guessed"}):
            async with http.post(workers[0].url, json=forged, headers=headers) as response:
                assert response.status == 403
    engine = create_engine(pg_url)
    try:
        async with create_session_factory(engine)() as session:
            bound = await participant_repo.get_by_telegram_user(session, chat.user.user_id)
    finally:
        await engine.dispose()
    assert bound is None
    assert not any(m.from_bot for m in chat.messages.values())
