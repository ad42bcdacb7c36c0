"""What a question offers besides typing: its default as one tap, and a skip when allowed."""

from __future__ import annotations

from bot.questionnaire.engine import State, is_required
from bot.questionnaire.model import AnswerValue, Question, Questionnaire, QuestionType
from bot.questionnaire.relevance import compute_relevance
from bot.questionnaire.validation import Rejection, validate_answer


def may_skip(questionnaire: Questionnaire, state: State, question: Question) -> bool:
    """Tells whether `Skip` is accepted for the question now (notes are passed, not skipped)."""
    if question.type in (QuestionType.NOTE, QuestionType.CALCULATE):
        return False
    if question.required_if is None:
        return not question.required
    return not is_required(question, compute_relevance(questionnaire, state.answers).values)


def default_answer(
    questionnaire: Questionnaire, state: State, question: Question
) -> AnswerValue | None:
    """The question's `default` as the answer one tap gives; None without one or if refused.

    A multiple choice's default names its choices separated by spaces, as in XLSForm."""
    if question.default is None or question.type in (QuestionType.NOTE, QuestionType.CALCULATE):
        return None
    raw: object = question.default
    if question.type is QuestionType.MULTIPLE_CHOICE:
        raw = tuple(question.default.split())
    values = compute_relevance(questionnaire, state.answers).values
    value = validate_answer(question, raw, values)
    return None if isinstance(value, Rejection) else value
