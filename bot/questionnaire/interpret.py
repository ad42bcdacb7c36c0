"""What a participant's tap or typed text means: an engine input, or a refusal to show.

The handler passes plain data (a `Tap` with what the button carried, or `Typed` text);
`interpret` decides, against the committed state, what the engine is asked to do. It runs
inside the answer's transaction, so "is this button stale?" sees the state as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from bot.questionnaire.engine import (
    Acknowledge,
    AnswerInput,
    Back,
    DontKnow,
    GoTo,
    Input,
    Resume,
    Skip,
    State,
    offered,
)
from bot.questionnaire.model import AnswerStatus, Question, Questionnaire, QuestionType
from bot.questionnaire.offers import may_skip
from bot.questionnaire.phrasing import (
    SaidDontKnow,
    SaidNext,
    SaidSkip,
    Value,
    read_answer,
    says_dont_know,
)

# Typed as written and read by the engine, which knows their formats.
_TYPED_AS_WRITTEN = frozenset({QuestionType.DATE, QuestionType.TIME, QuestionType.DATETIME})


# Typed questions whose `default` is offered as a button (the engine reads the value).
_TAPPED_DEFAULT = frozenset(
    {
        QuestionType.INTEGER,
        QuestionType.DECIMAL,
        QuestionType.TEXT,
        QuestionType.DATE,
        QuestionType.TIME,
        QuestionType.DATETIME,
    }
)


class TapKind(StrEnum):
    """What a question's button asks for."""

    ANSWER = "answer"  # a scale value or the position of a single choice
    DONE = "done"  # the ticked options of a multiple choice
    DONT_KNOW = "dont_know"
    SKIP = "skip"
    BACK = "back"
    NEXT = "next"  # past a note
    GOTO = "goto"  # open this question (from the review page)


@dataclass(frozen=True)
class Tap:
    """A press of a question's button: the question's position and what the button carried."""

    kind: TapKind
    question_index: int | None
    value: int | None = None
    selection: tuple[int, ...] | None = None
    position: int | None = None  # a scale's n-th value, where values are not whole


@dataclass(frozen=True)
class Typed:
    """Text the participant typed."""

    text: str


@dataclass(frozen=True)
class Refusal:
    """Input that maps to no engine step; `notice` is a catalog key to show first.

    `reask` names the question whose typed answer could not be read: the host asks once
    more, naming the forms that are accepted (`bot.questionnaire.phrasing.reask`).
    """

    notice: str = ""
    reshow: bool = True
    reask: str | None = None


@dataclass(frozen=True)
class Interpreted:
    """The engine input an update means, with a notice to show before its result."""

    input: Input
    notice: str = ""


Raw = Input | Tap | Typed | Refusal


def interpret(questionnaire: Questionnaire, state: State, raw: Raw) -> Interpreted | Refusal:
    """Turns what the participant did into an engine input, or a refusal."""
    match raw:
        case Tap():
            return interpret_tap(questionnaire, state, raw)
        case Typed(text):
            return interpret_typed(questionnaire, state, text)
        case Refusal():
            return raw
        case _:
            return Interpreted(raw)


def interpret_typed(questionnaire: Questionnaire, state: State, text: str) -> Interpreted | Refusal:
    """A typed answer to the current question, read forgivingly, or one re-ask."""
    if state.submitted:
        return Interpreted(Resume())
    if state.current is None or not questionnaire.has_question(state.current):
        return Interpreted(Resume())
    question = questionnaire.question(state.current)
    if question.type in _TYPED_AS_WRITTEN:
        # Dates and times are read by the engine (bot.questionnaire.typed_values), which
        # says what it could not read.
        if question.allow_dont_know and says_dont_know(text):
            return Interpreted(DontKnow(question.id))
        return Interpreted(AnswerInput(question.id, text))
    if question.type.is_choice:
        question = replace(question, choices=offered(questionnaire, state, question.id))
    if question.required_if is not None:
        # A conditional `required` is decided by the answers so far, as for the button.
        question = replace(question, required=not may_skip(questionnaire, state, question))
    match read_answer(question, text):
        case Value(value):
            return Interpreted(AnswerInput(question.id, value))
        case SaidDontKnow():
            return Interpreted(DontKnow(question.id))
        case SaidSkip():
            return Interpreted(Skip(question.id))
        case SaidNext():
            return Interpreted(Acknowledge(question.id))
        case _:
            return Refusal(reshow=False, reask=question.id)


def interpret_tap(questionnaire: Questionnaire, state: State, tap: Tap) -> Interpreted | Refusal:
    """A question's button: its answer, or the question it belongs to when it is stale."""
    index = tap.question_index
    if index is None or not 0 <= index < len(questionnaire.questions):
        return Refusal(reshow=False)
    question = questionnaire.questions[index]
    if tap.kind is TapKind.GOTO:
        return Interpreted(GoTo(question.id))
    tapped = tapped_input(question, tap)
    if tapped is None:
        return Refusal(reshow=False)
    if state.submitted or question.id == state.current:
        return Interpreted(tapped)
    if repeats_stored_answer(state, question, tapped):
        return Refusal(notice="", reshow=False)
    # A button from an older message: never recorded against the current question; the
    # question it belongs to is opened again instead.
    return Interpreted(GoTo(question.id), notice="stale_button")


def tapped_input(question: Question, tap: Tap) -> Input | None:
    """The engine input a button of this question stands for; None if it cannot be one."""
    match tap.kind:
        case TapKind.ANSWER if tap.position is not None:
            values: tuple[object, ...] = (
                question.scale_values() if question.type is QuestionType.SCALE else ()
            )
            if question.type in _TAPPED_DEFAULT and question.default is not None:
                # The one-tap default of a typed question is its only value; the
                # engine checks it as it checks a typed answer.
                values = (question.default,)
            if 0 <= tap.position < len(values):
                return AnswerInput(question.id, values[tap.position])
            return None
        case TapKind.ANSWER if tap.value is not None:
            if question.type is QuestionType.SCALE:
                return AnswerInput(question.id, tap.value)
            if question.type is QuestionType.SINGLE_CHOICE and 0 <= tap.value < len(
                question.choices
            ):
                return AnswerInput(question.id, question.choices[tap.value].value)
            return None
        case TapKind.DONE if tap.selection is not None:
            if any(not 0 <= i < len(question.choices) for i in tap.selection):
                return None
            return AnswerInput(
                question.id, tuple(question.choices[i].value for i in sorted(tap.selection))
            )
        case TapKind.DONT_KNOW:
            return DontKnow(question.id)
        case TapKind.SKIP:
            return Skip(question.id)
        case TapKind.BACK:
            return Back()
        case TapKind.NEXT:
            return Acknowledge(question.id)
    return None


def repeats_stored_answer(state: State, question: Question, tapped: Input) -> bool:
    """Whether a tap on an older question's button gives the answer it already has."""
    stored = state.answer(question.id)
    if stored is None:
        return False
    if isinstance(tapped, DontKnow):
        return stored.status is AnswerStatus.DONT_KNOW
    if isinstance(tapped, AnswerInput):
        return stored.status is AnswerStatus.ANSWERED and stored.value == tapped.value
    return isinstance(tapped, Acknowledge)
