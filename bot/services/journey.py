"""Participant use cases: redeem an invitation, consent, answer, navigate, submit.

Each use case runs in one short transaction that also records the Telegram update id,
so a redelivered update has no second effect and an answer is committed before the
participant is shown the next question.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.clock import Clock
from bot.invites import normalise_code
from bot.questionnaire.engine import (
    Event,
    Input,
    Resume,
    StepResult,
    step,
)
from bot.questionnaire.interpret import Raw, Refusal, Tap, Typed, interpret
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.answer_cache import AnswerCache
from bot.services.participation import (
    Participation,
    load_participation,
    save_step,
)
from bot.services.question_messages import QuestionMessages
from bot.workshop_state import accepts_answers
from storage.db import Executor, begin_driver
from storage.errors import ParticipantAlreadyBound, TelegramAccountAlreadyBound
from storage.repositories import code_attempts as attempt_repo
from storage.repositories import participants as participant_repo
from storage.repositories import updates as update_repo
from storage.repositories.participants import ParticipantFacts
from storage.repositories.updates import UpdateKey

log = logging.getLogger(__name__)

# Work done inside the use case's transaction before the engine input (e.g. consent).
_Before = Callable[[Executor, Participation], Awaitable[None]]

MAX_CODE_FAILURES = 5
CODE_FAILURE_WINDOW = timedelta(minutes=15)
CODE_LOCKOUT = timedelta(minutes=15)


class RedeemStatus(StrEnum):
    """What became of an invitation code someone sent."""

    BOUND = "bound"  # newly bound or already bound to this same account
    UNKNOWN = "unknown"
    LOCKED = "locked"
    TAKEN = "taken"  # bound to another Telegram account
    OTHER_INVITATION = "other_invitation"  # this account holds a different invitation
    DUPLICATE = "duplicate"  # a redelivered update


@dataclass
class RedeemOutcome:
    """The result of redeeming a code, with the participation when bound."""

    status: RedeemStatus
    participation: Participation | None = None
    locked_minutes: int = 0
    other_name: str = ""
    language: str | None = None  # the account's chosen language, when it has one


@dataclass
class StepOutcome:
    """The result of one engine input, for the handler to render."""

    participation: Participation | None
    events: tuple[Event, ...] = ()
    duplicate: bool = False
    closed: bool = False
    needs_consent: bool = False
    previous_message_id: int | None = None
    previous_question_id: str | None = None
    no_step: Refusal | None = None
    engine_input: Input | None = None
    # Catalog keys to show before the step's result (e.g. "stale_button").
    notices: tuple[str, ...] = ()


class Journey:
    """The participant use cases over one session factory and clock."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cache: QuestionnaireCache,
        clock: Clock,
        read_sessions: async_sessionmaker[AsyncSession] | None = None,
        *,
        messages: QuestionMessages,
        answer_cache: AnswerCache | None = None,
    ) -> None:
        self._sessions = sessions
        self._messages = messages
        self._answer_cache = answer_cache
        self._read_sessions = read_sessions or sessions
        self._cache = cache
        self._clock = clock

    async def first_delivery(self, update: UpdateKey | None) -> bool:
        """Records an update with no other effect; False if it was seen before."""
        if update is None:
            return True
        async with self._sessions.begin() as session:
            return await update_repo.mark_processed(session, update, self._clock.now())

    async def participation(self, telegram_user_id: int) -> Participation | None:
        """Reads the participant's current state (no changes)."""
        async with self._read_sessions() as session:
            return await load_participation(
                session, self._cache, telegram_user_id, self._clock.now()
            )

    async def redeem(
        self,
        telegram_user_id: int,
        text: str,
        update: UpdateKey | None,
        *,
        deep_link: bool = False,
    ) -> RedeemOutcome:
        """Binds the account to the invitation whose code was sent.

        A lockout refuses typed codes; a deep link (the card's QR) with a valid code is never
        locked out: it is the way back in for someone who mistyped too often. Guessing by
        deep link gains nothing: wrong links count as failures like typed ones, and one
        guess in 31**10 / (number of invitations) hits.
        """
        now = self._clock.now()
        async with self._sessions.begin() as session:
            if update is not None and not await update_repo.mark_processed(session, update, now):
                return RedeemOutcome(RedeemStatus.DUPLICATE)
            code = normalise_code(text)
            participant = await participant_repo.get_by_invite_code(session, code) if code else None
            until = await attempt_repo.locked_until(session, telegram_user_id, now)
            if until is not None and not (deep_link and participant is not None):
                minutes = max(1, int((until - now).total_seconds() // 60) + 1)
                return RedeemOutcome(RedeemStatus.LOCKED, locked_minutes=minutes)
            if participant is None:
                attempt = await attempt_repo.record_failure(
                    session,
                    telegram_user_id,
                    now,
                    max_failures=MAX_CODE_FAILURES,
                    window=CODE_FAILURE_WINDOW,
                    lockout=CODE_LOCKOUT,
                )
                log.info("unknown invite code from user %s", telegram_user_id)
                if attempt.locked_until is not None and attempt.locked_until > now:
                    minutes = int(CODE_LOCKOUT.total_seconds() // 60)
                    return RedeemOutcome(RedeemStatus.LOCKED, locked_minutes=minutes)
                return RedeemOutcome(RedeemStatus.UNKNOWN)
            try:
                participant = await participant_repo.bind_telegram_user(
                    session, participant.id, telegram_user_id, now
                )
            except ParticipantAlreadyBound:
                log.warning(
                    "user %s tried invitation of participant %s, bound to another account",
                    telegram_user_id,
                    participant.id,
                )
                return RedeemOutcome(RedeemStatus.TAKEN)
            except TelegramAccountAlreadyBound:
                other = await participant_repo.get_by_telegram_user(session, telegram_user_id)
                return RedeemOutcome(
                    RedeemStatus.OTHER_INVITATION,
                    other_name=other.name if other else "",
                    language=other.language if other else None,
                )
            await attempt_repo.reset(session, telegram_user_id)
            participation = await load_participation(session, self._cache, telegram_user_id, now)
            return RedeemOutcome(RedeemStatus.BOUND, participation=participation)

    async def consent(
        self, telegram_user_id: int, language: str, update: UpdateKey | None
    ) -> StepOutcome:
        """Records consent and language, then opens the first question."""
        return await self._run(
            telegram_user_id,
            update,
            Resume(),
            before=lambda session, p: _consent(session, p.participant, language, self._clock),
            require_consent=False,
        )

    async def decline(
        self, telegram_user_id: int, language: str, update: UpdateKey | None
    ) -> Participation | None:
        """Records that the invitee does not wish to take part: no reminders from now on, and
        facilitators see them as declined. None for a redelivery or a stranger."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            if update is not None and not await update_repo.mark_processed(session, update, now):
                return None
            participant = await participant_repo.get_by_telegram_user(session, telegram_user_id)
            if participant is None:
                return None
            await participant_repo.set_language(session, participant.id, language)
            await participant_repo.record_decline(session, participant.id, now)
            log.info("participant %s declined to take part", participant.id)
            return await load_participation(session, self._cache, telegram_user_id, now)

    async def set_language(
        self, telegram_user_id: int, language: str, update: UpdateKey | None
    ) -> Participation | None:
        """Changes the participant's language."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            if update is not None and not await update_repo.mark_processed(session, update, now):
                return None
            participant = await participant_repo.get_by_telegram_user(session, telegram_user_id)
            if participant is None:
                return None
            await participant_repo.set_language(session, participant.id, language)
            return await load_participation(session, self._cache, telegram_user_id, now)

    async def apply(self, telegram_user_id: int, update: UpdateKey | None, raw: Raw) -> StepOutcome:
        """Interprets what the participant did, applies it and stores its effect before
        anything is shown."""
        return await self._run(telegram_user_id, update, raw)

    async def set_reachable(
        self, telegram_user_id: int, reachable: bool, update: UpdateKey | None
    ) -> bool:
        """Records that the person blocked or unblocked the bot; False if not a participant."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            if update is not None and not await update_repo.mark_processed(session, update, now):
                return False
            participant = await participant_repo.get_by_telegram_user(session, telegram_user_id)
            if participant is None:
                return False
            if reachable:
                await participant_repo.mark_reachable(session, participant.id)
            else:
                await participant_repo.mark_unreachable(session, participant.id, now)
            return True

    def _shown_message(self, participation: Participation | None) -> int | None:
        """The message showing the participant's current question, if known."""
        response = participation.response if participation is not None else None
        if response is None:
            return None
        return self._messages.current(response.id, response.current_message_id)

    def record_message(self, response_id: int, message_id: int | None) -> None:
        """Remembers which Telegram message shows the current question (stored soon after,
        see `bot.services.question_messages`)."""
        self._messages.remember(response_id, message_id)

    async def _run(
        self,
        telegram_user_id: int,
        update: UpdateKey | None,
        raw: Raw,
        *,
        before: _Before | None = None,
        require_consent: bool = True,
    ) -> StepOutcome:
        now = self._clock.now()
        # Core statements on the driver connection: the engine's and a Session's layers
        # cost more than the statements (storage/driver.py).
        # The lock first, so that with several workers one person's updates apply one
        # after another, each reading what the one before committed (none on SQLite).
        async with begin_driver(self._sessions, lock_key=telegram_user_id) as connection:
            duplicate = update is not None and not await update_repo.mark_processed(
                connection, update, now
            )
            participation = await load_participation(
                connection,
                self._cache,
                telegram_user_id,
                now,
                for_update=True,
                answer_cache=self._answer_cache,
            )
            if duplicate:
                # Handled before: nothing is applied again. But Telegram redelivers what
                # was never acknowledged, e.g. when a worker died between the commit and
                # the reply, so the person's place is returned to be shown again.
                return StepOutcome(
                    participation=participation,
                    duplicate=True,
                    previous_message_id=self._shown_message(participation),
                )
            if participation is None:
                return StepOutcome(participation=None)
            if before is not None:
                await before(connection, participation)
                participation = await load_participation(
                    connection, self._cache, telegram_user_id, now, for_update=True
                )
                if participation is None:  # pragma: no cover - read under the same lock
                    return StepOutcome(participation=None)
            if require_consent and participation.participant.consent_at is None:
                return StepOutcome(participation=participation, needs_consent=True)
            if not accepts_answers(participation.phase):
                # Closed: /lanjut, Back, an old button or a review link show the closed
                # notice, never a question that could not be answered any more.
                return StepOutcome(participation=participation, closed=True)
            previous_message_id = self._shown_message(participation)
            previous_question_id = participation.state.current
            meaning = interpret(participation.questionnaire, participation.state, raw)
            if isinstance(meaning, Refusal):
                return StepOutcome(
                    participation=participation,
                    no_step=meaning,
                    previous_message_id=previous_message_id,
                    previous_question_id=previous_question_id,
                )
            engine_input = meaning.input
            result: StepResult = step(
                participation.questionnaire, participation.state, engine_input, now
            )
            await save_step(connection, participation, result, now, method=_method(raw))
            if participation.participant.unreachable_at is not None:
                await participant_repo.mark_reachable(connection, participation.participant.id)
        # Committed: the answers as they now are become the current copy.
        metrics.ANSWERS_SAVED.inc()
        response = participation.response
        if self._answer_cache is not None and response is not None:
            self._answer_cache.put(
                response.id,
                response.answers_revision,
                participation.questionnaire,
                participation.state.answers,
            )
        return StepOutcome(
            participation=participation,
            events=result.events,
            engine_input=engine_input,
            previous_message_id=previous_message_id,
            previous_question_id=previous_question_id,
            notices=(meaning.notice,) if meaning.notice else (),
        )


async def _consent(
    session: Executor, participant: ParticipantFacts, language: str, clock: Clock
) -> None:
    await participant_repo.set_language(session, participant.id, language)
    await participant_repo.record_consent(session, participant.id, clock.now())
    await participant_repo.clear_decline(session, participant.id)


def _method(raw: Raw) -> str | None:
    """How the participant gave the input, for the answer's paradata."""
    if isinstance(raw, Tap):
        return "tap"
    if isinstance(raw, Typed):
        return "typed"
    return None
