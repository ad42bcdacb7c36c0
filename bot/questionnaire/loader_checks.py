"""Whole-form checks: question ids, references between questions, indicator codes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.questionnaire.errors import ProblemCode
from bot.questionnaire.expressions import references
from bot.questionnaire.loader_parts import PartReader
from bot.questionnaire.loader_values import (
    INDICATOR_RE,
    Loc,
    line_of,
)
from bot.questionnaire.model import (
    Question,
    QuestionType,
)


@dataclass
class Draft:
    """A question built so far, with where it came from."""

    question: Question
    loc: Loc
    data: Mapping[str, Any]


@dataclass
class FormChecks(PartReader):
    """Checks that need every question."""

    def _check_question_ids(self, drafts: Iterable[Draft]) -> None:
        first_line: dict[str, int | None] = {}
        for draft in drafts:
            qid = draft.question.id
            if not qid:
                continue
            if qid in first_line:
                where = (
                    f" (first used at {self.terms.position} {first_line[qid]})"
                    if first_line[qid]
                    else ""
                )
                self.error(
                    ProblemCode.DUPLICATE_QUESTION_ID,
                    f"question id is already used{where}",
                    draft.loc,
                )
            else:
                first_line[qid] = draft.loc.line

    def _check_references(self, drafts: Sequence[Draft]) -> None:
        position: dict[str, int] = {}
        for number, draft in enumerate(drafts):
            position.setdefault(draft.question.id, number)
        for number, draft in enumerate(drafts):
            question = draft.question
            for key, expr in (
                ("relevant", question.relevant),
                ("constraint", question.constraint),
                ("calculation", question.calculation),
                ("choice_filter", question.choice_filter),
                ("required_if", question.required_if),
            ):
                if expr is None:
                    continue
                where = draft.loc.at(line_of(draft.data, key))
                for name in sorted(references(expr)):
                    self._check_reference(key, name, number, question, drafts, position, where)

    def _check_reference(
        self,
        key: str,
        name: str,
        number: int,
        question: Question,
        drafts: Sequence[Draft],
        position: Mapping[str, int],
        where: Loc,
    ) -> None:
        if name == question.id:
            advice = (
                "use '.' for this question's own answer"
                if key == "constraint"
                else ("a question cannot depend on its own answer")
            )
            self.error(
                ProblemCode.SELF_REFERENCE, f"{key} refers to the question itself; {advice}", where
            )
        elif name not in position:
            close = difflib.get_close_matches(name, list(position), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.error(
                ProblemCode.UNKNOWN_REFERENCE,
                f"{key} refers to unknown question '{name}'{hint}",
                where,
            )
        elif position[name] > number:
            self.error(
                ProblemCode.FORWARD_REFERENCE,
                f"{key} refers to question '{name}', which comes later in the form; "
                "conditions may only use earlier answers",
                where,
            )
        elif drafts[position[name]].question.type is QuestionType.NOTE and key != "calculation":
            self.error(
                ProblemCode.REFERENCE_TO_NOTE,
                f"{key} refers to '{name}', which is a note and has no answer",
                where,
            )

    def _check_indicators(self, drafts: Iterable[Draft]) -> None:
        seen: dict[str, str] = {}
        for draft in drafts:
            question = draft.question
            code = question.indicator
            if code is None:
                continue
            where = draft.loc.at(line_of(draft.data, "indicator"))
            if code in seen:
                self.warn(
                    ProblemCode.DUPLICATE_INDICATOR,
                    f"indicator {code} is also used by question '{seen[code]}'",
                    where,
                )
            seen.setdefault(code, question.id)
            match = INDICATOR_RE.fullmatch(code)
            if match is None:
                continue
            arena_letter, _, principle_letter, _ = match.groups()
            if question.arena is not None and arena_letter != question.arena.letter:
                self.warn(
                    ProblemCode.INDICATOR_MISMATCH,
                    f"indicator {code} starts with {arena_letter} but the arena is "
                    f"{question.arena.value} ({question.arena.letter})",
                    where,
                )
            if question.principle is not None and principle_letter != question.principle.letter:
                self.warn(
                    ProblemCode.INDICATOR_MISMATCH,
                    f"indicator {code} has principle letter {principle_letter} but the "
                    f"principle is {question.principle.value} ({question.principle.letter})",
                    where,
                )
