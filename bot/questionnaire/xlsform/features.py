"""XLSForm features beyond plain questions: calculations, filters, defaults, or_other, grids."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.questionnaire.errors import ProblemCode
from bot.questionnaire.model import QuestionType
from bot.questionnaire.xlsform.columns import (
    PHONE_CONSTRAINT,
    SURVEY,
    At,
    Row,
    RowKind,
    read_yes_no,
)
from bot.questionnaire.xlsform.expressions import Unsupported, translate_expression
from bot.questionnaire.xlsform.sheets import SheetReader
from bot.questionnaire.yaml_source import LineMap

OTHER = "other"
"""The choice or_other adds, as pyxform names it."""
_OTHER_LABEL = {"id": "Lainnya", "en": "Other"}
_SPECIFY_OTHER = {"id": "Sebutkan lainnya.", "en": "Specify other."}
_GRID_HEADER = "label"  # appearance of a grid's header row: shows the choices, asks nothing


@dataclass
class FeatureReader(SheetReader):
    """Reads the XLSForm columns that change what a question does."""

    def _is_grid_header(self, row: Row, kind: RowKind) -> bool:
        """Tells whether the row only heads a grid (appearance 'label'): it is not asked."""
        appearance = (row.get("control", "appearance") or "").split()
        if kind.qtype is None or not kind.qtype.is_choice or _GRID_HEADER not in appearance:
            return False
        self.warn(
            ProblemCode.IGNORED_FEATURE,
            "a grid's header row (appearance 'label') is not asked; the rows under it show "
            "the choices as buttons",
            row.at,
            row.get("name"),
        )
        return True

    def _read_only(self, row: Row, qtype: QuestionType) -> QuestionType:
        """Returns NOTE for a read-only question: a chat shows it and asks nothing."""
        value = row.get("bind", "readonly")
        if value is None:
            return qtype
        flag = read_yes_no(value)
        if flag is None:
            self.error(
                ProblemCode.INVALID_VALUE,
                f"read_only must be yes or no, not {value!r}",
                row.at,
                row.get("name"),
            )
            return qtype
        return QuestionType.NOTE if flag else qtype

    def _features(self, row: Row, kind: RowKind, qtype: QuestionType, data: LineMap) -> None:
        """Adds calculation, choice_filter, default and the phone check to the data."""
        name = str(data["id"])
        calculation = self._translated(row, ("bind", "calculate"), "calculation", name)
        if calculation is not None:
            data["calculation"] = calculation
        elif row.get("bind", "calculate") is not None:
            data["calculation"] = "''"  # refused above; stands in so it is not reported twice
        elif qtype is QuestionType.CALCULATE and (row.get("type") or "").strip() == "hidden":
            data["calculation"] = "''"  # a hidden field: empty unless set elsewhere
        if qtype is QuestionType.CALCULATE:
            data.setdefault("text", {"id": name, "en": name})
            data["required"] = False
        choice_filter = self._translated(row, ("choice_filter",), "choice_filter", name)
        if choice_filter is not None:
            data["choice_filter"] = choice_filter
        default = row.get("default")
        if default is not None:
            data["default"] = default
        if (row.get("type") or "").split() == ["phone", "number"]:
            own = data.get("constraint")
            data["constraint"] = (
                PHONE_CONSTRAINT if own is None else f"({own}) and {PHONE_CONSTRAINT}"
            )
        if "text" not in data:
            # pyxform accepts a question shown by its hint or media alone; a chat needs words.
            data["text"] = data.get("hint") or {"id": name, "en": name}
            if qtype is not QuestionType.NOTE:
                self.warn(
                    ProblemCode.MISSING_FIELD,
                    f"question '{name}' has no label; wipbot shows "
                    + ("its hint" if "hint" in data else "its name"),
                    row.at,
                )

    def _translated(self, row: Row, column: tuple[str, ...], key: str, name: str) -> str | None:
        value = row.cells.get(column)
        if value is None:
            return None
        translated = translate_expression(value)
        if isinstance(translated, Unsupported):
            self._unsupported(row, f"{translated.feature} in '{key}'", name, translated.advice)
            return None
        return translated

    def _required_condition(self, row: Row, data: LineMap) -> bool:
        """Reads a condition in 'required' as required_if; tells whether there was one."""
        value = row.get("bind", "required")
        if value is None or read_yes_no(value) is not None:
            return False
        if not any(ch in value for ch in "$(=<>"):
            return False
        translated = self._translated(row, ("bind", "required"), "required", str(data["id"]))
        if translated is not None:
            data["required_if"] = translated
            data["required"] = False
        return True

    def _drop_skipped(self, questions: list[LineMap]) -> None:
        """Reads references to skipped rows and ignored metadata as empty, with a warning."""
        skipped = {name for name in self.skipped_rows.values() if name is not None}
        kinds = {name: "skipped question" for name in skipped}
        kinds.update({name: "metadata" for name in self.metadata_names})
        skipped = set(kinds)
        if not skipped:
            return
        for question in questions:
            for key in ("relevant", "constraint", "calculation", "choice_filter", "required_if"):
                source = question.get(key)
                if not isinstance(source, str):
                    continue
                for name in sorted(skipped):
                    reference = re.compile(r"\$\{\s*" + re.escape(name) + r"\s*\}")
                    if reference.search(source):
                        source = reference.sub("''", source)
                        self.warn(
                            ProblemCode.UNSUPPORTED_FEATURE,
                            f"{key} refers to {kinds[name]} '{name}'; it reads as empty",
                            question.line if isinstance(question.line, At) else None,
                            str(question.get("id")),
                        )
                question[key] = source

    def _or_other(self, row: Row, kind: RowKind, data: LineMap) -> LineMap | None:
        """Expands or_other as pyxform does: an 'other' choice, then a text question."""
        if not kind.or_other:
            return None
        # As pyxform does, 'other' joins the list itself, so every question using it offers it.
        choices = data.get("choices")
        if isinstance(choices, list) and not any(c.get("value") == OTHER for c in choices):
            choices.append(LineMap({"value": OTHER, "label": dict(_OTHER_LABEL)}, line=row.at))
        name = str(data["id"])
        selected = f"selected(${{{name}}}, '{OTHER}')"
        follow = LineMap(
            {
                "id": f"{name}_other",
                "type": QuestionType.TEXT.value,
                "text": dict(_SPECIFY_OTHER),
                "required": bool(data.get("required")),
                "relevant": selected,
            },
            line=row.at,
        )
        return follow


__all__ = ["OTHER", "SURVEY", "FeatureReader"]
