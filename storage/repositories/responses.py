"""Responses and their answers: a participant's progress, written on every step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Executor
from storage.errors import NotFound
from storage.models import Answer, AnswerStatus, Participant, Response, ResponseStatus
from storage.repositories._conflict import insert_ignoring_conflict


async def get_or_create_response(
    session: AsyncSession, *, participant_id: int, questionnaire_id: int, now: dt.datetime
) -> Response:
    """Return the participant's response to the questionnaire, starting it if needed.

    The returned row is locked for the rest of the transaction on PostgreSQL, so
    concurrent steps of the same participant apply one after the other.
    """
    await start_response(
        session, participant_id=participant_id, questionnaire_id=questionnaire_id, now=now
    )
    response = await get_response(
        session, participant_id=participant_id, questionnaire_id=questionnaire_id, lock=True
    )
    if response is None:  # pragma: no cover - the row was just inserted or already there
        raise NotFound(f"response of participant {participant_id} vanished")
    return response


async def get_response(
    session: AsyncSession, *, participant_id: int, questionnaire_id: int, lock: bool = False
) -> Response | None:
    """Return the participant's response to the questionnaire, or None if not started.

    ``lock=True`` takes a row lock (PostgreSQL) for a read-modify-write.
    """
    statement = _LOCKED_RESPONSE if lock else _RESPONSE
    return await session.scalar(
        statement, {"participant_id": participant_id, "questionnaire_id": questionnaire_id}
    )


# Built once: these run for every answer, and building a statement and its cache key each
# time cost more than executing it.
_RESPONSE = select(Response).where(
    Response.participant_id == bindparam("participant_id"),
    Response.questionnaire_id == bindparam("questionnaire_id"),
)
# populate_existing: a locked read must not be answered from a stale identity map.
_LOCKED_RESPONSE = _RESPONSE.with_for_update().execution_options(populate_existing=True)


async def get_response_by_id(session: AsyncSession, response_id: int) -> Response | None:
    """Return the response with the id, or None."""
    return await session.get(Response, response_id)


async def upsert_answer(
    session: AsyncSession,
    *,
    response: Response,
    question_id: str,
    status: AnswerStatus | str,
    value: Any,
    now: dt.datetime,
) -> Answer:
    """Record the answer to a question, replacing an earlier one.

    A change of status or value sets changed_at and bumps change_count (how often a
    participant revised an answer is itself worth reporting); repeating the same answer,
    e.g. from a redelivered tap, changes nothing.
    """
    status = AnswerStatus(status).value
    inserted = await insert_ignoring_conflict(
        session,
        Answer,
        {
            "response_id": response.id,
            "question_id": question_id,
            "status": status,
            "value": value,
            "answered_at": now,
            "change_count": 0,
        },
        conflict_columns=("response_id", "question_id"),
        returning=Answer.id,
    )
    answer = await session.scalar(
        select(Answer)
        .where(Answer.response_id == response.id, Answer.question_id == question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if answer is None:  # pragma: no cover - the row was just inserted or already there
        raise NotFound(f"answer {question_id!r} of response {response.id} vanished")
    changed = inserted is not None
    if inserted is None and (answer.status != status or answer.value != value):
        answer.status = status
        answer.value = value
        answer.changed_at = now
        answer.change_count += 1
        changed = True
    if changed:
        response.answers_revision = (response.answers_revision or 0) + 1
    response.updated_at = now
    await session.flush()
    return answer


async def insert_answer(
    session: Executor,
    *,
    response_id: int,
    question_id: str,
    status: AnswerStatus | str,
    value: Any,
    now: dt.datetime,
) -> bool:
    """Record a first answer to a question in one statement; False if one already exists.

    For the caller that knows from the loaded state that the question has no answer yet
    (it holds the participant's lock); `upsert_answer` covers the other cases. The
    response's updated_at is the caller's to set (`save_position`).
    """
    inserted = await insert_ignoring_conflict(
        session,
        Answer,
        {
            "response_id": response_id,
            "question_id": question_id,
            "status": AnswerStatus(status).value,
            "value": value,
            "answered_at": now,
            "change_count": 0,
        },
        conflict_columns=("response_id", "question_id"),
        returning=Answer.id,
    )
    return inserted is not None


async def revise_answer(
    session: Executor,
    *,
    response_id: int,
    question_id: str,
    status: AnswerStatus | str,
    value: Any,
    now: dt.datetime,
) -> bool:
    """Replace an answer known to differ from the stored one, in one statement: sets
    changed_at and bumps change_count as `upsert_answer` does. False if there is none."""
    result = await session.execute(
        _REVISE_ANSWER,
        {
            "b_response_id": response_id,
            "b_question_id": question_id,
            "b_status": AnswerStatus(status).value,
            "b_value": value,
            "b_changed_at": now,
        },
    )
    return cast("CursorResult[Any]", result).rowcount > 0


_answers = cast("Table", Answer.__table__)
_REVISE_ANSWER = (
    update(_answers)
    .where(
        _answers.c.response_id == bindparam("b_response_id"),
        _answers.c.question_id == bindparam("b_question_id"),
    )
    .values(
        status=bindparam("b_status"),
        value=bindparam("b_value", type_=_answers.c.value.type),
        changed_at=bindparam("b_changed_at", type_=_answers.c.changed_at.type),
        change_count=_answers.c.change_count + 1,
    )
)
_ANSWER_VALUES = (
    select(_answers.c.question_id, _answers.c.status, _answers.c.value, _answers.c.answered_at)
    .where(_answers.c.response_id == bindparam("response_id"))
    .order_by(_answers.c.answered_at, _answers.c.id)
)


async def answer_values(
    session: Executor, response_id: int
) -> list[tuple[str, str, Any, dt.datetime]]:
    """(question id, status, value, answered at) of the response's answers, in the order
    first answered; plain rows, cheaper than `load_answers` for reading state."""
    rows = await session.execute(_ANSWER_VALUES, {"response_id": response_id})
    return [(question_id, status, value, at) for question_id, status, value, at in rows]


async def set_current_messages(
    session: AsyncSession, message_ids: Mapping[int, int | None], now: dt.datetime
) -> None:
    """Store the ids of the messages showing the current questions of many responses
    (response id -> message id), in one statement."""
    if not message_ids:
        return
    await session.execute(
        _SET_CURRENT_MESSAGE,
        [
            {"response_id": response_id, "message_id": message_id, "now": now}
            for response_id, message_id in message_ids.items()
        ],
    )


_responses = cast("Table", Response.__table__)
_SET_CURRENT_MESSAGE = (
    update(_responses)
    .where(_responses.c.id == bindparam("response_id"))
    .values(
        current_message_id=bindparam("message_id"),
        updated_at=bindparam("now", type_=_responses.c.updated_at.type),
    )
)


async def start_response(
    session: Executor, *, participant_id: int, questionnaire_id: int, now: dt.datetime
) -> int:
    """Start the participant's response to the questionnaire (or find the one started by
    a racing transaction); return its id. Core statements, for the answer path."""
    inserted = await insert_ignoring_conflict(
        session,
        Response,
        {
            "participant_id": participant_id,
            "questionnaire_id": questionnaire_id,
            "status": ResponseStatus.IN_PROGRESS.value,
            "trail": [],
            "started_at": now,
            "updated_at": now,
        },
        conflict_columns=("participant_id", "questionnaire_id"),
        returning=Response.id,
    )
    if inserted is not None:
        return int(inserted)
    existing = await session.scalar(
        _RESPONSE_ID, {"participant_id": participant_id, "questionnaire_id": questionnaire_id}
    )
    if existing is None:  # pragma: no cover - the row was just inserted or already there
        raise NotFound(f"response of participant {participant_id} vanished")
    return int(existing)


async def save_position(
    session: Executor,
    response_id: int,
    *,
    current_question_id: str | None,
    trail: Sequence[str],
    now: dt.datetime,
    answers_changed: bool = False,
) -> None:
    """Store where the participant is, the path that led there and the time, in one
    statement (`set_position` does the same for a loaded ORM response);
    ``answers_changed=True`` also bumps the answers' revision (after `insert_answer` or
    `revise_answer`)."""
    await session.execute(
        _SAVE_POSITION_AND_REVISION if answers_changed else _SAVE_POSITION,
        {
            "response_id": response_id,
            "current_question_id": current_question_id,
            "trail": list(trail),
            "now": now,
        },
    )


async def submit_by_id(session: Executor, response_id: int, now: dt.datetime) -> None:
    """`mark_submitted` in one statement, by id."""
    await session.execute(
        update(_responses)
        .where(_responses.c.id == response_id)
        .values(
            status=ResponseStatus.SUBMITTED.value,
            submitted_at=now,
            current_question_id=None,
            updated_at=now,
        )
    )


async def reopen_by_id(session: Executor, response_id: int, now: dt.datetime) -> None:
    """`reopen` in one statement, by id."""
    await session.execute(
        update(_responses)
        .where(_responses.c.id == response_id)
        .values(status=ResponseStatus.IN_PROGRESS.value, reopened_at=now, updated_at=now)
    )


_RESPONSE_ID = select(_responses.c.id).where(
    _responses.c.participant_id == bindparam("participant_id"),
    _responses.c.questionnaire_id == bindparam("questionnaire_id"),
)
_SAVE_POSITION = (
    update(_responses)
    .where(_responses.c.id == bindparam("response_id"))
    .values(
        current_question_id=bindparam("current_question_id"),
        trail=bindparam("trail", type_=_responses.c.trail.type),
        updated_at=bindparam("now", type_=_responses.c.updated_at.type),
    )
)
_SAVE_POSITION_AND_REVISION = _SAVE_POSITION.values(
    answers_revision=_responses.c.answers_revision + 1
)


async def load_answers(session: AsyncSession, response_id: int) -> dict[str, Answer]:
    """Return the response's answers keyed by question id, in the order first answered."""
    rows = await session.scalars(
        select(Answer)
        .where(Answer.response_id == response_id)
        .order_by(Answer.answered_at, Answer.id)
    )
    return {answer.question_id: answer for answer in rows.all()}


async def delete_answers(
    session: AsyncSession, response_id: int, question_ids: Collection[str]
) -> int:
    """Delete the answers to the questions (e.g. a branch no longer relevant); return count."""
    if not question_ids:
        return 0
    deleted = await session.scalars(
        delete(Answer)
        .where(Answer.response_id == response_id, Answer.question_id.in_(list(question_ids)))
        .returning(Answer.id)
    )
    count = len(deleted.all())
    if count:
        await session.execute(
            update(_responses)
            .where(_responses.c.id == response_id)
            .values(answers_revision=_responses.c.answers_revision + 1)
        )
    return count


async def set_position(
    session: AsyncSession,
    response: Response,
    *,
    current_question_id: str | None,
    trail: Sequence[str],
    now: dt.datetime,
) -> Response:
    """Store where the participant is and the path that led there."""
    response.current_question_id = current_question_id
    response.trail = list(trail)
    response.updated_at = now
    await session.flush()
    return response


async def set_current_message(
    session: AsyncSession, response: Response, message_id: int | None, now: dt.datetime
) -> Response:
    """Store the id of the Telegram message showing the current question."""
    response.current_message_id = message_id
    response.updated_at = now
    await session.flush()
    return response


async def mark_submitted(session: AsyncSession, response: Response, now: dt.datetime) -> Response:
    """Mark the response submitted; the latest submission time is kept."""
    response.status = ResponseStatus.SUBMITTED.value
    response.submitted_at = now
    response.current_question_id = None
    response.updated_at = now
    await session.flush()
    return response


async def reopen(session: AsyncSession, response: Response, now: dt.datetime) -> Response:
    """Put a submitted response back in progress so its answers can be revised."""
    response.status = ResponseStatus.IN_PROGRESS.value
    response.reopened_at = now
    response.updated_at = now
    await session.flush()
    return response


async def answers_for_workshop(
    session: AsyncSession, workshop_id: int, questionnaire_id: int
) -> list[tuple[Participant, Response, Answer]]:
    """Return every answer to the questionnaire given in the workshop, for exports."""
    rows = await session.execute(
        select(Participant, Response, Answer)
        .join(Response, Response.participant_id == Participant.id)
        .join(Answer, Answer.response_id == Response.id)
        .where(
            Participant.workshop_id == workshop_id,
            Response.questionnaire_id == questionnaire_id,
        )
        .order_by(Participant.id, Answer.answered_at, Answer.id)
    )
    return [(participant, response, answer) for participant, response, answer in rows]
