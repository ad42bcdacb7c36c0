"""Reading a question's parts: its scale, choices, numeric bounds and text length."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.questionnaire.errors import ProblemCode
from bot.questionnaire.loader_values import (
    CHOICE_FIELDS,
    MAX_SCALE_POINTS,
    MAX_TEXT_LENGTH,
    PHONE_SCALE_POINTS,
    SCALE_FIELDS,
    Loc,
    ValueReader,
    line_of,
)
from bot.questionnaire.model import (
    Choice,
    LocalizedText,
    Number,
    QuestionType,
)


@dataclass
class ScaleSpec:
    min: int = 1
    max: int = 10
    min_label: LocalizedText | None = None
    max_label: LocalizedText | None = None
    step: Number = 1


@dataclass
class PartReader(ValueReader):
    """Reads scales, choices, bounds and lengths."""

    def _scale(self, data: Any, default: ScaleSpec, loc: Loc) -> ScaleSpec:
        if data is None:
            return default
        if not isinstance(data, Mapping):
            self.error(ProblemCode.NOT_A_MAPPING, "'scale' must be a mapping (min, max, ...)", loc)
            return default
        self._check_fields(data, SCALE_FIELDS, "scale", loc)
        spec = ScaleSpec(
            min=default.min,
            max=default.max,
            min_label=default.min_label,
            max_label=default.max_label,
        )
        ok = True
        for key in ("min", "max"):
            if key not in data:
                continue
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int):
                self.error(
                    ProblemCode.BAD_SCALE_BOUNDS,
                    f"scale {key} must be a whole number, not {value!r}",
                    loc.at(line_of(data, key)),
                )
                ok = False
            else:
                setattr(spec, key, value)
        step = data.get("step", 1)
        if isinstance(step, bool) or not isinstance(step, int | float) or step <= 0:
            self.error(
                ProblemCode.BAD_SCALE_BOUNDS,
                f"scale step must be a positive number, not {step!r}",
                loc.at(line_of(data, "step")),
            )
        else:
            spec.step = step
        if "min_label" in data:
            spec.min_label = self._optional_text(data, "min_label", loc)
        if "max_label" in data:
            spec.max_label = self._optional_text(data, "max_label", loc)
        if ok and spec.min >= spec.max:
            self.error(
                ProblemCode.BAD_SCALE_BOUNDS,
                f"scale min ({spec.min}) must be smaller than max ({spec.max})",
                loc,
            )
        elif ok and (spec.max - spec.min) / spec.step + 1 > MAX_SCALE_POINTS:
            self.error(
                ProblemCode.BAD_SCALE_BOUNDS,
                f"scale {spec.min}..{spec.max} has more than {MAX_SCALE_POINTS} points",
                loc,
            )
        elif ok and (spec.max - spec.min) / spec.step + 1 > PHONE_SCALE_POINTS:
            self.warn(
                ProblemCode.LONG_SCALE,
                f"scale {spec.min}..{spec.max} has more than {PHONE_SCALE_POINTS} points; "
                "the buttons will be hard to use on a phone",
                loc,
            )
        return spec

    def _choices(
        self, data: Mapping[str, Any], loc: Loc, duplicates: bool = False
    ) -> tuple[Choice, ...]:
        """Reads the choices; a value may repeat only in a filtered list, as in pyxform."""
        raw = data.get("choices")
        where = loc.at(line_of(data, "choices"))
        if raw is None or raw == []:
            self.error(ProblemCode.NO_CHOICES, "a choice question needs 'choices'", where)
            return ()
        if not isinstance(raw, list):
            self.error(ProblemCode.NOT_A_LIST, "'choices' must be a list", where)
            return ()
        choices: list[Choice] = []
        seen: set[str] = set()
        for number, item in enumerate(raw, start=1):
            if not isinstance(item, Mapping):
                self.error(
                    ProblemCode.NOT_A_MAPPING,
                    f"choice #{number} must be a mapping with 'value' and 'label'",
                    where,
                )
                continue
            item_loc = loc.at(getattr(item, "line", None) or where.line)
            self._check_fields(item, CHOICE_FIELDS, "a choice", item_loc)
            value = item.get("value")
            label = self._required_text(item, "label", item_loc)
            if value is None:
                self.error(ProblemCode.MISSING_FIELD, f"choice #{number} needs a 'value'", item_loc)
                continue
            if isinstance(value, bool):
                self.error(
                    ProblemCode.INVALID_CHOICE_VALUE,
                    f"choice value {value!r} was read as true/false; put it in quotes (e.g. 'yes')",
                    item_loc,
                )
                continue
            if not isinstance(value, str | int):
                self.error(
                    ProblemCode.INVALID_CHOICE_VALUE,
                    f"choice value {value!r} must be text or a whole number",
                    item_loc,
                )
                continue
            text = str(value)
            if not text or any(ch.isspace() for ch in text):
                self.error(
                    ProblemCode.INVALID_CHOICE_VALUE,
                    f"choice value {text!r} must be non-empty and contain no spaces",
                    item_loc,
                )
                continue
            if text in seen and not duplicates:
                self.error(
                    ProblemCode.DUPLICATE_CHOICE_VALUE,
                    f"choice value {text!r} appears more than once",
                    item_loc,
                )
                continue
            seen.add(text)
            columns = item.get("columns")
            extra = tuple((str(k), str(v)) for k, v in dict(columns or {}).items())
            choices.append(Choice(text, label or LocalizedText(""), extra))
        return tuple(choices)

    def _numeric_bounds(
        self, data: Mapping[str, Any], qtype: QuestionType, loc: Loc
    ) -> tuple[Number | None, Number | None]:
        bounds: dict[str, Number | None] = {"min": None, "max": None}
        ok = True
        for key in bounds:
            value = data.get(key)
            if value is None:
                continue
            whole = qtype is QuestionType.INTEGER
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (whole and not isinstance(value, int))
            ):
                kind = "a whole number" if whole else "a number"
                self.error(
                    ProblemCode.BAD_NUMERIC_BOUNDS,
                    f"{key} must be {kind}, not {value!r}",
                    loc.at(line_of(data, key)),
                )
                ok = False
                continue
            bounds[key] = value
        low, high = bounds["min"], bounds["max"]
        if ok and low is not None and high is not None and low >= high:
            self.error(
                ProblemCode.BAD_NUMERIC_BOUNDS,
                f"min ({low}) must be smaller than max ({high})",
                loc.at(line_of(data, "min")),
            )
        return low, high

    def _max_length(self, data: Mapping[str, Any], loc: Loc) -> int:
        value = data.get("max_length", 500)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (1 <= value <= MAX_TEXT_LENGTH)
        ):
            self.error(
                ProblemCode.BAD_MAX_LENGTH,
                f"max_length must be a whole number from 1 to {MAX_TEXT_LENGTH}, not {value!r}",
                loc.at(line_of(data, "max_length")),
            )
            return 500
        return value
