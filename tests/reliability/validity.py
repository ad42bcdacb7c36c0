"""Checks that every stored answer is one the questionnaire could have accepted."""

from __future__ import annotations

from sqlalchemy import select

from bot.questionnaire.engine import State
from bot.questionnaire.engine import missing_required as engine_missing
from bot.questionnaire.model import Answer as EngineAnswer
from bot.questionnaire.model import (
    AnswerStatus,
    Question,
    Questionnaire,
    QuestionType,
    value_from_json,
)
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Response


def _value_problem(question: Question, value: object) -> str | None:
    match question.type:
        case QuestionType.NOTE:
            return None if value is None else "a note holds a value"
        case QuestionType.SCALE | QuestionType.INTEGER:
            if not isinstance(value, int) or isinstance(value, bool):
                return f"not a whole number: {value!r}"
            low = question.scale_min if question.type is QuestionType.SCALE else question.min_value
            high = question.scale_max if question.type is QuestionType.SCALE else question.max_value
            if (low is not None and value < low) or (high is not None and value > high):
                return f"{value} out of range"
        case QuestionType.DECIMAL:
            if not isinstance(value, int | float) or isinstance(value, bool):
                return f"not a number: {value!r}"
        case QuestionType.SINGLE_CHOICE:
            if value not in {c.value for c in question.choices}:
                return f"not a choice: {value!r}"
        case QuestionType.MULTIPLE_CHOICE:
            allowed = {c.value for c in question.choices}
            if not isinstance(value, list) or len(set(value)) != len(value):
                return f"not a list of distinct choices: {value!r}"
            if not set(value) <= allowed:
                return f"unknown choices in {value!r}"
        case QuestionType.TEXT:
            if not isinstance(value, str) or len(value) > question.max_length:
                return f"not a text within {question.max_length}: {value!r:.60}"
    return None


def _problem(question: Question, status: str, value: object) -> str | None:
    if status == AnswerStatus.DONT_KNOW.value:
        return None if question.allow_dont_know else "don't know where it is not allowed"
    if status == AnswerStatus.SKIPPED.value:
        if question.required or question.type is QuestionType.NOTE:
            return "a required question skipped"
        return None if value is None else "a skipped answer with a value"
    if status != AnswerStatus.ANSWERED.value:
        return f"unknown status {status!r}"
    return _value_problem(question, value)


async def check_stored_answers_are_valid(db_url: str, questionnaire: Questionnaire) -> None:
    """Asserts the properties listed in tests/reliability/test_fuzzing.py's docstring."""
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            answers = (await session.scalars(select(Answer))).all()
            responses = (await session.scalars(select(Response))).all()
    finally:
        await engine.dispose()
    problems = []
    seen: set[tuple[int, str]] = set()
    by_response: dict[int, dict[str, EngineAnswer]] = {}
    for row in answers:
        key = (row.response_id, row.question_id)
        if key in seen:
            problems.append(f"{key} stored twice")
        seen.add(key)
        if not questionnaire.has_question(row.question_id):
            problems.append(f"{key}: no such question")
            continue
        problem = _problem(questionnaire.question(row.question_id), row.status, row.value)
        if problem:
            problems.append(f"{key}: {problem}")
        if row.change_count < 0 or (row.changed_at is not None) != (row.change_count > 0):
            problems.append(f"{key}: change_count {row.change_count}, changed_at {row.changed_at}")
        by_response.setdefault(row.response_id, {})[row.question_id] = EngineAnswer(
            row.question_id, AnswerStatus(row.status), value_from_json(row.value), row.answered_at
        )
    for response in responses:
        current = response.current_question_id
        if current is not None and not questionnaire.has_question(current):
            problems.append(f"response {response.id}: current question {current!r} unknown")
        if response.status == "submitted":
            state = State(answers=by_response.get(response.id, {}), submitted=True)
            missing = engine_missing(questionnaire, state)
            if missing:
                problems.append(f"response {response.id} submitted without {missing}")
    assert not problems, "\n".join(problems[:20])
