"""Loading a participant's questionnaire state from storage and writing engine results back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.questionnaire.engine import (
    AnswerRecorded,
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
from bot.workshop_state import WorkshopPhase, workshop_phase
from storage.models import Participant, Response, ResponseStatus, Workshop
from storage.models import Questionnaire as QuestionnaireRow
from storage.repositories import participants as participant_repo
from storage.repositories import responses as response_repo
from storage.repositories import workshops as workshop_repo


@dataclass
class Participation:
    """Everything needed to answer one participant: who, where, which form, how far."""

    participant: Participant
    workshop: Workshop
    questionnaire_id: int
    questionnaire: Questionnaire
    response: Response | None
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
    session: AsyncSession,
    cache: QuestionnaireCache,
    telegram_user_id: int,
    now: datetime,
    *,
    for_update: bool = False,
) -> Participation | None:
    """Loads the participant bound to the account, with their response state."""
    # One query for participant, workshop, questionnaire hash and agenda span: this runs
    # for every answer, and each round trip to the database costs more than the work.
    context = await participant_repo.get_context_by_telegram_user(session, telegram_user_id)
    if context is None:
        return None
    span = (
        [_Span(context.agenda_starts_at, context.agenda_ends_at)]
        if context.agenda_starts_at is not None and context.agenda_ends_at is not None
        else []
    )
    return await _assemble(
        session,
        cache,
        context.participant,
        context.workshop,
        context.questionnaire_hash,
        workshop_phase(context.workshop.manual_state, span, now),
        for_update=for_update,
    )


async def load_for_participant(
    session: AsyncSession,
    cache: QuestionnaireCache,
    participant: Participant,
    now: datetime,
    *,
    for_update: bool = False,
) -> Participation:
    """Loads a known participant's workshop, questionnaire and response state."""
    workshop = await workshop_repo.get_workshop(session, participant.workshop_id)
    if workshop is None:  # pragma: no cover - a foreign key guarantees it
        raise LookupError(f"workshop {participant.workshop_id} is missing")
    content_hash = await session.scalar(
        select(QuestionnaireRow.content_hash).where(
            QuestionnaireRow.id == workshop.questionnaire_id
        )
    )
    if content_hash is None:  # pragma: no cover - a foreign key guarantees it
        raise LookupError(f"questionnaire {workshop.questionnaire_id} is missing")
    agenda = await workshop_repo.list_agenda(session, workshop.id)
    phase = workshop_phase(workshop.manual_state, agenda, now)
    return await _assemble(
        session, cache, participant, workshop, content_hash, phase, for_update=for_update
    )


@dataclass(frozen=True)
class _Span:
    """The agenda as the phase sees it: from the first start to the last end."""

    starts_at: datetime
    ends_at: datetime


async def _assemble(
    session: AsyncSession,
    cache: QuestionnaireCache,
    participant: Participant,
    workshop: Workshop,
    content_hash: str,
    phase: WorkshopPhase,
    *,
    for_update: bool,
) -> Participation:
    questionnaire = await _questionnaire(session, cache, workshop.questionnaire_id, content_hash)
    response = await response_repo.get_response(
        session,
        participant_id=participant.id,
        questionnaire_id=workshop.questionnaire_id,
        lock=for_update,
    )
    state = State()
    if response is not None:
        stored = await response_repo.answer_values(session, response.id)
        state = State(
            answers={
                question_id: Answer(
                    question_id=question_id,
                    status=AnswerStatus(status),
                    value=value_from_json(value),
                    answered_at=answered_at,
                )
                for question_id, status, value, answered_at in stored
                if questionnaire.has_question(question_id)
            },
            current=response.current_question_id,
            trail=tuple(response.trail or ()),
            submitted=response.status == ResponseStatus.SUBMITTED.value,
        )
    return Participation(
        participant=participant,
        workshop=workshop,
        questionnaire_id=workshop.questionnaire_id,
        questionnaire=questionnaire,
        response=response,
        state=state,
        phase=phase,
    )


async def save_step(
    session: AsyncSession, participation: Participation, result: StepResult, now: datetime
) -> Participation:
    """Writes the answers and position a step produced; returns the updated participation."""
    response = participation.response
    if response is None:
        response = await response_repo.get_or_create_response(
            session,
            participant_id=participation.participant.id,
            questionnaire_id=participation.questionnaire_id,
            now=now,
        )
    for event in result.events:
        if isinstance(event, AnswerRecorded) and event.changed:
            await _write_answer(session, response, participation.state, event, now)
        elif isinstance(event, Submitted):
            await response_repo.mark_submitted(session, response, now)
        elif isinstance(event, Reopened):
            await response_repo.reopen(session, response, now)
    new = result.state
    if new.current != response.current_question_id or list(new.trail) != list(response.trail):
        await response_repo.set_position(
            session, response, current_question_id=new.current, trail=new.trail, now=now
        )
    participation.response = response
    participation.state = new
    return participation


async def _write_answer(
    session: AsyncSession, response: Response, before: State, event: AnswerRecorded, now: datetime
) -> None:
    """One statement in the usual case: the state loaded under the response's lock tells
    whether this is a first answer or a change; anything unexpected takes the general path."""
    question_id = event.question_id
    status, value = event.answer.status.value, value_to_json(event.answer.value)
    if before.answer(question_id) is None:
        written = await response_repo.insert_answer(
            session, response=response, question_id=question_id, status=status, value=value, now=now
        )
    else:
        written = await response_repo.revise_answer(
            session, response=response, question_id=question_id, status=status, value=value, now=now
        )
    if not written:
        await response_repo.upsert_answer(
            session, response=response, question_id=question_id, status=status, value=value, now=now
        )


async def _questionnaire(
    session: AsyncSession, cache: QuestionnaireCache, questionnaire_id: int, content_hash: str
) -> Questionnaire:
    async def definition() -> dict[str, object]:
        row = await session.get(QuestionnaireRow, questionnaire_id)
        assert row is not None
        return row.definition

    return await cache.get(content_hash, definition)
