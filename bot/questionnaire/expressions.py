"""A small, safe expression language for relevance and constraints (an XLSForm subset).

Grammar (whitespace is ignored)::

    expr        := or_expr
    or_expr     := and_expr ("or" and_expr)*
    and_expr    := comparison ("and" comparison)*
    comparison  := primary (("=" | "!=" | "<" | "<=" | ">" | ">=") primary)?
    primary     := NUMBER | "-" NUMBER | STRING | "${" NAME "}" | "."
                 | "(" expr ")" | FUNCTION "(" [expr ("," expr)*] ")"
    FUNCTION    := "not" | "selected" | "count-selected" | "true" | "false"

Semantics follow ODK: a reference to a question that is unanswered, "don't know",
skipped or not relevant evaluates as the empty string; `.` is the value being
checked by a constraint. Comparing the empty string with a number is false for
`<`, `<=`, `>`, `>=` and `=`, true for `!=`. Text is compared as text, numbers as
numbers, and text against a number by reading the text as a number. Nothing here
ever calls `eval`: the source is tokenised, parsed into frozen dataclasses and
walked by `evaluate`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal as TypingLiteral

Value = str | int | float | bool | tuple[str, ...]
"""A runtime value: answer values plus booleans produced by comparisons."""

CompareOp = TypingLiteral["=", "!=", "<", "<=", ">", ">="]

EMPTY = ""
"""The value of an unanswered reference."""


class ExpressionError(ValueError):
    """A syntax error in an expression, with the 1-based character position."""

    def __init__(self, message: str, source: str, position: int) -> None:
        self.message = message
        self.source = source
        self.position = position
        super().__init__(f"{message} (at character {position + 1} of {source!r})")


# --- AST -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """A string or number literal."""

    value: str | int | float


@dataclass(frozen=True)
class Ref:
    """A reference `${name}` to another question's value."""

    name: str


@dataclass(frozen=True)
class Current:
    """The current question's value `.` (constraints only)."""


@dataclass(frozen=True)
class BoolConst:
    """`true()` or `false()`."""

    value: bool


@dataclass(frozen=True)
class Compare:
    """A binary comparison."""

    op: CompareOp
    left: Node
    right: Node


@dataclass(frozen=True)
class And:
    """Logical and (short-circuit)."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    """Logical or (short-circuit)."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    """`not(expr)`."""

    operand: Node


@dataclass(frozen=True)
class Selected:
    """`selected(values, 'choice')`: whether a choice is among the selected values."""

    values: Node
    choice: Node


@dataclass(frozen=True)
class CountSelected:
    """`count-selected(values)`: how many choices are selected."""

    values: Node


Node = Literal | Ref | Current | BoolConst | Compare | And | Or | Not | Selected | CountSelected


@dataclass(frozen=True)
class Expression:
    """A parsed expression together with its source text."""

    source: str
    node: Node

    @classmethod
    def parse(cls, source: str) -> Expression:
        """Parses `source`, raising `ExpressionError` on a syntax error."""
        return cls(source=source, node=_Parser(source).parse())

    def __str__(self) -> str:
        return self.source


def parse_expression(source: str) -> Expression:
    """Parses `source` into an `Expression`, raising `ExpressionError` on a syntax error."""
    return Expression.parse(source)


# --- Tokenizer ---------------------------------------------------------------------------

TokenKind = TypingLiteral[
    "num", "str", "ref", "dot", "op", "lpar", "rpar", "comma", "minus", "name"
]

FUNCTIONS = ("not", "selected", "count-selected", "true", "false")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_REF_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_NUMBER_RE = re.compile(r"\d+(\.\d+)?|\.\d+")


@dataclass(frozen=True)
class _Token:
    kind: TokenKind
    text: str
    position: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if source.startswith("${", i):
            close = source.find("}", i + 2)
            if close < 0:
                raise ExpressionError("reference '${' is never closed with '}'", source, i)
            name = source[i + 2 : close].strip()
            if not _REF_NAME_RE.fullmatch(name):
                raise ExpressionError(f"invalid question name in ${{{name}}}", source, i)
            tokens.append(_Token("ref", name, i))
            i = close + 1
            continue
        if ch in "'\"":
            close = source.find(ch, i + 1)
            if close < 0:
                raise ExpressionError(f"text starting with {ch} is never closed", source, i)
            tokens.append(_Token("str", source[i + 1 : close], i))
            i = close + 1
            continue
        number = _NUMBER_RE.match(source, i)
        if number:
            tokens.append(_Token("num", number.group(), i))
            i = number.end()
            continue
        if ch == ".":
            if source.startswith("..", i):
                raise ExpressionError("'..' is not supported", source, i)
            tokens.append(_Token("dot", ".", i))
            i += 1
            continue
        if source.startswith("==", i):
            raise ExpressionError("use '=' to compare, not '=='", source, i)
        two = source[i : i + 2]
        if two in ("!=", "<=", ">="):
            tokens.append(_Token("op", two, i))
            i += 2
            continue
        if ch in "=<>":
            tokens.append(_Token("op", ch, i))
            i += 1
            continue
        simple: dict[str, TokenKind] = {"(": "lpar", ")": "rpar", ",": "comma", "-": "minus"}
        if ch in simple:
            tokens.append(_Token(simple[ch], ch, i))
            i += 1
            continue
        word = _NAME_RE.match(source, i)
        if word:
            tokens.append(_Token("name", word.group(), i))
            i = word.end()
            continue
        raise ExpressionError(f"unexpected character {ch!r}", source, i)
    return tokens


# --- Parser ----------------------------------------------------------------------------


class _Parser:
    """Recursive-descent parser over the token list."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("expression is empty", self.source, 0)
        node = self._or()
        if self.index < len(self.tokens):
            token = self.tokens[self.index]
            raise ExpressionError(f"unexpected {token.text!r}", self.source, token.position)
        return node

    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _advance(self) -> _Token:
        token = self._peek()
        if token is None:
            raise ExpressionError("expression ends too early", self.source, len(self.source))
        self.index += 1
        return token

    def _expect(self, kind: TokenKind, what: str) -> _Token:
        token = self._peek()
        if token is None:
            raise ExpressionError(
                f"expected {what} but the expression ended", self.source, len(self.source)
            )
        if token.kind != kind:
            raise ExpressionError(
                f"expected {what} but found {token.text!r}", self.source, token.position
            )
        self.index += 1
        return token

    def _is_keyword(self, word: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "name" and token.text == word

    def _or(self) -> Node:
        node = self._and()
        while self._is_keyword("or"):
            self.index += 1
            node = Or(node, self._and())
        return node

    def _and(self) -> Node:
        node = self._comparison()
        while self._is_keyword("and"):
            self.index += 1
            node = And(node, self._comparison())
        return node

    def _comparison(self) -> Node:
        left = self._primary()
        token = self._peek()
        if token is None or token.kind != "op":
            return left
        self.index += 1
        right = self._primary()
        after = self._peek()
        if after is not None and after.kind == "op":
            raise ExpressionError(
                "comparisons cannot be chained; combine them with 'and'",
                self.source,
                after.position,
            )
        op: CompareOp = token.text  # type: ignore[assignment]
        return Compare(op, left, right)

    def _primary(self) -> Node:
        token = self._advance()
        if token.kind == "num":
            return Literal(_number(token.text))
        if token.kind == "minus":
            number = self._expect("num", "a number after '-'")
            value = _number(number.text)
            return Literal(-value)
        if token.kind == "str":
            return Literal(token.text)
        if token.kind == "ref":
            return Ref(token.text)
        if token.kind == "dot":
            return Current()
        if token.kind == "lpar":
            node = self._or()
            self._expect("rpar", "')'")
            return node
        if token.kind == "name":
            return self._function(token)
        raise ExpressionError(f"unexpected {token.text!r}", self.source, token.position)

    def _function(self, token: _Token) -> Node:
        name = token.text
        if name not in FUNCTIONS:
            if name in ("and", "or"):
                message = f"'{name}' needs a condition on both sides"
            else:
                message = (
                    f"unknown word {name!r} (put text in quotes; functions are "
                    + ", ".join(f"{f}()" for f in FUNCTIONS)
                    + ")"
                )
            raise ExpressionError(message, self.source, token.position)
        self._expect("lpar", f"'(' after {name}")
        args: list[Node] = []
        if self._peek() is not None and self._peek_kind() != "rpar":
            args.append(self._or())
            while self._peek_kind() == "comma":
                self.index += 1
                args.append(self._or())
        self._expect("rpar", f"')' to close {name}(")
        expected = {"not": 1, "selected": 2, "count-selected": 1, "true": 0, "false": 0}[name]
        if len(args) != expected:
            raise ExpressionError(
                f"{name}() takes {expected} argument(s), got {len(args)}",
                self.source,
                token.position,
            )
        if name == "not":
            return Not(args[0])
        if name == "selected":
            return Selected(args[0], args[1])
        if name == "count-selected":
            return CountSelected(args[0])
        return BoolConst(name == "true")

    def _peek_kind(self) -> TokenKind | None:
        token = self._peek()
        return token.kind if token is not None else None


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


# --- Analysis --------------------------------------------------------------------------


def _walk(node: Node) -> Iterator[Node]:
    yield node
    match node:
        case Compare(_, left, right) | And(left, right) | Or(left, right):
            yield from _walk(left)
            yield from _walk(right)
        case Not(operand) | CountSelected(operand):
            yield from _walk(operand)
        case Selected(values, choice):
            yield from _walk(values)
            yield from _walk(choice)
        case _:
            pass


def references(expr: Expression | Node) -> frozenset[str]:
    """Returns the question names referenced with `${name}`."""
    node = expr.node if isinstance(expr, Expression) else expr
    return frozenset(n.name for n in _walk(node) if isinstance(n, Ref))


def uses_current(expr: Expression | Node) -> bool:
    """Tells whether the expression uses `.` (the current question's value)."""
    node = expr.node if isinstance(expr, Expression) else expr
    return any(isinstance(n, Current) for n in _walk(node))


# --- Evaluation ------------------------------------------------------------------------


def evaluate(
    expr: Expression | Node, values: Mapping[str, Value], current: Value | None = None
) -> Value:
    """Evaluates `expr`; missing names and a missing `current` read as the empty string."""
    node = expr.node if isinstance(expr, Expression) else expr
    return _eval(node, values, EMPTY if current is None else current)


def is_true(
    expr: Expression | Node, values: Mapping[str, Value], current: Value | None = None
) -> bool:
    """Evaluates `expr` and converts the result to a boolean (XPath rules)."""
    return truthy(evaluate(expr, values, current))


def truthy(value: Value) -> bool:
    """Converts a value to a boolean: non-empty text, non-zero number, any selection."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    return len(value) > 0


def _eval(node: Node, values: Mapping[str, Value], current: Value) -> Value:
    match node:
        case Literal(value):
            return value
        case Ref(name):
            return values.get(name, EMPTY)
        case Current():
            return current
        case BoolConst(value):
            return value
        case Compare(op, left, right):
            return _compare(op, _eval(left, values, current), _eval(right, values, current))
        case And(left, right):
            return truthy(_eval(left, values, current)) and truthy(_eval(right, values, current))
        case Or(left, right):
            return truthy(_eval(left, values, current)) or truthy(_eval(right, values, current))
        case Not(operand):
            return not truthy(_eval(operand, values, current))
        case Selected(selection, choice):
            wanted = _to_text(_eval(choice, values, current))
            return wanted in _selection(_eval(selection, values, current))
        case CountSelected(selection):
            return len(_selection(_eval(selection, values, current)))
    raise AssertionError(f"unhandled node {node!r}")  # pragma: no cover


def _selection(value: Value) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return value
    return tuple(_to_text(value).split())


def _to_text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return " ".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(_to_text(value).strip())
    except ValueError:
        return math.nan


def _compare(op: CompareOp, left: Value, right: Value) -> bool:
    if op in ("=", "!="):
        equal = _equal(left, right)
        return equal if op == "=" else not equal
    a, b = _to_number(left), _to_number(right)
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
        a, b = _to_number(left), _to_number(right)
        return not math.isnan(a) and not math.isnan(b) and a == b
    return _to_text(left) == _to_text(right)
