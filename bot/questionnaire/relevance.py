"""Which questions are relevant given the answers so far, and the values conditions see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.questionnaire.evaluation import evaluate, is_true, to_text
from bot.questionnaire.expressions import Value
from bot.questionnaire.model import (
    Answer,
    AnswerStatus,
    Question,
    Questionnaire,
    QuestionType,
    ReadOnlyAnswers,
)


@dataclass(frozen=True)
class Relevance:
    """The relevant questions (form order) and the values expressions can refer to."""

    questions: tuple[Question, ...]
    ids: frozenset[str]
    values: Mapping[str, Value]
    # The values of relevant calculate questions (never asked, so not in `questions`).
    calculated: Mapping[str, Value] = field(default_factory=dict)

    def is_relevant(self, question_id: str) -> bool:
        """Tells whether `question_id` is relevant."""
        return question_id in self.ids


def expression_value(answer: Answer | None) -> Value | None:
    """Returns the value an expression sees for an answer (None reads as empty)."""
    if answer is None or answer.status is not AnswerStatus.ANSWERED:
        return None
    return answer.value


# Results for the read-only answers seen last, by identity: one step of a participant
# asks for the relevance of the same answers several times (validate, move on, show
# progress). `ReadOnlyAnswers` never change, so the same object means the same answers;
# the entry holds both objects, so their ids cannot be reused while it exists.
_MEMO_SIZE = 64
_memo: dict[tuple[int, int], tuple[Questionnaire, ReadOnlyAnswers, Relevance]] = {}


def compute_relevance(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> Relevance:
    """Evaluates every `relevant` condition in form order.

    Like ODK, the answer of a question that is not relevant reads as empty, so hiding a
    question also hides the questions that depend on it. Conditions only refer to
    earlier questions (the loader checks this), so one pass in form order suffices.
    """
    if type(answers) is not ReadOnlyAnswers:
        return _compute(questionnaire, answers)
    key = (id(questionnaire), id(answers))
    entry = _memo.get(key)
    if entry is not None and entry[0] is questionnaire and entry[1] is answers:
        return entry[2]
    relevance = _compute(questionnaire, answers)
    if len(_memo) >= _MEMO_SIZE:
        del _memo[next(iter(_memo))]  # the oldest
    _memo[key] = (questionnaire, answers, relevance)
    return relevance


def _compute(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> Relevance:
    relevant: list[Question] = []
    values: dict[str, Value] = {}
    calculated: dict[str, Value] = {}
    for question in questionnaire.questions:
        if question.relevant is not None and not is_true(question.relevant, values):
            continue
        if question.calculation is not None:
            # Calculations see earlier values, like conditions; an empty or failed one is "".
            result = evaluate(question.calculation, values)
            text = to_text(result)
            calculated[question.id] = result if text != "" else ""
            if text != "":
                values[question.id] = result
            continue
        relevant.append(question)
        value = expression_value(answers.get(question.id))
        if value is not None:
            values[question.id] = value
    return Relevance(tuple(relevant), frozenset(q.id for q in relevant), values, calculated)


def changed_calculations(
    questionnaire: Questionnaire, answers: Mapping[str, Answer], now: datetime
) -> tuple[Answer, ...]:
    """The calculations whose stored value differs from what the answers now give, as the
    answers to store: text, as ODK stores a calculation ("" once empty or irrelevant)."""
    if not questionnaire.calculations:
        return ()
    calculated = compute_relevance(questionnaire, answers).calculated
    changed = []
    for question in questionnaire.calculations:
        text = to_text(calculated.get(question.id, ""))
        stored = answers.get(question.id)
        if (stored.value if stored is not None else "") != text:
            changed.append(Answer(question.id, AnswerStatus.ANSWERED, text, now))
    return tuple(changed)


def effective_answers(
    questionnaire: Questionnaire, answers: Mapping[str, Answer]
) -> dict[str, Answer]:
    """Returns the answers that count: relevant, known, non-note questions, in form order.

    The stored values of relevant calculations count too (they are exported, as in ODK)."""
    relevance = compute_relevance(questionnaire, answers)
    if not relevance.calculated:
        return {
            q.id: answers[q.id]
            for q in relevance.questions
            if q.type is not QuestionType.NOTE and q.id in answers
        }
    kept = relevance.ids | relevance.calculated.keys()
    return {
        q.id: answers[q.id]
        for q in questionnaire.questions
        if q.id in kept and q.type is not QuestionType.NOTE and q.id in answers
    }
