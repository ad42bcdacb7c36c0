"""A safe expression language for relevance, constraints and calculations (XLSForm's XPath).

Grammar (whitespace is ignored; XPath 1.0 precedence)::

    expr        := or_expr
    or_expr     := and_expr ("or" and_expr)*
    and_expr    := comparison ("and" comparison)*
    comparison  := sum (("=" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum         := product (("+" | "-") product)*
    product     := unary (("*" | "div" | "mod") unary)*
    unary       := "-" unary | primary
    primary     := NUMBER | STRING | "${" NAME "}" | "." | "(" expr ")"
                 | FUNCTION "(" [expr ("," expr)*] ")"
                 | NAME             (a choice column, in a choice_filter only)
    FUNCTION    := one of `FUNCTIONS` (not, selected, if, regex, concat, today, ...)

Semantics follow ODK: a reference to a question that is unanswered, "don't know",
skipped or not relevant evaluates as the empty string; `.` is the value being
checked by a constraint. Comparing the empty string with a number is false for
`<`, `<=`, `>`, `>=` and `=`, true for `!=`. Text is compared as text, numbers as
numbers, and text against a number by reading the text as a number (a date as its day
number, as ODK does). Nothing here ever calls `eval`: the source is tokenised, parsed
into frozen dataclasses and walked by `bot.questionnaire.evaluation`; a form's regular
expressions run on RE2 (linear time), never on Python's backtracking `re`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal as TypingLiteral

from bot.questionnaire.patterns import regex_problem

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


ArithOp = TypingLiteral["+", "-", "*", "div", "mod"]


@dataclass(frozen=True)
class Arith:
    """A binary arithmetic operation on numbers."""

    op: ArithOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node


@dataclass(frozen=True)
class Call:
    """A call of one of the other `FUNCTIONS` (if, regex, concat, ...)."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class ChoiceColumn:
    """A bare name in a choice_filter: that column of the choice being filtered."""

    name: str


Node = (
    Literal
    | Ref
    | Current
    | BoolConst
    | Compare
    | And
    | Or
    | Not
    | Selected
    | CountSelected
    | Arith
    | Neg
    | Call
    | ChoiceColumn
)


@dataclass(frozen=True)
class Expression:
    """A parsed expression together with its source text."""

    source: str
    node: Node

    @classmethod
    def parse(cls, source: str, choice_filter: bool = False) -> Expression:
        """Parses `source`, raising `ExpressionError` on a syntax error.

        In a `choice_filter` a bare name is a column of the choice being filtered.
        """
        return cls(source=source, node=_Parser(source, choice_filter).parse())

    def __str__(self) -> str:
        return self.source


def parse_expression(source: str, choice_filter: bool = False) -> Expression:
    """Parses `source` into an `Expression`, raising `ExpressionError` on a syntax error."""
    return Expression.parse(source, choice_filter)


# --- Tokenizer ---------------------------------------------------------------------------

TokenKind = TypingLiteral[
    "num", "str", "ref", "dot", "op", "arith", "lpar", "rpar", "comma", "minus", "name"
]

ARITY: dict[str, tuple[int, int | None]] = {
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "if": (3, 3),
    "regex": (2, 2),
    "string-length": (1, 1),
    "selected-at": (2, 2),
    "jr:choice-name": (2, 2),
    "concat": (1, None),
    "coalesce": (2, 2),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "ends-with": (2, 2),
    "substr": (2, 3),
    "normalize-space": (1, 1),
    "string": (1, 1),
    "boolean": (1, 1),
    "boolean-from-string": (1, 1),
    "number": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "floor": (1, 1),
    "ceiling": (1, 1),
    "abs": (1, 1),
    "pow": (2, 2),
    "today": (0, 0),
    "now": (0, 0),
}
"""Each function the language knows, with its least and most number of arguments."""
FUNCTIONS = tuple(ARITY)
# A prefix (jr:choice-name), or a translated choice column in a filter (label::English).
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?:::?[A-Za-z_][A-Za-z0-9_\-]*)?")
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
        simple: dict[str, TokenKind] = {
            "(": "lpar",
            ")": "rpar",
            ",": "comma",
            "-": "minus",
            "+": "arith",
            "*": "arith",
        }
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

    def __init__(self, source: str, choice_filter: bool = False) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.choice_filter = choice_filter

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
        left = self._sum()
        token = self._peek()
        if token is None or token.kind != "op":
            return left
        self.index += 1
        right = self._sum()
        after = self._peek()
        if after is not None and after.kind == "op":
            raise ExpressionError(
                "comparisons cannot be chained; combine them with 'and'",
                self.source,
                after.position,
            )
        op: CompareOp = token.text  # type: ignore[assignment]
        return Compare(op, left, right)

    def _sum(self) -> Node:
        node = self._product()
        while (token := self._peek()) is not None and (
            token.kind == "minus" or (token.kind == "arith" and token.text == "+")
        ):
            self.index += 1
            op: ArithOp = "-" if token.kind == "minus" else "+"
            node = Arith(op, node, self._product())
        return node

    def _product(self) -> Node:
        node = self._unary()
        while (token := self._peek()) is not None and (
            (token.kind == "arith" and token.text == "*")
            or (token.kind == "name" and token.text in ("div", "mod"))
        ):
            self.index += 1
            op: ArithOp = token.text  # type: ignore[assignment]
            node = Arith(op, node, self._unary())
        return node

    def _unary(self) -> Node:
        token = self._peek()
        if token is None or token.kind != "minus":
            return self._primary()
        self.index += 1
        following = self._peek()
        if following is not None and following.kind == "num":
            self.index += 1
            return Literal(-_number(following.text))
        if following is None or following.kind not in ("ref", "dot", "lpar", "name", "minus"):
            self._expect("num", "a number after '-'")
        return Neg(self._unary())

    def _primary(self) -> Node:
        token = self._advance()
        if token.kind == "num":
            return Literal(_number(token.text))
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
            if self.choice_filter and self._peek_kind() != "lpar" and token.text not in ARITY:
                return ChoiceColumn(token.text)
            return self._function(token)
        raise ExpressionError(f"unexpected {token.text!r}", self.source, token.position)

    def _function(self, token: _Token) -> Node:
        name = token.text
        if name not in ARITY:
            if name in ("and", "or", "div", "mod"):
                message = f"'{name}' needs a value on both sides"
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
        least, most = ARITY[name]
        if len(args) < least or (most is not None and len(args) > most):
            expected = str(least) if least == most else f"{least} or more"
            if most is not None and least != most:
                expected = f"{least} to {most}"
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
        if name in ("true", "false"):
            return BoolConst(name == "true")
        if name == "regex" and isinstance(args[1], Literal):
            problem = regex_problem(str(args[1].value))
            if problem is not None:
                raise ExpressionError(
                    f"regex() pattern cannot be used: {problem}", self.source, token.position
                )
        return Call(name, tuple(args))

    def _peek_kind(self) -> TokenKind | None:
        token = self._peek()
        return token.kind if token is not None else None


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


# --- Analysis --------------------------------------------------------------------------


def _walk(node: Node) -> Iterator[Node]:
    yield node
    match node:
        case Compare(_, left, right) | And(left, right) | Or(left, right) | Arith(_, left, right):
            yield from _walk(left)
            yield from _walk(right)
        case Not(operand) | CountSelected(operand) | Neg(operand):
            yield from _walk(operand)
        case Call(_, args):
            for arg in args:
                yield from _walk(arg)
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


def choice_columns(expr: Expression | Node) -> frozenset[str]:
    """Returns the choice columns a choice_filter reads."""
    node = expr.node if isinstance(expr, Expression) else expr
    return frozenset(n.name for n in _walk(node) if isinstance(n, ChoiceColumn))


def uses_function(expr: Expression | Node, name: str) -> bool:
    """Tells whether the expression calls the function `name` (e.g. today)."""
    node = expr.node if isinstance(expr, Expression) else expr
    return any(isinstance(n, Call) and n.name == name for n in _walk(node))


__all__ = [
    "EMPTY",
    "FUNCTIONS",
    "Expression",
    "ExpressionError",
    "Value",
    "parse_expression",
    "references",
    "uses_current",
]
