"""Property tests: random input sequences never break the engine's invariants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.questionnaire.engine import (
    TRAIL_LIMIT,
    Acknowledge,
    AnswerInput,
    AnswerRecorded,
    Back,
    DontKnow,
    GoTo,
    Input,
    ReadyToSubmit,
    Reopen,
    Resume,
    Skip,
    Start,
    State,
    Submit,
    Submitted,
    is_complete,
    progress,
    relevant_questions,
    step,
)
from bot.questionnaire.model import AnswerStatus, AnswerValue, Question, QuestionType
from tests.questionnaire.forms import ALL_TYPES, NOW, form

FORM = form(ALL_TYPES)
IDS = [q.id for q in FORM.questions]
CURRENT = "<current>"  # stands for whatever question is on screen when the input is applied

raw_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["7", "7,5", " 3 ", "1.000", "", "  ", "gov", "other", "a", "a b", "x"]),
    st.text(max_size=30),
    st.lists(st.sampled_from(["a", "b", "c", "z"]), max_size=4),
)
question_refs = st.sampled_from([CURRENT, CURRENT, CURRENT, *IDS, "unknown"])
plausible = st.tuples(st.just("plausible"), st.just(CURRENT), st.integers(0, 1000))
other_inputs = st.one_of(
    st.tuples(st.sampled_from(["answer"]), question_refs, raw_values),
    st.tuples(st.sampled_from(["dont_know", "skip", "ack", "goto"]), question_refs, st.none()),
    st.tuples(
        st.sampled_from(["start", "resume", "back", "submit", "reopen"]), st.none(), st.none()
    ),
)
# Mostly sensible answers to the question on screen, so sequences get deep into the form.
raw_inputs = st.sampled_from([True] * 7 + [False] * 3).flatmap(
    lambda sensible: plausible if sensible else other_inputs
)
sequences = st.lists(raw_inputs, min_size=10, max_size=80)
RawInput = tuple[str, str | None, object]


def materialise(raw: RawInput, state: State) -> Input:
    """Turns a drawn input into an engine input against the current state."""
    kind, ref, value = raw
    qid = (state.current or "none") if ref == CURRENT else (ref or "")
    match kind:
        case "plausible" if FORM.has_question(qid):
            return plausible_answer(FORM.question(qid), int(value))  # type: ignore[call-overload]
        case "answer":
            return AnswerInput(qid, value)
        case "dont_know":
            return DontKnow(qid)
        case "skip":
            return Skip(qid)
        case "ack":
            return Acknowledge(qid)
        case "goto":
            return GoTo(qid)
    simple: dict[str, Input] = {
        "start": Start(),
        "resume": Resume(),
        "back": Back(),
        "submit": Submit(),
    }
    return simple.get(kind, Reopen())


def plausible_answer(question: Question, seed: int) -> Input:
    """A likely-valid input for `question`, varied by `seed`."""
    choices = question.choice_values
    match question.type:
        case QuestionType.NOTE:
            return Acknowledge(question.id)
        case QuestionType.SCALE:
            return DontKnow(question.id) if seed % 7 == 0 else AnswerInput(question.id, seed % 10)
        case QuestionType.SINGLE_CHOICE:
            return AnswerInput(question.id, choices[seed % len(choices)])
        case QuestionType.MULTIPLE_CHOICE:
            return AnswerInput(question.id, [c for i, c in enumerate(choices) if seed >> i & 1])
        case QuestionType.INTEGER:
            return AnswerInput(question.id, str(seed % 65))
        case QuestionType.DECIMAL:
            return AnswerInput(question.id, f"{seed % 5},{seed % 10}")
        case QuestionType.TEXT:
            return Skip(question.id) if seed % 3 == 0 else AnswerInput(question.id, "teks")


def replay(raws: list[RawInput]) -> State:
    state = State()
    for raw in raws:
        state = step(FORM, state, materialise(raw, state), NOW).state
    return state


def value_is_valid(question: Question, value: AnswerValue | None) -> bool:
    match question.type:
        case QuestionType.NOTE:
            return value is None
        case QuestionType.SCALE:
            return type(value) is int and question.scale_min <= value <= question.scale_max
        case QuestionType.INTEGER:
            low, high = question.min_value, question.max_value
            return (
                type(value) is int
                and (low is None or value >= low)
                and (high is None or value <= high)
            )
        case QuestionType.DECIMAL:
            return type(value) is float and (question.min_value or 0) <= value
        case QuestionType.SINGLE_CHOICE:
            return isinstance(value, str) and value in question.choice_values
        case QuestionType.MULTIPLE_CHOICE:
            return (
                isinstance(value, tuple)
                and len(value) > 0
                and value == tuple(v for v in question.choice_values if v in value)
            )
        case QuestionType.TEXT:
            return (
                isinstance(value, str)
                and value == value.strip()
                and 0 < len(value) <= question.max_length
            )


def assert_valid(state: State) -> None:
    relevant = {q.id for q in relevant_questions(FORM, state)}
    assert state.current is None or state.current in relevant
    assert len(state.trail) <= TRAIL_LIMIT
    assert all(FORM.has_question(qid) for qid in state.trail)
    for qid, answer in state.answers.items():
        assert FORM.has_question(qid)
        assert answer.question_id == qid
        question = FORM.question(qid)
        if answer.status is AnswerStatus.ANSWERED:
            assert value_is_valid(question, answer.value), (qid, answer.value)
        else:
            assert answer.value is None
            if answer.status is AnswerStatus.DONT_KNOW:
                assert question.allow_dont_know
            else:
                assert not question.required
    if state.submitted:
        assert state.current is None
        assert is_complete(FORM, state)


@settings(max_examples=300, deadline=None)
@given(sequences)
def test_any_input_sequence_keeps_the_state_valid(raws: list[RawInput]) -> None:
    state = State()
    assert_valid(state)
    for raw in raws:
        result = step(FORM, state, materialise(raw, state), NOW)
        state = result.state
        assert_valid(state)
        if ReadyToSubmit() in result.events:
            assert state.current is None
        if Submitted() in result.events:
            assert state.submitted


def candidate_answers(question: Question) -> list[Input]:
    """Inputs that should settle `question`, most specific first."""
    valid: dict[QuestionType, object] = {
        QuestionType.SCALE: question.scale_min,
        QuestionType.INTEGER: question.min_value or 0,
        QuestionType.DECIMAL: "0,5",
        QuestionType.SINGLE_CHOICE: question.choice_values[:1] and question.choice_values[0],
        QuestionType.MULTIPLE_CHOICE: list(question.choice_values[:1]),
        QuestionType.TEXT: "ok",
    }
    inputs: list[Input] = [DontKnow(question.id), Skip(question.id), Acknowledge(question.id)]
    if question.type in valid:
        inputs.insert(0, AnswerInput(question.id, valid[question.type]))
    return inputs


@settings(max_examples=200, deadline=None)
@given(sequences)
def test_back_right_after_an_answer_returns_to_that_question(raws: list[RawInput]) -> None:
    state = replay(raws)
    if state.submitted or state.current is None:
        return
    question = FORM.question(state.current)
    for candidate in candidate_answers(question):
        result = step(FORM, state, candidate, NOW)
        if isinstance(result.events[0], AnswerRecorded):
            break
    else:
        raise AssertionError(f"no input settles {question.id}: the respondent would be stuck")
    back = step(FORM, result.state, Back(), NOW).state
    assert back.current == question.id
    assert back.answers[question.id] == result.state.answers[question.id]


def oracle_relevant(state: State) -> list[Question]:
    """Relevance of ALL_TYPES computed by hand: only sector_other is conditional."""
    sector = state.answers.get("sector")
    other = (
        sector is not None and sector.status is AnswerStatus.ANSWERED and sector.value == "other"
    )
    return [q for q in FORM.questions if q.id != "sector_other" or other]


@settings(max_examples=300, deadline=None)
@given(sequences)
def test_complete_exactly_when_every_required_relevant_question_is_answered(
    raws: list[RawInput],
) -> None:
    state = replay(raws)
    relevant = oracle_relevant(state)
    expected = all(
        q.id in state.answers
        and state.answers[q.id].status in (AnswerStatus.ANSWERED, AnswerStatus.DONT_KNOW)
        for q in relevant
        if q.required and q.type is not QuestionType.NOTE
    )
    assert is_complete(FORM, state) is expected
    assert progress(FORM, state).relevant == sum(
        1 for q in relevant if q.type is not QuestionType.NOTE
    )
    if not state.submitted:
        submitted = step(FORM, state, Submit(), NOW).state.submitted
        assert submitted is expected
