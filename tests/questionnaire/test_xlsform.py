"""XLSForm import and export: small forms written inline as tables, and round trips."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.engine import (
    Acknowledge,
    AnswerInput,
    AskQuestion,
    DontKnow,
    Input,
    InvalidAnswer,
    ReadyToSubmit,
    Start,
    State,
    Submit,
    Submitted,
    step,
)
from bot.questionnaire.errors import ProblemCode
from bot.questionnaire.evaluation import evaluate
from bot.questionnaire.loader import LoadResult
from bot.questionnaire.model import Arena, Principle, Question, Questionnaire, QuestionType
from bot.questionnaire.validation import InvalidCode
from bot.questionnaire.xlsform import (
    export_xlsform,
    load_xlsform,
    translate_expression,
)
from tests.questionnaire.forms import ALL_TYPES, NOW, form, load

Rows = Sequence[Sequence[object]]

LABELS = ("label::Indonesian (id)", "label::English (en)")
SETTINGS: Rows = (
    ("form_id", "version", "form_title", "form_title_en"),
    ("uji", "1", "Uji", "Test"),
)
YES_NO: Rows = (
    ("list_name", "name", *LABELS),
    ("yn", "yes", "Ya", "Yes"),
    ("yn", "no", "Tidak", "No"),
)


def workbook(
    survey: Rows | None, choices: Rows | None = None, settings: Rows | None = SETTINGS
) -> bytes:
    """Writes the sheets given as tables (first row: column headers) into .xlsx bytes."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is not None:
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def survey(*rows: Sequence[object], columns: Sequence[str] = ()) -> Rows:
    """A survey sheet: type, name, Indonesian and English label, then `columns`."""
    return (("type", "name", *LABELS, *columns), *rows)


def read(
    survey_rows: Rows, choices: Rows | None = None, settings: Rows | None = SETTINGS
) -> LoadResult:
    """Loads a workbook built from the tables."""
    return load_xlsform(workbook(survey_rows, choices, settings))


def errors(result: LoadResult) -> list[str]:
    """The errors as a researcher reads them."""
    return [str(p) for p in result.errors]


def warnings(result: LoadResult) -> list[str]:
    """The warnings as a researcher reads them."""
    return [str(p) for p in result.warnings]


def question(result: LoadResult, question_id: str) -> Question:
    """The question of a form that must load."""
    return result.unwrap().question(question_id)


# --- Types and structure -----------------------------------------------------------------


def test_every_supported_type_loads_into_the_model() -> None:
    result = read(
        survey(
            ("note", "intro", "Selamat datang", "Welcome"),
            ("begin_group", "profil", "Profil", "Profile"),
            ("integer", "years", "Tahun", "Years"),
            ("decimal", "share", "Bagian", "Share"),
            ("text", "comment", "Komentar", "Comment"),
            ("range", "score", "Nilai", "Score"),
            ("select_one yn", "agree", "Setuju?", "Agree?"),
            ("select_multiple yn", "both", "Keduanya", "Both"),
            ("end_group",),
        ),
        YES_NO,
    )
    assert errors(result) == []
    types = {q.id: q.type for q in result.unwrap().questions}
    assert types == {
        "intro": QuestionType.NOTE,
        "years": QuestionType.INTEGER,
        "share": QuestionType.DECIMAL,
        "comment": QuestionType.TEXT,
        "score": QuestionType.SCALE,
        "agree": QuestionType.SINGLE_CHOICE,
        "both": QuestionType.MULTIPLE_CHOICE,
    }
    agree = question(result, "agree")
    assert agree.choice_values == ("yes", "no")
    no = agree.choice("no")
    assert no is not None and (no.label.id, no.label.en) == ("Tidak", "No")
    assert question(result, "years").text.id == "Tahun"
    assert question(result, "years").text.en == "Years"


def test_pyxform_type_aliases_are_accepted() -> None:
    result = read(
        survey(
            ("int", "a", "A", "A"),
            ("string", "b", "B", "B"),
            ("select one yn", "c", "C", "C"),
            ("select all that apply yn", "d", "D", "D"),
            ("begin group", "g", "G", "G"),
            ("q note", "e", "E", "E"),
            ("end group",),
        ),
        YES_NO,
    )
    types = [q.type for q in result.unwrap().questions]
    assert types == [
        QuestionType.INTEGER,
        QuestionType.TEXT,
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.NOTE,
    ]


def test_groups_become_sections_and_ungrouped_runs_get_a_section_titled_like_the_form() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"),
            ("begin_group", "pemerintah", "Pemerintah", "Government"),
            ("integer", "b", "B", "B"),
            ("end_group",),
            ("integer", "c", "C", "C"),
        )
    )
    sections = result.unwrap().sections
    assert [(s.id, s.title.id, s.title.en) for s in sections] == [
        ("questions", "Uji", "Test"),
        ("pemerintah", "Pemerintah", "Government"),
        ("questions_2", "Uji", "Test"),
    ]
    assert [[q.id for q in s.questions] for s in sections] == [["a"], ["b"], ["c"]]


def test_an_implicit_section_never_takes_a_group_name() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"),
            ("begin_group", "questions", "G", "G"),
            ("integer", "b", "B", "B"),
            ("end_group",),
        )
    )
    assert [s.id for s in result.unwrap().sections] == ["questions_", "questions"]


def test_blank_rows_keep_spreadsheet_row_numbers() -> None:
    result = read(
        survey(
            (),
            ("integer", "a", "A", "A"),
            (),
            ("integer", "b", "B", "B", "${zzz} = 1"),
            columns=("relevant",),
        )
    )
    assert errors(result) == [
        "[row 5] survey: question 'b': relevant refers to unknown question 'zzz'"
    ]


def test_range_without_parameters_is_a_standard_scale_with_dont_know() -> None:
    score = question(read(survey(("range", "score", "Nilai", "Score"))), "score")
    assert (score.scale_min, score.scale_max) == (1, 10)
    assert score.allow_dont_know is True
    assert score.required is False


def test_range_parameters_and_tick_labelset_give_bounds_and_end_labels() -> None:
    result = read(
        survey(
            ("range", "score", "Nilai", "Score", "start=0 end=5 tick_labelset=ends"),
            columns=("parameters",),
        ),
        (
            ("list_name", "name", *LABELS),
            ("ends", "0", "Buruk", "Poor"),
            ("ends", "5", "Baik", "Good"),
        ),
    )
    score = question(result, "score")
    assert (score.scale_min, score.scale_max) == (0, 5)
    assert score.scale_min_label is not None and score.scale_min_label.en == "Poor"
    assert score.scale_max_label is not None and score.scale_max_label.id == "Baik"
    assert warnings(result) == [
        "[row 2] survey: question 'score': scale question without arena and principle is not scored"
    ]


def test_tick_labels_between_the_ends_are_ignored_with_a_warning() -> None:
    result = read(
        survey(
            ("range", "score", "Nilai", "Score", "start=1 end=3 tick_labelset=t"),
            columns=("parameters",),
        ),
        (
            ("list_name", "name", *LABELS),
            ("t", "1", "A", "A"),
            ("t", "2", "B", "B"),
            ("t", "3", "C", "C"),
        ),
    )
    assert result.ok
    assert (
        "[row 3] choices: tick label '2' of list 't' is ignored: wipbot labels only the start "
        "and end of a scale" in warnings(result)
    )


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ("start=one end=10", "scale min must be a whole number, not 'one'"),
        ("start=1.5 end=10", "scale min must be a whole number, not 1.5"),
        ("start=10 end=1", "scale min (10) must be smaller than max (1)"),
        ("start=1 end=200", "scale 1..200 has more than 101 points"),
        (
            "start=1 end=10 colour=red",
            "unknown range parameter 'colour'; use start, end and tick_labelset",
        ),
        (
            "start=1 end=10 tick_labelset=none",
            "tick_labelset 'none' is not a list on the choices sheet",
        ),
        ("start", "On the 'survey' sheet, the 'parameters' value is invalid."),
    ],
)
def test_bad_range_parameters_are_errors_on_the_row(parameters: str, message: str) -> None:
    result = read(survey(("range", "score", "Nilai", "Score", parameters), columns=("parameters",)))
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(f"[row 2] survey: question 'score': {message}")


def test_a_long_range_is_allowed_with_a_warning() -> None:
    result = read(
        survey(("range", "score", "Nilai", "Score", "start=0 end=20"), columns=("parameters",))
    )
    assert result.ok
    assert ProblemCode.LONG_SCALE in {p.code for p in result.warnings}


@pytest.mark.parametrize(
    ("qtype", "cell", "expected"),
    [
        ("range", None, True),
        ("range", "no", False),
        ("range", "yes", True),
        ("integer", None, False),
        ("integer", "yes", True),
        ("select_one yn", "TRUE", True),
    ],
)
def test_dont_know_column_overrides_the_default_by_type(
    qtype: str, cell: str | None, expected: bool
) -> None:
    result = read(survey((qtype, "q", "Q", "Q", cell), columns=("dont_know",)), YES_NO)
    assert question(result, "q").allow_dont_know is expected


def test_dont_know_must_be_yes_or_no() -> None:
    result = read(survey(("range", "q", "Q", "Q", "sometimes"), columns=("dont_know",)))
    assert errors(result) == [
        "[row 2] survey: question 'q': dont_know must be yes or no, not 'sometimes'"
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("yes", True),
        ("Yes", True),
        ("TRUE", True),
        ("true()", True),
        ("1", True),
        (None, False),
        ("no", False),
        ("false()", False),
        ("0", False),
    ],
)
def test_required_reads_yes_and_no_and_defaults_to_no_as_in_odk(
    cell: str | None, expected: bool
) -> None:
    result = read(survey(("integer", "q", "Q", "Q", cell), columns=("required",)))
    assert question(result, "q").required is expected


def test_a_boolean_cell_in_required_is_read_as_yes() -> None:
    result = read(survey(("integer", "q", "Q", "Q", True), columns=("required",)))
    assert question(result, "q").required is True


def test_a_condition_in_required_makes_the_question_required_only_while_it_holds() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"),
            ("integer", "q", "Q", "Q", "${a} > 1"),
            columns=("required",),
        )
    )
    q = question(result, "q")
    assert q.required is False
    assert q.required_if is not None and q.required_if.source == "${a} > 1"


def test_required_on_a_note_is_ignored_with_a_warning() -> None:
    result = read(survey(("note", "n", "N", "N", "yes"), columns=("required",)))
    assert question(result, "n").required is False
    assert warnings(result) == [
        "[row 2] survey: question 'n': 'required' does not apply to note questions and is ignored"
    ]


@pytest.mark.parametrize(
    ("arena", "expected"),
    [
        ("government", Arena.GOVERNMENT),
        ("Pemerintah", Arena.GOVERNMENT),
        ("birokrasi", Arena.BUREAUCRACY),
        ("Masyarakat Sipil", Arena.CIVIL_SOCIETY),
        ("Civil Society", Arena.CIVIL_SOCIETY),
        ("masyarakat_ekonomi", Arena.ECONOMIC_SOCIETY),
        ("Dunia Usaha", Arena.ECONOMIC_SOCIETY),
    ],
)
def test_arena_accepts_keys_and_english_or_indonesian_names(arena: str, expected: Arena) -> None:
    result = read(
        survey(("range", "q", "Q", "Q", arena, "transparency"), columns=("arena", "principle"))
    )
    assert question(result, "q").arena is expected
    assert question(result, "q").is_scored


@pytest.mark.parametrize(
    ("principle", "expected"),
    [
        ("participation", Principle.PARTICIPATION),
        ("Partisipasi", Principle.PARTICIPATION),
        ("Keadilan", Principle.FAIRNESS),
        ("AKUNTABILITAS", Principle.ACCOUNTABILITY),
        ("Transparansi", Principle.TRANSPARENCY),
        ("Efisiensi", Principle.EFFICIENCY),
        ("Efektivitas", Principle.EFFECTIVENESS),
        ("Effectiveness", Principle.EFFECTIVENESS),
    ],
)
def test_principle_accepts_keys_and_english_or_indonesian_names(
    principle: str, expected: Principle
) -> None:
    result = read(
        survey(("range", "q", "Q", "Q", "government", principle), columns=("arena", "principle"))
    )
    assert question(result, "q").principle is expected


def test_unknown_arena_and_principle_are_errors_listing_what_is_allowed() -> None:
    result = read(
        survey(("range", "q", "Q", "Q", "Pemda", "Kejujuran"), columns=("arena", "principle"))
    )
    assert errors(result) == [
        "[row 2] survey: question 'q': unknown arena 'Pemda'; allowed: government (Pemerintah), "
        "bureaucracy (Birokrasi), civil_society (Masyarakat Sipil), economic_society "
        "(Masyarakat Ekonomi)",
        "[row 2] survey: question 'q': unknown principle 'Kejujuran'; allowed: participation "
        "(Partisipasi), fairness (Keadilan), accountability (Akuntabilitas), transparency "
        "(Transparansi), efficiency (Efisiensi), effectiveness (Efektivitas)",
    ]


def test_a_group_arena_applies_to_its_questions_and_indicators_are_checked() -> None:
    result = read(
        survey(
            ("begin_group", "birokrasi", "Birokrasi", "Bureaucracy", "Birokrasi"),
            ("range", "B1P1", "Q", "Q", None, "participation", "B1P1"),
            ("range", "B1F1", "Q", "Q", None, "fairness", "G1F1"),
            ("end_group",),
            columns=("arena", "principle", "indicator"),
        )
    )
    sections = result.unwrap().sections
    assert sections[0].arena is Arena.BUREAUCRACY
    assert question(result, "B1P1").arena is Arena.BUREAUCRACY
    assert question(result, "B1P1").indicator == "B1P1"
    assert warnings(result) == [
        "[row 4] survey: question 'B1F1': indicator G1F1 starts with G but the arena is "
        "bureaucracy (B)"
    ]


def test_min_max_and_max_length_columns_bound_answers() -> None:
    result = read(
        survey(
            ("integer", "years", "Y", "Y", "0", "60", None),
            ("decimal", "share", "S", "S", "0.5", "2.0", None),
            ("text", "note_text", "T", "T", None, None, "100"),
            columns=("min", "max", "max_length"),
        )
    )
    years, share, text = (question(result, i) for i in ("years", "share", "note_text"))
    assert (years.min_value, years.max_value) == (0, 60)
    assert (share.min_value, share.max_value) == (0.5, 2.0)
    assert isinstance(share.max_value, float)
    assert text.max_length == 100


def test_bad_bounds_are_errors_and_bounds_on_other_types_are_warnings() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A", "1.5", None, None),
            ("decimal", "b", "B", "B", "5", "1", None),
            ("text", "c", "C", "C", None, None, "5000"),
            ("range", "d", "D", "D", "1", None, None),
            columns=("min", "max", "max_length"),
        )
    )
    assert errors(result) == [
        "[row 2] survey: question 'a': min must be a whole number, not 1.5",
        "[row 3] survey: question 'b': min (5) must be smaller than max (1)",
        "[row 4] survey: question 'c': max_length must be a whole number from 1 to 4000, not 5000",
    ]
    assert (
        "[row 5] survey: question 'd': 'min' does not apply to scale questions and is ignored"
        in warnings(result)
    )


# --- Languages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indonesian", "english"),
    [
        ("label::Indonesian (id)", "label::English (en)"),
        ("label::Bahasa Indonesia (id)", "label::English (en)"),
        ("label::Indonesian", "label::English"),
        ("label::bahasa indonesia", "label::english"),
        ("label", "label::English (en)"),
    ],
)
def test_language_columns_are_recognised_by_code_or_name(indonesian: str, english: str) -> None:
    result = read((("type", "name", english, indonesian), ("integer", "q", "Apples", "Apel")))
    text = question(result, "q").text
    assert (text.id, text.en) == ("Apel", "Apples")
    assert result.warnings == ()


def test_a_label_without_language_is_in_the_settings_default_language() -> None:
    settings = (
        ("form_id", "version", "form_title", "default_language"),
        ("f", "1", "Judul", "English (en)"),
    )
    result = read(
        (("type", "name", "label", "label::Indonesian (id)"), ("integer", "q", "Apples", "Apel")),
        settings=settings,
    )
    questionnaire = result.unwrap()
    assert questionnaire.default_language == "en"
    assert (questionnaire.question("q").text.id, questionnaire.question("q").text.en) == (
        "Apel",
        "Apples",
    )


def test_hints_and_constraint_messages_are_translated_too() -> None:
    result = read(
        survey(
            (
                "integer",
                "q",
                "Q",
                "Q",
                "Angka saja",
                "Numbers only",
                ". > 0",
                "Harus positif",
                "Must be positive",
            ),
            columns=(
                "hint::Indonesian (id)",
                "hint::English (en)",
                "constraint",
                "constraint_message::Indonesian (id)",
                "constraint_message::English (en)",
            ),
        )
    )
    q = question(result, "q")
    assert q.hint is not None and (q.hint.id, q.hint.en) == ("Angka saja", "Numbers only")
    assert q.constraint_message is not None and q.constraint_message.en == "Must be positive"
    assert q.constraint is not None and q.constraint.source == ". > 0"


def test_other_languages_are_ignored_with_one_warning_per_column() -> None:
    result = read(
        (
            ("type", "name", *LABELS, "label::Français (fr)"),
            ("integer", "a", "A", "A", "A fr"),
            ("integer", "b", "B", "B", "B fr"),
        )
    )
    assert result.ok
    assert warnings(result) == [
        "[row 1] survey: column 'label::Français (fr)' is ignored: wipbot speaks Indonesian (id) "
        "and English (en) only"
    ]


def test_two_columns_for_one_language_are_an_error() -> None:
    result = read(
        (
            ("type", "name", "label::Indonesian", "label::Bahasa Indonesia (id)"),
            ("integer", "a", "A", "A"),
        )
    )
    assert errors(result) == [
        "[row 1] survey: columns 'label::Indonesian' and 'label::Bahasa Indonesia (id)' are both "
        "Indonesian (id); keep one"
    ]


def test_a_text_missing_in_one_language_is_shown_in_the_other_with_one_warning_each() -> None:
    result = read(
        (
            ("type", "name", *LABELS),
            ("integer", "a", None, "Apples"),
            ("integer", "b", "Pisang", None),
            ("integer", "c", "Ceri", None),
        )
    )
    assert errors(result) == []
    assert question(result, "a").text.get("id") == "Apples"
    assert question(result, "b").text.get("en") == "Pisang"
    assert warnings(result) == [
        "1 row has text with no Indonesian (id) version (survey row 2); Indonesian participants "
        "see English (en)",
        "2 rows have text with no English (en) version (survey rows 3, 4); English participants "
        "see Indonesian (id)",
    ]


def test_a_question_without_label_shows_its_name_with_a_warning() -> None:
    result = read(survey(("integer", "a")))
    assert question(result, "a").text.get("id") == "a"
    assert "[row 2] survey: question 'a' has no label; wipbot shows its name" in warnings(result)


def test_settings_give_id_version_title_and_default_language() -> None:
    settings = (
        ("form_title", "form_title_en", "form_id", "version", "default_language"),
        ("Kuesioner", "Questionnaire", "igi-jambi", "2026.10", "Bahasa Indonesia (id)"),
    )
    questionnaire = read(survey(("integer", "a", "A", "A")), settings=settings).unwrap()
    assert (questionnaire.id, questionnaire.version) == ("igi-jambi", "2026.10")
    assert (questionnaire.title.id, questionnaire.title.en) == ("Kuesioner", "Questionnaire")
    assert questionnaire.default_language == "id"


def test_missing_form_id_falls_back_to_the_file_name_as_in_pyxform(tmp_path: Path) -> None:
    path = tmp_path / "igi_bali.xlsx"
    settings = (("version", "form_title"), ("3", "Bali"))
    path.write_bytes(workbook(survey(("integer", "a", "A", "A")), settings=settings))
    result = load_xlsform(path)
    assert result.unwrap().id == "igi_bali"
    assert "[row 2] settings: form_id is missing; using the file name 'igi_bali'" in warnings(
        result
    )


def test_a_missing_form_id_is_an_error_when_nothing_can_stand_in() -> None:
    result = read(survey(("integer", "a", "A", "A")), settings=None)
    assert errors(result) == ["settings: form_id is missing"]
    assert warnings(result) == ["settings: form_title is missing; using 'form'"]


def test_bad_settings_values_are_errors_on_the_settings_row() -> None:
    settings = (
        ("form_id", "version", "form_title", "default_language"),
        ("igi jambi", "1", "T", "Français (fr)"),
    )
    result = read(survey(("integer", "a", "A", "A")), settings=settings)
    assert errors(result) == [
        "[row 2] settings: questionnaire id 'igi jambi' may only use letters, digits, '-', '_' "
        "and '.'",
    ]


def test_other_settings_are_ignored_with_a_warning() -> None:
    settings = (
        ("form_id", "version", "form_title", "form_title_en", "style", "instance_name"),
        ("f", "1", "T", "T", "pages", "concat('a')"),
    )
    result = read(survey(("integer", "a", "A", "A")), settings=settings)
    assert result.ok
    assert warnings(result) == [
        "[row 1] settings: column 'instance_name' is ignored: wipbot does not use it (row 2)",
        "[row 1] settings: column 'style' is ignored: wipbot does not use it (row 2)",
    ]


# --- Expressions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "${a} = 1",
        "${a} != 1",
        "${a} < 1",
        "${a} <= -1",
        "${a} > 1.5",
        "${a} >= 1",
        "${a} = ''",
        '${a} != ""',
        "${b} = 'yes' and ${a} > 1 or not(${a} = 2)",
        "(${a} > 1 or ${a} < -1) and ${b} != 'no'",
        "selected(${c}, 'yes')",
        "count-selected(${c}) >= 1",
        "true()",
        "not(false())",
    ],
)
def test_every_expression_form_loads_unchanged(source: str) -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"),
            ("select_one yn", "b", "B", "B"),
            ("select_multiple yn", "c", "C", "C"),
            ("integer", "q", "Q", "Q", source),
            columns=("relevant",),
        ),
        YES_NO,
    )
    relevant = question(result, "q").relevant
    assert relevant is not None and relevant.source == source


@pytest.mark.parametrize(
    ("source", "translated"),
    [
        ("  ${a} > 1  ", "${a} > 1"),
        ("TRUE()", "true()"),
        ("${a} = 1 and False()", "${a} = 1 and false()"),
        ("${q} > ${a}", ". > ${a}"),
        ("${ q } != ''", ". != ''"),
        ("${a} = 'TRUE()' and ${q} = 'x${q}'", "${a} = 'TRUE()' and . = 'x${q}'"),
    ],
)
def test_constraints_are_normalised_to_the_engine_syntax(source: str, translated: str) -> None:
    assert translate_expression(source, own_name="q") == translated


def test_a_self_reference_in_a_constraint_becomes_the_current_answer() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"),
            ("integer", "q", "Q", "Q", "${q} >= ${a}"),
            columns=("constraint",),
        )
    )
    constraint = question(result, "q").constraint
    assert constraint is not None and constraint.source == ". >= ${a}"
    assert evaluate(constraint, {"a": 3}, 5) is True
    assert evaluate(constraint, {"a": 3}, 2) is False


def test_comparing_with_empty_text_tells_whether_a_question_was_answered() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"), ("text", "q", "Q", "Q", "${a} != ''"), columns=("relevant",)
        )
    )
    relevant = question(result, "q").relevant
    assert relevant is not None
    assert evaluate(relevant, {}) is False
    assert evaluate(relevant, {"a": 0}) is True


@pytest.mark.parametrize(
    ("source", "feature"),
    [
        ("pulldata('fruits', 'name', 'key', ${a}) = 'x'", "the function pulldata()"),
        ("indexed-repeat(${a}, ${a}, 1) > 1", "the function indexed-repeat()"),
        ("/data/a > 1", "a path ('/'); refer to questions as ${name}"),
    ],
)
def test_expressions_beyond_the_language_are_refused_with_the_row(
    source: str, feature: str
) -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"), ("integer", "q", "Q", "Q", source), columns=("constraint",)
        )
    )
    assert len(result.errors) == 1
    problem = result.errors[0]
    assert problem.code is ProblemCode.UNSUPPORTED_FEATURE
    assert str(problem).startswith(
        f"[row 3] survey: question 'q': {feature} in 'constraint' is not supported by wipbot"
    )


@pytest.mark.parametrize(
    "source",
    [
        "string-length(.) < 100",
        "concat(${a}, 'x') = 'y'",
        "if(${a} > 1, true(), false())",
        "regex(., '^[0-9]+$')",
        "jr:choice-name(${a}, '${a}') != 'x'",
        "today() != ''",
        ". > ${a} + 1",
        ". > ${a} * 2 div 3",
        ". mod 2 = 0",
        "int(round(. * 1.5, 0)) >= coalesce(${a}, 0)",
    ],
)
def test_the_xpath_functions_and_operators_survey_teams_use_are_accepted(source: str) -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"), ("integer", "q", "Q", "Q", source), columns=("constraint",)
        )
    )
    assert errors(result) == []


def test_names_that_look_like_operators_inside_references_are_fine() -> None:
    result = read(
        survey(
            ("integer", "mod", "A", "A"),
            ("integer", "q", "Q", "Q", "${mod} = 1"),
            columns=("relevant",),
        )
    )
    assert result.ok


def test_an_expression_syntax_error_names_the_row_and_position() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"),
            ("integer", "q", "Q", "Q", "${a} > 1 and"),
            columns=("relevant",),
        )
    )
    assert errors(result) == [
        "[row 3] survey: question 'q': relevant cannot be read: expression ends too early at "
        "character 13 of '${a} > 1 and'"
    ]


@pytest.mark.parametrize(
    ("relevant", "message"),
    [
        ("${zzz} = 1", "relevant refers to unknown question 'zzz'"),
        ("${ab} = 1", "relevant refers to unknown question 'ab' (did you mean 'a'?)"),
        (
            "${later} = 1",
            "relevant refers to question 'later', which comes later in the form; conditions may "
            "only use earlier answers",
        ),
        (
            "${q} = 1",
            "relevant refers to the question itself; a question cannot depend on its own answer",
        ),
        ("${n} = 1", "relevant refers to 'n', which is a note and has no answer"),
        (
            ". > 1",
            "relevant cannot use '.' (the answer does not exist yet); '.' is only for constraints",
        ),
    ],
)
def test_reference_problems_name_the_sheet_and_row(relevant: str, message: str) -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"),
            ("note", "n", "N", "N"),
            ("integer", "q", "Q", "Q", relevant),
            ("integer", "later", "L", "L"),
            columns=("relevant",),
        )
    )
    assert errors(result) == [f"[row 4] survey: question 'q': {message}"]


def test_a_constraint_may_not_refer_to_later_questions() -> None:
    result = read(
        survey(
            ("integer", "q", "Q", "Q", ". < ${b}"),
            ("integer", "b", "B", "B"),
            columns=("constraint",),
        )
    )
    assert [p.code for p in result.errors] == [ProblemCode.FORWARD_REFERENCE]
    assert result.errors[0].line == 2 and result.errors[0].sheet == "survey"


def test_a_group_relevance_applies_to_each_of_its_questions() -> None:
    result = read(
        survey(
            ("select_one yn", "member", "Anggota?", "Member?", None),
            ("begin_group", "dprd", "DPRD", "DPRD", "${member} = 'yes'"),
            ("integer", "a", "A", "A", None),
            ("integer", "b", "B", "B", "${a} > 1"),
            ("end_group",),
            columns=("relevant",),
        ),
        YES_NO,
    )
    a, b = question(result, "a"), question(result, "b")
    assert a.relevant is not None and a.relevant.source == "${member} = 'yes'"
    assert b.relevant is not None and b.relevant.source == "(${member} = 'yes') and (${a} > 1)"


def test_a_bad_group_relevance_is_reported_once_on_the_group_row() -> None:
    result = read(
        survey(
            ("begin_group", "g", "G", "G", "${zzz} = 1"),
            ("integer", "a", "A", "A", None),
            ("integer", "b", "B", "B", None),
            ("end_group",),
            columns=("relevant",),
        )
    )
    assert errors(result) == [
        "[row 2] survey: section 'g': relevant refers to unknown question 'zzz'"
    ]


# --- Names, groups and choices ------------------------------------------------------------


def test_a_name_reused_in_another_group_is_qualified_with_the_group_name() -> None:
    result = read(
        survey(
            ("begin_group", "g1", "G1", "G1"),
            ("integer", "a", "A", "A"),
            ("end_group",),
            ("begin_group", "g2", "G2", "G2"),
            ("integer", "a", "A", "A"),
            ("end_group",),
        )
    )
    assert [q.id for q in result.unwrap().questions] == ["a", "g2_a"]
    assert (
        "[row 6] survey: name 'a' is also used at row 3; this question is 'g2_a' in wipbot "
        "(references to 'a' mean the first one)"
    ) in warnings(result)


def test_a_name_used_twice_in_one_group_is_an_error() -> None:
    result = read(survey(("integer", "a", "A", "A"), ("integer", "a", "A", "A")))
    assert errors(result) == [
        "[row 3] survey: question 'a': question id is already used (first used at row 2)"
    ]


def test_group_names_must_be_unique() -> None:
    result = read(
        survey(
            ("begin_group", "g", "G", "G"),
            ("integer", "a", "A", "A"),
            ("end_group",),
            ("begin_group", "g", "G", "G"),
            ("integer", "b", "B", "B"),
            ("end_group",),
        )
    )
    assert errors(result) == ["[row 5] survey: section 'g': section id is already used (row 2)"]


def test_invalid_names_are_errors() -> None:
    result = read(survey(("integer", "2nd", "A", "A")))
    assert errors(result) == [
        "[row 2] survey: question id '2nd' must start with a letter and use only letters, "
        "digits, '_' and '-'"
    ]


def test_a_question_without_a_name_is_an_error_but_a_note_gets_one() -> None:
    result = read(survey(("integer", None, "A", "A"), ("note", None, "N", "N")))
    assert errors(result) == ["[row 2] survey: the question has no name"]
    assert read(survey(("note", None, "N", "N"))).unwrap().questions[0].id == "note_2"


def test_a_row_without_type_is_an_error_unless_it_is_only_a_comment() -> None:
    result = read(
        survey(
            (None, "a", "A", "A"), (None, None, None, None, "just a comment"), columns=("remarks",)
        )
    )
    assert errors(result) == ["[row 2] survey: question 'a': the row has no type"]
    assert "[row 3] survey: row without type, name or label is skipped" in warnings(result)


def test_unknown_types_are_errors_with_a_suggestion() -> None:
    result = read(survey(("intger", "a", "A", "A"), ("select_one", "b", "B", "B")))
    assert [str(p).split(";")[0] for p in result.errors] == [
        "[row 2] survey: question 'a': unknown type 'intger' (did you mean 'integer'?)",
        "[row 3] survey: question 'b': unknown type 'select_one' (did you mean 'select_one LIST'?)",
    ]


def test_a_group_inside_a_group_is_flattened_into_sections_with_both_conditions() -> None:
    result = read(
        survey(
            ("integer", "x", "X", "X"),
            ("begin_group", "outer", "Luar", "Outer", "${x} = 1"),
            ("integer", "y", "Y", "Y"),
            ("begin_group", "inner", None, None, "${x} > 0"),
            ("integer", "a", "A", "A"),
            ("end_group",),
            ("integer", "b", "B", "B"),
            ("end_group",),
            columns=("relevant",),
        )
    )
    assert errors(result) == []
    sections = result.unwrap().sections
    assert [(s.id, s.title.id, [q.id for q in s.questions]) for s in sections] == [
        ("questions", "Uji", ["x"]),
        ("outer", "Luar", ["y"]),
        ("inner", "Luar", ["a"]),
        ("outer_2", "Luar", ["b"]),
    ]
    a = result.unwrap().question("a")
    assert a.relevant is not None and a.relevant.source == "(${x} > 0) and (${x} = 1)"


def test_an_unlabelled_group_is_titled_after_its_name() -> None:
    result = read(
        survey(("begin_group", "household_members"), ("integer", "a", "A", "A"), ("end_group",))
    )
    assert errors(result) == []
    assert result.unwrap().sections[0].title.get("en") == "Household members"


def test_unmatched_groups_are_errors() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A"),
            ("end_group",),
            ("begin_group", "g", "G", "G"),
            ("integer", "b", "B", "B"),
        )
    )
    assert errors(result) == [
        "[row 3] survey: end_group has no matching begin_group",
        "[row 4] survey: begin_group is never closed with end_group",
    ]


def test_an_empty_or_unlabelled_group_is_an_error() -> None:
    result = read(survey(("begin_group", "g"), ("end_group",)))
    assert errors(result) == [
        "[row 2] survey: section 'g': 'label' is missing; give at least the Indonesian text",
        "[row 2] survey: section 'g': section has no questions",
    ]


def test_question_columns_on_a_group_row_are_ignored_with_a_warning() -> None:
    result = read(
        survey(
            ("begin_group", "g", "G", "G", "yes"),
            ("integer", "a", "A", "A"),
            ("end_group",),
            columns=("required",),
        )
    )
    assert result.ok
    assert warnings(result) == [
        "[row 2] survey: 'required' does not apply to a group and is ignored"
    ]


def test_an_unknown_choice_list_is_an_error_with_a_suggestion() -> None:
    result = read(survey(("select_one y_n", "a", "A", "A")), YES_NO)
    assert errors(result) == [
        "[row 2] survey: question 'a': choice list 'y_n' is not on the choices sheet "
        "(did you mean 'yn'?)"
    ]


def test_a_missing_choices_sheet_is_named() -> None:
    book = openpyxl.Workbook()
    book.worksheets[0].title = "survey"
    for row in survey(("select_one yn", "a", "A", "A")):
        book.worksheets[0].append(list(row))
    misspelt = book.create_sheet("choice")
    for row in YES_NO:
        misspelt.append(list(row))
    settings = book.create_sheet("settings")
    for row in SETTINGS:
        settings.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    result = load_xlsform(buffer.getvalue())
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(
        "[row 2] survey: question 'a': choice list 'yn' needs a 'choices' sheet. "
        "When looking for a sheet named 'choices'"
    )


def test_choice_problems_point_at_the_choices_sheet() -> None:
    choices = (
        ("list_name", "name", *LABELS),
        ("yn", "yes", "Ya", "Yes"),
        ("yn", "yes", "Ya lagi", "Yes again"),
        ("yn", "not sure", "Ragu", "Unsure"),
        (None, "x", "X", "X"),
        ("yn", None, "Y", "Y"),
        ("yn", "maybe", None, "Maybe"),
        ("other", "yes", "Ya", "Yes"),
    )
    result = read(
        survey(("select_one yn", "a", "A", "A"), ("select_multiple yn", "b", "B", "B")), choices
    )
    assert errors(result) == [
        "[row 3] choices: choice 'yes' appears twice in list 'yn' (first at row 2)",
        "[row 4] choices: choice name 'not sure' must not contain spaces",
        "[row 5] choices: the choice has no list_name",
        "[row 6] choices: the choice has no name",
    ]


def test_a_list_whose_choices_are_all_refused_is_reported_only_on_its_rows() -> None:
    choices = (("list_name", "name", *LABELS), ("yn", "not sure", "Ragu", "Unsure"))
    result = read(survey(("select_one yn", "a", "A", "A")), choices)
    assert errors(result) == ["[row 2] choices: choice name 'not sure' must not contain spaces"]


def test_pyxform_refusals_are_reported_when_our_checks_pass() -> None:
    result = read(
        survey(
            ("integer", "g", "A", "A"),
            ("begin_group", "g", "G", "G"),
            ("integer", "x", "X", "X"),
            ("end_group",),
        )
    )
    assert len(result.errors) == 1
    problem = result.errors[0]
    assert problem.code is ProblemCode.XLSFORM_INVALID
    assert (problem.sheet, problem.line) == ("survey", 3)
    assert (
        "pyxform refuses the form: On the 'survey' sheet, the 'name' value 'g' is invalid."
        in problem.message
    )


# --- Refusals and ignored features ---------------------------------------------------------


@pytest.mark.parametrize(
    ("type_cell", "feature"),
    [
        ("begin_repeat", "type 'begin_repeat' (repeats)"),
        ("begin repeat", "type 'begin repeat' (repeats)"),
        ("geopoint", "type 'geopoint' (locations)"),
        ("geotrace", "type 'geotrace' (locations)"),
        ("geoshape", "type 'geoshape' (locations)"),
        ("image", "type 'image' (images)"),
        ("audio", "type 'audio' (audio recordings)"),
        ("video", "type 'video' (videos)"),
        ("file", "type 'file' (file uploads)"),
        ("barcode", "type 'barcode' (barcodes)"),
        (
            "select_one_from_file places.csv",
            "type 'select_one_from_file places.csv' (choices from a file)",
        ),
        (
            "select_multiple_from_file places.csv",
            "type 'select_multiple_from_file places.csv' (choices from a file)",
        ),
        ("rank yn", "type 'rank yn' (ranking)"),
    ],
)
def test_unsupported_types_are_refused_naming_the_row_and_feature(
    type_cell: str, feature: str
) -> None:
    rows: list[tuple[str, ...]] = [("integer", "a", "A", "A"), (type_cell, "q", "Q", "Q")]
    if "repeat" in type_cell:
        rows.append(("end_repeat",))
    result = read(survey(*rows), YES_NO)
    assert len(result.errors) == 1, errors(result)
    problem = result.errors[0]
    assert problem.code is ProblemCode.UNSUPPORTED_FEATURE
    assert str(problem).startswith(
        f"[row 3] survey: question 'q': {feature} is not supported by wipbot;"
    )


def test_a_refused_question_does_not_also_break_references_to_it() -> None:
    result = read(
        survey(
            ("geopoint", "where", "Di mana", "Where"),
            ("integer", "q", "Q", "Q", "${where} != ''"),
            columns=("relevant",),
        )
    )
    assert [p.code for p in result.errors] == [ProblemCode.UNSUPPORTED_FEATURE]


@pytest.mark.parametrize(
    ("column", "value", "feature"),
    [
        ("repeat_count", "3", "column 'repeat_count' (repeats)"),
        ("trigger", "${a}", "column 'trigger' (answers reset by another question)"),
        ("disabled", "yes", "column 'disabled' (disabled rows)"),
        ("save_to", "name", "column 'save_to' (entities)"),
    ],
)
def test_unsupported_columns_are_refused_where_they_have_a_value(
    column: str, value: str, feature: str
) -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A", None), ("integer", "q", "Q", "Q", value), columns=(column,)
        )
    )
    assert errors(result) == [
        f"[row 3] survey: question 'q': {feature} is not supported by wipbot; "
        "change or remove this row"
    ]


def test_switched_off_features_and_empty_columns_are_not_refused() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A", "no", "no", None),
            columns=("read_only", "disabled", "choice_filter"),
        )
    )
    assert result.ok and result.warnings == ()


@pytest.mark.parametrize(
    "metadata", ["start", "end", "today", "deviceid", "username", "email", "phonenumber", "audit"]
)
def test_metadata_types_are_ignored_with_a_warning(metadata: str) -> None:
    result = read(survey((metadata, metadata), ("integer", "a", "A", "A")))
    assert [q.id for q in result.unwrap().questions] == ["a"]
    assert warnings(result) == [
        f"[row 2] survey: metadata '{metadata}' is not collected by wipbot; the row is ignored"
    ]


def test_display_only_and_unknown_columns_are_ignored_with_one_warning_per_column() -> None:
    result = read(
        survey(
            ("integer", "a", "A", "A", "numbers", "x"),
            ("integer", "b", "B", "B", "numbers", None),
            ("integer", "c", "C", "C", None, None),
            columns=("appearance", "remarks"),
        )
    )
    assert result.ok
    assert warnings(result) == [
        "[row 1] survey: column 'appearance' is ignored: wipbot does not use it (rows 2, 3)",
        "[row 1] survey: column 'remarks' is ignored: "
        "it is not an XLSForm or wipbot column (row 2)",
    ]


def test_parameters_of_other_types_are_ignored_with_a_warning() -> None:
    result = read(
        survey(("select_one yn", "a", "A", "A", "randomize=true"), columns=("parameters",)), YES_NO
    )
    assert result.ok
    assert warnings(result) == [
        "[row 2] survey: question 'a': "
        "parameters 'randomize=true' are ignored on a select_one yn row"
    ]


# --- Reading ----------------------------------------------------------------------------


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    assert errors(load_xlsform(b"type,name\ninteger,a\n")) == ["the file is not an Excel workbook"]
    assert errors(load_xlsform(b"PK\x03\x04 not really a zip")) == ["cannot read the workbook"]


def test_an_unreadable_path_is_refused(tmp_path: Path) -> None:
    result = load_xlsform(tmp_path / "missing.xlsx")
    assert [p.code for p in result.errors] == [ProblemCode.FILE_NOT_READABLE]


def test_a_workbook_loads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(workbook(survey(("integer", "a", "A", "A"))))
    assert load_xlsform(path).unwrap().question("a").type is QuestionType.INTEGER
    assert load_xlsform(str(path)).ok


def test_a_workbook_without_survey_questions_is_refused() -> None:
    assert errors(read(survey())) == ["survey: the sheet has no rows"]
    assert errors(load_xlsform(workbook(None, YES_NO))) == [
        "survey: the workbook has no 'survey' sheet"
    ]


# --- A form made by someone else ----------------------------------------------------------

KOBO_SURVEY: Rows = (
    (
        "type",
        "name",
        "label::English (en)",
        "label::Indonesian (id)",
        "hint::English (en)",
        "hint::Indonesian (id)",
        "required",
        "relevant",
        "appearance",
        "constraint",
        "constraint_message::English (en)",
        "constraint_message::Indonesian (id)",
        "calculation",
        "media::image::English (en)",
        "arena",
        "principle",
        "parameters",
    ),
    ("start", "start"),
    ("end", "end"),
    ("today", "today"),
    ("deviceid", "deviceid"),
    ("note", "welcome", "Welcome", "Selamat datang"),
    (
        "select_one sector",
        "sector",
        "Which sector?",
        "Sektor Anda?",
        None,
        None,
        "true",
        None,
        "minimal",
    ),
    (
        "text",
        "sector_other",
        "Which one?",
        "Sektor apa?",
        None,
        None,
        "true",
        "${sector} = 'other'",
    ),
    (
        "begin_group",
        "governance",
        "Governance",
        "Tata kelola",
        None,
        None,
        None,
        None,
        "field-list",
        *(None,) * 5,
        "Pemerintah",
    ),
    (
        "range",
        "budget",
        "Public budget hearings",
        "Public hearing RAPBD",
        "1 = very poor, 10 = very good",
        "1 = sangat buruk, 10 = sangat baik",
        "true",
        None,
        "vertical",
        *(None,) * 6,
        "Partisipasi",
        "start=1 end=10 step=1",
    ),
    (
        "integer",
        "years",
        "Years involved",
        "Lama terlibat (tahun)",
        None,
        None,
        "yes",
        None,
        None,
        ". >= 0 and . <= 60",
        "Between 0 and 60",
        "Antara 0 dan 60",
    ),
    ("end_group",),
    ("text", "comments", "Comments", "Komentar", None, None, "false"),
)
KOBO_CHOICES: Rows = (
    ("list_name", "name", "label::English (en)", "label::Indonesian (id)"),
    ("sector", "government", "Government", "Pemerintah"),
    ("sector", "business", "Business", "Dunia usaha"),
    ("sector", "other", "Other", "Lainnya"),
)
KOBO_SETTINGS: Rows = (
    ("form_title", "form_id", "version", "default_language", "style"),
    ("Survei Tata Kelola", "governance_survey", "2024061201", "English (en)", "pages"),
)


def test_a_kobotoolbox_style_form_loads_with_warnings_only() -> None:
    result = read(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)
    assert errors(result) == []
    questionnaire = result.unwrap()
    assert (questionnaire.id, questionnaire.version, questionnaire.default_language) == (
        "governance_survey",
        "2024061201",
        "en",
    )
    assert [q.id for q in questionnaire.questions] == [
        "welcome",
        "sector",
        "sector_other",
        "budget",
        "years",
        "comments",
    ]
    budget = questionnaire.question("budget")
    assert budget.is_scored and budget.allow_dont_know and budget.required
    assert budget.arena is Arena.GOVERNMENT and budget.principle is Principle.PARTICIPATION
    assert questionnaire.question("comments").required is False
    assert warnings(result) == [
        "[row 1] survey: column 'appearance' is ignored: wipbot does not use it (rows 7, 9, 10)",
        "[row 2] survey: metadata 'start' is not collected by wipbot; the row is ignored",
        "[row 3] survey: metadata 'end' is not collected by wipbot; the row is ignored",
        "[row 4] survey: metadata 'today' is not collected by wipbot; the row is ignored",
        "[row 5] survey: metadata 'deviceid' is not collected by wipbot; the row is ignored",
        "[row 1] settings: column 'style' is ignored: wipbot does not use it (row 2)",
        "1 row has text with no English (en) version (settings row 2); English participants "
        "see Indonesian (id)",
    ]


def run(questionnaire: Questionnaire, *inputs: Input) -> tuple[State, list[object]]:
    """Applies inputs from a fresh state; returns the final state and every event."""
    state = State()
    events: list[object] = []
    for item in inputs:
        result = step(questionnaire, state, item, NOW)
        state = result.state
        events.extend(result.events)
    return state, events


def test_a_loaded_xlsform_runs_through_the_engine() -> None:
    questionnaire = read(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS).unwrap()
    state, events = run(
        questionnaire,
        Start(),
        Acknowledge("welcome"),
        AnswerInput("sector", "other"),
        AnswerInput("sector_other", "Akademisi"),
        DontKnow("budget"),
        AnswerInput("years", "70"),
        AnswerInput("years", "12"),
        AnswerInput("comments", "Baik"),
        Submit(),
    )
    asked = [e.question_id for e in events if isinstance(e, AskQuestion)]
    assert asked == ["welcome", "sector", "sector_other", "budget", "years", "comments"]
    refused = [e for e in events if isinstance(e, InvalidAnswer)]
    assert [(e.question_id, e.code) for e in refused] == [("years", InvalidCode.CONSTRAINT_FAILED)]
    assert any(isinstance(e, ReadyToSubmit) for e in events)
    assert isinstance(events[-1], Submitted) and state.submitted
    assert state.answers["years"].value == 12


def test_a_relevance_from_xlsform_skips_questions_in_the_engine() -> None:
    questionnaire = read(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS).unwrap()
    _, events = run(
        questionnaire, Start(), Acknowledge("welcome"), AnswerInput("sector", "business")
    )
    assert [e.question_id for e in events if isinstance(e, AskQuestion)] == [
        "welcome",
        "sector",
        "budget",
    ]


# --- Export and round trips ----------------------------------------------------------------


def test_the_default_questionnaire_round_trips_through_xlsform() -> None:
    default = load_default_questionnaire()
    result = load_xlsform(export_xlsform(default))
    assert errors(result) == [] and warnings(result) == []
    assert result.unwrap().to_dict() == default.to_dict()
    assert result.unwrap().content_hash() == default.content_hash()


def test_a_form_with_every_type_round_trips() -> None:
    original = form(ALL_TYPES)
    assert load_xlsform(export_xlsform(original)).unwrap().to_dict() == original.to_dict()


ODD_FORM = """\
id: odd.form
version: "2026.10"
title: {id: Ganjil}
default_language: en
scale: {min: 0, max: 5, min_label: {id: Nol}}
sections:
  - id: s
    title: {id: Satu}
    arena: civil_society
    questions:
      - id: a
        type: scale
        principle: efficiency
        dont_know: false
        required: false
        text: {id: "=1 bukan rumus", en: "=1 not a formula"}
      - id: b
        type: decimal
        min: 2.0
        max: 10
        dont_know: true
        text: {id: Bagian}
        hint: {id: Petunjuk}
        constraint: ". != 3"
        constraint_message: {id: Bukan tiga}
      - id: c
        type: scale
        scale: {min: 1, max: 3, min_label: {id: Rendah, en: Low}, max_label: {id: Tinggi}}
        relevant: "${a} > 2 or ${b} = 2.5"
        text: {id: Tiga}
      - id: d
        type: scale
        scale: {min: 1, max: 3, min_label: {id: Rendah, en: Low}, max_label: {id: Tinggi}}
        text: {id: Empat}
"""


def test_an_odd_form_round_trips_exactly() -> None:
    original = load(ODD_FORM, header="").unwrap()
    exported = export_xlsform(original)
    assert load_xlsform(exported).unwrap().to_dict() == original.to_dict()
    book = openpyxl.load_workbook(io.BytesIO(exported))
    assert book["settings"]["B2"].value == "2026.10"
    assert book["survey"]["C3"].value == "=1 bukan rumus"
    labelsets = {(r[0], r[1]) for r in book["choices"].iter_rows(min_row=2, values_only=True)}
    assert labelsets == {("scale_0_5", "0"), ("scale_1_3", "1"), ("scale_1_3", "3")}


def test_export_writes_bilingual_columns_tags_and_settings() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(load_default_questionnaire())))
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in book["survey"][1]]
    for column in (
        "label::Indonesian (id)",
        "label::English (en)",
        "hint::Indonesian (id)",
        "hint::English (en)",
        "required",
        "relevant",
        "constraint",
        "constraint_message::Indonesian (id)",
        "constraint_message::English (en)",
        "arena",
        "principle",
        "indicator",
    ):
        assert column in header
    rows = [
        dict(zip(header, r, strict=False))
        for r in book["survey"].iter_rows(min_row=2, values_only=True)
    ]
    g1p1 = next(r for r in rows if r["name"] == "G1P1")
    assert g1p1["type"] == "range"
    assert (g1p1["arena"], g1p1["principle"], g1p1["indicator"]) == (
        "government",
        "participation",
        "G1P1",
    )
    assert g1p1["parameters"] == "start=1 end=10 tick_labelset=scale_1_10"
    assert [c.value for c in book["settings"][2]] == [
        "igi-wip",
        "2026.1",
        "Kuesioner Tata Kelola Pemerintahan Provinsi",
        "Provincial Governance Questionnaire",
        "Indonesian (id)",
    ]


def test_the_exported_default_converts_to_an_odk_xform_with_pyxform() -> None:
    result = convert(export_xlsform(load_default_questionnaire()), file_type=".xlsx")
    assert result.warnings == []
    assert '<data id="igi-wip" version="2026.1">' in result.xform
    assert '<translation lang="Indonesian (id)" default="true()">' in result.xform
    assert '<translation lang="English (en)">' in result.xform
    assert '<range ref="/data/pemerintah/G1P1" start="1" end="10" step="1">' in result.xform
    assert "relevant=\" /data/profil/sector  = 'other'\"" in result.xform
