"""Loading a participant's questionnaire state from storage and writing engine results back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.questionnaire.engine import (
    AnswerRecorded,
    CalculationRecorded,
    Reopened,
    State,
    StepResult,
    Submitted,
)
from bot.questionnaire.model import (
    Answer,
    AnswerStatus,
    Questionnaire,
    value_from_json,
    value_to_json,
)
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.answer_cache import AnswerCache
from bot.workshop_state import WorkshopPhase, workshop_phase
from storage.db import Executor
from storage.models import Questionnaire as QuestionnaireRow
from storage.models import ResponseStatus
from storage.repositories import participants as participant_repo
from storage.repositories import responses as response_repo
from storage.repositories.participants import ParticipantFacts, ResponseFacts, WorkshopFacts
from storage.repositories.responses import Paradata


@dataclass
class Participation:
    """Everything needed to answer one participant: who, where, which form, how far.

    Plain values read in one query (`participant_repo.get_context_by_telegram_user`), not
    ORM objects: this is loaded for every answer.
    """

    participant: ParticipantFacts
    workshop: WorkshopFacts
    questionnaire_id: int
    questionnaire: Questionnaire
    response: ResponseFacts | None
    state: State
    phase: WorkshopPhase

    @property
    def language(self) -> str:
        """The participant's chosen language."""
        return self.participant.language

    @property
    def submitted(self) -> bool:
        """Tells whether the answers are handed in."""
        return self.state.submitted


async def load_participation(
    session: Executor,
    cache: QuestionnaireCache,
    telegram_user_id: int,
    now: datetime,
    *,
    for_update: bool = False,
    answer_cache: AnswerCache | None = None,
) -> Participation | None:
    """Loads the participant bound to the account, with their response state.

    ``for_update=True`` locks the participant for a step (PostgreSQL; SQLite's write
    transactions are serial anyway). With `answer_cache`, the answers are read only when
    the cache holds no current copy (and the copy read is kept there)."""
    # One query for participant, workshop, questionnaire hash, agenda span and response,
    # one for the answers: each round trip costs more than the work done with it.
    context = await participant_repo.get_context_by_telegram_user(
        session, telegram_user_id, lock=for_update
    )
    if context is None:
        return None
    workshop = context.workshop
    span = (
        [_Span(context.agenda_starts_at, context.agenda_ends_at)]
        if context.agenda_starts_at is not None and context.agenda_ends_at is not None
        else []
    )
    questionnaire = await _questionnaire(
        session, cache, workshop.questionnaire_id, context.questionnaire_hash
    )
    response = context.response
    state = State()
    if response is not None:
        answers = (
            answer_cache.get(response.id, response.answers_revision, questionnaire)
            if answer_cache is not None
            else None
        )
        if answers is None:
            answers = await _read_answers(session, response.id, questionnaire)
        state = State(
            answers=answers,
            current=response.current_question_id,
            trail=response.trail,
            submitted=response.status == ResponseStatus.SUBMITTED.value,
        )
        if answer_cache is not None:
            answer_cache.put(response.id, response.answers_revision, questionnaire, state.answers)
    return Participation(
        participant=context.participant,
        workshop=workshop,
        questionnaire_id=workshop.questionnaire_id,
        questionnaire=questionnaire,
        response=response,
        state=state,
        phase=workshop_phase(workshop.manual_state, span, now),
    )


async def _read_answers(
    session: Executor, response_id: int, questionnaire: Questionnaire
) -> dict[str, Answer]:
    stored = await response_repo.answer_values(session, response_id)
    return {
        question_id: Answer(
            question_id=question_id,
            status=AnswerStatus(status),
            value=value_from_json(value),
            answered_at=answered_at,
        )
        for question_id, status, value, answered_at in stored
        if questionnaire.has_question(question_id)
    }


@dataclass(frozen=True)
class _Span:
    """The agenda as the phase sees it: from the first start to the last end."""

    starts_at: datetime
    ends_at: datetime


async def save_step(
    session: Executor,
    participation: Participation,
    result: StepResult,
    now: datetime,
    *,
    method: str | None = None,
) -> Participation:
    """Writes the answers and position a step produced; returns the updated participation.

    Core statements by id: an answer is one INSERT (or UPDATE when revised) and the
    response one UPDATE of its position and time. Each answer keeps its paradata: when
    its question was shown, how it was given (`method`: tap or typed; a change of an
    earlier answer counts as review) and the language."""
    response = participation.response
    response_id = (
        response.id
        if response is not None
        else await response_repo.start_response(
            session,
            participant_id=participation.participant.id,
            questionnaire_id=participation.questionnaire_id,
            now=now,
        )
    )
    status = response.status if response is not None else ResponseStatus.IN_PROGRESS.value
    current = response.current_question_id if response is not None else None
    shown_at = response.current_shown_at if response is not None else None
    touched = False
    for event in result.events:
        if isinstance(event, AnswerRecorded) and event.changed:
            before = participation.state
            paradata = Paradata(
                # The time on screen is known for the question that was current.
                shown_at=shown_at if event.question_id == current else None,
                method="review" if before.answer(event.question_id) is not None else method,
                language=participation.language,
            )
            await _write_answer(session, response_id, before, event, now, paradata)
            touched = True
        elif isinstance(event, CalculationRecorded):
            # A calculation the answer changed: stored with the answers, never asked.
            paradata = Paradata(method="calculated", language=participation.language)
            await _write_answer(session, response_id, participation.state, event, now, paradata)
            touched = True
        elif isinstance(event, Submitted):
            await response_repo.submit_by_id(session, response_id, now)
            status = ResponseStatus.SUBMITTED.value
        elif isinstance(event, Reopened):
            await response_repo.reopen_by_id(session, response_id, now)
            status = ResponseStatus.IN_PROGRESS.value
    new = result.state
    trail = response.trail if response is not None else ()
    if new.current != current:
        shown_at = now  # the next question goes on screen now
    if touched or new.current != current or tuple(new.trail) != tuple(trail):
        await response_repo.save_position(
            session,
            response_id,
            current_question_id=new.current,
            trail=new.trail,
            now=now,
            answers_changed=touched,
            shown_at=shown_at,
        )
    revision = response.answers_revision if response is not None else 0
    participation.response = ResponseFacts(
        response_id,
        status,
        new.current,
        tuple(new.trail),
        response.current_message_id if response is not None else None,
        revision + 1 if touched else revision,
        shown_at,
    )
    participation.state = new
    return participation


async def _write_answer(
    session: Executor,
    response_id: int,
    before: State,
    event: AnswerRecorded | CalculationRecorded,
    now: datetime,
    paradata: Paradata,
) -> None:
    """One statement in the usual case: the state loaded under the participant's lock tells
    whether this is a first answer (INSERT) or a change (UPDATE); should the table say
    otherwise, the other statement follows."""
    question_id = event.question_id
    status, value = event.answer.status.value, value_to_json(event.answer.value)
    writes = (response_repo.insert_answer, response_repo.revise_answer)
    if before.answer(question_id) is not None:
        writes = writes[::-1]
    for write in writes:
        if await write(
            session,
            response_id=response_id,
            question_id=question_id,
            status=status,
            value=value,
            now=now,
            paradata=paradata,
        ):
            return


async def _questionnaire(
    session: Executor, cache: QuestionnaireCache, questionnaire_id: int, content_hash: str
) -> Questionnaire:
    async def definition() -> dict[str, object]:
        stored: dict[str, object] | None = await session.scalar(
            select(QuestionnaireRow.definition).where(QuestionnaireRow.id == questionnaire_id)
        )
        assert stored is not None  # a foreign key guarantees it
        return stored

    return await cache.get(content_hash, definition)
