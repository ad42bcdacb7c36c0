"""Unit tests for the pure questionnaire engine."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from bot.questionnaire.engine import (
    TRAIL_LIMIT,
    Acknowledge,
    AlreadySubmitted,
    AnswerInput,
    AnswerRecorded,
    AskQuestion,
    Back,
    CannotGoTo,
    DontKnow,
    GoTo,
    Input,
    InvalidAnswer,
    MissingRequired,
    NotCurrentQuestion,
    ReadyToSubmit,
    Reopen,
    Reopened,
    Resume,
    Skip,
    Start,
    State,
    StepResult,
    Submit,
    Submitted,
    effective_answers,
    is_complete,
    missing_required,
    progress,
    relevant_questions,
    step,
)
from bot.questionnaire.model import Answer, AnswerStatus, Questionnaire
from bot.questionnaire.validation import InvalidCode
from tests.questionnaire.forms import ALL_TYPES, NOW, form

FORM = form(ALL_TYPES)


def run(*inputs: Input, state: State | None = None, q: Questionnaire = FORM) -> StepResult:
    """Applies inputs in order; returns the last result."""
    result = StepResult(state or State(), ())
    for item in inputs:
        result = step(q, result.state, item, NOW)
    return result


def at(question_id: str, **answers: object) -> State:
    """A state on `question_id` with the given answers (status answered)."""
    return State(
        answers={
            qid: Answer(qid, AnswerStatus.ANSWERED, value, NOW)  # type: ignore[arg-type]
            for qid, value in answers.items()
        },
        current=question_id,
    )


def refused(result: StepResult) -> InvalidAnswer:
    (event,) = result.events
    assert isinstance(event, InvalidAnswer)
    return event


THROUGH_SCORE: tuple[Input, ...] = (Start(), Acknowledge("intro"), AnswerInput("score", "7"))


# --- moving forward ------------------------------------------------------------------


def test_start_asks_the_first_question() -> None:
    result = run(Start())
    assert result.events == (AskQuestion("intro"),)
    assert result.state.current == "intro"


def test_acknowledging_a_note_records_it_and_moves_on() -> None:
    result = run(Start(), Acknowledge("intro"))
    recorded, ask = result.events
    assert isinstance(recorded, AnswerRecorded)
    assert recorded.answer == Answer("intro", AnswerStatus.ANSWERED, None, NOW)
    assert ask == AskQuestion("score")


def test_answer_is_coerced_stamped_and_followed_by_the_next_question() -> None:
    result = run(*THROUGH_SCORE)
    assert result.state.answers["score"] == Answer("score", AnswerStatus.ANSWERED, 7, NOW)
    assert result.events[-1] == AskQuestion("sector")
    assert result.state.trail == ("intro", "score")


def test_dont_know_counts_as_answered_and_advances() -> None:
    result = run(Start(), Acknowledge("intro"), DontKnow("score"))
    assert result.state.answers["score"].status is AnswerStatus.DONT_KNOW
    assert result.state.answers["score"].value is None
    assert result.state.current == "sector"


def test_irrelevant_question_is_passed_over() -> None:
    result = run(AnswerInput("sector", "gov"), state=at("sector"))
    assert result.state.current == "topics"


def test_relevant_follow_up_is_asked() -> None:
    result = run(AnswerInput("sector", "other"), state=at("sector"))
    assert result.state.current == "sector_other"


def test_skip_is_accepted_for_optional_questions() -> None:
    result = run(Skip("topics"), state=at("topics"))
    assert result.state.answers["topics"].status is AnswerStatus.SKIPPED
    assert result.state.current == "years"


def test_next_question_wraps_to_the_first_unanswered_one() -> None:
    state = at("comment", intro=None)
    result = run(AnswerInput("comment", "ok"), state=state)
    assert result.state.current == "score"


def test_next_skips_questions_already_answered() -> None:
    state = at("score", intro=None, sector="gov", topics=("a",))
    result = run(AnswerInput("score", 5), state=state)
    assert result.state.current == "years"


def test_all_answered_means_no_current_question_and_ready_to_submit() -> None:
    state = at("comment", intro=None, score=3, sector="gov", topics=("a",), years=4, role_years=1)
    result = run(AnswerInput("comment", "fine"), state=state)
    assert result.state.current is None
    assert result.events[-1] == ReadyToSubmit()
    assert is_complete(FORM, result.state)


def test_unchanged_answer_keeps_its_time_and_reports_no_change() -> None:
    earlier = NOW - timedelta(hours=1)
    state = State(
        answers={"score": Answer("score", AnswerStatus.ANSWERED, 7, earlier)}, current="score"
    )
    result = run(AnswerInput("score", "7"), state=state)
    recorded = result.events[0]
    assert isinstance(recorded, AnswerRecorded)
    assert recorded.changed is False
    assert result.state.answers["score"].answered_at == earlier
    changed = run(AnswerInput("score", "8"), state=state).events[0]
    assert isinstance(changed, AnswerRecorded)
    assert changed.changed is True
    assert changed.answer.answered_at == NOW


# --- validation codes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "raw", "code", "params"),
    [
        ("score", "11", InvalidCode.ABOVE_MAX, {"min": 1, "max": 10}),
        ("score", 0, InvalidCode.BELOW_MIN, {"min": 1, "max": 10}),
        ("score", "tujuh", InvalidCode.NOT_A_NUMBER, {}),
        ("score", "7,5", InvalidCode.NOT_AN_INTEGER, {}),
        ("score", True, InvalidCode.NOT_A_NUMBER, {}),
        ("years", "-1", InvalidCode.BELOW_MIN, {"min": 0, "max": 60}),
        ("years", "61", InvalidCode.ABOVE_MAX, {"min": 0, "max": 60}),
        ("years", "1.000", InvalidCode.NOT_AN_INTEGER, {}),
        ("years", None, InvalidCode.NOT_A_NUMBER, {}),
        ("role_years", "abc", InvalidCode.NOT_A_NUMBER, {}),
        ("role_years", "-0,5", InvalidCode.BELOW_MIN, {"min": 0}),
        ("role_years", float("nan"), InvalidCode.NOT_A_NUMBER, {}),
        ("sector", "nope", InvalidCode.UNKNOWN_CHOICE, {"value": "nope"}),
        ("sector", ["gov"], InvalidCode.WRONG_KIND, {}),
        ("topics", ["a", "z"], InvalidCode.UNKNOWN_CHOICE, {"value": "z"}),
        ("topics", [], InvalidCode.EMPTY, {}),
        ("topics", 3.5, InvalidCode.WRONG_KIND, {}),
        ("comment", "   ", InvalidCode.EMPTY, {}),
        ("comment", 42, InvalidCode.WRONG_KIND, {}),
        ("sector_other", "x" * 21, InvalidCode.TOO_LONG, {"max_length": 20, "length": 21}),
        ("intro", "hello", InvalidCode.WRONG_KIND, {}),
    ],
)
def test_invalid_input_is_refused_with_a_code(
    question: str, raw: object, code: InvalidCode, params: dict[str, str | int | float]
) -> None:
    state = at(question, sector="other", years=10)
    result = run(AnswerInput(question, raw), state=state)
    assert result.events == (InvalidAnswer(question, code, params),)
    assert result.state == state


def test_constraint_is_checked_with_dot_bound_to_the_new_value() -> None:
    state = at("role_years", years=3)
    failed = refused(run(AnswerInput("role_years", "3,5"), state=state))
    assert failed.code is InvalidCode.CONSTRAINT_FAILED
    assert failed.params == {"constraint": ". <= ${years}"}
    accepted = run(AnswerInput("role_years", "2,5"), state=state)
    assert accepted.state.answers["role_years"].value == 2.5


def test_skip_of_a_required_question_is_refused() -> None:
    assert refused(run(Skip("score"), state=at("score"))).code is InvalidCode.REQUIRED


def test_dont_know_where_not_allowed_is_refused() -> None:
    result = run(DontKnow("years"), state=at("years"))
    assert refused(result).code is InvalidCode.DONT_KNOW_NOT_ALLOWED


def test_acknowledging_a_question_that_is_not_a_note_is_refused() -> None:
    assert refused(run(Acknowledge("score"), state=at("score"))).code is InvalidCode.WRONG_KIND


# --- coercion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "raw", "value"),
    [
        ("score", "7", 7),
        ("score", " 10 ", 10),
        ("score", 4.0, 4),
        ("years", "+12", 12),
        ("role_years", "7,5", 7.5),
        ("role_years", "7.5", 7.5),
        ("role_years", ",5", 0.5),
        ("role_years", 3, 3.0),
        ("sector", " gov ", "gov"),
        ("topics", ["c", "a", "c"], ("a", "c")),
        ("topics", "c, b", ("b", "c")),
        ("topics", frozenset({"b"}), ("b",)),
        ("comment", "  ramah  ", "ramah"),
    ],
)
def test_raw_input_is_coerced_to_the_question_type(
    question: str, raw: object, value: object
) -> None:
    result = run(AnswerInput(question, raw), state=at(question, years=10))
    stored = result.state.answers[question].value
    assert stored == value
    assert type(stored) is type(value)


# --- stale input and navigation ------------------------------------------------------


def test_input_for_another_question_is_reported_as_stale() -> None:
    state = at("sector")
    for item in (AnswerInput("score", 5), DontKnow("score"), Skip("topics"), Acknowledge("intro")):
        result = run(item, state=state)
        assert result.events == (NotCurrentQuestion(item.question_id, "sector"),)
        assert result.state == state


def test_answer_when_nothing_is_current_is_stale() -> None:
    result = run(AnswerInput("score", 5), state=State())
    assert result.events == (NotCurrentQuestion("score", None),)


def test_back_right_after_an_answer_returns_to_that_question() -> None:
    result = run(*THROUGH_SCORE, Back())
    assert result.events == (AskQuestion("score"),)
    assert result.state.current == "score"
    assert result.state.answers["score"].value == 7


def test_back_twice_walks_the_trail() -> None:
    result = run(*THROUGH_SCORE, Back(), Back())
    assert result.state.current == "intro"
    assert result.state.trail == ()


def test_back_without_trail_goes_to_previous_relevant_question_in_form_order() -> None:
    result = run(Back(), state=at("topics"))
    assert result.state.current == "sector"  # sector_other is not relevant


def test_back_at_the_first_question_stays_there() -> None:
    result = run(Back(), state=at("intro"))
    assert result.events == (AskQuestion("intro"),)


def test_back_passes_over_trail_entries_that_became_irrelevant() -> None:
    state = State(
        answers={"sector": Answer("sector", AnswerStatus.ANSWERED, "gov", NOW)},
        current="topics",
        trail=("score", "sector_other"),
    )
    assert run(Back(), state=state).state.current == "score"


def test_go_to_opens_a_relevant_question_and_back_returns() -> None:
    result = run(*THROUGH_SCORE, GoTo("intro"))
    assert result.events == (AskQuestion("intro"),)
    assert run(Back(), state=result.state).state.current == "sector"


def test_go_to_refuses_unknown_and_irrelevant_questions() -> None:
    state = at("score")
    assert run(GoTo("nope"), state=state).events == (CannotGoTo("nope", "unknown"),)
    assert run(GoTo("sector_other"), state=state).events == (
        CannotGoTo("sector_other", "not_relevant"),
    )


def test_trail_is_bounded() -> None:
    state = at("score")
    for _ in range(TRAIL_LIMIT):
        state = run(GoTo("intro"), GoTo("score"), state=state).state
    assert len(state.trail) == TRAIL_LIMIT


def test_resume_re_asks_the_current_question() -> None:
    assert run(Resume(), state=at("years")).events == (AskQuestion("years"),)


def test_resume_with_an_irrelevant_current_question_starts_over() -> None:
    state = at("sector_other", intro=None, sector="gov")
    assert run(Resume(), state=state).events == (AskQuestion("score"),)


def test_start_goes_to_the_first_unanswered_question() -> None:
    assert run(Start(), state=at("years", intro=None)).state.current == "score"


# --- relevance -----------------------------------------------------------------------


def test_hidden_answers_are_kept_but_do_not_count() -> None:
    state = run(
        AnswerInput("sector", "other"), AnswerInput("sector_other", "Akademisi"), state=at("sector")
    ).state
    assert "sector_other" in effective_answers(FORM, state)
    state = run(GoTo("sector"), AnswerInput("sector", "gov"), state=state).state
    assert state.answers["sector_other"].value == "Akademisi"
    assert "sector_other" not in effective_answers(FORM, state)
    assert "sector_other" not in [q.id for q in relevant_questions(FORM, state)]
    state = run(GoTo("sector"), AnswerInput("sector", "other"), state=state).state
    assert effective_answers(FORM, state)["sector_other"].value == "Akademisi"


def test_progress_counts_relevant_non_note_questions_per_section() -> None:
    state = at("topics", intro=None, score=4, sector="gov")
    report = progress(FORM, state)
    assert (report.answered, report.relevant) == (2, 6)
    assert [(s.section_id, s.answered, s.relevant) for s in report.sections] == [
        ("s1", 2, 3),
        ("s2", 0, 3),
    ]
    assert (report.answered, report.relevant) == (2, 6)
    other = progress(FORM, at("topics", sector="other"))
    assert other.relevant == 7


def test_effective_answers_exclude_notes() -> None:
    assert effective_answers(FORM, at("score", intro=None, score=3)) == {
        "score": Answer("score", AnswerStatus.ANSWERED, 3, NOW)
    }


# --- submit and reopen ---------------------------------------------------------------


def test_submit_when_incomplete_lists_missing_and_asks_the_first() -> None:
    result = run(Submit(), state=at("topics", score=4))
    assert result.events == (MissingRequired(("sector", "years")), AskQuestion("sector"))
    assert not result.state.submitted
    assert missing_required(FORM, result.state) == ("sector", "years")


def test_submit_when_complete_then_changes_are_refused_until_reopen() -> None:
    complete = at("comment", score=4, sector="gov", years=2)
    assert is_complete(FORM, complete)
    submitted = run(Submit(), state=complete)
    assert submitted.events == (Submitted(),)
    assert submitted.state.submitted
    assert submitted.state.current is None
    for item in (Start(), AnswerInput("score", 5), Back(), GoTo("score"), Submit()):
        result = run(item, state=submitted.state)
        assert result.events == (AlreadySubmitted(),)
        assert result.state == submitted.state
    reopened = run(Reopen(), state=submitted.state)
    assert reopened.events == (Reopened(), AskQuestion("intro"))
    assert not reopened.state.submitted


def test_dont_know_satisfies_a_required_question() -> None:
    state = State(
        answers={
            "score": Answer("score", AnswerStatus.DONT_KNOW, None, NOW),
            "sector": Answer("sector", AnswerStatus.ANSWERED, "gov", NOW),
            "years": Answer("years", AnswerStatus.ANSWERED, 1, NOW),
        }
    )
    assert is_complete(FORM, state)


def test_reopen_of_an_open_questionnaire_just_resumes() -> None:
    assert run(Reopen(), state=at("years")).events == (AskQuestion("years"),)


# --- state hygiene -------------------------------------------------------------------


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        step(FORM, State(), Start(), datetime(2026, 1, 1))


def test_state_round_trips_through_json() -> None:
    state = run(*THROUGH_SCORE, AnswerInput("sector", "other")).state
    again = State.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state
    assert again.trail == ("intro", "score", "sector")


def test_state_answers_are_read_only() -> None:
    answers = {"score": Answer("score", AnswerStatus.ANSWERED, 7, NOW)}
    state = State(answers=answers)
    answers.clear()
    assert "score" in state.answers
    with pytest.raises(TypeError):
        state.answers["x"] = answers  # type: ignore[index]
