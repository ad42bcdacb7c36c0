"""Piping: `${name}` in a label, hint or message replaced by that answer, for Telegram's HTML.

As in ODK, a reference to a question that is unanswered, not relevant, skipped or
"don't know" shows as nothing. A choice shows its label in the participant's language
(several choices joined by commas), a calculation its value. The whole result is escaped
for Telegram's HTML parse mode, so a label or an answer containing <, > or & is shown as
written and never read as markup; callers must not escape it again.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from bot.questionnaire.evaluation import to_text
from bot.questionnaire.expressions import Value
from bot.questionnaire.model import Answer, Questionnaire
from bot.questionnaire.relevance import compute_relevance

_REFERENCE_RE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}")


def has_piping(text: str) -> bool:
    """Tells whether the text refers to answers with `${name}`."""
    return _REFERENCE_RE.search(text) is not None


def references_in(text: str) -> frozenset[str]:
    """Returns the question names the text pipes in."""
    return frozenset(match.group(1) for match in _REFERENCE_RE.finditer(text))


def pipe(text: str, questionnaire: Questionnaire, answers: Mapping[str, Answer], lang: str) -> str:
    """Returns `text` with each `${name}` replaced by its answer, all escaped for HTML."""
    if not has_piping(text):
        return html.escape(text, quote=False)
    relevance = compute_relevance(questionnaire, answers)
    values: dict[str, Value] = {**relevance.values, **relevance.calculated}
    parts: list[str] = []
    end = 0
    for match in _REFERENCE_RE.finditer(text):
        parts.append(html.escape(text[end : match.start()], quote=False))
        name = match.group(1)
        shown = _shown(questionnaire, name, values.get(name), lang)
        parts.append(html.escape(shown, quote=False))
        end = match.end()
    parts.append(html.escape(text[end:], quote=False))
    return "".join(parts)


def _shown(questionnaire: Questionnaire, name: str, value: Value | None, lang: str) -> str:
    if value is None or not questionnaire.has_question(name):
        return ""
    question = questionnaire.question(name)
    if question.type.is_choice:
        chosen = value if isinstance(value, tuple) else (to_text(value),)
        labels = []
        for item in chosen:
            choice = question.choice(item)
            labels.append(choice.label.get(lang) if choice is not None else item)
        return ", ".join(labels)
    return to_text(value)
