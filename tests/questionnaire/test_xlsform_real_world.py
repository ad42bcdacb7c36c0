"""XLSForms as survey teams write them: optional versions, any languages, pyxform's rules."""

from __future__ import annotations

import io

import openpyxl
from pyxform.xls2xform import convert

from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.engine import (
    Acknowledge,
    AnswerInput,
    Input,
    InvalidAnswer,
    Start,
    State,
    calculated_values,
    offered,
    step,
)
from bot.questionnaire.loader import LoadResult
from bot.questionnaire.model import Questionnaire, QuestionType
from bot.questionnaire.validation import InvalidCode
from bot.questionnaire.xlsform import export_xlsform, load_xlsform
from bot.questionnaire.xlsform.columns import WIPBOT_REQUIRED
from tests.questionnaire.forms import NOW
from tests.questionnaire.test_xlsform import (
    LABELS,
    YES_NO,
    Rows,
    errors,
    read,
    survey,
    warnings,
    workbook,
)

NO_VERSION = (("form_id", "form_title"), ("uji", "Uji"))


def test_a_form_without_version_loads_with_a_version_derived_from_its_content() -> None:
    result = read(survey(("integer", "a", "Umur", "Age")), settings=NO_VERSION)
    assert errors(result) == []
    version = result.unwrap().version
    assert version.startswith("auto-") and len(version) == len("auto-") + 12
    assert (
        f"[row 2] settings: no version is set; using '{version}', derived from the "
        "form's content (the same content always gets the same version)"
    ) in warnings(result)


def test_a_derived_version_is_the_same_for_the_same_content_and_differs_otherwise() -> None:
    first = read(survey(("integer", "a", "Umur", "Age")), settings=NO_VERSION).unwrap()
    again = read(survey(("integer", "a", "Umur", "Age")), settings=NO_VERSION).unwrap()
    other = read(survey(("integer", "a", "Usia", "Age")), settings=NO_VERSION).unwrap()
    assert first.version == again.version
    assert first.version != other.version


def test_a_written_version_is_kept_as_written() -> None:
    settings = (("form_id", "version", "form_title"), ("uji", "2026.10", "Uji"))
    result = read(survey(("integer", "a", "Umur", "Age")), settings=settings)
    assert result.unwrap().version == "2026.10"
    assert not any("no version is set" in w for w in warnings(result))


# --- Languages --------------------------------------------------------------------------


def test_a_plain_english_label_beside_an_indonesian_column_keeps_both_languages() -> None:
    result = read(
        (
            ("type", "name", "label", "label::Indonesian (id)"),
            ("integer", "age", "How old are you?", "Berapa umur Anda?"),
        ),
        settings=NO_VERSION,
    )
    assert errors(result) == []
    text = result.unwrap().question("age").text
    assert (text.get("id"), text.get("en")) == ("Berapa umur Anda?", "How old are you?")
    assert [w for w in warnings(result) if "survey row 2); English" in w] == [
        "2 rows have text with no English (en) version (settings row 2; survey row 2); English "
        "participants see the form's default language (columns without a language) or "
        "Indonesian (id)"
    ]


def test_an_english_only_form_loads_with_one_warning_for_the_missing_indonesian() -> None:
    result = read(
        (
            ("type", "name", "label::English (en)", "hint::English (en)"),
            ("integer", "a", "Age", "In years"),
            ("text", "b", "Name", None),
        ),
        settings=NO_VERSION,
    )
    assert errors(result) == []
    questionnaire = result.unwrap()
    assert questionnaire.default_language == "en"
    assert questionnaire.question("a").text.get("id") == "Age"
    assert [w for w in warnings(result) if "Indonesian participants" in w] == [
        "2 rows have text with no Indonesian (id) version (survey rows 2, 3);"
        " Indonesian participants see English (en)"
    ]


def test_a_form_in_another_language_is_served_in_it_to_everyone() -> None:
    settings = (("form_id", "form_title", "default_language"), ("f", "Umfrage", "German (de)"))
    result = read(
        (("type", "name", "label::German (de)"), ("integer", "a", "Alter")), settings=settings
    )
    assert errors(result) == []
    text = result.unwrap().question("a").text
    assert (text.get("id"), text.get("en")) == ("Alter", "Alter")
    summary = [w for w in warnings(result) if "participants see" in w]
    assert summary == [
        "1 row has text with no Indonesian (id) version (survey row 2); Indonesian participants "
        "see German (de)",
        "2 rows have text with no English (en) version (settings row 2; survey row 2); English "
        "participants see German (de) or Indonesian (id)",
    ]


# --- What a chat can ask ------------------------------------------------------------------


def asked(result: LoadResult) -> list[tuple[str, QuestionType]]:
    """The questions a participant is asked, with their types."""
    return [(q.id, q.type) for q in result.unwrap().questions if q.type.is_asked]


def test_dates_and_times_are_typed_questions_stored_as_iso_text() -> None:
    result = read(
        survey(
            ("date", "born", "Tanggal lahir", "Birth date"),
            ("time", "start", "Mulai", "Start"),
            ("dateTime", "seen", "Terlihat", "Seen"),
        )
    )
    assert asked(result) == [
        ("born", QuestionType.DATE),
        ("start", QuestionType.TIME),
        ("seen", QuestionType.DATETIME),
    ]
    questionnaire = result.unwrap()
    state = run(questionnaire, AnswerInput("born", "17 Agustus 1980"), AnswerInput("start", "9.30"))
    assert state.answers["born"].value == "1980-08-17"
    assert state.answers["start"].value == "09:30"
    refused = step(questionnaire, state, AnswerInput("seen", "kemarin"), NOW)
    assert [e.code for e in refused.events if isinstance(e, InvalidAnswer)] == [
        InvalidCode.NOT_A_DATE
    ]


def test_a_calculation_is_evaluated_never_asked_and_usable_in_conditions() -> None:
    result = read(
        survey(
            ("integer", "adults", "Dewasa", "Adults"),
            ("integer", "children", "Anak", "Children"),
            ("calculate", "total", None, None, "${adults} + ${children}", None),
            ("text", "why", "Mengapa?", "Why?", None, "${total} > 5"),
            columns=("calculation", "relevant"),
        )
    )
    questionnaire = result.unwrap()
    assert ("total", QuestionType.CALCULATE) not in asked(result)
    state = run(questionnaire, AnswerInput("adults", "4"), AnswerInput("children", "3"))
    assert calculated_values(questionnaire, state) == {"total": 7.0}
    assert state.current == "why"


def test_a_choice_filter_offers_only_the_matching_choices_even_with_repeated_names() -> None:
    settings = (("form_id", "allow_choice_duplicates"), ("f", "yes"))
    choices = (
        ("list_name", "name", *LABELS, "province"),
        ("province", "jambi", "Jambi", "Jambi", None),
        ("province", "bali", "Bali", "Bali", None),
        ("city", "kota", "Kota Jambi", "Jambi City", "jambi"),
        ("city", "kota", "Denpasar", "Denpasar", "bali"),
        ("city", "muaro", "Muaro Jambi", "Muaro Jambi", "jambi"),
    )
    result = read(
        survey(
            ("select_one province", "province", "Provinsi", "Province", None),
            ("select_one city", "city", "Kota", "City", "province = ${province}"),
            columns=("choice_filter",),
        ),
        choices,
        settings,
    )
    assert errors(result) == []
    questionnaire = result.unwrap()
    state = run(questionnaire, AnswerInput("province", "bali"))
    assert [c.label.get("id") for c in offered(questionnaire, state, "city")] == ["Denpasar"]
    refused = step(questionnaire, state, AnswerInput("city", "muaro"), NOW)
    assert any(isinstance(e, InvalidAnswer) for e in refused.events)


def test_repeated_choice_names_without_a_filter_are_still_an_error() -> None:
    choices = (("list_name", "name", *LABELS), ("c", "a", "A", "A"), ("c", "a", "B", "B"))
    result = read(survey(("select_one c", "q", "Q", "Q")), choices)
    assert errors(result) == [
        "[row 3] choices: choice 'a' appears twice in list 'c' (first at row 2)"
    ]


def test_or_other_adds_an_other_choice_and_a_text_question_as_pyxform_does() -> None:
    result = read(survey(("select_one yn or_other", "q", "Q", "Q")), YES_NO)
    questionnaire = result.unwrap()
    assert questionnaire.question("q").choice_values == ("yes", "no", "other")
    follow = questionnaire.question("q_other")
    assert follow.type is QuestionType.TEXT
    assert follow.relevant is not None and follow.relevant.source == "selected(${q}, 'other')"


def test_acknowledge_read_only_and_phone_number_are_asked_as_a_chat_can() -> None:
    result = read(
        survey(
            ("acknowledge", "ok", "Setuju?", "Agree?", None),
            ("text", "shown", "Teks", "Text", "yes"),
            ("phone number", "phone", "Telepon", "Phone", None),
            columns=("read_only",),
        )
    )
    questionnaire = result.unwrap()
    assert questionnaire.question("ok").type is QuestionType.NOTE
    assert questionnaire.question("shown").type is QuestionType.NOTE
    phone = questionnaire.question("phone")
    assert phone.type is QuestionType.TEXT
    state = run(questionnaire, Acknowledge("ok"), Acknowledge("shown"))
    refused = step(questionnaire, state, AnswerInput("phone", "nomor saya"), NOW)
    assert any(isinstance(e, InvalidAnswer) for e in refused.events)
    assert run(questionnaire, Acknowledge("ok"), Acknowledge("shown"), AnswerInput("phone", "0812"))


def test_a_range_with_any_step_offers_its_values() -> None:
    result = read(
        survey(("range", "r", "R", "R", "start=0 end=10 step=2.5"), columns=("parameters",))
    )
    assert result.unwrap().question("r").scale_values() == (0, 2.5, 5, 7.5, 10)


def test_a_grid_header_row_is_not_asked_and_its_rows_are() -> None:
    result = read(
        survey(
            ("begin_group", "grid", "Kisi", "Grid", None),
            ("select_one yn", "header", "Header", "Header", "label"),
            ("select_one yn", "row1", "Baris 1", "Row 1", "list-nolabel"),
            ("end_group", None, None, None, None),
            columns=("appearance",),
        ),
        YES_NO,
    )
    assert [q.id for q in result.unwrap().questions] == ["row1"]


def test_a_default_is_kept_to_offer_as_a_one_tap_answer() -> None:
    result = read(survey(("integer", "n", "N", "N", "3"), columns=("default",)))
    assert result.unwrap().question("n").default == "3"


def test_select_one_external_takes_its_choices_from_the_external_choices_sheet() -> None:
    rows = survey(
        ("select_one yn", "kind", "K", "K", None),
        ("select_one_external places", "p", "P", "P", "kind = ${kind}"),
        columns=("choice_filter",),
    )
    loaded = openpyxl.load_workbook(io.BytesIO(workbook(rows, YES_NO)))
    sheet = loaded.create_sheet("external_choices")
    rows = (
        ("list_name", "name", "label", "kind"),
        ("places", "a", "A", "yes"),
        ("places", "b", "B", "no"),
    )
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    loaded.save(buffer)
    questionnaire = load_xlsform(buffer.getvalue()).unwrap()
    assert questionnaire.question("p").choice_values == ("a", "b")
    state = run(questionnaire, AnswerInput("kind", "no"))
    assert [c.value for c in offered(questionnaire, state, "p")] == ["b"]


def run(questionnaire: Questionnaire, *inputs: Input) -> State:
    """Applies inputs from a fresh start; returns the state, failing on a refused input."""
    state = step(questionnaire, State(), Start(), NOW).state
    for given in inputs:
        result = step(questionnaire, state, given, NOW)
        refused = [e for e in result.events if isinstance(e, InvalidAnswer)]
        assert not refused, refused
        state = result.state
    return state


# --- Honest refusals ----------------------------------------------------------------------


def test_skip_unsupported_loads_the_rest_and_reads_references_to_skipped_rows_as_empty() -> None:
    book = workbook(
        survey(
            ("geopoint", "where", "Di mana", "Where", None),
            ("begin_repeat", "people", "Orang", "People", None),
            ("text", "person", "Nama", "Name", None),
            ("end_repeat", None, None, None, None),
            ("integer", "q", "Q", "Q", "${where} != ''"),
            columns=("relevant",),
        )
    )
    assert not load_xlsform(book).ok
    result = load_xlsform(book, skip_unsupported=True)
    questionnaire = result.unwrap()
    assert [q.id for q in questionnaire.questions] == ["q"]
    relevant = questionnaire.question("q").relevant
    assert relevant is not None and relevant.source == "'' != ''"
    skipped = [w for w in warnings(result) if "skipped" in w]
    assert skipped == [
        "[row 2] survey: question 'where': the row is skipped: type 'geopoint' (locations) is "
        "not supported by wipbot",
        "[row 3] survey: question 'people': the row is skipped: type 'begin_repeat' (repeats) "
        "is not supported by wipbot",
        "[row 4] survey: question 'person': the row is skipped: a row inside a skipped repeat "
        "is not supported by wipbot",
        "[row 6] survey: question 'q': relevant refers to skipped question 'where'; it reads "
        "as empty",
    ]


def test_a_data_export_is_called_not_a_form() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    sheet.append(["start", "end", "q1", "q2"])
    sheet.append(["2026-08-17", "2026-08-17", "yes", "3"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = load_xlsform(buffer.getvalue())
    assert errors(result) == ["survey: this is not a form: the 'survey' sheet has no 'type' column"]


def test_a_workbook_without_a_survey_sheet_is_called_not_a_form() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(["name", "age"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = load_xlsform(buffer.getvalue())
    assert errors(result) == ["this is not a form: the 'Data' sheet has no 'type' column"]


# --- Export -------------------------------------------------------------------------------


# fmt: off
FEATURES: Rows = survey(
    ("integer", "adults", "Dewasa", "Adults", None, None, None, None, "1", "20", None, None),
    ("calculate", "double", None, None, None, None, None, "${adults} * 2", None, None, None, None),
    ("date", "born", "Lahir ${adults}", "Born", None, None, None, None, None, None, None, None),
    (
        "select_one province",
        "province",
        "Prov",
        "Prov",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "select_one city",
        "city",
        "Kota",
        "City",
        None,
        "province = ${province}",
        None,
        None,
        None,
        None,
        None,
        None,
    ),
    ("text", "why", "Mengapa", "Why", "${adults} > 2", None, "x", None, None, None, "80", None),
    ("range", "r", "R", "R", "yes", None, None, None, None, None, None, "start=0 end=10 step=2"),
    columns=(
        "required",
        "choice_filter",
        "default",
        "calculation",
        "min",
        "max",
        "max_length",
        "parameters",
    ),
)
# fmt: on
FEATURE_CHOICES: Rows = (
    ("list_name", "name", *LABELS, "province"),
    ("province", "jambi", "Jambi", "Jambi", None),
    ("province", "bali", "Bali", "Bali", None),
    ("city", "kota", "Kota Jambi", "Jambi City", "jambi"),
    ("city", "kota", "Denpasar", "Denpasar", "bali"),
)
FEATURE_SETTINGS: Rows = (("form_id", "version", "allow_choice_duplicates"), ("f", "1", "yes"))


def test_a_form_using_the_xlsform_features_round_trips_through_export() -> None:
    original = read(FEATURES, FEATURE_CHOICES, FEATURE_SETTINGS).unwrap()
    assert original.question("why").required_if is not None
    exported = export_xlsform(original)
    again = load_xlsform(exported)
    assert errors(again) == []
    assert again.unwrap().to_dict() == original.to_dict()


def test_bounds_lengths_and_dont_know_are_exported_as_odk_reads_them() -> None:
    original = read(FEATURES, FEATURE_CHOICES, FEATURE_SETTINGS).unwrap()
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(original)))
    header = [c.value for c in book["survey"][1]]
    rows = {
        row[header.index("name")]: dict(zip(header, row, strict=False))
        for row in book["survey"].iter_rows(min_row=2, values_only=True)
    }
    assert rows["adults"]["constraint"] == ". >= 1 and . <= 20"
    assert rows["why"]["constraint"] == "string-length(.) <= 80"
    assert rows["why"]["required"] == "${adults} > 2"
    assert rows["double"]["calculation"] == "${adults} * 2"
    assert rows["city"]["choice_filter"] == "province = ${province}"
    assert rows["born"]["label::Indonesian (id)"] == "Lahir ${adults}"
    # A scale offering "don't know" may be left blank in ODK; wipbot still asks it.
    assert rows["r"]["required"] is None and rows["r"][WIPBOT_REQUIRED] == "yes"


def test_the_exported_default_passes_odk_validate_and_reloads_equal() -> None:
    default = load_default_questionnaire()
    exported = export_xlsform(default)
    result = convert(exported, file_type=".xlsx", validate=True)
    assert '<data id="igi-wip" version="2026.1">' in result.xform
    reloaded = load_xlsform(exported)
    assert errors(reloaded) == [] and warnings(reloaded) == []
    assert reloaded.unwrap().to_dict() == default.to_dict()


def test_the_exported_feature_form_passes_odk_validate() -> None:
    original = read(FEATURES, FEATURE_CHOICES, FEATURE_SETTINGS).unwrap()
    result = convert(export_xlsform(original), file_type=".xlsx", validate=True)
    assert "choice_filter" not in result.xform  # pyxform turned it into an itemset
    assert 'constraint=". &gt;= 1 and . &lt;= 20"' in result.xform


def test_a_condition_on_ignored_metadata_reads_it_as_empty_with_a_warning() -> None:
    result = read(
        survey(
            ("username", "username", None, None, None),
            ("note", "hello", "Halo", "Hello", "${username} != ''"),
            ("integer", "q", "Q", "Q", None),
            columns=("relevant",),
        )
    )
    relevant = result.unwrap().question("hello").relevant
    assert relevant is not None and relevant.source == "'' != ''"
    assert (
        "[row 3] survey: question 'hello': relevant refers to metadata 'username'; it reads as "
        "empty"
    ) in warnings(result)
