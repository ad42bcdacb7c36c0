"""Tests for the YAML questionnaire loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.questionnaire.errors import Problem, ProblemCode, QuestionnaireError
from bot.questionnaire.loader import load_questionnaire_data, load_questionnaire_yaml
from bot.questionnaire.model import Arena, LocalizedText, Principle, QuestionType
from bot.questionnaire.yaml_source import LineMap
from tests.questionnaire.forms import ALL_TYPES, HEADER, form, load


def codes(problems: tuple[Problem, ...]) -> list[ProblemCode]:
    return [p.code for p in problems]


def only_error(body: str, header: str = HEADER) -> Problem:
    result = load(body, header)
    assert result.questionnaire is None
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]


def one_question(question: str, *, arena: str = "government") -> str:
    """Wraps one question's YAML (indented 6) in a single section."""
    return f"""\
sections:
  - id: s1
    title: {{id: Satu, en: One}}
    arena: {arena}
    questions:
{question}"""


SCALE = """\
      - id: q1
        type: scale
        principle: participation
        text: {id: Nilai, en: Score}
"""


def test_valid_form_builds_a_frozen_model_with_defaults() -> None:
    questionnaire = form(ALL_TYPES)
    assert questionnaire.id == "test-form"
    assert questionnaire.version == "1"
    assert questionnaire.title == LocalizedText("Uji", "Test")
    assert [s.id for s in questionnaire.sections] == ["s1", "s2"]
    score = questionnaire.question("score")
    assert score.type is QuestionType.SCALE
    assert score.arena is Arena.GOVERNMENT  # inherited from the section
    assert score.principle is Principle.PARTICIPATION
    assert (score.scale_min, score.scale_max) == (1, 10)
    assert score.allow_dont_know is True
    assert score.required is True
    assert questionnaire.question("years").allow_dont_know is False
    assert questionnaire.question("intro").required is False
    assert questionnaire.question("comment").max_length == 500
    assert questionnaire.question("sector_other").relevant is not None
    assert questionnaire.section_of("years").id == "s2"
    assert questionnaire.question("years").section_id == "s2"


def test_form_level_scale_defaults_apply_and_can_be_overridden() -> None:
    header = HEADER + "scale: {min: 0, max: 5, min_label: Buruk, max_label: Baik}\n"
    questionnaire = load(
        one_question(SCALE + "      - {id: q2, type: scale, text: X, scale: {max: 4}}\n"),
        header,
    ).unwrap()
    q1, q2 = questionnaire.questions
    assert (q1.scale_min, q1.scale_max) == (0, 5)
    assert q1.scale_min_label == LocalizedText("Buruk")
    assert (q2.scale_min, q2.scale_max) == (0, 4)
    assert q2.scale_max_label == LocalizedText("Baik")


def test_unknown_reference_is_reported_with_line_and_question() -> None:
    body = one_question(SCALE + '        relevant: "${q_99} = 1"\n')
    problem = only_error(body)
    assert problem.code is ProblemCode.UNKNOWN_REFERENCE
    assert problem.question_id == "q1"
    assert problem.line == 13  # 3 header lines + 10th body line
    assert str(problem) == "[line 13] question 'q1': relevant refers to unknown question 'q_99'"


def test_unknown_reference_suggests_a_close_name() -> None:
    body = one_question(SCALE + '      - {id: q2, type: scale, text: X, relevant: "${q_1} = 1"}\n')
    assert "did you mean 'q1'" in only_error(body).message


def test_reference_to_a_later_question_is_an_error() -> None:
    body = one_question(
        SCALE.replace("q1", "q0") + '        relevant: "${q2} = 1"\n'
        "      - {id: q2, type: integer, text: Dua}\n"
    )
    problem = only_error(body)
    assert problem.code is ProblemCode.FORWARD_REFERENCE
    assert problem.question_id == "q0"
    assert "comes later" in problem.message


def test_self_reference_in_constraint_advises_dot() -> None:
    body = one_question('      - {id: n, type: integer, text: N, constraint: "${n} > 0"}\n')
    problem = only_error(body)
    assert problem.code is ProblemCode.SELF_REFERENCE
    assert "'.'" in problem.message


def test_reference_to_a_note_is_an_error() -> None:
    body = one_question(
        "      - {id: hello, type: note, text: Halo}\n"
        "      - {id: n, type: integer, text: N, relevant: \"${hello} = ''\"}\n"
    )
    assert only_error(body).code is ProblemCode.REFERENCE_TO_NOTE


def test_dot_in_relevant_is_an_error() -> None:
    body = one_question('      - {id: n, type: integer, text: N, relevant: ". > 1"}\n')
    assert only_error(body).code is ProblemCode.CURRENT_IN_RELEVANT


def test_unparsable_expression_reports_position() -> None:
    body = one_question(SCALE + '        constraint: ". >= 1 and"\n')
    problem = only_error(body)
    assert problem.code is ProblemCode.INVALID_EXPRESSION
    assert problem.line == 13
    assert "constraint cannot be read" in problem.message
    assert "character 11" in problem.message


def test_duplicate_question_id_across_sections_is_an_error() -> None:
    body = """\
sections:
  - id: s1
    title: Satu
    questions:
      - {id: q1, type: integer, text: Satu}
  - id: s2
    title: Dua
    questions:
      - {id: q1, type: integer, text: Dua}
"""
    problem = only_error(body)
    assert problem.code is ProblemCode.DUPLICATE_QUESTION_ID
    assert problem.line == 12
    assert "first used at line 8" in problem.message


def test_duplicate_section_id_is_an_error() -> None:
    body = """\
sections:
  - {id: s1, title: Satu, questions: [{id: a, type: integer, text: A}]}
  - {id: s1, title: Dua, questions: [{id: b, type: integer, text: B}]}
"""
    assert only_error(body).code is ProblemCode.DUPLICATE_SECTION_ID


def test_unknown_arena_names_the_allowed_values() -> None:
    problem = only_error(one_question(SCALE, arena="goverment"))
    assert problem.code is ProblemCode.UNKNOWN_ARENA
    assert problem.section_id == "s1"
    assert "government, bureaucracy, civil_society, economic_society" in problem.message


def test_unknown_principle_names_the_allowed_values() -> None:
    problem = only_error(one_question(SCALE.replace("participation", "honesty")))
    assert problem.code is ProblemCode.UNKNOWN_PRINCIPLE
    assert "'honesty'" in problem.message
    assert "participation, fairness, accountability" in problem.message


@pytest.mark.parametrize(
    ("scale", "fragment"),
    [
        ("{min: 10, max: 1}", "must be smaller than max"),
        ("{min: 5, max: 5}", "must be smaller than max"),
        ("{min: 1, max: 7.5}", "whole number"),
        ("{min: 0, max: 1000}", "more than 101 points"),
    ],
)
def test_bad_scale_bounds_are_errors(scale: str, fragment: str) -> None:
    problem = only_error(one_question(SCALE + f"        scale: {scale}\n"))
    assert problem.code is ProblemCode.BAD_SCALE_BOUNDS
    assert fragment in problem.message


def test_long_scale_is_only_a_warning() -> None:
    result = load(one_question(SCALE + "        scale: {min: 0, max: 20}\n"))
    assert result.ok
    assert codes(result.warnings) == [ProblemCode.LONG_SCALE]


@pytest.mark.parametrize(
    "text",
    ["", "{en: Score}", "{id: '', en: Score}", "'   '"],
)
def test_missing_indonesian_text_is_an_error(text: str) -> None:
    body = one_question(f"      - id: q1\n        type: integer\n        text: {text}\n")
    problem = only_error(body)
    assert problem.code is ProblemCode.MISSING_INDONESIAN_TEXT


def test_missing_english_text_is_a_warning() -> None:
    result = load(one_question("      - {id: q1, type: integer, text: Berapa}\n"))
    assert result.ok
    assert ProblemCode.MISSING_ENGLISH_TEXT in codes(result.warnings)


def test_unknown_language_in_text_is_an_error() -> None:
    body = one_question("      - {id: q1, type: integer, text: {id: Berapa, fr: Combien}}\n")
    assert only_error(body).code is ProblemCode.UNKNOWN_LANGUAGE


def test_empty_section_is_an_error() -> None:
    body = "sections:\n  - {id: s1, title: Satu, questions: []}\n"
    problem = only_error(body)
    assert problem.code is ProblemCode.EMPTY_SECTION
    assert problem.section_id == "s1"
    assert str(problem) == "[line 5] section 's1': section has no questions"


def test_form_without_sections_is_an_error() -> None:
    assert only_error("sections: []\n").code is ProblemCode.NO_SECTIONS


def test_choice_question_without_choices_is_an_error() -> None:
    body = one_question("      - {id: c, type: single_choice, text: Pilih}\n")
    assert only_error(body).code is ProblemCode.NO_CHOICES


def test_duplicate_choice_values_are_an_error() -> None:
    body = one_question(
        "      - id: c\n"
        "        type: multiple_choice\n"
        "        text: {id: Pilih, en: Pick}\n"
        "        choices:\n"
        "          - {value: a, label: {id: A, en: A}}\n"
        "          - {value: a, label: {id: B, en: B}}\n"
    )
    problem = only_error(body)
    assert problem.code is ProblemCode.DUPLICATE_CHOICE_VALUE
    assert problem.line == 14


def test_unquoted_yes_choice_value_is_explained() -> None:
    body = one_question(
        "      - id: c\n        type: single_choice\n        text: {id: Pilih, en: Pick}\n"
        "        choices: [{value: yes, label: {id: Ya, en: Yes}}]\n"
    )
    problem = only_error(body)
    assert problem.code is ProblemCode.INVALID_CHOICE_VALUE
    assert "quotes" in problem.message


def test_choice_value_with_space_is_an_error() -> None:
    body = one_question(
        "      - id: c\n        type: single_choice\n        text: {id: Pilih, en: Pick}\n"
        "        choices: [{value: 'a b', label: {id: A, en: A}}]\n"
    )
    assert only_error(body).code is ProblemCode.INVALID_CHOICE_VALUE


def test_unknown_question_type_names_the_allowed_types() -> None:
    problem = only_error(one_question(SCALE.replace("type: scale", "type: rating")))
    assert problem.code is ProblemCode.UNKNOWN_QUESTION_TYPE
    assert "'rating'" in problem.message
    assert "single_choice" in problem.message


def test_missing_type_is_an_error() -> None:
    problem = only_error(one_question("      - {id: q1, text: {id: A, en: A}}\n"))
    assert problem.code is ProblemCode.MISSING_FIELD
    assert "type" in problem.message


@pytest.mark.parametrize(
    ("qtype", "bounds", "fragment"),
    [
        ("integer", "min: 5, max: 1", "must be smaller than max"),
        ("integer", "min: 0.5", "whole number"),
        ("decimal", "max: many", "must be a number"),
        ("decimal", "min: 2.5, max: 2.5", "must be smaller than max"),
    ],
)
def test_bad_numeric_bounds_are_errors(qtype: str, bounds: str, fragment: str) -> None:
    body = one_question(f"      - {{id: n, type: {qtype}, text: {{id: N, en: N}}, {bounds}}}\n")
    problem = only_error(body)
    assert problem.code is ProblemCode.BAD_NUMERIC_BOUNDS
    assert fragment in problem.message


@pytest.mark.parametrize("value", ["0", "5000", "'long'"])
def test_bad_max_length_is_an_error(value: str) -> None:
    question = f"      - {{id: t, type: text, text: {{id: T, en: T}}, max_length: {value}}}\n"
    body = one_question(question)
    assert only_error(body).code is ProblemCode.BAD_MAX_LENGTH


def test_unknown_field_suggests_the_intended_one() -> None:
    problem = only_error(one_question(SCALE + '        relevnt: "1 = 1"\n'))
    assert problem.code is ProblemCode.UNKNOWN_FIELD
    assert "did you mean 'relevant'" in problem.message
    assert problem.line == 13


def test_duplicate_yaml_key_is_an_error() -> None:
    problem = only_error(one_question(SCALE + "        principle: fairness\n"))
    assert problem.code is ProblemCode.DUPLICATE_KEY
    assert problem.line == 13


def test_invalid_question_id_is_an_error() -> None:
    body = one_question("      - {id: 'two words', type: integer, text: {id: N, en: N}}\n")
    assert only_error(body).code is ProblemCode.INVALID_ID


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    body = """\
sections:
  - id: s1
    title: Satu
    arena: goverment
    questions:
      - id: a
        type: scael
        text: {id: A, en: A}
      - id: a
        type: scale
        principle: honesty
        text: {en: B}
        relevant: "${zz} = 1"
      - id: c
        type: single_choice
        text: {id: C, en: C}
  - id: s2
    title: Dua
    questions: []
"""
    result = load(body)
    assert result.questionnaire is None
    assert codes(result.errors) == [
        ProblemCode.UNKNOWN_ARENA,
        ProblemCode.UNKNOWN_QUESTION_TYPE,
        ProblemCode.DUPLICATE_QUESTION_ID,
        ProblemCode.UNKNOWN_PRINCIPLE,
        ProblemCode.MISSING_INDONESIAN_TEXT,
        ProblemCode.UNKNOWN_REFERENCE,
        ProblemCode.NO_CHOICES,
        ProblemCode.EMPTY_SECTION,
    ]
    lines = [p.line or 0 for p in result.errors]
    assert lines == sorted(lines)


def test_yaml_syntax_error_reports_the_line() -> None:
    result = load_questionnaire_yaml(HEADER + "sections:\n  - id: s1\n    title: [unclosed\n")
    assert codes(result.errors) == [ProblemCode.YAML_SYNTAX]
    assert result.errors[0].line is not None
    assert result.errors[0].line >= 6


def test_yaml_that_is_not_a_mapping_is_an_error() -> None:
    result = load_questionnaire_yaml("- just\n- a list\n")
    assert codes(result.errors) == [ProblemCode.NOT_A_MAPPING]


def test_missing_id_version_and_title_are_errors() -> None:
    result = load_questionnaire_yaml(
        "sections:\n  - {id: s1, title: Satu, questions: [{id: a, type: integer, text: A}]}\n"
    )
    assert set(codes(result.errors)) == {
        ProblemCode.MISSING_FIELD,
        ProblemCode.MISSING_INDONESIAN_TEXT,
    }
    assert len(result.errors) == 3


def test_unquoted_version_is_a_warning_and_kept_as_text() -> None:
    header = "id: f\nversion: 2026.1\ntitle: {id: Uji, en: Test}\n"
    result = load(one_question(SCALE), header)
    assert result.ok
    assert result.unwrap().version == "2026.1"
    assert ProblemCode.VERSION_NOT_QUOTED in codes(result.warnings)


def test_warnings_do_not_block_loading() -> None:
    body = one_question(
        "      - id: q1\n        type: scale\n        indicator: B1F1\n"
        "        principle: participation\n        text: {id: A, en: A}\n"
        "      - {id: q2, type: integer, text: {id: B, en: B}, choices: []}\n"
        "      - {id: q3, type: scale, text: {id: C, en: C}, arena: null}\n",
        arena="government",
    )
    result = load(body)
    assert result.ok
    assert codes(result.warnings) == [
        ProblemCode.INDICATOR_MISMATCH,  # B is not government's G
        ProblemCode.INDICATOR_MISMATCH,  # F is not participation's P
        ProblemCode.FIELD_NOT_APPLICABLE,  # choices on an integer question
        ProblemCode.NOT_SCORED,  # scale without principle
    ]


def test_unwrap_raises_questionnaire_error_carrying_every_error() -> None:
    result = load("sections:\n  - {id: s1, title: Satu, questions: []}\n  - {id: s2}\n")
    with pytest.raises(QuestionnaireError) as info:
        result.unwrap()
    assert len(info.value.errors) == len(result.errors) >= 3
    assert "section 's1': section has no questions" in str(info.value)


def test_loads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_text(HEADER + ALL_TYPES, encoding="utf-8")
    assert load_questionnaire_yaml(path).ok


def test_unreadable_path_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    result = load_questionnaire_yaml(tmp_path / "missing.yaml")
    assert codes(result.errors) == [ProblemCode.FILE_NOT_READABLE]


def test_load_data_accepts_plain_dicts_without_lines() -> None:
    data = {
        "id": "f",
        "version": "1",
        "title": {"id": "Uji", "en": "Test"},
        "sections": [
            {
                "id": "s",
                "title": {"id": "S", "en": "S"},
                "questions": [{"id": "n", "type": "integer", "text": {"id": "N", "en": "N"}}],
            }
        ],
    }
    assert load_questionnaire_data(data).ok
    data["sections"][0]["questions"][0]["type"] = "number"  # type: ignore[index]
    problem = load_questionnaire_data(data).errors[0]
    assert problem.line is None
    assert str(problem).startswith("question 'n': unknown question type")


def test_line_map_reports_key_lines() -> None:
    mapping = LineMap({"a": 1}, line=4)
    mapping.key_lines["a"] = 5
    assert mapping.line_of("a") == 5
    assert mapping.line_of("b") == 4


def test_yaml_anchors_and_merge_keys_work_without_false_duplicates() -> None:
    body = one_question(
        "      - &base {id: q1, type: scale, principle: participation, text: {id: A, en: A}}\n"
        "      - {<<: *base, id: q2}\n"
    )
    result = load(body)
    assert result.ok, [str(e) for e in result.errors]
    assert [q.id for q in result.unwrap().questions] == ["q1", "q2"]
