"""Compares wipbot's reading of a real XLSForm with pyxform's own, question by question."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from bot.questionnaire.model import Question, QuestionType
from bot.questionnaire.xlsform import load_xlsform

CORPUS = Path(__file__).parent / "corpus"

# What a chat cannot ask (issue 17, point 6): a form using any of it is refused by name.
MEDIA = {"photo", "image", "audio", "video", "file", "background-audio", "background-video"}
LOCATION = {"geopoint", "geotrace", "geoshape", "gps", "start-geopoint", "background-geopoint"}
_METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
}
_TYPES = {
    "integer": QuestionType.INTEGER,
    "int": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "text": QuestionType.TEXT,
    "string": QuestionType.TEXT,
    "phone number": QuestionType.TEXT,
    "note": QuestionType.NOTE,
    "acknowledge": QuestionType.NOTE,
    "trigger": QuestionType.NOTE,
    "range": QuestionType.SCALE,
    "select one": QuestionType.SINGLE_CHOICE,
    "select one external": QuestionType.SINGLE_CHOICE,
    "select all that apply": QuestionType.MULTIPLE_CHOICE,
    "date": QuestionType.DATE,
    "time": QuestionType.TIME,
    "dateTime": QuestionType.DATETIME,
    "calculate": QuestionType.CALCULATE,
    "hidden": QuestionType.CALCULATE,
}
_SPACE_RE = re.compile(r"\s+")
_PARENT_REF_RE = re.compile(r"\.\./([A-Za-z_][A-Za-z0-9_.\-]*)")  # pyxform's own ../name
_REFUSED_FUNCTIONS = ("pulldata(",)
# pyxform converts these, but ODK Validate refuses the result: they are not valid forms.
ODK_INVALID = {
    "pyxform/bad_calc.xlsx": "ODK Validate refuses its calculation (a sentence, not XPath)",
    "getodk-xlsform-offline/validate-error.xlsx": "ODK Validate refuses concatx()",
    "getodk-pyxform-http/validate-error.xlsx": "ODK Validate refuses concatx()",
}


@dataclass
class Verdict:
    """What pyxform and wipbot made of one corpus file."""

    path: Path
    pyxform_valid: bool
    refused_features: list[str] = field(default_factory=list)
    loaded: bool = False
    mismatches: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def counts(self) -> bool:
        """Tells whether the form is in the measure: valid and using nothing refused."""
        return self.pyxform_valid and not self.refused_features

    @property
    def matches(self) -> bool:
        """Tells whether wipbot loaded it and agrees with pyxform question by question."""
        return self.loaded and not self.mismatches


def corpus_files() -> list[Path]:
    """The corpus workbooks, in a stable order."""
    return sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".xlsx", ".xls"))


def judge(path: Path) -> Verdict:
    """Parses the file with pyxform and with wipbot and compares the two."""
    content = path.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = get_xlsform(content, file_type=path.suffix.lower())
            form = workbook_to_json(book, form_name=path.stem, warnings=[])
            # The whole conversion, as xls2xform does (types are checked only here).
            convert(content, warnings=[], form_name=path.stem, file_type=path.suffix.lower())
        except (PyXFormError, KeyError, ValueError, TypeError):
            return Verdict(path, pyxform_valid=False)
    key = f"{path.parent.name}/{path.name}"
    if key in ODK_INVALID:
        return Verdict(path, pyxform_valid=False, errors=[ODK_INVALID[key]])
    verdict = Verdict(path, pyxform_valid=True, refused_features=refused_features(form, book))
    result = load_xlsform(path)
    verdict.errors = [str(p) for p in result.errors]
    if result.questionnaire is None:
        return verdict
    verdict.loaded = True
    ours = list(result.questionnaire.questions)
    theirs = list(_questions(form["children"], ()))
    if len(ours) != len(theirs):
        verdict.mismatches.append(
            f"{len(ours)} questions, pyxform {len(theirs)}: "
            f"{[q.id for q in ours]} vs {[q['name'] for q, _ in theirs]}"
        )
        return verdict
    for mine, (their, groups) in zip(ours, theirs, strict=True):
        verdict.mismatches.extend(_compare(mine, their, groups))
    return verdict


def refused_features(form: Mapping[str, Any], book: Any) -> list[str]:
    """Names what the form uses that a chat cannot ask (point 6 of the issue)."""
    found: set[str] = set()
    for node in _walk(form["children"]):
        kind = str(node.get("type", ""))
        if kind in MEDIA:
            found.add(f"media ({kind})")
        if kind in LOCATION:
            found.add(f"location ({kind})")
        if kind in ("repeat", "loop"):
            found.add("repeat")
        if kind == "include":
            found.add("include (another form's file)")
        itemset = str(node.get("itemset", ""))
        if itemset.endswith((".csv", ".xml", ".geojson")):
            found.add("select from file")
        binds = " ".join(str(v) for v in (node.get("bind") or {}).values())
        if any(f in binds for f in _REFUSED_FUNCTIONS) or "pulldata(" in str(
            node.get("calculation", "")
        ):
            found.add("pulldata")
    if getattr(book, "entities", None):
        found.add("entities")
    return sorted(found)


def _walk(children: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for node in children:
        yield node
        yield from _walk(node.get("children") or [])


def _questions(
    children: list[Mapping[str, Any]], groups: tuple[Mapping[str, Any], ...]
) -> Iterator[tuple[Mapping[str, Any], tuple[Mapping[str, Any], ...]]]:
    """pyxform's questions in form order, with their enclosing groups."""
    for node in children:
        kind = str(node.get("type", ""))
        if kind == "group":
            if node.get("name") != "meta":
                yield from _questions(node.get("children") or [], (*groups, node))
            continue
        bind = node.get("bind") or {}
        if kind in _METADATA or "jr:preload" in bind:
            continue
        appearance = str((node.get("control") or {}).get("appearance", "")).split()
        if kind.startswith("select") and "label" in appearance:
            continue  # a grid's header row
        if kind == "note" and str(node.get("name", "")).startswith("generated_table_list_label_"):
            continue  # pyxform shows a table-list group's label as a note; wipbot as its title
        yield node, groups


def _compare(
    mine: Question, their: Mapping[str, Any], groups: tuple[Mapping[str, Any], ...]
) -> list[str]:
    name = str(their["name"])
    problems = []
    if mine.id != name and not mine.id.endswith(f"_{name}"):
        problems.append(f"name {mine.id!r} != {name!r}")
    expected = _TYPES.get(str(their.get("type")))
    if mine.type is not expected:
        problems.append(f"{name}: type {mine.type.value} != pyxform {their.get('type')}")
    bind = their.get("bind") or {}
    required = str(bind.get("required", "")).strip().lower()
    theirs_required = required not in ("", "no", "false()", "false", "0")
    mine_required = mine.required or mine.required_if is not None
    if mine.type is not QuestionType.NOTE and mine_required != theirs_required:
        problems.append(f"{name}: required {mine_required} != pyxform {required!r}")
    ours = _normal(mine.relevant.source if mine.relevant else "")
    for source in [g.get("bind", {}).get("relevant") for g in groups] + [bind.get("relevant")]:
        if source and _normal(str(source)) not in ours:
            problems.append(f"{name}: relevant {ours!r} lacks pyxform's {source!r}")
    choices = their.get("choices")
    if mine.type.is_choice and isinstance(choices, list) and len(choices) != len(mine.choices):
        problems.append(f"{name}: {len(mine.choices)} choices != pyxform {len(choices)}")
    return problems


def _normal(source: str) -> str:
    text = _SPACE_RE.sub("", _PARENT_REF_RE.sub(r"${\1}", source))
    return re.sub(r"(?i)\b(true|false)\(\)", lambda m: f"{m.group(1).lower()}()", text)
