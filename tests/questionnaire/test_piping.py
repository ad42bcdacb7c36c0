"""`${name}` piped into labels: answers in the participant's language, escaped for HTML."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.questionnaire.expressions import parse_expression
from bot.questionnaire.model import (
    Answer,
    AnswerStatus,
    Choice,
    LocalizedText,
    Question,
    Questionnaire,
    QuestionType,
    Section,
)
from bot.questionnaire.piping import has_piping, pipe, references_in

NOW = datetime(2026, 8, 17, tzinfo=UTC)
FRUIT = Question(
    "fruit",
    QuestionType.SINGLE_CHOICE,
    LocalizedText("Buah?", "Fruit?"),
    choices=(Choice("apple", LocalizedText("Apel", "Apple")),),
)
NAME = Question("name", QuestionType.TEXT, LocalizedText("Nama?", "Name?"))
TOTAL = Question(
    "total",
    QuestionType.CALCULATE,
    LocalizedText("total"),
    required=False,
    calculation=parse_expression("string-length(${name})"),
)
FORM = Questionnaire(
    "f", "1", LocalizedText("F"), (Section("s", LocalizedText("S"), None, (FRUIT, NAME, TOTAL)),)
)


def answered(**values: str) -> dict[str, Answer]:
    return {k: Answer(k, AnswerStatus.ANSWERED, v, NOW) for k, v in values.items()}


def test_a_choice_is_piped_as_its_label_in_the_participants_language() -> None:
    answers = answered(fruit="apple")
    assert pipe("Why ${fruit}?", FORM, answers, "en") == "Why Apple?"
    assert pipe("Mengapa ${ fruit }?", FORM, answers, "id") == "Mengapa Apel?"


def test_piped_text_and_the_label_are_escaped_for_html() -> None:
    answers = answered(name="<b>Ani & Budi</b>")
    assert (
        pipe("Hi <${name}>", FORM, answers, "en") == "Hi &lt;&lt;b&gt;Ani &amp; Budi&lt;/b&gt;&gt;"
    )


def test_an_unanswered_or_unknown_reference_shows_nothing() -> None:
    assert pipe("[${fruit}] [${nothing}]", FORM, {}, "en") == "[] []"


def test_a_calculation_is_piped_as_its_value() -> None:
    assert pipe("${total} letters", FORM, answered(name="Ani"), "en") == "3 letters"


def test_piping_is_detected_and_its_references_listed() -> None:
    assert has_piping("Why ${fruit}?") and not has_piping("Why?")
    assert references_in("${a} and ${ b }") == {"a", "b"}
