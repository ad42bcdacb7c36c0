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
    # Shown and answered during a session: answered then, on the person's own time.
    assert net_seconds(_at(3), _at(5), pauses) == 2 * 60.0
    # A session only partly within the span is not taken off either.
    assert net_seconds(_at(25), _at(35), pauses) == 10 * 60.0
    assert net_seconds(_at(15), _at(25), pauses) == 10 * 60.0
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


def test_stand_in_paradata_takes_the_gap_since_the_previous_answer() -> None:
    import pandas as pd

    from bot.research.paradata import paradata_from_answer_times
    from tests.research.panels import START, answers

    questions = [("G1", "government", "participation"), ("G2", "government", "fairness")]
    questions += [("G3", "government", "accountability")]
    quick = answers(questions, {"A": (None, [5, 6, 7])}, gap_seconds=2)
    slow = answers(questions, {"B": (None, [5, 6, 7])}, gap_seconds=900)  # over the cap
    late = answers(
        questions, {"C": (None, [5, 6, 7])}, gap_seconds=30, start=START + dt.timedelta(hours=1)
    )
    frame = paradata_from_answer_times(pd.concat([late, quick, slow]), {"G2": 12, "G3": 8})
    assert frame.to_dict("records") == [
        {"workshop": "ID-JA-2026-12-03", "participant": p, "question_id": q, "seconds": s,
         "method": "tap", "words": w}
        for p, q, s, w in [("A", "G2", 2.0, 12), ("A", "G3", 2.0, 8), ("C", "G2", 30.0, 12),
                           ("C", "G3", 30.0, 8)]
    ]  # fmt: skip
    # B's gaps of 15 minutes are sessions in between, not reading time: left out.
