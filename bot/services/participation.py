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
    participant = await participant_repo.get_by_telegram_user(session, telegram_user_id)
    if participant is None:
        return None
    return await load_for_participant(session, cache, participant, now, for_update=for_update)


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
    questionnaire = await _questionnaire(session, cache, workshop.questionnaire_id)
    response = await response_repo.get_response(
        session,
        participant_id=participant.id,
        questionnaire_id=workshop.questionnaire_id,
        lock=for_update,
    )
    state = State()
    if response is not None:
        stored = await response_repo.load_answers(session, response.id)
        state = State(
            answers={
                question_id: Answer(
                    question_id=question_id,
                    status=AnswerStatus(row.status),
                    value=value_from_json(row.value),
                    answered_at=row.answered_at,
                )
                for question_id, row in stored.items()
                if questionnaire.has_question(question_id)
            },
            current=response.current_question_id,
            trail=tuple(response.trail or ()),
            submitted=response.status == ResponseStatus.SUBMITTED.value,
        )
    agenda = await workshop_repo.list_agenda(session, workshop.id)
    return Participation(
        participant=participant,
        workshop=workshop,
        questionnaire_id=workshop.questionnaire_id,
        questionnaire=questionnaire,
        response=response,
        state=state,
        phase=workshop_phase(workshop.manual_state, agenda, now),
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
            await response_repo.upsert_answer(
                session,
                response=response,
                question_id=event.question_id,
                status=event.answer.status.value,
                value=value_to_json(event.answer.value),
                now=now,
            )
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


async def _questionnaire(
    session: AsyncSession, cache: QuestionnaireCache, questionnaire_id: int
) -> Questionnaire:
    content_hash = await session.scalar(
        select(QuestionnaireRow.content_hash).where(QuestionnaireRow.id == questionnaire_id)
    )
    if content_hash is None:  # pragma: no cover - a foreign key guarantees it
        raise LookupError(f"questionnaire {questionnaire_id} is missing")

    async def definition() -> dict[str, object]:
        row = await session.get(QuestionnaireRow, questionnaire_id)
        assert row is not None
        return row.definition

    return await cache.get(content_hash, definition)
