"""Tests pinning the wording rules of the default questionnaire's items."""

from __future__ import annotations

import re

import pytest

from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.model import QuestionType

DEFAULT = load_default_questionnaire()
RATED = [q for q in DEFAULT.questions if q.type is QuestionType.SCALE]
PERIOD = {"id": "dua tahun terakhir", "en": "past two years"}
TERMS = (
    "APBD", "ASN", "BPK", "CSR", "DPRD", "LKPJ", "LSM", "Musrenbang", "OPD", "Perda",
    "RAPBD", "RDPU", "Renstra", "RPJMD", "TJSL",
)  # fmt: skip


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_rating_item_is_a_question_about_the_last_two_years(lang: str) -> None:
    for question in RATED:
        text = question.text.get(lang)
        assert text.endswith("?"), (question.id, text)
        assert PERIOD[lang] in text, (question.id, text)


def test_no_item_addresses_the_respondent_as_anda() -> None:
    texts = [q.text.id for q in DEFAULT.questions] + [
        q.hint.id for q in DEFAULT.questions if q.hint is not None
    ]
    assert [text for text in texts if re.search(r"\banda\b", text, re.I)] == []


@pytest.mark.parametrize(
    ("lang", "low", "high"),
    [("id", "sangat buruk", "sangat baik"), ("en", "very poor", "very good")],
)
def test_the_first_rating_item_says_what_one_and_ten_mean(lang: str, low: str, high: str) -> None:
    first = RATED[0]
    assert first.hint is not None
    hint = first.hint.get(lang)
    assert hint.index("1") < hint.index(low) < hint.index("10") < hint.index(high)
    assert ('"Tidak tahu"' if lang == "id" else '"Don\'t know"') in hint


# The English items say "NGO" and "provincial agencies" and "CSR" where Indonesian uses
# LSM, OPD and TJSL.
ENGLISH_TERMS = tuple(term for term in TERMS if term not in {"LSM", "OPD", "TJSL"})


@pytest.mark.parametrize(
    ("lang", "term"), [("id", term) for term in TERMS] + [("en", term) for term in ENGLISH_TERMS]
)
def test_a_term_of_art_is_explained_where_a_rating_item_first_uses_it(lang: str, term: str) -> None:
    pattern = re.compile(rf"\b{re.escape(term)}\b")
    users = [q for q in RATED if pattern.search(q.text.get(lang))]
    assert users, term
    first = users[0]
    assert first.hint is not None, (term, first.id)
    assert pattern.search(first.hint.get(lang)), (term, first.id)


def test_the_scale_labels_read_in_lower_case_inside_the_instruction() -> None:
    assert all(q.scale_min_label is not None for q in RATED)
    assert {q.scale_min_label.id for q in RATED if q.scale_min_label} == {"sangat buruk"}
    assert {q.scale_max_label.id for q in RATED if q.scale_max_label} == {"sangat baik"}
