"""XLSForm `default`, `required` and `calculate` as a chat serves them, from inline forms."""

from __future__ import annotations

import datetime as dt

import pytest
from pyxform.xls2xform import convert

from bot.questionnaire.engine import (
    AnswerInput,
    AnswerRecorded,
    CalculationRecorded,
    GoTo,
    Input,
    InvalidAnswer,
    Skip,
    Start,
    State,
    effective_answers,
    is_required,
    step,
)
from bot.questionnaire.interpret import Interpreted, interpret_tap, interpret_typed
from bot.questionnaire.model import AnswerStatus, Questionnaire, QuestionType
from bot.questionnaire.offers import may_skip
from bot.questionnaire.relevance import compute_relevance
from bot.questionnaire.xlsform import export_xlsform, load_xlsform
from bot.reports.sheets import answers_frame, responses_frame
from bot.services.progress import (
    ParticipantInfo,
    RespondentProgress,
    Status,
    StoredAnswer,
    WorkshopProgress,
)
from bot.views.callback_data import Action, as_tap, decode
from bot.views.question import render_question
from bot.workshop_state import WorkshopPhase
from tests.questionnaire.forms import NOW
from tests.questionnaire.test_xlsform import LABELS, Rows, read

COLORS: Rows = (
    ("list_name", "name", *LABELS),
    ("color", "red", "Merah", "Red"),
    ("color", "green", "Hijau", "Green"),
    ("color", "blue", "Biru", "Blue"),
)


def form(*rows: tuple[object, ...], columns: tuple[str, ...]) -> Questionnaire:
    """A form from pyxform-style rows: type, name, two labels, then `columns`."""
    return read((("type", "name", *LABELS, *columns), *rows), COLORS).unwrap()


def buttons(questionnaire: Questionnaire, state: State, question_id: str, lang: str = "id"):
    """(label, payload) of every button of the question as it is shown now."""
    rendered = render_question(questionnaire, state, questionnaire.question(question_id), lang)
    if rendered.keyboard is None:
        return []
    return [(b.text, b.callback_data) for row in rendered.keyboard.inline_keyboard for b in row]


def tap(questionnaire: Questionnaire, state: State, payload: object) -> State:
    """Presses a button as the bot does (decode, read, interpret, step); fails if refused."""
    parsed = decode(str(payload))
    assert parsed is not None
    read_tap = as_tap(parsed)
    assert read_tap is not None
    meaning = interpret_tap(questionnaire, state, read_tap)
    assert isinstance(meaning, Interpreted), meaning
    result = step(questionnaire, state, meaning.input, NOW)
    assert not [e for e in result.events if isinstance(e, InvalidAnswer)], result.events
    return result.state


def started(questionnaire: Questionnaire, *inputs: Input) -> State:
    state = step(questionnaire, State(), Start(), NOW).state
    for given in inputs:
        state = step(questionnaire, state, given, NOW).state
    return state


# --- default: a one-tap answer ------------------------------------------------------------

DEFAULTS = form(
    ("integer", "people", "Berapa orang?", "How many people?", "4", "yes"),
    ("text", "village", "Desa?", "Village?", "Sukamaju", "yes"),
    ("date", "held", "Tanggal?", "Date?", "2026-11-30", "yes"),
    ("decimal", "cost", "Biaya?", "Cost?", "2.5", "yes"),
    ("select_one color", "flag", "Warna?", "Colour?", "blue", "yes"),
    ("select_multiple color", "mix", "Warna-warna?", "Colours?", "red blue", "yes"),
    ("range", "rate", "Nilai?", "Rating?", "7", "yes"),
    columns=("default", "required"),
)


@pytest.mark.parametrize(
    ("question_id", "label", "stored"),
    [
        ("people", "Pakai: 4", 4),
        ("village", "Pakai: Sukamaju", "Sukamaju"),
        ("held", "Pakai: 2026-11-30", "2026-11-30"),
        ("cost", "Pakai: 2,5", 2.5),
        ("rate", "Pakai: 7", 7),
    ],
)
def test_a_typed_or_scale_default_is_one_button_that_records_it(
    question_id: str, label: str, stored: object
) -> None:
    state = started(DEFAULTS)
    state = step(DEFAULTS, state, _goto(question_id), NOW).state
    shown = buttons(DEFAULTS, state, question_id)
    assert shown[0][0] == label
    after = tap(DEFAULTS, state, shown[0][1])
    answer = after.answer(question_id)
    assert answer is not None and answer.status is AnswerStatus.ANSWERED
    assert str(answer.value) == str(stored)


def test_the_default_button_is_in_the_participants_language_and_gone_once_answered() -> None:
    state = started(DEFAULTS)
    assert buttons(DEFAULTS, state, "people", "en")[0][0] == "Keep: 4"
    answered = step(DEFAULTS, state, AnswerInput("people", "9"), NOW).state
    assert not any(label.startswith("Pakai") for label, _ in buttons(DEFAULTS, answered, "people"))


def test_a_single_choice_default_is_shown_first_and_keeps_its_payload() -> None:
    state = step(DEFAULTS, started(DEFAULTS), _goto("flag"), NOW).state
    shown = buttons(DEFAULTS, state, "flag")
    assert [label for label, _ in shown[:3]] == ["Biru", "Merah", "Hijau"]
    after = tap(DEFAULTS, state, shown[0][1])
    assert after.answers["flag"].value == "blue"


def test_a_multiple_choice_default_is_ticked_so_done_keeps_it() -> None:
    state = step(DEFAULTS, started(DEFAULTS), _goto("mix"), NOW).state
    shown = buttons(DEFAULTS, state, "mix")
    assert [label for label, _ in shown[:3]] == ["☑ Merah", "☐ Hijau", "☑ Biru"]
    done = next(payload for label, payload in shown if label.endswith("Selesai"))
    assert tap(DEFAULTS, state, done).answers["mix"].value == ("red", "blue")


def test_a_default_the_question_would_refuse_is_not_offered() -> None:
    questionnaire = form(
        ("integer", "age", "Umur?", "Age?", "200", ". < 120"),
        ("select_one color", "flag", "Warna?", "Colour?", "purple", None),
        columns=("default", "constraint"),
    )
    state = started(questionnaire)
    assert not any(label.startswith("Pakai") for label, _ in buttons(questionnaire, state, "age"))
    state = step(questionnaire, state, _goto("flag"), NOW).state
    assert [label for label, _ in buttons(questionnaire, state, "flag")[:3]] == [
        "Merah",
        "Hijau",
        "Biru",
    ]


def test_a_questions_without_default_get_no_default_button() -> None:
    questionnaire = form(("integer", "people", "Berapa?", "How many?", None), columns=("default",))
    labels = [label for label, _ in buttons(questionnaire, started(questionnaire), "people")]
    assert not any(label.startswith("Pakai") for label in labels)


# --- required: a skip button exactly when the engine allows a skip --------------------------

EVERY_TYPE = (
    ("integer", "Angka?", "Number?"),
    ("decimal", "Desimal?", "Decimal?"),
    ("text", "Teks?", "Text?"),
    ("date", "Tanggal?", "Date?"),
    ("time", "Jam?", "Time?"),
    ("dateTime", "Waktu?", "Date and time?"),
    ("select_one color", "Warna?", "Colour?"),
    ("select_multiple color", "Warna-warna?", "Colours?"),
    ("range", "Nilai?", "Rating?"),
)


@pytest.mark.parametrize("required", ["yes", "no", "${gate} = 'red'"])
@pytest.mark.parametrize(("kind", "label_id", "label_en"), EVERY_TYPE)
@pytest.mark.parametrize("gate", ["red", "green"])
def test_a_skip_button_is_shown_exactly_when_the_engine_accepts_a_skip(
    kind: str, label_id: str, label_en: str, required: str, gate: str
) -> None:
    questionnaire = form(
        ("select_one color", "gate", "Gerbang?", "Gate?", "yes"),
        (kind, "q", label_id, label_en, required),
        columns=("required",),
    )
    state = started(questionnaire, AnswerInput("gate", gate))
    assert state.current == "q"
    question = questionnaire.question("q")
    values = compute_relevance(questionnaire, state.answers).values
    expected_skip = not is_required(question, values)
    assert expected_skip == (required == "no" or (required.startswith("$") and gate != "red"))
    skips = [p for _, p in buttons(questionnaire, state, "q") if decode(p).action is Action.SKIP]
    assert bool(skips) == expected_skip == may_skip(questionnaire, state, question)
    result = step(questionnaire, state, Skip("q"), NOW)
    refused = [e for e in result.events if isinstance(e, InvalidAnswer)]
    assert bool(refused) == (not expected_skip)
    if skips:
        assert tap(questionnaire, state, skips[0]).answers["q"].status is AnswerStatus.SKIPPED


# --- calculate: evaluated, stored with the answers, exported -------------------------------

CALCULATING = form(
    ("integer", "adults", "Dewasa?", "Adults?", None, None),
    ("integer", "children", "Anak?", "Children?", None, None),
    ("calculate", "total", None, None, "${adults} + ${children}", None),
    ("calculate", "half", None, None, "${total} div 2", None),
    ("calculate", "big", None, None, "if(${total} > 5, 'besar', 'kecil')", None),
    ("text", "why", "Mengapa?", "Why?", None, "${total} > 5"),
    columns=("calculation", "relevant"),
)


def test_calculations_are_recorded_with_the_answer_that_changes_them() -> None:
    state = started(CALCULATING, AnswerInput("adults", "4"))
    result = step(CALCULATING, state, AnswerInput("children", "3"), NOW)
    kinds = [type(e) for e in result.events]
    assert kinds[:4] == [
        AnswerRecorded,
        CalculationRecorded,
        CalculationRecorded,
        CalculationRecorded,
    ]
    stored = {q: result.state.answers[q].value for q in ("total", "half", "big")}
    # ODK keeps a calculation as text: 7, not 7.0.
    assert stored == {"total": "7", "half": "3.5", "big": "besar"}
    assert result.state.current == "why"
    changed = step(CALCULATING, result.state, _goto("children"), NOW).state
    changed_result = step(CALCULATING, changed, AnswerInput("children", "0"), NOW)
    recorded = {
        e.question_id: e.answer.value
        for e in changed_result.events
        if isinstance(e, CalculationRecorded)
    }
    assert recorded == {"total": "4", "half": "2", "big": "kecil"}


def test_an_unchanged_calculation_is_not_written_again() -> None:
    state = started(CALCULATING, AnswerInput("adults", "4"), AnswerInput("children", "3"))
    result = step(CALCULATING, state, AnswerInput("why", "ramai"), NOW)
    assert not [e for e in result.events if isinstance(e, CalculationRecorded)]


def test_calculations_are_never_asked_and_count_among_the_effective_answers() -> None:
    state = started(CALCULATING, AnswerInput("adults", "4"), AnswerInput("children", "3"))
    asked = {q.id for q in compute_relevance(CALCULATING, state.answers).questions}
    assert asked == {"adults", "children", "why"}
    assert list(effective_answers(CALCULATING, state)) == [
        "adults",
        "children",
        "total",
        "half",
        "big",
    ]


def test_calculations_are_exported_in_the_answers_and_responses_sheets() -> None:
    state = started(CALCULATING, AnswerInput("adults", "4"), AnswerInput("children", "3"))
    workshop = _workshop(CALCULATING, state)
    answers = answers_frame([workshop])
    rows = answers[answers.question_type == QuestionType.CALCULATE.value]
    assert dict(zip(rows.question_id, rows.value, strict=True)) == {
        "total": "7",
        "half": "3.5",
        "big": "besar",
    }
    responses = responses_frame([workshop])
    assert responses.loc[0, "total"] == "7" and responses.loc[0, "big"] == "besar"


def _goto(question_id: str) -> Input:
    return GoTo(question_id)


def _workshop(questionnaire: Questionnaire, state: State) -> WorkshopProgress:
    participant = ParticipantInfo(
        id=1,
        pseudonym="P001",
        invite_code="ABC",
        name="Ibu Sari",
        arena=None,
        category=None,
        organisation=None,
        position=None,
        phone=None,
        email=None,
        language="id",
        telegram_user_id=None,
        consent_at=None,
        bound_at=None,
        unreachable_at=None,
    )
    respondent = RespondentProgress(
        participant=participant,
        status=Status.IN_PROGRESS,
        answers={qid: StoredAnswer(answer) for qid, answer in state.answers.items()},
        answered=3,
        relevant=3,
    )
    return WorkshopProgress(
        workshop_id=1,
        code="W1",
        province_code="31",
        province_name="DKI Jakarta",
        zone="Asia/Jakarta",
        date=dt.date(2026, 12, 3),
        questionnaire_id=1,
        questionnaire=questionnaire,
        phase=WorkshopPhase.OPEN,
        as_of=NOW,
        respondents=(respondent,),
    )


@pytest.mark.parametrize(("gate", "skipped"), [("green", True), ("red", False)])
def test_typing_skip_follows_a_conditional_required_like_the_button(
    gate: str, skipped: bool
) -> None:
    questionnaire = form(
        ("select_one color", "gate", "Gerbang?", "Gate?", "yes"),
        ("text", "q", "Teks?", "Text?", "${gate} = 'red'"),
        columns=("required",),
    )
    state = started(questionnaire, AnswerInput("gate", gate))
    meaning = interpret_typed(questionnaire, state, "lewati")
    if skipped:
        assert isinstance(meaning, Interpreted) and meaning.input == Skip("q")
    else:
        # Required now: "lewati" is an answer to a text question, not a skip.
        assert not (isinstance(meaning, Interpreted) and isinstance(meaning.input, Skip))


@pytest.mark.parametrize(
    ("questionnaire", "fragment"),
    [(DEFAULTS, "<village>Sukamaju</village>"), (CALCULATING, 'calculate=" /data/')],
    ids=["defaults", "calculate"],
)
def test_defaults_and_calculations_export_pass_odk_validate_and_reload_equal(
    questionnaire: Questionnaire, fragment: str
) -> None:
    exported = export_xlsform(questionnaire)
    # validate=True runs ODK Validate on the XForm; it raises if ODK refuses it.
    result = convert(exported, file_type=".xlsx", validate=True, warnings=[])
    assert fragment in result.xform
    assert load_xlsform(exported).unwrap().to_dict() == questionnaire.to_dict()
