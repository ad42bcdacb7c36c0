"""XLSForm expressions rewritten into the engine's syntax, or the feature it lacks named."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.questionnaire.expressions import FUNCTIONS
from bot.questionnaire.model import Question, QuestionType

_FUNCTION_CALL_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_.:\-]*)\s*\(")
_STRING_RE = re.compile(r"('[^']*'|\"[^\"]*\")")
_REF_RE = re.compile(r"\$\{[^}]*\}")
_PATH_RE = re.compile(r"[|/]")
_ADVICE = {
    "pulldata": "pulldata() reads a CSV file attached to the form, which a chat does not have",
    "indexed-repeat": "repeats are not supported",
    "position": "repeats are not supported",
}


@dataclass(frozen=True)
class Unsupported:
    """An XLSForm expression feature the engine's language does not have."""

    feature: str
    advice: str | None = None


def translate_expression(source: str, own_name: str | None = None) -> str | Unsupported:
    """Rewrites an XLSForm expression into the engine's syntax, or names what it lacks.

    The syntax is shared (operators and the functions in `FUNCTIONS`), so this is mostly
    the identity; XPath paths and other functions are named as unsupported. It trims, reads
    `TRUE()`/`FALSE()` as `true()`/`false()` and, in a constraint (`own_name` given), a
    reference to the question itself as `.`, which ODK allows and the engine spells `.`.
    Quoted text is never touched. Syntax errors are left to the engine's parser.
    """
    parts = _STRING_RE.split(source.strip())
    for index in range(0, len(parts), 2):  # even parts lie outside quotes
        code = parts[index]
        for call in _FUNCTION_CALL_RE.finditer(code):
            function = call.group(1)
            if function.lower() in ("true", "false"):
                continue
            if function not in FUNCTIONS and function not in ("and", "or", "div", "mod"):
                return Unsupported(f"the function {function}()", _ADVICE.get(function))
        path = _PATH_RE.search(_REF_RE.sub("", code))
        if path:
            return Unsupported(f"a path ('{path.group(0)}'); refer to questions as ${{name}}")
        code = re.sub(
            r"\b(true|false)\s*\(\s*\)",
            lambda m: f"{m.group(1).lower()}()",
            code,
            flags=re.IGNORECASE,
        )
        if own_name is not None:
            code = re.sub(r"\$\{\s*" + re.escape(own_name) + r"\s*\}", ".", code)
        parts[index] = code
    return "".join(parts)


def bound_clauses(
    min_value: object | None, max_value: object | None, max_length: int | None
) -> list[str]:
    """The ODK constraint clauses that say what wipbot's min, max and max_length columns say."""
    clauses = []
    if min_value is not None:
        clauses.append(f". >= {min_value}")
    if max_value is not None:
        clauses.append(f". <= {max_value}")
    if max_length is not None:
        clauses.append(f"string-length(.) <= {max_length}")
    return clauses


def odk_constraint(question: Question) -> str | None:
    """Returns the constraint to export: the question's own and its bounds, for ODK."""
    numeric = question.type.is_numeric
    clauses = bound_clauses(
        question.min_value if numeric else None,
        question.max_value if numeric else None,
        question.max_length if question.type is QuestionType.TEXT else None,
    )
    own = question.constraint.source if question.constraint is not None else None
    if own is not None and clauses:
        return " and ".join([f"({own})", *clauses])
    return own if own is not None else (" and ".join(clauses) or None)


def strip_bound_clauses(
    source: str, min_value: object | None, max_value: object | None, max_length: object | None
) -> str | None:
    """Undoes `odk_constraint`: drops the clauses the bound columns imply; None if nothing left."""
    clauses = bound_clauses(
        min_value, max_value, max_length if isinstance(max_length, int) else None
    )
    if not clauses:
        return source
    generated = " and ".join(clauses)
    if source == generated:
        return None
    suffix = " and " + generated
    if source.endswith(suffix) and source.startswith("("):
        own = source[: -len(suffix)]
        if own.endswith(")"):
            return own[1:-1]
    return source
