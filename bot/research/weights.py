"""Index weights from a file researchers edit (YAML or CSV), checked to sum to 1 per level.

YAML:
    arenas: {government: 0.302, bureaucracy: 0.2327, ...}      # all four arenas
    principles:
      government: {participation: 0.120, fairness: 0.189, ...} # all six, per arena

CSV, one row per weight: level,arena,principle,weight with level `arena` (principle empty)
or `principle`. Every arena and every principle of every arena must be given; the weights
of a level must be non-negative and sum to 1 (within SUM_TOLERANCE, so weights published
with three or four decimals pass). A file that breaks a rule raises WeightsError with one
line naming the file and the place.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.questionnaire.model import Arena, Principle
from bot.questionnaire.scoring import Weights
from bot.research.frames import ARENAS, PRINCIPLES

SUM_TOLERANCE = 0.001
CSV_COLUMNS = ("level", "arena", "principle", "weight")


class WeightsError(ValueError):
    """A weights file that cannot be used; the message is one line for the researcher."""


def load_weights(path: Path) -> Weights:
    """Reads and checks a .yaml/.yml or .csv weights file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise WeightsError(f"{path}: a weights file must end in .yaml, .yml or .csv")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise WeightsError(f"{path}: cannot read the weights file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise WeightsError(f"{path}: the weights file is not UTF-8 text") from None
    if suffix == ".csv":
        arenas, principles = _from_csv(path, text)
    else:
        arenas, principles = _from_yaml(path, text)
    return _checked(path, arenas, principles)


def weights_yaml(weights: Weights) -> str:
    """The weights as a YAML file in the format `load_weights` reads."""
    data = {
        "arenas": {a: weights.arena_weight(Arena(a)) for a in ARENAS},
        "principles": {
            a: {p: weights.principle_weight(Arena(a), Principle(p)) for p in PRINCIPLES}
            for a in ARENAS
        },
    }
    return yaml.safe_dump(data, sort_keys=False)


def _from_yaml(path: Path, text: str) -> tuple[Any, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise WeightsError(f"{path}: not valid YAML{where}") from None
    if not isinstance(data, dict) or set(data) != {"arenas", "principles"}:
        raise WeightsError(f"{path}: expected exactly two keys, 'arenas' and 'principles'")
    return data["arenas"], data["principles"]


def _from_csv(path: Path, text: str) -> tuple[Any, Any]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or tuple(reader.fieldnames) != CSV_COLUMNS:
        raise WeightsError(f"{path}: the header must be {','.join(CSV_COLUMNS)}")
    arenas: dict[str, Any] = {}
    principles: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(reader, start=2):
        level, arena, principle = row["level"], row["arena"], row["principle"]
        weight = _number(path, f"row {number}", row["weight"])
        if level == "arena" and not principle:
            target: dict[str, Any] = arenas
            key = arena
        elif level == "principle":
            target, key = principles.setdefault(arena, {}), principle
        else:
            raise WeightsError(
                f"{path}: [row {number}] level must be 'arena' (no principle) or 'principle'"
            )
        if key in target:
            raise WeightsError(f"{path}: [row {number}] {arena} {principle} is given twice")
        target[key] = weight
    return arenas, principles


def _checked(path: Path, arenas: Any, principles: Any) -> Weights:
    arena_weights = _level(path, "arenas", arenas, ARENAS)
    if not isinstance(principles, Mapping):
        raise WeightsError(f"{path}: 'principles' must map each arena to its principle weights")
    unknown = sorted(set(map(str, principles)) - set(ARENAS))
    if unknown:
        raise WeightsError(f"{path}: principles: unknown arena '{unknown[0]}'")
    per_arena = {}
    for arena in ARENAS:
        if arena not in principles:
            raise WeightsError(f"{path}: principles: the weights of arena '{arena}' are missing")
        per_arena[Arena(arena)] = {
            Principle(p): w
            for p, w in _level(
                path, f"principles of '{arena}'", principles[arena], PRINCIPLES
            ).items()
        }
    return Weights(arenas={Arena(a): w for a, w in arena_weights.items()}, principles=per_arena)


def _level(path: Path, name: str, data: Any, keys: tuple[str, ...]) -> dict[str, float]:
    if not isinstance(data, Mapping):
        raise WeightsError(f"{path}: {name}: expected a weight per {', '.join(keys)}")
    unknown = sorted(set(map(str, data)) - set(keys))
    if unknown:
        raise WeightsError(f"{path}: {name}: unknown key '{unknown[0]}' (use {', '.join(keys)})")
    missing = [k for k in keys if k not in data]
    if missing:
        raise WeightsError(f"{path}: {name}: the weight of '{missing[0]}' is missing")
    values = {k: _number(path, f"{name}: {k}", data[k]) for k in keys}
    total = math.fsum(values.values())
    if abs(total - 1.0) > SUM_TOLERANCE + 1e-12:
        raise WeightsError(f"{path}: {name}: the weights sum to {total:.4f}, not 1")
    return values


def _number(path: Path, where: str, raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise WeightsError(f"{path}: {where}: '{raw}' is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise WeightsError(f"{path}: {where}: a weight must be a number of 0 or more")
    return value
