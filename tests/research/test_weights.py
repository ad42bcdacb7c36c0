"""Weights files: the formats researchers edit, and one clear line for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.questionnaire.model import Arena, Principle
from bot.questionnaire.scoring import Weights
from bot.research.weights import WeightsError, load_weights, weights_yaml

EQUAL_YAML = """\
arenas: {government: 0.25, bureaucracy: 0.25, civil_society: 0.25, economic_society: 0.25}
principles:
"""
SIX = (
    "{participation: 0.1, fairness: 0.1, accountability: 0.2, transparency: 0.2, "
    "efficiency: 0.2, effectiveness: 0.2}"
)


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bobot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _full_yaml(government: str = SIX) -> str:
    rows = [f"  government: {government}"]
    rows += [f"  {a}: {SIX}" for a in ("bureaucracy", "civil_society", "economic_society")]
    return EQUAL_YAML + "\n".join(rows) + "\n"


def test_yaml_weights_are_read_per_arena_and_principle(tmp_path: Path) -> None:
    weights = load_weights(_yaml(tmp_path, _full_yaml()))
    assert weights.arena_weight(Arena.CIVIL_SOCIETY) == 0.25
    assert weights.principle_weight(Arena.GOVERNMENT, Principle.FAIRNESS) == 0.1
    assert weights.principle_weight(Arena.BUREAUCRACY, Principle.EFFICIENCY) == 0.2


def test_the_default_weights_written_as_yaml_read_back_the_same(tmp_path: Path) -> None:
    default = Weights.default()
    weights = load_weights(_yaml(tmp_path, weights_yaml(default)))
    for arena in Arena:
        assert weights.arena_weight(arena) == pytest.approx(default.arena_weight(arena))
        for principle in Principle:
            assert weights.principle_weight(arena, principle) == pytest.approx(
                default.principle_weight(arena, principle)
            )


def test_a_csv_file_gives_the_same_weights(tmp_path: Path) -> None:
    lines = ["level,arena,principle,weight"]
    lines += [f"arena,{a.value},,0.25" for a in Arena]
    shares = dict(zip(Principle, [0.1, 0.1, 0.2, 0.2, 0.2, 0.2], strict=True))
    lines += [f"principle,{a.value},{p.value},{shares[p]}" for a in Arena for p in Principle]
    path = tmp_path / "bobot.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_csv = load_weights(path)
    from_yaml = load_weights(_yaml(tmp_path, _full_yaml()))
    assert from_csv == from_yaml


@pytest.mark.parametrize(
    ("government", "message"),
    [
        (
            "{participation: 0.5, fairness: 0.1, accountability: 0.2, transparency: 0.2, "
            "efficiency: 0.2, effectiveness: 0.2}",
            "principles of 'government': the weights sum to 1.4000, not 1",
        ),
        (
            "{participation: 0.3, accountability: 0.2, transparency: 0.2, efficiency: 0.2, "
            "effectiveness: 0.1}",
            "principles of 'government': the weight of 'fairness' is missing",
        ),
        (
            "{participation: 0.1, fairness: 0.1, accountability: 0.2, transparency: 0.2, "
            "efficiency: 0.2, efektivitas: 0.2}",
            "principles of 'government': unknown key 'efektivitas' (use participation, "
            "fairness, accountability, transparency, efficiency, effectiveness)",
        ),
        (
            "{participation: -0.1, fairness: 0.3, accountability: 0.2, transparency: 0.2, "
            "efficiency: 0.2, effectiveness: 0.2}",
            "principles of 'government': participation: a weight must be a number of 0 or more",
        ),
        (
            "{participation: x, fairness: 0.1, accountability: 0.2, transparency: 0.2, "
            "efficiency: 0.2, effectiveness: 0.2}",
            "principles of 'government': participation: 'x' is not a number",
        ),
    ],
)
def test_a_broken_principle_level_names_the_file_and_the_place(
    tmp_path: Path, government: str, message: str
) -> None:
    path = _yaml(tmp_path, _full_yaml(government))
    with pytest.raises(WeightsError) as caught:
        load_weights(path)
    assert str(caught.value) == f"{path}: {message}"
    assert "\n" not in str(caught.value)


def test_arena_weights_that_do_not_sum_to_one_are_refused(tmp_path: Path) -> None:
    text = _full_yaml().replace("economic_society: 0.25}", "economic_society: 0.35}", 1)
    with pytest.raises(WeightsError, match=r"arenas: the weights sum to 1\.1000, not 1"):
        load_weights(_yaml(tmp_path, text))


def test_published_three_decimal_weights_pass_the_sum_check(tmp_path: Path) -> None:
    text = _full_yaml().replace(
        "{government: 0.25, bureaucracy: 0.25, civil_society: 0.25, economic_society: 0.25}",
        "{government: 0.302, bureaucracy: 0.233, civil_society: 0.233, economic_society: 0.233}",
    )
    assert load_weights(_yaml(tmp_path, text)).arena_weight(Arena.GOVERNMENT) == 0.302


def test_a_file_that_is_not_yaml_or_lacks_a_level_gets_one_line(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="not valid YAML at line 2"):
        load_weights(_yaml(tmp_path, "arenas: {a: 1}\n  - b: [\n"))
    with pytest.raises(WeightsError, match="expected exactly two keys"):
        load_weights(_yaml(tmp_path, "arenas: {}\n"))
    with pytest.raises(WeightsError, match=r"must end in \.yaml, \.yml or \.csv"):
        load_weights(tmp_path / "bobot.txt")
    with pytest.raises(WeightsError, match="cannot read the weights file"):
        load_weights(tmp_path / "missing.yaml")


def test_a_csv_with_a_wrong_header_or_row_names_it(tmp_path: Path) -> None:
    path = tmp_path / "bobot.csv"
    path.write_text("arena,weight\ngovernment,1\n", encoding="utf-8")
    with pytest.raises(WeightsError, match="the header must be level,arena,principle,weight"):
        load_weights(path)
    path.write_text("level,arena,principle,weight\ncell,government,,1\n", encoding="utf-8")
    with pytest.raises(WeightsError, match=r"\[row 2\] level must be"):
        load_weights(path)
