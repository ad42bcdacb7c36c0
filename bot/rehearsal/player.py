"""Plays one synthetic participant through the sandbox, the way a person uses a phone."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.questionnaire.model import Question, Questionnaire, QuestionType
from bot.rehearsal.people import Behaviour, SyntheticPerson, pick_score
from sandbox import ChatMessage, Participant, SandboxClient, SandboxError, WaitResult

_COUNTER = re.compile(r"· (\d+)/(\d+)$")
REACTION_TIMEOUT = 15.0

# Typed comments a respondent might leave at the end of an arena section.
_COMMENTS = (
    "Perlu peningkatan koordinasi antar-SKPD.",
    "Partisipasi publik masih sebatas formalitas.",
    "Keterbukaan anggaran sudah membaik dua tahun terakhir.",
    "Dunia usaha perlu dilibatkan lebih awal dalam perencanaan.",
)


@dataclass
class PlayLog:
    """What one simulated participant did, for the rehearsal's summary."""

    answered: int = 0
    changed: int = 0
    dont_know: int = 0
    submitted: bool = False
    blocked: bool = False
    events: list[str] = field(default_factory=list)


class Player:
    """Drives one person: reads the newest bot message and does what a person would."""

    def __init__(
        self,
        client: SandboxClient,
        person: SyntheticPerson,
        invite_code: str,
        questionnaire: Questionnaire,
        rng: random.Random,
        may_answer: Callable[[], Awaitable[None]],
        pause: Callable[[], Awaitable[None]],
    ) -> None:
        self.client = client
        self.person = person
        self.invite_code = invite_code
        self.questionnaire = questionnaire
        self.rng = rng
        self.may_answer = may_answer
        self.pause = pause
        self.log = PlayLog()
        self.participant: Participant | None = None
        # The bot's messages as this person sees them, kept up to date from wait events
        # (cheaper than fetching the whole chat before every tap).
        self._view: dict[int, ChatMessage] = {}
        self.lang = "en" if person.english else "id"
        self._by_text = {
            text: q for q in questionnaire.questions for text in {q.text.id, q.text.get("en")}
        }
        # Drop-outs stop somewhere in the middle; blockers after a handful of answers.
        self._stop_after = {
            Behaviour.DROPS_OUT: rng.randint(15, 35),
            Behaviour.BLOCKS: 5,
        }.get(person.behaviour)

    @property
    def user_id(self) -> int:
        """The simulated person's Telegram user id."""
        assert self.participant is not None
        return self.participant.user_id

    async def join(self) -> None:
        """Opens the invitation link and agrees to take part."""
        first = self.person.name.split(",")[0].split()[-2:]
        self.participant = await self.client.participant(
            " ".join(first), language_code="en" if self.person.english else "id"
        )
        await self._act(lambda p: p.send(f"/start {self.invite_code}"))
        if self.person.english:
            await self._press("🇬🇧 English")
        await self._press("✅ I agree" if self.person.english else "✅ Bersedia")

    async def play(self) -> PlayLog:
        """Answers at breaks until submitted, stopped or blocked."""
        if self.person.behaviour is Behaviour.LATE:
            await self._wait_for_nudge()
        while not self.log.submitted and not self.log.blocked:
            await self.may_answer()
            if self._stop_after is not None and self.log.answered >= self._stop_after:
                if self.person.behaviour is Behaviour.BLOCKS:
                    await self.client.block(self.user_id)
                    self.log.blocked = True
                    self.log.events.append("blocked the bot")
                else:
                    self.log.events.append("stopped answering")
                return self.log
            await self._step()
            await self.pause()
        return self.log

    async def _step(self) -> None:
        message = await self._newest()
        if message is None:
            await self._act(lambda p: p.send("/lanjut"))
            return
        labels = message.button_texts
        if any(label.startswith("📨") for label in labels):
            await self._press(labels[0])
            await self._press("✅ Yes, submit" if self.person.english else "✅ Ya, kirim")
            self.log.submitted = True
            self.log.events.append("submitted")
            return
        if "▶ Lanjutkan" in labels or "▶ Continue" in labels:
            await self._press(
                labels[labels.index("▶ Lanjutkan" if "▶ Lanjutkan" in labels else "▶ Continue")]
            )
            return
        question = self._question_of(message)
        if question is None:
            await self._act(lambda p: p.send("/lanjut" if self.lang == "id" else "/resume"))
            return
        await self._answer(question, message)

    async def _answer(self, question: Question, message: ChatMessage) -> None:
        labels = message.button_texts
        match question.type:
            case QuestionType.NOTE:
                await self._press(labels[0])
                return
            case QuestionType.SCALE:
                score = pick_score(self.person, question.arena, self.rng)
                if score is None and question.allow_dont_know:
                    await self._press("Don't know" if self.lang == "en" else "Tidak tahu")
                    self.log.dont_know += 1
                elif self.rng.random() < 0.1:
                    await self._act(lambda p: p.send(str(score or 5)))  # typed instead
                else:
                    await self._press(str(score or 5))
            case QuestionType.SINGLE_CHOICE:
                await self._press(self._single_choice(question, labels))
            case QuestionType.MULTIPLE_CHOICE:
                options = [label for label in labels if label.startswith("☐")]
                for label in self.rng.sample(options, k=min(len(options), self.rng.randint(1, 3))):
                    await self._press(label, expect="edited")
                await self._press(
                    next(lb for lb in (await self._newest_labels()) if lb.startswith("✔"))
                )
            case QuestionType.INTEGER | QuestionType.DECIMAL:
                low = int(question.min_value or 0)
                high = int(question.max_value if question.max_value is not None else 40)
                await self._act(lambda p: p.send(str(self.rng.randint(low, min(high, low + 30)))))
            case QuestionType.TEXT:
                skip = next((lb for lb in labels if lb.startswith(("Lewati", "Skip"))), None)
                if skip is not None and self.rng.random() < 0.7:
                    await self._press(skip)
                else:
                    await self._act(lambda p: p.send(self.rng.choice(_COMMENTS)))
        self.log.answered += 1
        if (
            self.person.behaviour is Behaviour.CHANGES_MIND
            and question.type is QuestionType.SCALE
            and self.rng.random() < 0.15
        ):
            await self._change_last_answer()

    def _single_choice(self, question: Question, labels: list[str]) -> str:
        if question.id == "sector":
            for choice in question.choices:
                if choice.value == self.person.arena:
                    return choice.label.get(self.lang)
        return self.rng.choice([lb for lb in labels if not lb.startswith(("◀", "Lewati", "Skip"))])

    async def _change_last_answer(self) -> None:
        back = "◀ Back" if self.lang == "en" else "◀ Kembali"
        if back not in await self._newest_labels():
            return
        await self._press(back)
        previous = await self._newest()
        if previous is None or not previous.buttons:
            return
        numbers = [lb.lstrip("✓") for lb in previous.button_texts if lb.lstrip("✓").isdigit()]
        if numbers:
            await self._press(self.rng.choice([n for n in numbers if n]))
            self.log.changed += 1
            self.log.events.append("went back and changed an answer")

    async def _wait_for_nudge(self) -> None:
        """A late starter does nothing until the bot reminds them at a break."""
        assert self.participant is not None
        while True:
            try:
                result = await self._wait(30)
            except TimeoutError:
                continue
            for message in result.messages:
                if "▶ Lanjutkan" in message.button_texts or "▶ Continue" in message.button_texts:
                    self.log.events.append("started after a reminder")
                    return

    def _question_of(self, message: ChatMessage) -> Question | None:
        lines = message.text.split("\n")
        if len(lines) < 3 or not lines[0].startswith(("Bagian", "Section")):
            return None
        return self._by_text.get(lines[2])

    async def _wait(self, timeout: float) -> WaitResult:  # noqa: ASYNC109 (server-side wait)
        """Waits for the bot's next events and applies them to this person's view."""
        assert self.participant is not None
        result = await self.participant.wait(timeout=timeout)
        for event in result.events:
            if event.kind == "deleted" and event.message_id is not None:
                self._view.pop(event.message_id, None)
            elif event.message is not None and event.message.from_bot:
                self._view[event.message.message_id] = event.message
        return result

    async def _newest(self) -> ChatMessage | None:
        bot_messages = [self._view[key] for key in sorted(self._view)]
        if not bot_messages:
            return None
        newest = bot_messages[-1]
        # A typed-answer question has only navigation buttons; an error reply has none.
        if not newest.buttons and self._question_of(newest) is None:
            for message in reversed(bot_messages):
                if self._question_of(message) is not None and "✅" not in message.text:
                    return message
        return newest

    async def _newest_labels(self) -> list[str]:
        newest = await self._newest()
        return newest.button_texts if newest else []

    async def _press(self, label: str, expect: str = "sent") -> None:
        await self._act(lambda p: p.press(label), expect)

    async def _act(
        self, action: Callable[[Participant], Awaitable[object]], expect: str = "sent"
    ) -> None:
        """Does something and waits until the bot has visibly reacted (`expect`: event kind)."""
        assert self.participant is not None
        try:
            await action(self.participant)
        except SandboxError as exc:
            # The button vanished (an edit landed first): look again, as a person would.
            self.log.events.append(f"retry after: {exc.message}")
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REACTION_TIMEOUT
        while (remaining := deadline - loop.time()) > 0:
            try:
                result = await self._wait(remaining)
            except TimeoutError:
                break
            if any(event.kind == expect for event in result.events):
                return
        self.log.events.append("no reaction; will ask for the question again")

    def counter(self, message: ChatMessage) -> tuple[int, int] | None:
        """The 'n/m' place shown in a question header."""
        match = _COUNTER.search(message.text.split("\n")[0])
        return (int(match.group(1)), int(match.group(2))) if match else None
