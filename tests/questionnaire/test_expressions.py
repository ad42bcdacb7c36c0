"""Tests for the safe expression language."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.questionnaire.evaluation import evaluate, is_true
from bot.questionnaire.expressions import (
    Compare,
    Current,
    Expression,
    ExpressionError,
    Literal,
    Ref,
    Value,
    parse_expression,
    references,
    uses_current,
)


def check(
    source: str, values: Mapping[str, Value] | None = None, current: Value | None = None
) -> bool:
    return is_true(parse_expression(source), values or {}, current)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("${a} = 5", True),
        ("${a} = 6", False),
        ("${a} != 6", True),
        ("${a} != 5", False),
        ("${a} < 6", True),
        ("${a} < 5", False),
        ("${a} <= 5", True),
        ("${a} <= 4", False),
        ("${a} > 4", True),
        ("${a} > 5", False),
        ("${a} >= 5", True),
        ("${a} >= 5.5", False),
        ("${a} = 5.0", True),
    ],
)
def test_comparison_operators_compare_numbers(source: str, expected: bool) -> None:
    assert check(source, {"a": 5}) is expected


def test_and_or_not_follow_boolean_logic() -> None:
    values = {"a": 1, "b": 2}
    assert check("${a} = 1 and ${b} = 2", values)
    assert not check("${a} = 1 and ${b} = 3", values)
    assert check("${a} = 9 or ${b} = 2", values)
    assert not check("${a} = 9 or ${b} = 9", values)
    assert check("not(${a} = 9)", values)
    assert not check("not(${a} = 1)", values)


def test_and_binds_tighter_than_or() -> None:
    # true or (false and false) -> true; (true or false) and false would be false
    assert check("${a} = 1 or ${a} = 2 and ${a} = 3", {"a": 1})
    assert not check("(${a} = 1 or ${a} = 2) and ${a} = 3", {"a": 1})


def test_text_literals_accept_single_and_double_quotes() -> None:
    assert check("${s} = 'other'", {"s": "other"})
    assert check('${s} = "other"', {"s": "other"})
    assert not check("${s} = 'Other'", {"s": "other"})


def test_selected_checks_membership_in_a_multiple_choice_value() -> None:
    assert check("selected(${m}, 'b')", {"m": ("a", "b")})
    assert not check("selected(${m}, 'c')", {"m": ("a", "b")})
    assert check("selected(${m}, 'b')", {"m": "a b"})  # ODK space-separated text
    assert not check("selected(${m}, 'b')", {})


def test_count_selected_counts_choices() -> None:
    assert evaluate(parse_expression("count-selected(${m})"), {"m": ("a", "b", "c")}) == 3
    assert evaluate(parse_expression("count-selected(${m})"), {}) == 0
    assert check("count-selected(${m}) >= 2", {"m": ("a", "b")})


def test_unanswered_reference_reads_as_empty_string() -> None:
    assert check("${a} = ''", {})
    assert not check("${a} != ''", {})
    assert check("${a} != ''", {"a": 3})


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "="])
def test_empty_compared_with_number_is_false(op: str) -> None:
    assert not check(f"${{a}} {op} 5", {})
    assert not check(f"5 {op} ${{a}}", {})


def test_empty_not_equal_to_number_is_true() -> None:
    assert check("${a} != 5", {})


def test_text_compared_with_number_reads_the_text_as_a_number() -> None:
    assert check("${a} = 7", {"a": "7"})
    assert check("${a} > 6", {"a": "7"})
    assert not check("${a} > 6", {"a": "seven"})


def test_dot_is_the_current_value_in_constraints() -> None:
    assert check(". >= 0 and . <= 60", {}, current=12)
    assert not check(". >= 0 and . <= 60", {}, current=61)
    assert check(". <= ${total}", {"total": 10}, current=4)


def test_negative_and_decimal_literals() -> None:
    assert check(". > -1", {}, current=0)
    assert check(". < .5", {}, current=0.25)
    assert check(". = 7.5", {}, current=7.5)


def test_true_and_false_functions() -> None:
    assert check("true()")
    assert not check("false()")


def test_parser_builds_frozen_ast() -> None:
    expr = parse_expression("${a} >= .")
    assert expr.node == Compare(">=", Ref("a"), Current())
    assert parse_expression("'x'").node == Literal("x")
    assert Expression.parse("${a} >= .") == expr


def test_references_lists_every_referenced_name() -> None:
    expr = parse_expression("${a} = 1 and (selected(${b}, 'x') or not(count-selected(${c}) > 1))")
    assert references(expr) == frozenset({"a", "b", "c"})
    assert references(parse_expression(". > 1")) == frozenset()


def test_uses_current_detects_dot() -> None:
    assert uses_current(parse_expression(". > ${a}"))
    assert not uses_current(parse_expression("${a} > 1"))


@pytest.mark.parametrize(
    ("source", "message", "position"),
    [
        ("", "empty", 0),
        ("${a} = ", "ends too early", 7),
        ("${a = 1", "never closed", 0),
        ("${a} = 'x", "never closed", 7),
        ("${a} == 1", "use '='", 5),
        ("${a} = 1 and", "ends too early", 12),
        ("(${a} = 1", "')'", 9),
        ("${a} = 1)", "unexpected ')'", 8),
        ("${a} = yes", "unknown word 'yes'", 7),
        ("foo(${a})", "unknown word 'foo'", 0),
        ("${a} & 1", "unexpected character '&'", 5),
        ("1 < ${a} < 3", "cannot be chained", 9),
        ("selected(${a})", "takes 2 argument", 0),
        ("not(${a}, 1)", "takes 1 argument", 0),
        ("${9bad} = 1", "invalid question name", 0),
        ("${a} = - 'x'", "a number after '-'", 9),
    ],
)
def test_parse_errors_have_a_message_and_position(source: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(source)
    assert message in info.value.message
    assert info.value.position == position
    assert f"at character {position + 1}" in str(info.value)


def test_evaluation_never_executes_python() -> None:
    with pytest.raises(ExpressionError):
        parse_expression("__import__('os').system('true')")
