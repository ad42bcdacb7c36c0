"""A question's buttons: built once while unanswered, marked with the answer once given."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.engine import State
from bot.questionnaire.model import Answer, AnswerStatus, QuestionType
from bot.views.callback_data import Action, decode
from bot.views.question import render_question

NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
FORM = load_default_questionnaire()
SCALE = next(q for q in FORM.questions if q.type is QuestionType.SCALE)


def _labels(rendered: object) -> list[str]:
    keyboard = rendered.keyboard  # type: ignore[attr-defined]
    return [button.text for row in keyboard.inline_keyboard for button in row]


def test_an_unanswered_questions_keyboard_is_built_once_per_language() -> None:
    first = render_question(FORM, State(), SCALE, "id")
    again = render_question(FORM, State(), SCALE, "id")
    english = render_question(FORM, State(), SCALE, "en")
    assert again.keyboard is first.keyboard
    assert english.keyboard is not first.keyboard
    assert _labels(english) != _labels(first)  # "Tidak tahu" against "Don't know"
    index = FORM.index_of(SCALE.id)
    payloads = [
        decode(button.callback_data)
        for row in first.keyboard.inline_keyboard  # type: ignore[union-attr]
        for button in row
    ]
    assert all(p is not None and p.question_index == index for p in payloads)
    assert {p.action for p in payloads if p is not None} >= {Action.ANSWER, Action.DONT_KNOW}
    # Another questionnaire object (even with the same content) gets its own keyboard.
    other = dataclasses.replace(FORM)
    assert render_question(other, State(), SCALE, "id").keyboard is not first.keyboard


def test_an_answered_question_shows_its_answer_on_its_button() -> None:
    answered = State(answers={SCALE.id: Answer(SCALE.id, AnswerStatus.ANSWERED, 7, NOW)})
    rendered = render_question(FORM, answered, SCALE, "id")
    assert "✓7" in _labels(rendered)
    assert "✓7" not in _labels(render_question(FORM, State(), SCALE, "id"))
