"""Tests reading typed answers the way people type them, in Indonesian and English."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import t
from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.model import LocalizedText, Question, QuestionType
from bot.questionnaire.phrasing import (
    Reading,
    SaidDontKnow,
    SaidNext,
    SaidSkip,
    Unclear,
    Value,
    read_answer,
    read_number,
    reask,
)

DEFAULT = load_default_questionnaire()
QUESTIONS: dict[str, Question] = {q.id: q for q in DEFAULT.questions} | {
    "score": Question(
        "score",
        QuestionType.DECIMAL,
        LocalizedText("Nilai rata-rata?", "Average score?"),
        min_value=0,
        max_value=10,
    ),
    "strict": replace(DEFAULT.question("G1P1"), id="strict", allow_dont_know=False),
}
UNCLEAR = Unclear("")  # any reason

PHRASINGS: list[tuple[str, str, Reading]] = [
    # scale 1-10 (G1P1): numbers inside text, number words, out-of forms, scale ends
    ("G1P1", "8", Value(8)),
    ("G1P1", " 7 ", Value(7)),
    ("G1P1", "8/10", Value(8)),
    ("G1P1", "10/10", Value(10)),
    ("G1P1", "8 dari 10", Value(8)),
    ("G1P1", "7 out of 10", Value(7)),
    ("G1P1", "nilai saya 6", Value(6)),
    ("G1P1", "Saya beri 9, Pak", Value(9)),
    ("G1P1", "delapan", Value(8)),
    ("G1P1", "Tujuh.", Value(7)),
    ("G1P1", "sepuluh", Value(10)),
    ("G1P1", "lapan", Value(8)),
    ("G1P1", "eight", Value(8)),
    ("G1P1", "Five!", Value(5)),
    ("G1P1", "ten", Value(10)),
    ("G1P1", "sangat baik", Value(10)),
    ("G1P1", "Sangat buruk", Value(1)),
    ("G1P1", "11", Value(11)),  # the engine says the maximum is 10
    ("G1P1", "0", Value(0)),
    ("G1P1", "7,5", UNCLEAR),  # no fractions on a scale
    ("G1P1", "7.5", UNCLEAR),
    ("G1P1", "7-8", UNCLEAR),
    ("G1P1", "7 atau 8", UNCLEAR),
    ("G1P1", "dua puluh", UNCLEAR),
    ("G1P1", "twenty-one", UNCLEAR),
    ("G1P1", "cukup baik", UNCLEAR),
    ("G1P1", "no one knows", UNCLEAR),
    ("G1P1", "one of the best", UNCLEAR),
    # don't know, however it is typed
    ("G1P1", "tidak tahu", SaidDontKnow()),
    ("G1P1", "Tidak tahu.", SaidDontKnow()),
    ("G1P1", "tdk tau", SaidDontKnow()),
    ("G1P1", "tdk tahu", SaidDontKnow()),
    ("G1P1", "nggak tahu", SaidDontKnow()),
    ("G1P1", "gak tahu", SaidDontKnow()),
    ("G1P1", "ga tau", SaidDontKnow()),
    ("G1P1", "gatau", SaidDontKnow()),
    ("G1P1", "Enggak tau pak", SaidDontKnow()),
    ("G1P1", "kurang tahu", SaidDontKnow()),
    ("G1P1", "belum tahu", SaidDontKnow()),
    ("G1P1", "Maaf, saya tidak tahu", SaidDontKnow()),
    ("G1P1", "tidak tahu sama sekali", SaidDontKnow()),
    ("G1P1", "gak tauuu", SaidDontKnow()),
    ("G1P1", "tidak bisa menilai", SaidDontKnow()),
    ("G1P1", "TT", SaidDontKnow()),
    ("G1P1", "dont know", SaidDontKnow()),
    ("G1P1", "don't know!", SaidDontKnow()),
    ("G1P1", "Don’t know.", SaidDontKnow()),
    ("G1P1", "I don't know", SaidDontKnow()),
    ("G1P1", "idk", SaidDontKnow()),
    ("G1P1", "not sure", SaidDontKnow()),
    ("G1P1", "No idea", SaidDontKnow()),
    ("strict", "tidak tahu", UNCLEAR),  # not offered: re-ask rather than record it
    ("G1P1", "lewati", UNCLEAR),  # required: no skipping
    # integer 0-60 (years_involved)
    ("years_involved", "12", Value(12)),
    ("years_involved", "12 tahun", Value(12)),
    ("years_involved", "sekitar 15 tahun", Value(15)),
    ("years_involved", "± 20 thn", Value(20)),
    ("years_involved", "kurang lebih 8 tahun, Bu", Value(8)),
    ("years_involved", "about 30 years", Value(30)),
    ("years_involved", "lima", Value(5)),
    ("years_involved", "ten years", Value(10)),
    ("years_involved", "75", Value(75)),  # the engine says the maximum is 60
    ("years_involved", "-1", Value(-1)),  # and here the minimum is 0
    ("years_involved", "12,5 tahun", UNCLEAR),
    ("years_involved", "dua puluh", UNCLEAR),
    ("years_involved", "sejak 2010", Value(2010)),  # read as typed; the range refuses it
    ("years_involved", "10-15 tahun", UNCLEAR),
    ("years_involved", "lama sekali", UNCLEAR),
    ("years_involved", "tidak tahu", UNCLEAR),  # no "Tidak tahu" on this question
    # decimal 0-10 (a made-up question)
    ("score", "7,5", Value(7.5)),
    ("score", "7.5", Value(7.5)),
    ("score", "kira-kira 6,25", Value(6.25)),
    ("score", "8", Value(8.0)),
    ("score", "delapan", Value(8.0)),
    ("score", "1.500,5", Value(1500.5)),
    # single choice by label, prefix or word, in either language (sector)
    ("sector", "Birokrasi", Value("bureaucracy")),
    ("sector", "birokrasi", Value("bureaucracy")),
    ("sector", "pemerintah", Value("government")),
    ("sector", "Pemerintah / DPRD", Value("government")),
    ("sector", "DPRD", Value("government")),
    ("sector", "saya dari DPRD", Value("government")),
    ("sector", "birok", Value("bureaucracy")),
    ("sector", "masyarakat sipil", Value("civil_society")),
    ("sector", "sipil", Value("civil_society")),
    ("sector", "dunia usaha", Value("economic_society")),
    ("sector", "Usaha", Value("economic_society")),
    ("sector", "business", Value("economic_society")),
    ("sector", "Civil society", Value("civil_society")),
    ("sector", "government", Value("government")),
    ("sector", "lainnya", Value("other")),
    ("sector", "lain", Value("other")),
    ("sector", "masyarakat", UNCLEAR),  # two labels start with it
    ("sector", "LSM", UNCLEAR),
    ("familiarity", "sering", Value("close")),
    ("familiarity", "Sangat sering", Value("very_close")),
    ("familiarity", "kadang", Value("some")),
    ("familiarity", "very often", Value("very_close")),
    ("familiarity", "close", Value("close")),  # a value is matched, but only exactly
    ("familiarity", "clos", UNCLEAR),
    # multiple choice, optional (interest_areas)
    ("interest_areas", "infrastruktur", Value(("infrastructure",))),
    ("interest_areas", "kesehatan, infrastruktur", Value(("health_education", "infrastructure"))),
    ("interest_areas", "antikorupsi dan lingkungan", Value(("environment", "anti_corruption"))),
    ("interest_areas", "Perencanaan dan anggaran", Value(("planning_budget",))),
    ("interest_areas", "lewati", SaidSkip()),
    ("interest_areas", "skip", SaidSkip()),
    ("interest_areas", "kesehatan, olahraga", UNCLEAR),
    # optional comment (G_comment): skip words, otherwise the text itself
    ("G_comment", " Perlu lebih banyak RDPU. ", Value("Perlu lebih banyak RDPU.")),
    ("G_comment", "tidak ada", SaidSkip()),
    ("G_comment", "-", SaidSkip()),
    ("G_comment", "Tidak ada komentar.", SaidSkip()),
    ("G_comment", "no comment", SaidSkip()),
    ("G_comment", "   ", UNCLEAR),
    # the opening note
    ("intro", "lanjut", SaidNext()),
    ("intro", "OK", SaidNext()),
    ("intro", "next", SaidNext()),
    ("intro", "apa ini?", UNCLEAR),
]  # fmt: skip


def test_the_table_holds_at_least_sixty_phrasings() -> None:
    assert len(PHRASINGS) >= 60


@pytest.mark.parametrize(("question_id", "text", "expected"), PHRASINGS)
def test_a_typed_phrasing_reads_as_the_answer_a_person_means(
    question_id: str, text: str, expected: Reading
) -> None:
    reading = read_answer(QUESTIONS[question_id], text)
    if isinstance(expected, Unclear):
        assert isinstance(reading, Unclear), reading
    else:
        assert reading == expected
        if isinstance(expected, Value):
            assert type(reading.value) is type(expected.value)  # type: ignore[union-attr]


def test_read_number_refuses_a_fraction_only_where_whole_numbers_are_asked() -> None:
    assert read_number("7,5", decimals=True) == 7.5
    assert read_number("7,5", decimals=False) is None
    assert read_number("1.000", decimals=False) == 1000


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_reask_for_a_scale_names_the_range_and_dont_know(lang: str) -> None:
    text = reask(QUESTIONS["G1P1"], lang, t)
    assert "1" in text and "10" in text
    assert ("“tidak tahu”" if lang == "id" else "“don't know”") in text
    assert ("lewati" if lang == "id" else "skip") not in text


def test_the_reask_for_a_strict_scale_does_not_offer_dont_know() -> None:
    assert "tidak tahu" not in reask(QUESTIONS["strict"], "id", t)


def test_the_reask_for_a_number_names_its_bounds_and_an_example_with_a_unit() -> None:
    assert reask(QUESTIONS["years_involved"], "id", t) == (
        "Mohon maaf, jawaban tersebut belum dapat kami pahami. Silakan ketik satu angka bulat "
        "(0–60), misalnya “12” atau “12 tahun”."
    )
    assert "(0–10)" in reask(QUESTIONS["score"], "en", t)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_reask_for_a_choice_lists_every_label_in_the_persons_language(lang: str) -> None:
    text = reask(QUESTIONS["sector"], lang, t)
    for choice in QUESTIONS["sector"].choices:
        assert f"“{choice.label.get(lang)}”" in text


def test_the_reask_for_an_optional_multiple_choice_offers_skipping() -> None:
    text = reask(QUESTIONS["interest_areas"], "id", t)
    assert "“lewati”" in text and "“Selesai”" in text


def test_the_reask_for_a_note_and_a_text_say_how_to_go_on() -> None:
    assert "“lanjut”" in reask(QUESTIONS["intro"], "id", t)
    assert "500" in reask(QUESTIONS["G_comment"], "en", t)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60), question_id=st.sampled_from(sorted(QUESTIONS)))
def test_any_text_reads_as_a_value_of_the_questions_type_or_unclear_without_raising(
    text: str, question_id: str
) -> None:
    question = QUESTIONS[question_id]
    reading = read_answer(question, text)
    if isinstance(reading, Value):
        expected = {
            QuestionType.SCALE: int,
            QuestionType.INTEGER: int,
            QuestionType.DECIMAL: float,
            QuestionType.SINGLE_CHOICE: str,
            QuestionType.MULTIPLE_CHOICE: tuple,
            QuestionType.TEXT: str,
        }[question.type]
        assert isinstance(reading.value, expected)
        if question.type.is_choice:
            values = reading.value if isinstance(reading.value, tuple) else (reading.value,)
            assert set(values) <= set(question.choice_values)
