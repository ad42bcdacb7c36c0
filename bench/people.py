"""Simulated participants who read their chat and act on what is on screen, like people do.

A person looks at the newest bot message that asks something (a "screen": the consent, a
question, the offer to submit, the confirmation), thinks, taps or types, and waits for the
bot's reaction. If nothing happens for a while they send /lanjut and carry on with whatever
is shown then. Each person gives the same answer to a question however often they are
asked it, so the stored answers can be checked exactly afterwards.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.i18n import t
from bot.questionnaire.model import Question, Questionnaire, QuestionType
from bot.views.callback_data import Action, decode, encode
from sandbox import ChatMessage, SandboxClient, SandboxError

RETRY_COMMAND = "/lanjut"


class ScreenKind(StrEnum):
    """What the newest asking message of the chat asks for."""

    CONSENT = "consent"
    QUESTION = "question"
    READY = "ready"  # every question answered: submit or review
    CONFIRM = "confirm"  # confirm the submission
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class Screen:
    """The message a person acts on next."""

    kind: ScreenKind
    message_id: int
    question_index: int | None = None
    buttons: tuple[str, ...] = ()  # the callback data of its buttons


def _prefix(key: str, **params: str) -> str:
    marker = "\0"
    return t(key, "id", **{name: marker for name in params}).split(marker)[0]


_SUBMITTED_PREFIXES = (_prefix("submitted", name="x"), t("already_submitted", "id")[:40])
_APOLOGY_PREFIX = t("error_generic", "id")[:30]


def screen_of(message: ChatMessage) -> Screen | None:
    """Tells what a bot message asks for, or None for a message that asks nothing."""
    if not message.from_bot:
        return None
    datas = tuple(b.callback_data for row in message.buttons for b in row if b.callback_data)
    for data in datas:
        payload = decode(data)
        if (
            payload is not None
            and payload.question_index is not None
            and payload.action is not Action.GOTO
        ):
            index = payload.question_index
            return Screen(ScreenKind.QUESTION, message.message_id, index, datas)
    heads = {data.partition(":")[0] for data in datas}
    kind: ScreenKind | None = None
    if Action.SUBMIT_CONFIRM.value in heads:
        kind = ScreenKind.CONFIRM
    elif Action.SUBMIT.value in heads and Action.RESUME.value not in heads:
        kind = ScreenKind.READY
    elif Action.CONSENT.value in heads:
        kind = ScreenKind.CONSENT
    elif not datas and message.text.startswith(_SUBMITTED_PREFIXES):
        kind = ScreenKind.SUBMITTED
    return None if kind is None else Screen(kind, message.message_id, None, datas)


@dataclass(frozen=True)
class PlannedAnswer:
    """How a person answers a question, and what the database must then hold."""

    tap: str | None  # callback data to press, or
    typed: str | None  # text to send
    status: str
    value: object


def plan_answer(question: Question, index: int, rng: random.Random) -> PlannedAnswer:
    """Chooses a person's answer to a question (optional free-text ones mostly skipped)."""
    match question.type:
        case QuestionType.NOTE:
            return PlannedAnswer(encode(Action.NEXT, index), None, "answered", None)
        case QuestionType.SCALE:
            if question.allow_dont_know and rng.random() < 0.05:
                return PlannedAnswer(encode(Action.DONT_KNOW, index), None, "dont_know", None)
            value = rng.randint(question.scale_min, question.scale_max)
            return PlannedAnswer(encode(Action.ANSWER, index, value), None, "answered", value)
        case QuestionType.SINGLE_CHOICE:
            # Never 'other' (the last choice), which would add a follow-up question.
            position = rng.randrange(max(1, len(question.choices) - 1))
            value = question.choices[position].value
            return PlannedAnswer(encode(Action.ANSWER, index, position), None, "answered", value)
        case QuestionType.INTEGER:
            low = int(question.min_value if question.min_value is not None else 0)
            high = int(question.max_value if question.max_value is not None else low + 30)
            number = rng.randint(low, min(high, low + 30))
            return PlannedAnswer(None, str(number), "answered", number)
        case QuestionType.DECIMAL:
            low = int(question.min_value if question.min_value is not None else 0)
            return PlannedAnswer(None, str(low + 1), "answered", float(low + 1))
        case QuestionType.MULTIPLE_CHOICE | QuestionType.TEXT if not question.required:
            if question.type is QuestionType.TEXT and rng.random() < 0.2:
                return PlannedAnswer(
                    None, "Perlu lebih terbuka.", "answered", "Perlu lebih terbuka."
                )
            return PlannedAnswer(encode(Action.SKIP, index), None, "skipped", None)
        case QuestionType.TEXT:
            return PlannedAnswer(None, "Tidak ada catatan.", "answered", "Tidak ada catatan.")
        case _:
            raise ValueError(f"no plan for required {question.type} question {question.id}")


class PersonStuck(AssertionError):
    """The bot stopped reacting to a person even after they asked again."""


@dataclass
class PersonStats:
    """What one person experienced."""

    latencies: list[float] = field(default_factory=list)  # answer -> next screen, seconds
    answers: int = 0
    retries: int = 0  # times they sent /lanjut after waiting in vain
    refreshed: int = 0  # times a button vanished before their tap landed


class ScriptedPerson:
    """One participant playing through the questionnaire via the sandbox control API."""

    def __init__(
        self,
        client: SandboxClient,
        user_id: int,
        invite_code: str,
        questionnaire: Questionnaire | None,
        *,
        seed: int | str = 0,
        think: Callable[[], float] | None = None,
        credit: float | None = None,
        patience: float = 10.0,
        max_retries: int = 5,
        planner: Callable[[Screen], PlannedAnswer] | None = None,
    ) -> None:
        self.client = client
        self.user_id = user_id
        self.invite_code = invite_code
        self.questionnaire = questionnaire
        self.seed = seed
        self.think = think or (lambda: 0.0)
        # Seconds of thought credited to the chat's flood allowance before each action,
        # not slept (the sandbox's "think"); None leaves the sandbox's default.
        self.credit = credit
        self.patience = patience
        self.max_retries = max_retries
        self.planner = planner
        self.stats = PersonStats()
        # Questions whose answer the bot showed as taken: the next question (or the
        # offer to submit) appeared after answering them.
        self.accepted: set[int] = set()
        self.screen: Screen | None = None
        self._since = 0
        self._apologised = False
        self._plans: dict[str, PlannedAnswer] = {}

    def planned(self, screen: Screen) -> PlannedAnswer:
        """The answer this person gives to the question on screen, always the same."""
        assert screen.question_index is not None
        index = screen.question_index
        assert self.questionnaire is not None, "a person without a questionnaire needs a planner"
        question = self.questionnaire.questions[index]
        if question.id not in self._plans:
            rng = random.Random(f"{self.seed}:{question.id}")
            self._plans[question.id] = plan_answer(question, index, rng)
        return self._plans[question.id]

    @property
    def plans(self) -> dict[str, PlannedAnswer]:
        """The answers given so far, by question id."""
        return dict(self._plans)

    async def play(self, until: ScreenKind | None = None, *, answers: int | None = None) -> None:
        """Acts on screen after screen until a screen of kind `until` is shown, or until
        `answers` more answers were given."""
        if self.screen is None:
            await self._act_and_wait(lambda: self._send(f"/start {self.invite_code}"), False)
        goal = None if answers is None else self.stats.answers + answers
        while self.screen is not None and self.screen.kind is not until:
            if goal is not None and self.stats.answers >= goal:
                return
            if self.screen.kind is ScreenKind.SUBMITTED:
                raise PersonStuck(f"user {self.user_id} submitted before reaching {until}")
            pause = self.think()
            if pause > 0:
                await asyncio.sleep(pause)
            await self._act_on(self.screen)

    async def _act_on(self, screen: Screen) -> None:
        match screen.kind:
            case ScreenKind.CONSENT:
                agree = next(d for d in screen.buttons if d.startswith(Action.CONSENT.value + ":"))
                await self._act_and_wait(lambda: self._tap(screen, agree), False)
            case ScreenKind.READY:
                await self._act_and_wait(lambda: self._tap(screen, Action.SUBMIT.value), False)
            case ScreenKind.CONFIRM:
                data = Action.SUBMIT_CONFIRM.value
                await self._act_and_wait(lambda: self._tap(screen, data), False)
            case ScreenKind.QUESTION:
                plan = self.planner(screen) if self.planner else self.planned(screen)
                if plan.tap is not None:
                    tap = plan.tap
                    await self._act_and_wait(lambda: self._tap(screen, tap), True)
                else:
                    assert plan.typed is not None
                    typed = plan.typed
                    await self._act_and_wait(lambda: self._send(typed), True)

    async def _send(self, text: str) -> bool:
        sent = await self.client.send(self.user_id, text, think=self.credit)
        self._since = max(self._since, sent.event_id)
        return True

    async def _tap(self, screen: Screen, data: str) -> bool:
        """Presses a button on the screen; False if the button vanished meanwhile."""
        try:
            pressed = await self.client.press(
                self.user_id, callback_data=data, message_id=screen.message_id, think=self.credit
            )
        except SandboxError as error:
            if error.status != 400:
                raise
            return False
        self._since = max(self._since, pressed.event_id)
        return True

    async def _act_and_wait(self, act: Callable[[], Awaitable[bool]], timed: bool) -> None:
        started = time.perf_counter()
        acted = await act()
        if not acted:
            # The screen changed under the person's thumb: look again at the chat.
            self.stats.refreshed += 1
            self.screen = await self._newest_screen()
            return
        silences = 0
        while True:
            screen = await self._next_screen(self.patience)
            if screen is not None:
                break
            self.stats.retries += 1
            if self._apologised:
                # "Sorry, try again": they do, however often it takes.
                self._apologised = False
            else:
                silences += 1
                if silences > self.max_retries:
                    raise PersonStuck(await self._describe())
            await self._send(RETRY_COMMAND)
        if timed:
            self.stats.latencies.append(time.perf_counter() - started)
            self.stats.answers += 1
            acted = self.screen
            moved_on = screen.kind is not ScreenKind.QUESTION or (
                acted is not None and screen.question_index != acted.question_index
            )
            if acted is not None and acted.question_index is not None and moved_on:
                self.accepted.add(acted.question_index)
        self.screen = screen

    async def _next_screen(self, patience: float) -> Screen | None:
        """Waits for the bot's next asking message; None if it stays silent for `patience`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            result = await self.client.wait(
                self.user_id, since=self._since, timeout=remaining, raise_on_timeout=False
            )
            self._since = max(self._since, result.last_event_id)
            newest: Screen | None = None
            apologised = False
            for event in result.events:
                if event.kind != "sent" or event.message is None:
                    continue
                screen = screen_of(event.message)
                if screen is not None and (newest is None or screen.message_id > newest.message_id):
                    newest = screen
                if event.message.text.startswith(_APOLOGY_PREFIX):
                    apologised = True
            if newest is not None:
                return newest
            if apologised:
                # "Something went wrong, try again": a person does so at once.
                self._apologised = True
                return None
            if result.timed_out:
                return None

    async def _newest_screen(self) -> Screen | None:
        for message in reversed(await self.client.chat(self.user_id)):
            screen = screen_of(message)
            if screen is not None:
                return screen
        return None

    async def _describe(self) -> str:
        chat = await self.client.chat(self.user_id)
        lines = [
            f"#{m.message_id} {m.sender}: {m.text[:80]!r} {m.button_texts[:4]}" for m in chat[-8:]
        ]
        return f"user {self.user_id} got no reaction {self.max_retries} times:\n" + (
            "\n".join(lines)
        )
