"""Tests for the questionnaire model: labels, lookups, serialisation and hashing."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from bot.questionnaire.model import (
    Answer,
    AnswerStatus,
    Arena,
    LocalizedText,
    Principle,
    Questionnaire,
    Section,
    value_from_json,
    value_to_json,
)
from tests.questionnaire.forms import ALL_TYPES, NOW, form

FORM = form(ALL_TYPES)


def test_localized_text_falls_back_to_indonesian() -> None:
    assert LocalizedText("Ya", "Yes").get("en") == "Yes"
    assert LocalizedText("Ya", "Yes").get("id") == "Ya"
    assert LocalizedText("Ya").get("en") == "Ya"
    assert LocalizedText("Ya", "Yes").get("jv") == "Ya"


def test_arenas_and_principles_use_the_shared_vocabulary_and_labels() -> None:
    assert [a.value for a in Arena] == [
        "government",
        "bureaucracy",
        "civil_society",
        "economic_society",
    ]
    assert [a.label.id for a in Arena] == [
        "Pemerintah",
        "Birokrasi",
        "Masyarakat Sipil",
        "Masyarakat Ekonomi",
    ]
    assert [p.label.id for p in Principle] == [
        "Partisipasi",
        "Keadilan",
        "Akuntabilitas",
        "Transparansi",
        "Efisiensi",
        "Efektivitas",
    ]
    assert Arena.CIVIL_SOCIETY.label.get("en") == "Civil Society"
    assert "".join(a.letter for a in Arena) == "GBCE"
    assert "".join(p.letter for p in Principle) == "PFATEK"


def test_questionnaire_lookups() -> None:
    assert [q.id for q in FORM.questions][:3] == ["intro", "score", "sector"]
    assert FORM.question("years").text.en == "Years"
    assert FORM.index_of("years") == 5
    assert FORM.section_of("years").id == "s2"
    assert FORM.has_question("years")
    assert not FORM.has_question("nope")
    with pytest.raises(KeyError):
        FORM.question("nope")


def test_duplicate_question_ids_cannot_be_constructed() -> None:
    section = FORM.sections[0]
    with pytest.raises(ValueError, match="duplicate question id"):
        Questionnaire("x", "1", LocalizedText("X"), (section, replace(section, id="again")))


def test_to_dict_is_json_safe_and_round_trips_exactly() -> None:
    data = json.loads(json.dumps(FORM.to_dict()))
    again = Questionnaire.from_dict(data)
    assert again == FORM
    assert again.to_dict() == FORM.to_dict()
    assert again.content_hash() == FORM.content_hash()
    assert again.question("sector_other").relevant == FORM.question("sector_other").relevant


def test_content_hash_is_sha256_of_canonical_json_and_tracks_content() -> None:
    digest = FORM.content_hash()
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest == FORM.content_hash()
    retitled = replace(
        FORM, sections=(replace(FORM.sections[0], title=LocalizedText("Lain")), *FORM.sections[1:])
    )
    assert retitled.content_hash() != digest
    assert " " not in FORM.canonical_json().split('"')[0]


def test_from_dict_rejects_an_unknown_schema() -> None:
    data = FORM.to_dict()
    data["schema"] = 99
    with pytest.raises(ValueError, match="schema"):
        Questionnaire.from_dict(data)


def test_section_round_trip_sets_question_section_ids() -> None:
    section = Section.from_dict(FORM.sections[1].to_dict())
    assert {q.section_id for q in section.questions} == {"s2"}


def test_answer_round_trips_through_json() -> None:
    answer = Answer("topics", AnswerStatus.ANSWERED, ("a", "c"), NOW)
    data = json.loads(json.dumps(answer.to_dict()))
    assert data["value"] == ["a", "c"]
    assert Answer.from_dict(data) == answer
    dont_know = Answer("score", AnswerStatus.DONT_KNOW, None, NOW)
    assert Answer.from_dict(dont_know.to_dict()) == dont_know


def test_answer_values_convert_to_and_from_json() -> None:
    assert value_to_json(("a",)) == ["a"]
    assert value_from_json(["a", "b"]) == ("a", "b")
    assert value_from_json(7.5) == 7.5
    with pytest.raises(ValueError):
        value_from_json({"a": 1})


def test_package_imports_neither_telegram_nor_sqlalchemy() -> None:
    code = (
        "import sys, bot.questionnaire, bot.questionnaire.engine, bot.questionnaire.scoring;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('telegram', 'sqlalchemy')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
