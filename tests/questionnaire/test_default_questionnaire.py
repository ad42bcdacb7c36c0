"""Tests pinning the shape of the default IGI WIP questionnaire."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from admin.cli import main as admin_main
from bot.questionnaire.default import default_questionnaire_yaml, load_default_questionnaire
from bot.questionnaire.engine import (
    Acknowledge,
    AnswerInput,
    DontKnow,
    Input,
    Skip,
    Start,
    State,
    Submit,
    Submitted,
    relevant_questions,
    step,
)
from bot.questionnaire.loader import load_questionnaire_yaml
from bot.questionnaire.model import Arena, Principle, Questionnaire, QuestionType
from bot.questionnaire.scoring import score
from bot.questionnaire.xlsform import load_xlsform
from tests.questionnaire.forms import NOW

DEFAULT = load_default_questionnaire()


def test_default_questionnaire_loads_without_errors_or_warnings() -> None:
    result = load_questionnaire_yaml(default_questionnaire_yaml())
    assert result.errors == ()
    assert result.warnings == ()
    assert DEFAULT.id == "igi-wip"
    assert DEFAULT.version == "2026.1"
    assert DEFAULT.default_language == "id"


def test_default_questionnaire_is_cached() -> None:
    assert load_default_questionnaire() is DEFAULT


def test_every_arena_principle_cell_has_at_least_two_scale_items() -> None:
    cells = Counter((q.arena, q.principle) for q in DEFAULT.questions if q.is_scored)
    assert set(cells) == set(itertools.product(Arena, Principle))
    assert min(cells.values()) >= 2
    assert sum(cells.values()) >= 48


def test_scale_items_run_from_one_to_ten_with_dont_know() -> None:
    scale = [q for q in DEFAULT.questions if q.type is QuestionType.SCALE]
    assert all((q.scale_min, q.scale_max) == (1, 10) for q in scale)
    assert all(q.allow_dont_know and q.required for q in scale)
    assert all(q.scale_min_label is not None and q.scale_max_label is not None for q in scale)


def test_indicator_codes_are_unique_and_match_arena_and_principle() -> None:
    scored = [q for q in DEFAULT.questions if q.is_scored]
    codes = [q.indicator for q in scored]
    assert len(set(codes)) == len(codes)
    for question in scored:
        assert question.indicator is not None
        assert question.arena is not None and question.principle is not None
        assert question.indicator[0] == question.arena.letter
        assert question.indicator[2] == question.principle.letter


def test_every_question_type_but_decimal_and_the_xlsform_ones_is_used() -> None:
    used = {q.type for q in DEFAULT.questions}
    xlsform_only = {
        QuestionType.DATE,
        QuestionType.TIME,
        QuestionType.DATETIME,
        QuestionType.CALCULATE,
    }
    assert used == set(QuestionType) - {QuestionType.DECIMAL} - xlsform_only


def test_every_text_is_bilingual_and_short_enough_for_a_phone() -> None:
    for question in DEFAULT.questions:
        assert question.text.en, question.id
        if question.type is not QuestionType.NOTE:
            assert len(question.text.id) <= 120, question.id
    assert all(s.title.en for s in DEFAULT.sections)


def test_arena_sections_end_with_an_optional_comment() -> None:
    arena_sections = [s for s in DEFAULT.sections if s.arena is not None]
    assert [s.arena for s in arena_sections] == list(Arena)
    for section in arena_sections:
        last = section.questions[-1]
        assert last.type is QuestionType.TEXT
        assert not last.required


def test_sector_follow_up_is_only_asked_for_other() -> None:
    state = State(current="sector")
    gov = step(DEFAULT, state, AnswerInput("sector", "government"), NOW).state
    other = step(DEFAULT, state, AnswerInput("sector", "other"), NOW).state
    assert "sector_other" not in {q.id for q in relevant_questions(DEFAULT, gov)}
    assert other.current == "sector_other"


def test_round_trip_keeps_the_content_hash() -> None:
    again = Questionnaire.from_dict(json.loads(json.dumps(DEFAULT.to_dict())))
    assert again == DEFAULT
    assert again.content_hash() == DEFAULT.content_hash()


def test_a_respondent_can_walk_the_whole_questionnaire_and_submit() -> None:
    state = step(DEFAULT, State(), Start(), NOW).state
    for turn in itertools.count():
        assert turn < 200
        if state.current is None:
            break
        question = DEFAULT.question(state.current)
        item: Input
        if question.type is QuestionType.NOTE:
            item = Acknowledge(question.id)
        elif question.type is QuestionType.SCALE:
            item = DontKnow(question.id) if turn % 5 == 0 else AnswerInput(question.id, "7")
        elif question.type is QuestionType.INTEGER:
            item = AnswerInput(question.id, "12")
        elif question.type.is_choice:
            item = AnswerInput(question.id, [question.choice_values[0]])
            if question.type is QuestionType.SINGLE_CHOICE:
                item = AnswerInput(question.id, question.choice_values[0])
        else:
            item = Skip(question.id)
        state = step(DEFAULT, state, item, NOW).state
    result = step(DEFAULT, state, Submit(), NOW)
    assert result.events == (Submitted(),)
    scores = score(DEFAULT, [state.answers])
    assert scores.overall == pytest.approx(7.0)


def test_the_default_exports_passes_odk_validate_and_reloads_equal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`wipbot-admin questionnaire export-xlsform default`, then pyxform with ODK Validate."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("WIPBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    assert admin_main(["db", "upgrade"]) == 0
    out = tmp_path / "default.xlsx"
    assert admin_main(["questionnaire", "export-xlsform", "default", "--out", str(out)]) == 0
    # validate=True runs ODK Validate (Java) on the XForm and raises if it refuses it.
    result = convert(out.read_bytes(), file_type=".xlsx", validate=True, warnings=[])
    assert result.warnings == []
    assert '<data id="igi-wip" version="2026.1">' in result.xform
    reloaded = load_xlsform(out)
    assert not reloaded.errors and not reloaded.warnings
    assert reloaded.unwrap().to_dict() == DEFAULT.to_dict()
    assert reloaded.unwrap().content_hash() == DEFAULT.content_hash()
