"""XLSForm's XPath operators and ODK functions: parsed, never eval'd, regexes on RE2."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.questionnaire.evaluation import EvalContext, evaluate, is_true
from bot.questionnaire.expressions import (
    ExpressionError,
    choice_columns,
    parse_expression,
    references,
)

NOW = datetime(2026, 8, 17, 9, 30, tzinfo=UTC)


def value(source: str, **answers: object) -> object:
    """Evaluates `source` against answers given as keyword arguments."""
    return evaluate(parse_expression(source), answers, context=EvalContext(now=NOW))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("${a} + ${b} * 2", 5.0),
        ("(${a} + ${b}) * 2", 6.0),
        ("${a} - 1 - 1", -1.0),
        ("10 div 4", 2.5),
        ("10 mod 4", 2.0),
        ("-${a}", -1.0),
        ("if(${a} > 0, 'yes', 'no')", "yes"),
        ("concat(${a}, '-', ${b})", "1-2"),
        ("coalesce(${missing}, 'none')", "none"),
        ("string-length('Jambi')", 5),
        ("contains('Kota Jambi', 'Jambi')", True),
        ("starts-with('Kota Jambi', 'Kota')", True),
        ("number('3.5') + 1", 4.5),
        ("int(-3.7)", -3.0),
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(3.14159, 2)", 3.14),
        ("selected-at('a b c', 1)", "b"),
        ("selected-at('a b c', 5)", ""),
        ("count-selected('a b c')", 3),
        ("today()", "2026-08-17"),
        ("today() > '2026-08-16'", True),
        ("${a} + ${missing} = ${a}", False),
    ],
)
def test_operators_and_functions_evaluate_as_in_odk(source: str, expected: object) -> None:
    assert value(source, a=1, b=2) == expected


def test_a_pattern_from_an_answer_that_re2_cannot_compile_is_simply_no_match() -> None:
    assert value("regex('x', ${p})", p="[") is False


def test_regex_matches_with_re2() -> None:
    assert is_true(parse_expression("regex(., '^08[0-9]{8,11}$')"), {}, "081234567890")
    assert not is_true(parse_expression("regex(., '^08[0-9]{8,11}$')"), {}, "12345")


def test_a_pattern_that_backtracks_badly_in_python_runs_on_re2() -> None:
    expression = parse_expression("regex(., '^(a+)+$')")
    assert not is_true(expression, {}, "a" * 5000 + "!")


def test_a_pattern_re2_cannot_run_is_refused_when_parsed() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression("regex(., '(a)\\1')")
    assert info.value.message.startswith("regex() pattern cannot be used: invalid escape")


def test_choice_name_uses_the_label_the_context_gives() -> None:
    context = EvalContext(choice_label=lambda q, v: {"yes": "Ya"}.get(v) if q == "a" else None)
    expression = parse_expression("jr:choice-name(${a}, '${a}')")
    assert evaluate(expression, {"a": "yes"}, context=context) == "Ya"
    assert evaluate(expression, {"a": "yes"}) == "yes"


def test_today_is_empty_without_a_time_passed_in() -> None:
    assert evaluate(parse_expression("today()"), {}) == ""


def test_a_choice_filter_reads_bare_names_as_choice_columns() -> None:
    expression = parse_expression("state = ${state} and name != 'x'", choice_filter=True)
    assert choice_columns(expression) == {"state", "name"}
    assert references(expression) == {"state"}
    context = EvalContext(choice={"state": "jambi", "name": "kota"})
    assert is_true(expression, {"state": "jambi"}, context=context)
    assert not is_true(expression, {"state": "bali"}, context=context)


def test_a_bare_word_outside_a_choice_filter_is_still_an_error() -> None:
    with pytest.raises(ExpressionError):
        parse_expression("state = ${state}")


@pytest.mark.parametrize("source", ["1 +", "div 2", "${a} * * 2", "round()", "if(1, 2)"])
def test_malformed_arithmetic_and_calls_are_syntax_errors(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(source)
