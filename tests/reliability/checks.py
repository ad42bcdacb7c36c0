"""What must hold in the database after participants played through the bot."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from bench.people import ScriptedPerson
from bench.seeding import Invitee
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Response


@dataclass(frozen=True)
class StoredAnswer:
    """One answers row."""

    status: str
    value: object
    change_count: int


async def stored_answers(db_url: str) -> dict[int, dict[str, list[StoredAnswer]]]:
    """Every answer row by participant id and question id (a list, to see duplicates)."""
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            rows = await session.execute(
                select(
                    Response.participant_id,
                    Answer.question_id,
                    Answer.status,
                    Answer.value,
                    Answer.change_count,
                ).join(Response, Response.id == Answer.response_id)
            )
            found: dict[int, dict[str, list[StoredAnswer]]] = {}
            for participant_id, question_id, status, value, changes in rows:
                found.setdefault(participant_id, {}).setdefault(question_id, []).append(
                    StoredAnswer(status, value, changes)
                )
            return found
    finally:
        await engine.dispose()


async def response_statuses(db_url: str) -> Counter[str]:
    """How many responses are in progress and submitted."""
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            return Counter((await session.scalars(select(Response.status))).all())
    finally:
        await engine.dispose()


def _as_stored(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def check_answers_match_plans(
    people: list[tuple[Invitee, ScriptedPerson]],
    stored: dict[int, dict[str, list[StoredAnswer]]],
) -> None:
    """Each question a person answered is stored once, with their answer, never revised
    (a person always gives the same answer to the same question)."""
    problems = []
    for invitee, person in people:
        answers = stored.get(invitee.participant_id, {})
        for question_id, plan in person.plans.items():
            rows = answers.get(question_id, [])
            if len(rows) != 1:
                problems.append(f"{invitee.name}: {question_id} stored {len(rows)} times")
                continue
            row = rows[0]
            if (row.status, row.value) != (plan.status, _as_stored(plan.value)):
                problems.append(
                    f"{invitee.name}: {question_id} is {row.status} {row.value!r}, "
                    f"answered {plan.status} {plan.value!r}"
                )
            if row.change_count != 0:
                problems.append(f"{invitee.name}: {question_id} changed {row.change_count}x")
        unexpected = set(answers) - set(person.plans)
        if unexpected:
            problems.append(f"{invitee.name}: answers nobody gave: {sorted(unexpected)}")
    assert not problems, "\n".join(problems[:20])
