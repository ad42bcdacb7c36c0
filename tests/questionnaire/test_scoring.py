"""Tests for IGI scoring, weights and bands."""

from __future__ import annotations

import pytest

from bot.questionnaire.model import Answer, AnswerStatus, Arena, Principle
from bot.questionnaire.scoring import (
    Band,
    Weights,
    band,
    normalise,
    score,
)
from tests.questionnaire.forms import NOW, form

FORM = form(
    """\
sections:
  - id: gov
    title: {id: Pemerintah, en: Government}
    arena: government
    questions:
      - {id: g_p1, type: scale, principle: participation, text: {id: A, en: A}}
      - {id: g_p2, type: scale, principle: participation, text: {id: B, en: B}}
      - {id: g_f1, type: scale, principle: fairness, required: false, text: {id: C, en: C}}
      - {id: g_note, type: text, required: false, text: {id: D, en: D}}
  - id: bur
    title: {id: Birokrasi, en: Bureaucracy}
    arena: bureaucracy
    questions:
      - id: b_a1
        type: scale
        principle: accountability
        scale: {min: 1, max: 5}
        text: {id: E, en: E}
      - id: b_a2
        type: scale
        principle: accountability
        relevant: "${b_a1} >= 3"
        text: {id: F, en: F}
"""
)


def answers(**values: int | str | None) -> dict[str, Answer]:
    """Answers by keyword; 'dk' means don't know, 'skip' means skipped."""
    result: dict[str, Answer] = {}
    for qid, value in values.items():
        if value == "dk":
            result[qid] = Answer(qid, AnswerStatus.DONT_KNOW, None, NOW)
        elif value == "skip":
            result[qid] = Answer(qid, AnswerStatus.SKIPPED, None, NOW)
        else:
            result[qid] = Answer(qid, AnswerStatus.ANSWERED, value, NOW)
    return result


RESPONSES = [
    answers(g_p1=8, g_p2=6, g_f1=4, g_note="ok", b_a1=5),
    answers(g_p1=6, g_p2="dk", g_f1="skip", b_a1=1, b_a2=2),  # b_a2 irrelevant: b_a1 < 3
    answers(g_p1="dk", g_p2=10, g_f1=7, b_a1=3),
]


def test_question_means_exclude_dont_know_skipped_and_irrelevant_answers() -> None:
    scores = score(FORM, RESPONSES)
    assert scores.respondents == 3
    g_p1 = scores.questions["g_p1"]
    assert (g_p1.mean, g_p1.count, g_p1.dont_know, g_p1.skipped) == (7.0, 2, 1, 0)
    assert scores.questions["g_p2"].mean == 8.0
    g_f1 = scores.questions["g_f1"]
    assert (g_f1.mean, g_f1.count, g_f1.skipped) == (5.5, 2, 1)
    assert scores.questions["b_a2"].mean is None
    assert scores.questions["b_a2"].count == 0
    assert "g_note" not in scores.questions  # text is never scored


def test_scale_answers_are_normalised_onto_one_to_ten() -> None:
    # 1..5 answers 5, 1, 3 become 10, 1, 5.5
    assert score(FORM, RESPONSES).questions["b_a1"].mean == pytest.approx((10 + 1 + 5.5) / 3)
    assert normalise(1, 1, 5) == 1.0
    assert normalise(5, 1, 5) == 10.0
    assert normalise(3, 0, 6) == 5.5


def test_index_matches_a_hand_computation_with_default_weights() -> None:
    scores = score(FORM, RESPONSES)
    # cells: mean of question means
    assert scores.cell(Arena.GOVERNMENT, Principle.PARTICIPATION) == pytest.approx(7.5)
    assert scores.cell(Arena.GOVERNMENT, Principle.FAIRNESS) == pytest.approx(5.5)
    assert scores.cell(Arena.BUREAUCRACY, Principle.ACCOUNTABILITY) == pytest.approx(5.5)
    assert scores.cell(Arena.CIVIL_SOCIETY, Principle.PARTICIPATION) is None
    # government: participation 0.120 and fairness 0.189, renormalised over the two present
    government = (7.5 * 0.120 + 5.5 * 0.189) / (0.120 + 0.189)
    assert scores.arenas[Arena.GOVERNMENT] == pytest.approx(government)
    assert scores.arenas[Arena.BUREAUCRACY] == pytest.approx(5.5)
    assert Arena.CIVIL_SOCIETY not in scores.arenas
    # overall: government 0.302, every other arena (1 - 0.302) / 3
    other = (1 - 0.302) / 3
    overall = (government * 0.302 + 5.5 * other) / (0.302 + other)
    assert scores.overall == pytest.approx(overall)
    assert scores.overall == pytest.approx(5.9387, abs=1e-4)
    assert band(scores.overall) is Band.FAIR
    assert scores.principles[Principle.PARTICIPATION] == pytest.approx(7.5)


def test_custom_weights_change_the_index() -> None:
    weights = Weights(
        arenas={Arena.GOVERNMENT: 1.0, Arena.BUREAUCRACY: 3.0},
        principles={Arena.GOVERNMENT: {Principle.PARTICIPATION: 1, Principle.FAIRNESS: 1}},
    )
    scores = score(FORM, RESPONSES, weights)
    assert scores.arenas[Arena.GOVERNMENT] == pytest.approx(6.5)
    # bureaucracy principles have no weight, so the arena has no score
    assert Arena.BUREAUCRACY not in scores.arenas
    assert scores.overall == pytest.approx(6.5)


def test_no_responses_give_no_scores() -> None:
    scores = score(FORM, [])
    assert scores.respondents == 0
    assert scores.cells == {}
    assert scores.overall is None


def test_default_weights_follow_the_igi_reference() -> None:
    weights = Weights.default()
    assert weights.arena_weight(Arena.GOVERNMENT) == 0.302
    assert weights.arena_weight(Arena.CIVIL_SOCIETY) == pytest.approx(0.698 / 3)
    assert sum(weights.arenas.values()) == pytest.approx(1.0)
    government = weights.principles[Arena.GOVERNMENT]
    assert government[Principle.PARTICIPATION] == 0.120
    assert government[Principle.FAIRNESS] == 0.189
    assert government[Principle.ACCOUNTABILITY] == 0.259
    assert government[Principle.EFFECTIVENESS] == pytest.approx(0.432 / 3)
    assert sum(government.values()) == pytest.approx(1.0)
    assert weights.principle_weight(Arena.BUREAUCRACY, Principle.FAIRNESS) == pytest.approx(1 / 6)


def test_negative_weights_are_rejected() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Weights(arenas={Arena.GOVERNMENT: -1.0}, principles={})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, Band.VERY_POOR),
        (2.29, Band.VERY_POOR),
        (2.3, Band.POOR),
        (3.57, Band.POOR),
        (3.58, Band.RATHER_POOR),
        (4.86, Band.RATHER_POOR),
        (4.87, Band.FAIR),
        (6.14, Band.FAIR),
        (6.144, Band.FAIR),  # published as 6.14
        (6.146, Band.RATHER_GOOD),  # published as 6.15
        (7.43, Band.RATHER_GOOD),
        (7.44, Band.GOOD),
        (8.71, Band.GOOD),
        (8.72, Band.VERY_GOOD),
        (10.0, Band.VERY_GOOD),
    ],
)
def test_bands_follow_the_published_bounds(value: float, expected: Band) -> None:
    assert band(value) is expected


def test_bands_have_indonesian_and_english_labels() -> None:
    assert Band.RATHER_POOR.label.get("id") == "Cenderung buruk"
    assert Band.RATHER_POOR.label.get("en") == "Rather poor"
    assert [b.label.id for b in Band] == [
        "Sangat buruk",
        "Buruk",
        "Cenderung buruk",
        "Sedang",
        "Cenderung baik",
        "Baik",
        "Sangat baik",
    ]
