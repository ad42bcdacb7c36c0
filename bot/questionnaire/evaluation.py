"""Evaluating parsed expressions: XPath's operators and the ODK functions forms use."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from bot.questionnaire.expressions import (
    And,
    Arith,
    BoolConst,
    Call,
    ChoiceColumn,
    Compare,
    CompareOp,
    CountSelected,
    Current,
    Expression,
    Literal,
    Neg,
    Node,
    Not,
    Or,
    Ref,
    Selected,
    Value,
)

# expressions.py imports this module at its end, after defining what is imported here (and
# the package's __init__ always loads expressions first).
from bot.questionnaire.patterns import compiled_regex

EMPTY = ""
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")  # our own pattern, not a form's
_REF_IN_TEXT_RE = re.compile(r"^\s*\$\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\s*$")
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class EvalContext:
    """What some functions need besides the answers: the time, choice labels, a choice.

    `now` feeds today() and now() (without it they read as empty: time is passed in,
    never read here); `choice_label(question, value)` feeds jr:choice-name(); `choice`
    holds the columns of the choice a choice_filter is checking.
    """

    now: datetime | None = None
    choice_label: Callable[[str, str], str | None] | None = None
    choice: Mapping[str, str] | None = None


_NO_CONTEXT = EvalContext()


def evaluate(
    expr: Expression | Node,
    values: Mapping[str, Value],
    current: Value | None = None,
    context: EvalContext | None = None,
) -> Value:
    """Evaluates `expr`; missing names and a missing `current` read as the empty string."""
    node = expr.node if isinstance(expr, Expression) else expr
    return _Evaluator(values, EMPTY if current is None else current, context or _NO_CONTEXT).run(
        node
    )


def is_true(
    expr: Expression | Node,
    values: Mapping[str, Value],
    current: Value | None = None,
    context: EvalContext | None = None,
) -> bool:
    """Evaluates `expr` and converts the result to a boolean (XPath rules)."""
    return truthy(evaluate(expr, values, current, context))


def truthy(value: Value) -> bool:
    """Converts a value to a boolean: non-empty text, non-zero number, any selection."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    return len(value) > 0


@dataclass(frozen=True)
class _Evaluator:
    values: Mapping[str, Value]
    current: Value
    context: EvalContext

    def run(self, node: Node) -> Value:
        match node:
            case Literal(value):
                return value
            case Ref(name):
                return self.values.get(name, EMPTY)
            case Current():
                return self.current
            case BoolConst(value):
                return value
            case Compare(op, left, right):
                return _compare(op, self.run(left), self.run(right))
            case And(left, right):
                return truthy(self.run(left)) and truthy(self.run(right))
            case Or(left, right):
                return truthy(self.run(left)) or truthy(self.run(right))
            case Not(operand):
                return not truthy(self.run(operand))
            case Selected(selection, choice):
                return to_text(self.run(choice)) in _selection(self.run(selection))
            case CountSelected(selection):
                return len(_selection(self.run(selection)))
            case Arith(op, left, right):
                return _arith(op, to_number(self.run(left)), to_number(self.run(right)))
            case Neg(operand):
                return -to_number(self.run(operand))
            case ChoiceColumn(name):
                return (self.context.choice or {}).get(name, EMPTY)
            case Call(name, args):
                return self._call(name, args)
        raise AssertionError(f"unhandled node {node!r}")  # pragma: no cover

    def _call(self, name: str, args: tuple[Node, ...]) -> Value:
        if name == "if":  # only the branch taken is evaluated
            return self.run(args[1]) if truthy(self.run(args[0])) else self.run(args[2])
        if name == "coalesce":
            first = self.run(args[0])
            return first if to_text(first) != "" else self.run(args[1])
        if name == "jr:choice-name":
            return self._choice_name(args)
        values = [self.run(arg) for arg in args]
        function = _FUNCTIONS.get(name)
        if function is not None:
            return function(values)
        if name in ("today", "now"):
            now = self.context.now
            if now is None:
                return EMPTY
            return now.date().isoformat() if name == "today" else now.isoformat()
        raise AssertionError(f"unhandled function {name!r}")  # pragma: no cover

    def _choice_name(self, args: tuple[Node, ...]) -> Value:
        value = to_text(self.run(args[0]))
        target = args[1]
        question: str | None = None
        if isinstance(target, Literal):
            found = _REF_IN_TEXT_RE.match(str(target.value))
            question = found.group(1) if found else None
        elif isinstance(target, Ref):
            question = target.name
        labels = self.context.choice_label
        if question is None or labels is None or value == "":
            return value
        return labels(question, value) or value


def _regex(values: list[Value]) -> Value:
    pattern = compiled_regex(to_text(values[1]))
    return pattern is not None and pattern.search(to_text(values[0])) is not None


def _selected_at(values: list[Value]) -> Value:
    chosen = _selection(values[0])
    index = to_number(values[1])
    if math.isnan(index) or not 0 <= int(index) < len(chosen):
        return EMPTY
    return chosen[int(index)]


def _substr(values: list[Value]) -> Value:
    text = to_text(values[0])
    start = to_number(values[1])
    if math.isnan(start):
        return EMPTY
    end = len(text) if len(values) < 3 else int(to_number(values[2]))
    return text[max(int(start), 0) : max(end, 0)]


def _round(values: list[Value]) -> Value:
    number = to_number(values[0])
    places = 0 if len(values) < 2 else int(to_number(values[1]))
    if math.isnan(number) or math.isinf(number):
        return number
    factor = 10.0**places
    # ODK rounds halves away from zero, unlike Python's round().
    return math.copysign(math.floor(abs(number) * factor + 0.5), number) / factor


def _int(values: list[Value]) -> Value:
    number = to_number(values[0])
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


def _unary_number(function: Callable[[float], float]) -> Callable[[list[Value]], Value]:
    def apply(values: list[Value]) -> Value:
        number = to_number(values[0])
        return number if math.isnan(number) or math.isinf(number) else float(function(number))

    return apply


def _pow(values: list[Value]) -> Value:
    try:
        return math.pow(to_number(values[0]), to_number(values[1]))
    except (OverflowError, ValueError):
        return math.nan


_FUNCTIONS: dict[str, Callable[[list[Value]], Value]] = {
    "regex": _regex,
    "string-length": lambda v: len(to_text(v[0])),
    "selected-at": _selected_at,
    "concat": lambda v: "".join(to_text(x) for x in v),
    "contains": lambda v: to_text(v[1]) in to_text(v[0]),
    "starts-with": lambda v: to_text(v[0]).startswith(to_text(v[1])),
    "ends-with": lambda v: to_text(v[0]).endswith(to_text(v[1])),
    "substr": _substr,
    "normalize-space": lambda v: " ".join(to_text(v[0]).split()),
    "string": lambda v: to_text(v[0]),
    "boolean": lambda v: truthy(v[0]),
    "boolean-from-string": lambda v: to_text(v[0]).strip().lower() in ("true", "1"),
    "number": lambda v: to_number(v[0]),
    "int": _int,
    "round": _round,
    "floor": _unary_number(math.floor),
    "ceiling": _unary_number(math.ceil),
    "abs": _unary_number(abs),
    "pow": _pow,
}


def _arith(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
        return a / b
    if b == 0 or math.isinf(a):
        return math.nan
    return math.fmod(a, b)


def _selection(value: Value) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return value
    return tuple(to_text(value).split())


def to_text(value: Value) -> str:
    """Converts a value to text as XPath's string() does (2.0 -> '2', NaN -> '')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return " ".join(value)
    if isinstance(value, float):
        if math.isnan(value):
            return EMPTY
        if value.is_integer():
            return str(int(value))
    return str(value)


def to_number(value: Value) -> float:
    """Converts a value to a number as XPath's number() does; a date is its day number."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    text = to_text(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    found = _ISO_DATE_RE.match(text)
    if found:
        try:
            day = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            return math.nan
        return float((day - _EPOCH).days)
    return math.nan


def _compare(op: CompareOp, left: Value, right: Value) -> bool:
    if op in ("=", "!="):
        equal = _equal(left, right)
        return equal if op == "=" else not equal
    a, b = to_number(left), to_number(right)
    if math.isnan(a) or math.isnan(b):
        return False
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return truthy(left) == truthy(right)
    if isinstance(left, int | float) or isinstance(right, int | float):
        a, b = to_number(left), to_number(right)
        return not math.isnan(a) and not math.isnan(b) and a == b
    return to_text(left) == to_text(right)
