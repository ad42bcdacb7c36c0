"""Net seconds on screen and the words a question asks a person to read."""

from __future__ import annotations

import datetime as dt

from bot.questionnaire.model import Choice, LocalizedText, Question, QuestionType
from bot.research.paradata import net_seconds, words_to_read

T0 = dt.datetime(2026, 12, 3, 3, 45, tzinfo=dt.UTC)


def _at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_net_seconds_without_pauses_is_the_elapsed_time() -> None:
    assert net_seconds(_at(0), _at(0.5), []) == 30.0


def test_a_session_between_shown_and_answered_is_left_out() -> None:
    # Shown 5 minutes before a 70-minute focus group ends the break, answered 2 minutes
    # into the next break: 7 minutes on screen.
    fgd = (_at(5), _at(75))
    assert net_seconds(_at(0), _at(77), [fgd]) == 7 * 60.0


def test_overlapping_and_outside_pauses_are_counted_once_or_not_at_all() -> None:
    pauses = [(_at(2), _at(6)), (_at(4), _at(8)), (_at(20), _at(30)), (_at(-10), _at(-5))]
    assert net_seconds(_at(0), _at(10), pauses) == (10 - 6) * 60.0
    assert net_seconds(_at(3), _at(5), pauses) == 0.0
    assert net_seconds(_at(5), _at(4), []) == 0.0, "a clock step back never gives minus"


def test_words_to_read_counts_question_hint_scale_ends_and_choices_in_the_language() -> None:
    scale = Question(
        id="G1P1",
        type=QuestionType.SCALE,
        text=LocalizedText("Kualitas public hearing RAPBD", "Quality of the budget hearing"),
        hint=LocalizedText("Pilih satu", "Pick one"),
        scale_min_label=LocalizedText("Sangat buruk", "Very poor"),
        scale_max_label=LocalizedText("Sangat baik", "Very good"),
    )
    assert words_to_read(scale, "id") == 4 + 2 + 2 + 2
    assert words_to_read(scale, "en") == 5 + 2 + 2 + 2
    choice = Question(
        id="sector",
        type=QuestionType.SINGLE_CHOICE,
        text=LocalizedText("Anda mewakili unsur apa?"),
        choices=(
            Choice("gov", LocalizedText("Pemerintah / DPRD")),
            Choice("x", LocalizedText("Lainnya")),
        ),
    )
    assert words_to_read(choice, "en") == 4 + 3 + 1, "English falls back to Indonesian"
