"""Responses and their answers: a participant's progress, written on every step.

One write path, the one the bot runs: Core statements by id on a session or a bare
connection (`storage.db.Executor`), each one round trip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Executor
from storage.errors import NotFound
from storage.models import Answer, AnswerStatus, Response, ResponseStatus
from storage.repositories._conflict import insert_ignoring_conflict


@dataclass(frozen=True, slots=True)
class Paradata:
    """How an answer was given: when its question was shown, by tap, typing or review, and
    in which language. Stored with the answer; never shown to participants."""

    shown_at: dt.datetime | None = None
    method: str | None = None
    language: str | None = None


NO_PARADATA = Paradata()


async def insert_answer(
    session: Executor,
    *,
    response_id: int,
    question_id: str,
    status: AnswerStatus | str,
    value: Any,
    now: dt.datetime,
    paradata: Paradata = NO_PARADATA,
) -> bool:
    """Record a first answer to a question in one statement; False if one already exists.

    For the caller that knows from the loaded state that the question has no answer yet
    (it holds the participant's lock); `revise_answer` replaces an existing one. The
    response's updated_at and answers' revision are the caller's to set (`save_position`).
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
            "shown_at": paradata.shown_at,
            "method": paradata.method,
            "language": paradata.language,
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
    paradata: Paradata = NO_PARADATA,
) -> bool:
    """Replace an answer known to differ from the stored one, in one statement; False if
    there is none.

    Sets changed_at and bumps change_count: how often a participant revised an answer is
    itself worth reporting. Repeating the same answer (a redelivered tap) is no revision,
    so the caller writes nothing then."""
    result = await session.execute(
        _REVISE_ANSWER,
        {
            "b_response_id": response_id,
            "b_question_id": question_id,
            "b_status": AnswerStatus(status).value,
            "b_value": value,
            "b_changed_at": now,
            "b_shown_at": paradata.shown_at,
            "b_method": paradata.method,
            "b_language": paradata.language,
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
        shown_at=bindparam("b_shown_at", type_=_answers.c.shown_at.type),
        method=bindparam("b_method"),
        language=bindparam("b_language"),
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
    first answered; plain rows, cheap enough to read on every step."""
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
    shown_at: dt.datetime | None = None,
) -> None:
    """Store where the participant is, the path that led there and the time, in one
    statement; ``answers_changed=True`` also bumps the answers' revision (after
    `insert_answer` or `revise_answer`). `shown_at` is when the current question was
    put on screen (paradata of the answer it will get)."""
    await session.execute(
        _SAVE_POSITION_AND_REVISION if answers_changed else _SAVE_POSITION,
        {
            "response_id": response_id,
            "current_question_id": current_question_id,
            "trail": list(trail),
            "now": now,
            "shown_at": shown_at,
        },
    )


async def submit_by_id(session: Executor, response_id: int, now: dt.datetime) -> None:
    """Mark the response submitted, in one statement; a later submission's time replaces
    an earlier one."""
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
    """Put a submitted response back in progress so its answers can be revised; the
    submission time is kept."""
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
        current_shown_at=bindparam("shown_at", type_=_responses.c.current_shown_at.type),
    )
)
_SAVE_POSITION_AND_REVISION = _SAVE_POSITION.values(
    answers_revision=_responses.c.answers_revision + 1
)
