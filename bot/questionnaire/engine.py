"""The pure questionnaire engine: (definition, state, input, now) -> (new state, events).

The engine never sends, stores or schedules anything. The host (a Telegram handler via a
service) persists `StepResult.state` and renders `StepResult.events`, in order. Inputs that
are refused leave the state unchanged and explain themselves with an event.

Navigation rules:
- After an answer the next question is the next unanswered relevant one after it in form
  order, wrapping around to the first unanswered one; None when every relevant question
  has an answer (of any status), which emits `ReadyToSubmit`.
- Every move pushes the question left onto `trail` (bounded); `Back` pops it, falling back
  to the previous relevant question in form order.
- Answers to questions that become irrelevant stay in the state but are left out of
  progress, completeness and `effective_answers`.
- "Don't know" counts as answered; `Skip` is only accepted for optional questions.
- A note is answered by `Acknowledge`, stored as an answered `Answer` whose value is None.
- After `Submit`, every input except `Reopen` gets `AlreadySubmitted`.
- An answer that changes a calculation's value records it too (`CalculationRecorded`,
  stored as text as ODK stores it); calculations are never asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from bot.questionnaire.evaluation import is_true
from bot.questionnaire.expressions import Value
from bot.questionnaire.model import (
    Answer,
    AnswerStatus,
    AnswerValue,
    Choice,
    Question,
    Questionnaire,
    QuestionType,
    ReadOnlyAnswers,
)
from bot.questionnaire.relevance import Relevance, changed_calculations, compute_relevance
from bot.questionnaire.relevance import effective_answers as _effective_answers
from bot.questionnaire.validation import (
    InvalidCode,
    Params,
    Rejection,
    offered_choices,
    validate_answer,
)

TRAIL_LIMIT = 200
"""How many earlier positions `Back` can return to."""


# --- State -----------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """One respondent's progress: answers, the question on screen, the back trail."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    current: str | None = None
    trail: tuple[str, ...] = ()
    submitted: bool = False

    def __post_init__(self) -> None:
        # A read-only copy, so a State cannot change behind the engine's back (kept as it
        # is when already read-only, e.g. by `replace`).
        if type(self.answers) is not ReadOnlyAnswers:
            object.__setattr__(self, "answers", ReadOnlyAnswers(self.answers))

    def answer(self, question_id: str) -> Answer | None:
        """Returns the stored answer for `question_id`, or None."""
        return self.answers.get(question_id)

    def to_dict(self) -> dict[str, Any]:
        """Returns a JSON-safe dict (answers as `Answer.to_dict()` in insertion order)."""
        return {
            "answers": [a.to_dict() for a in self.answers.values()],
            "current": self.current,
            "trail": list(self.trail),
            "submitted": self.submitted,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> State:
        """Inverts `to_dict`."""
        answers = (Answer.from_dict(a) for a in data.get("answers", ()))
        return cls(
            answers={a.question_id: a for a in answers},
            current=data.get("current"),
            trail=tuple(data.get("trail", ())),
            submitted=bool(data.get("submitted", False)),
        )


# --- Inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """Begins, or restarts at the first unanswered relevant question."""


@dataclass(frozen=True)
class Resume:
    """Re-asks the current question (e.g. after a restart), or starts if there is none."""


@dataclass(frozen=True)
class AnswerInput:
    """An answer to the current question: typed text or button data, not yet validated."""

    question_id: str
    value: object


@dataclass(frozen=True)
class DontKnow:
    """'Tidak tahu' for the current question."""

    question_id: str


@dataclass(frozen=True)
class Skip:
    """Skips the current (optional) question."""

    question_id: str


@dataclass(frozen=True)
class Acknowledge:
    """Confirms that the current note was read."""

    question_id: str


@dataclass(frozen=True)
class Back:
    """Returns to the previously shown question."""


@dataclass(frozen=True)
class GoTo:
    """Opens a relevant question deliberately (e.g. from a review list)."""

    question_id: str


@dataclass(frozen=True)
class Submit:
    """Hands in the questionnaire if every required relevant question is answered."""


@dataclass(frozen=True)
class Reopen:
    """Re-opens a submitted questionnaire for changes."""


Input = Start | Resume | AnswerInput | DontKnow | Skip | Acknowledge | Back | GoTo | Submit | Reopen


# --- Events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AskQuestion:
    """Show this question (with its existing answer, if any)."""

    question_id: str


@dataclass(frozen=True)
class AnswerRecorded:
    """An answer was stored; `changed` is False when it equals the previous one."""

    question_id: str
    answer: Answer
    changed: bool


@dataclass(frozen=True)
class CalculationRecorded:
    """A calculate question's value changed with the answers; stored, never shown.

    As in ODK, the value is the calculation's text ("" once it is empty or irrelevant)."""

    question_id: str
    answer: Answer


@dataclass(frozen=True)
class InvalidAnswer:
    """The input was refused and the question stays current; `params` fill the message."""

    question_id: str
    code: InvalidCode
    params: Params = field(default_factory=dict)


@dataclass(frozen=True)
class NotCurrentQuestion:
    """The input names a question that is not on screen (a stale button)."""

    question_id: str
    current: str | None


@dataclass(frozen=True)
class CannotGoTo:
    """GoTo named an unknown or currently irrelevant question."""

    question_id: str
    reason: Literal["unknown", "not_relevant"]


@dataclass(frozen=True)
class ReadyToSubmit:
    """Nothing is left to ask; offer to submit.

    Submit may already succeed earlier, while optional questions are still open; hosts
    that want a Submit button next to those questions check `is_complete`.
    """


@dataclass(frozen=True)
class MissingRequired:
    """Submit was refused: these required relevant questions are unanswered (form order)."""

    question_ids: tuple[str, ...]


@dataclass(frozen=True)
class Submitted:
    """The questionnaire was handed in."""


@dataclass(frozen=True)
class AlreadySubmitted:
    """The input was refused because the questionnaire is submitted (Reopen first)."""


@dataclass(frozen=True)
class Reopened:
    """A submitted questionnaire is open for changes again."""


Event = (
    AskQuestion
    | AnswerRecorded
    | CalculationRecorded
    | InvalidAnswer
    | NotCurrentQuestion
    | CannotGoTo
    | ReadyToSubmit
    | MissingRequired
    | Submitted
    | AlreadySubmitted
    | Reopened
)


@dataclass(frozen=True)
class StepResult:
    """The new state and what the host should do, in order."""

    state: State
    events: tuple[Event, ...]


# --- Step ------------------------------------------------------------------------------


def step(questionnaire: Questionnaire, state: State, input: Input, now: datetime) -> StepResult:
    """Applies one input; `now` (timezone-aware) stamps any recorded answer."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if state.submitted and not isinstance(input, Reopen):
        return StepResult(state, (AlreadySubmitted(),))
    match input:
        case Start():
            return _start(questionnaire, state)
        case Resume():
            return _resume(questionnaire, state)
        case AnswerInput(question_id, raw):
            return _answer(questionnaire, state, question_id, raw, now)
        case DontKnow(question_id):
            return _dont_know(questionnaire, state, question_id, now)
        case Skip(question_id):
            return _skip(questionnaire, state, question_id, now)
        case Acknowledge(question_id):
            return _acknowledge(questionnaire, state, question_id, now)
        case Back():
            return _back(questionnaire, state)
        case GoTo(question_id):
            return _go_to(questionnaire, state, question_id)
        case Submit():
            return _submit(questionnaire, state)
        case Reopen():
            return _reopen(questionnaire, state)
    raise TypeError(f"unknown input {input!r}")  # pragma: no cover


def _start(questionnaire: Questionnaire, state: State) -> StepResult:
    relevance = compute_relevance(questionnaire, state.answers)
    target = _first_unanswered(relevance, state.answers, after=None)
    return _move(state, target, push=state.current != target)


def _resume(questionnaire: Questionnaire, state: State) -> StepResult:
    relevance = compute_relevance(questionnaire, state.answers)
    if state.current is not None and relevance.is_relevant(state.current):
        return StepResult(state, (AskQuestion(state.current),))
    return _start(questionnaire, state)


def _current_question(
    questionnaire: Questionnaire, state: State, question_id: str
) -> Question | StepResult:
    if question_id != state.current or not questionnaire.has_question(question_id):
        return StepResult(state, (NotCurrentQuestion(question_id, state.current),))
    return questionnaire.question(question_id)


def _answer(
    questionnaire: Questionnaire, state: State, question_id: str, raw: object, now: datetime
) -> StepResult:
    question = _current_question(questionnaire, state, question_id)
    if isinstance(question, StepResult):
        return question
    relevance = compute_relevance(questionnaire, state.answers)
    value = validate_answer(question, raw, relevance.values)
    if isinstance(value, Rejection):
        return _refuse(state, question_id, value.code, value.params)
    return _record(questionnaire, state, question, AnswerStatus.ANSWERED, value, now)


def _dont_know(
    questionnaire: Questionnaire, state: State, question_id: str, now: datetime
) -> StepResult:
    question = _current_question(questionnaire, state, question_id)
    if isinstance(question, StepResult):
        return question
    if not question.allow_dont_know:
        return _refuse(state, question_id, InvalidCode.DONT_KNOW_NOT_ALLOWED)
    return _record(questionnaire, state, question, AnswerStatus.DONT_KNOW, None, now)


def _skip(
    questionnaire: Questionnaire, state: State, question_id: str, now: datetime
) -> StepResult:
    question = _current_question(questionnaire, state, question_id)
    if isinstance(question, StepResult):
        return question
    if question.type is QuestionType.NOTE:
        return _record(questionnaire, state, question, AnswerStatus.ANSWERED, None, now)
    if is_required(question, compute_relevance(questionnaire, state.answers).values):
        return _refuse(state, question_id, InvalidCode.REQUIRED)
    return _record(questionnaire, state, question, AnswerStatus.SKIPPED, None, now)


def _acknowledge(
    questionnaire: Questionnaire, state: State, question_id: str, now: datetime
) -> StepResult:
    question = _current_question(questionnaire, state, question_id)
    if isinstance(question, StepResult):
        return question
    if question.type is not QuestionType.NOTE:
        return _refuse(state, question_id, InvalidCode.WRONG_KIND)
    return _record(questionnaire, state, question, AnswerStatus.ANSWERED, None, now)


def _refuse(
    state: State, question_id: str, code: InvalidCode, params: Params | None = None
) -> StepResult:
    return StepResult(state, (InvalidAnswer(question_id, code, dict(params or {})),))


def _record(
    questionnaire: Questionnaire,
    state: State,
    question: Question,
    status: AnswerStatus,
    value: AnswerValue | None,
    now: datetime,
) -> StepResult:
    previous = state.answers.get(question.id)
    changed = previous is None or (previous.status, previous.value) != (status, value)
    # An unchanged answer keeps its original time: nothing new was said.
    answer = Answer(question.id, status, value, now) if changed or previous is None else previous
    answers = {**state.answers, question.id: answer}
    calculations = _calculations(questionnaire, answers, now) if changed else ()
    answers.update((c.question_id, c.answer) for c in calculations)
    recorded = replace(state, answers=answers)
    relevance = compute_relevance(questionnaire, recorded.answers)
    target = _first_unanswered(relevance, recorded.answers, after=question.id)
    moved = _move(recorded, target, push=True)
    return StepResult(
        moved.state, (AnswerRecorded(question.id, answer, changed), *calculations, *moved.events)
    )


def _calculations(
    questionnaire: Questionnaire, answers: Mapping[str, Answer], now: datetime
) -> tuple[CalculationRecorded, ...]:
    changed = changed_calculations(questionnaire, answers, now)
    return tuple(CalculationRecorded(a.question_id, a) for a in changed)


def _back(questionnaire: Questionnaire, state: State) -> StepResult:
    relevance = compute_relevance(questionnaire, state.answers)
    trail = list(state.trail)
    while trail:
        candidate = trail.pop()
        if candidate != state.current and relevance.is_relevant(candidate):
            return _show(replace(state, current=candidate, trail=tuple(trail)))
    target = _previous_relevant(questionnaire, relevance, state.current)
    if target is None:
        return _show(replace(state, trail=()))
    return _show(replace(state, current=target, trail=()))


def _go_to(questionnaire: Questionnaire, state: State, question_id: str) -> StepResult:
    if not questionnaire.has_question(question_id):
        return StepResult(state, (CannotGoTo(question_id, "unknown"),))
    relevance = compute_relevance(questionnaire, state.answers)
    if not relevance.is_relevant(question_id):
        return StepResult(state, (CannotGoTo(question_id, "not_relevant"),))
    return _move(state, question_id, push=question_id != state.current)


def _submit(questionnaire: Questionnaire, state: State) -> StepResult:
    missing = missing_required(questionnaire, state)
    if missing:
        moved = _move(state, missing[0], push=missing[0] != state.current)
        return StepResult(moved.state, (MissingRequired(missing), *moved.events))
    return StepResult(
        replace(state, submitted=True, current=None, trail=_push(state.trail, state.current)),
        (Submitted(),),
    )


def _reopen(questionnaire: Questionnaire, state: State) -> StepResult:
    if not state.submitted:
        return _resume(questionnaire, state)
    resumed = _start(questionnaire, replace(state, submitted=False))
    return StepResult(resumed.state, (Reopened(), *resumed.events))


def _move(state: State, target: str | None, push: bool) -> StepResult:
    trail = _push(state.trail, state.current) if push else state.trail
    return _show(replace(state, current=target, trail=trail))


def _show(state: State) -> StepResult:
    if state.current is None:
        return StepResult(state, (ReadyToSubmit(),))
    return StepResult(state, (AskQuestion(state.current),))


def _push(trail: tuple[str, ...], question_id: str | None) -> tuple[str, ...]:
    if question_id is None or (trail and trail[-1] == question_id):
        return trail
    return (*trail, question_id)[-TRAIL_LIMIT:]


def _first_unanswered(
    relevance: Relevance, answers: Mapping[str, Answer], after: str | None
) -> str | None:
    order = [q.id for q in relevance.questions]
    start = order.index(after) + 1 if after in relevance.ids else 0
    for question_id in order[start:] + order[:start]:
        if question_id not in answers:
            return question_id
    return None


def _previous_relevant(
    questionnaire: Questionnaire, relevance: Relevance, current: str | None
) -> str | None:
    if current is None or not questionnaire.has_question(current):
        return relevance.questions[-1].id if relevance.questions else None
    position = questionnaire.index_of(current)
    earlier = [q.id for q in relevance.questions if questionnaire.index_of(q.id) < position]
    return earlier[-1] if earlier else None


# --- Queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionProgress:
    """Progress within one section."""

    section_id: str
    answered: int
    relevant: int


@dataclass(frozen=True)
class Progress:
    """How many relevant questions (notes excluded) have an answer of any status."""

    answered: int
    relevant: int
    sections: tuple[SectionProgress, ...]


def relevant_questions(questionnaire: Questionnaire, state: State) -> tuple[Question, ...]:
    """Returns the questions relevant under the state's answers, in form order."""
    return compute_relevance(questionnaire, state.answers).questions


def effective_answers(questionnaire: Questionnaire, state: State) -> dict[str, Answer]:
    """Returns the answers that count: relevant non-note questions only, in form order."""
    return _effective_answers(questionnaire, state.answers)


def missing_required(questionnaire: Questionnaire, state: State) -> tuple[str, ...]:
    """Returns required relevant questions without an answered/don't-know answer."""
    done = (AnswerStatus.ANSWERED, AnswerStatus.DONT_KNOW)
    relevance = compute_relevance(questionnaire, state.answers)
    return tuple(
        q.id
        for q in relevance.questions
        if is_required(q, relevance.values)
        and q.type is not QuestionType.NOTE
        and (q.id not in state.answers or state.answers[q.id].status not in done)
    )


def is_required(question: Question, values: Mapping[str, Value]) -> bool:
    """Tells whether the question must be answered: always, or while its condition holds."""
    if question.required_if is not None:
        return is_true(question.required_if, values)
    return question.required


def calculated_values(questionnaire: Questionnaire, state: State) -> dict[str, Value]:
    """Returns the values of the relevant calculate questions ("" when empty), form order.

    They are never asked; the host stores them with the answers and exports them.
    """
    return dict(compute_relevance(questionnaire, state.answers).calculated)


def offered(questionnaire: Questionnaire, state: State, question_id: str) -> tuple[Choice, ...]:
    """Returns the choices to show for a question: those its choice_filter keeps."""
    relevance = compute_relevance(questionnaire, state.answers)
    return offered_choices(questionnaire.question(question_id), relevance.values)


def is_complete(questionnaire: Questionnaire, state: State) -> bool:
    """Tells whether every required relevant question is answered (don't know counts)."""
    return not missing_required(questionnaire, state)


def progress(questionnaire: Questionnaire, state: State) -> Progress:
    """Counts answered (any status) out of relevant questions, overall and per section."""
    counted = [
        q for q in relevant_questions(questionnaire, state) if q.type is not QuestionType.NOTE
    ]
    sections = tuple(
        SectionProgress(
            section_id=section.id,
            answered=sum(
                1 for q in counted if q.section_id == section.id and q.id in state.answers
            ),
            relevant=sum(1 for q in counted if q.section_id == section.id),
        )
        for section in questionnaire.sections
    )
    return Progress(
        answered=sum(s.answered for s in sections),
        relevant=sum(s.relevant for s in sections),
        sections=sections,
    )
