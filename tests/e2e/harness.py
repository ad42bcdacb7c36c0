"""End-to-end harness: seed a workshop, run the real bot against the sandbox, play people."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import build_application
from bot.clock import Clock
from bot.context import WipApplication
from bot.invites import new_invite_code
from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.model import Questionnaire
from bot.runner import running
from bot.services.questionnaires import store_questionnaire
from bot.settings import Settings
from sandbox import ChatMessage, Participant, Sandbox, SandboxClient, SandboxError
from sandbox.client import SentMessage
from storage.db import create_engine, create_session_factory
from storage.repositories import participants as participant_repo
from storage.repositories import workshops as workshop_repo
from storage.repositories.participants import ParticipantProfile
from storage.repositories.workshops import AgendaItem

TOKEN = "123456:wipbot-e2e-token-abcdefghij"
BOT_USERNAME = "wipbot_e2e_bot"
JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class Invitee:
    """A seeded participant and their invitation code."""

    participant_id: int
    name: str
    arena: str
    invite_code: str


@dataclass(frozen=True)
class SeededWorkshop:
    """A workshop ready for the bot: questionnaire, agenda and invitees."""

    workshop_id: int
    code: str
    questionnaire_id: int
    questionnaire: Questionnaire
    invitees: list[Invitee] = field(default_factory=list)


def local(day: dt.date, hhmm: str, zone: ZoneInfo = JAKARTA) -> dt.datetime:
    """An aware instant on `day` at local time 'HH:MM' in `zone`."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def typical_agenda(day: dt.date, zone: ZoneInfo = JAKARTA) -> list[AgendaItem]:
    """A one-day workshop: opening, two focus-group rounds with breaks, plenary, closing."""
    slots = [
        ("opening", "Pembukaan", "Opening", "08:30", "09:00"),
        ("fgd", "Diskusi kelompok I", "Focus groups I", "09:00", "10:30"),
        ("break", "Rehat kopi", "Coffee break", "10:30", "10:50"),
        ("fgd", "Diskusi kelompok II", "Focus groups II", "10:50", "12:00"),
        ("break", "Makan siang", "Lunch break", "12:00", "13:00"),
        ("plenary", "Pleno", "Plenary", "13:00", "15:00"),
        ("closing", "Penutupan", "Closing", "15:30", "16:00"),
    ]
    return [
        AgendaItem(kind, title_id, title_en, local(day, start, zone), local(day, end, zone))
        for kind, title_id, title_en, start, end in slots
    ]


async def seed_workshop(
    db_url: str,
    *,
    day: dt.date,
    people: Sequence[tuple[str, str]],
    province: str = "ID-JA",
    questionnaire: Questionnaire | None = None,
    agenda: Sequence[AgendaItem] | None = None,
    now: dt.datetime | None = None,
) -> SeededWorkshop:
    """Stores a questionnaire, a workshop with its agenda and the invitees (name, arena)."""
    questionnaire = questionnaire or load_default_questionnaire()
    now = now or dt.datetime.now(dt.UTC)
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            row = await store_questionnaire(session, questionnaire, now)
            code = f"{province}-{day.isoformat()}"
            workshop = await workshop_repo.get_by_code(session, code)
            if workshop is None:
                workshop = await workshop_repo.create_workshop(
                    session,
                    code=code,
                    province_code=province,
                    date=day,
                    questionnaire_id=row.id,
                    now=now,
                )
            await workshop_repo.replace_agenda(
                session, workshop.id, list(agenda if agenda is not None else typical_agenda(day))
            )
            invitees = []
            for name, arena in people:
                invite_code = new_invite_code()
                participant = await participant_repo.add_participant(
                    session,
                    workshop_id=workshop.id,
                    invite_code=invite_code,
                    pseudonym=f"{province}-{invite_code[:6]}",
                    profile=ParticipantProfile(name=name, arena=arena),
                    now=now,
                )
                invitees.append(Invitee(participant.id, name, arena, invite_code))
            return SeededWorkshop(workshop.id, code, row.id, questionnaire, invitees)
    finally:
        await engine.dispose()


def assert_conforms(sandbox: Sandbox) -> None:
    """Fails if a Bot API request the bot made departed from the API PTB declares."""
    violations = [str(v) for v in sandbox.world.conformance.violations]
    assert not violations, "Bot API requests that Telegram would not take:\n" + "\n".join(
        violations
    )


def bot_settings(db_url: str, sandbox: Sandbox, **overrides: object) -> Settings:
    """Settings pointing the bot at the sandbox and the test database."""
    return Settings(
        database_url=db_url,
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]
        telegram_api_base_url=sandbox.base_url,
        **overrides,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def running_bot(settings: Settings, clock: Clock) -> AsyncIterator[WipApplication]:
    """Runs the real Application, polling the sandbox, inside the test's event loop."""
    application = build_application(settings, clock=clock)
    async with running(application):
        yield application


class Person:
    """A simulated participant who reads the chat the way a person would."""

    def __init__(self, participant: Participant) -> None:
        self.inner = participant
        self.client: SandboxClient = participant.client
        self.user_id = participant.user_id

    async def send(self, text: str) -> SentMessage:
        """Types a message."""
        return await self.inner.send(text)

    async def press(
        self,
        text: str | None = None,
        *,
        callback_data: str | None = None,
        message_id: int | None = None,
    ) -> None:
        """Presses a shown button by its label or data."""
        try:
            await self.inner.press(text, callback_data=callback_data, message_id=message_id)
        except SandboxError as exc:
            lines = [
                f"#{m.message_id} {m.sender}{' (edited)' if m.edited else ''}: "
                f"{m.text[:70]!r} {m.button_texts}"
                for m in (await self.chat())[-8:]
            ]
            raise AssertionError(f"{exc}; chat ends with:\n" + "\n".join(lines)) from exc

    async def chat(self) -> list[ChatMessage]:
        """The chat as the person sees it now."""
        return await self.inner.chat()

    async def bot_messages(self) -> list[ChatMessage]:
        """Only the bot's messages."""
        return [m for m in await self.chat() if m.from_bot]

    async def last(self) -> ChatMessage:
        """The newest bot message."""
        return (await self.bot_messages())[-1]

    async def until(
        self, condition: Callable[[list[ChatMessage]], bool], timeout: float = 10.0
    ) -> list[ChatMessage]:
        """Waits on the bot's events until the chat satisfies `condition`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            messages = await self.bot_messages()
            if condition(messages):
                return messages
            remaining = deadline - loop.time()
            if remaining <= 0:
                texts = "\n---\n".join(
                    f"#{m.message_id}: {m.text}" for m in (await self.chat())[-6:]
                )
                raise AssertionError(f"chat of {self.user_id} never matched; last:\n{texts}")
            result = await self.client.wait(
                self.user_id,
                since=self.inner.last_event_id,
                timeout=min(remaining, 5.0),
                raise_on_timeout=False,
            )
            self.inner.last_event_id = result.last_event_id

    async def until_text(self, fragment: str, timeout: float = 10.0) -> ChatMessage:
        """Waits until the newest bot message contains `fragment`."""
        messages = await self.until(
            lambda ms: bool(ms) and fragment in ms[-1].text, timeout=timeout
        )
        return messages[-1]

    async def until_button(self, label: str, timeout: float = 10.0) -> ChatMessage:
        """Waits until the newest bot message shows a button labelled `label`."""
        messages = await self.until(
            lambda ms: bool(ms) and label in ms[-1].button_texts, timeout=timeout
        )
        return messages[-1]

    async def until_question(self, number: int, timeout: float = 10.0) -> ChatMessage:
        """Waits until question `number` (as counted in the header) is the newest message."""
        pattern = re.compile(rf"· {number}/\d+\n")
        messages = await self.until(
            lambda ms: bool(ms) and bool(pattern.search(ms[-1].text)), timeout=timeout
        )
        return messages[-1]

    async def until_shown(
        self, number: int, fragment: str = "", timeout: float = 10.0
    ) -> ChatMessage:
        """Waits until question `number` is on screen with its buttons, wherever it is: the
        bot edits a question into an earlier message (Back, review, /lanjut) as often as it
        sends a new one."""
        pattern = re.compile(rf"· {number}/\d+\n")

        def shown(m: ChatMessage) -> bool:
            return bool(m.buttons) and bool(pattern.search(m.text)) and fragment in m.text

        messages = await self.until(lambda ms: any(shown(m) for m in ms), timeout=timeout)
        return [m for m in messages if shown(m)][-1]


# A quick person reads a question and taps an answer in about two seconds. The sandbox
# credits that time to the chat's flood allowance (Telegram's ~1 message/s per private
# chat) instead of the test sleeping; without it, a test tapping at machine speed meets
# flood limits no person could.
HUMAN_THINK_SECONDS = 2.0


async def new_person(client: SandboxClient, first_name: str, language_code: str = "id") -> Person:
    """Creates a simulated Telegram user who acts as quickly as a quick person can."""
    participant = await client.participant(first_name, language_code=language_code)
    participant.think = HUMAN_THINK_SECONDS
    return Person(participant)


class BotProcess:
    """The bot as its own OS process (`wipbot run`), to be killed like a real server."""

    # How long a clean shutdown (SIGTERM) may take before the process is killed.
    stop_seconds = 20.0

    def __init__(self, db_url: str, sandbox: Sandbox, log_path: Path) -> None:
        self.env = {
            **os.environ,
            "WIPBOT_DATABASE_URL": db_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": sandbox.base_url,
            "WIPBOT_LOG_LEVEL": "INFO",
        }
        self.sandbox = sandbox
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Starts `wipbot run` and waits until it polls the sandbox."""
        before = (await self.sandbox.client.stats())["calls"].get("getUpdates", 0)
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=self.env, stdout=log, stderr=log
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while (await self.sandbox.client.stats())["calls"].get("getUpdates", 0) <= before:
            if self.process.returncode is not None or loop.time() > deadline:
                raise AssertionError(f"bot did not start:\n{self.log_path.read_text()}")
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, like a power cut of the process."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        """SIGTERM and wait (clean shutdown)."""
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), self.stop_seconds)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
