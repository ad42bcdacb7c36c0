"""XLSForm corpus: of the valid public forms a chat can ask, the share wipbot reads as pyxform.

`python -m bench.xlsform_corpus [DIR ...]` reads every .xls/.xlsx under each DIR (default:
tests/questionnaire/corpus, whose SOURCES.md names each file's origin and licence), parses
each with pyxform (the whole `xls2xform` conversion, then ODK Validate unless
`--no-odk-validate`) and with wipbot, and compares them question by question (names, types,
relevance, required, choice counts; `tests/questionnaire/corpus_compare.py`). A form counts
when pyxform and ODK Validate accept it and it uses nothing a chat cannot ask (issue 17,
point 6: media, locations, repeats, select_*_from_file, pulldata, entities). The figure is
the share of counted forms that load and match; the section "XLSForm corpus" of
docs/BENCHMARKS.md is rewritten with it and the list (`--out` elsewhere, `--print` only).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

from pyxform.errors import PyXFormError
from pyxform.validators.odk_validate import ODKValidateError
from pyxform.xls2xform import convert

from tests.questionnaire.corpus_compare import CORPUS, Verdict, judge

DOC = Path("docs/BENCHMARKS.md")
TARGET = 0.9
BEGIN = "<!-- bench:xlsform-corpus:begin (rewritten by `python -m bench.xlsform_corpus`) -->"
END = "<!-- bench:xlsform-corpus:end -->"
HEADING = "## XLSForm corpus"


def forms_under(directories: list[Path]) -> list[Path]:
    """The workbooks under the directories, in a stable order."""
    found: list[Path] = []
    for directory in directories:
        found += sorted(
            p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in (".xls", ".xlsx")
        )
    return found


def odk_refuses(path: Path) -> str | None:
    """ODK Validate's first complaint about the form's XForm; None when it accepts it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            convert(
                path.read_bytes(),
                warnings=[],
                form_name=path.stem,
                file_type=path.suffix.lower(),
                validate=True,
                pretty_print=False,
            )
        except (PyXFormError, ODKValidateError, OSError, subprocess.SubprocessError) as error:
            return " ".join(str(error).split())[:160] or type(error).__name__
    return None


def measure(paths: list[Path], odk_validate: bool) -> list[Verdict]:
    """Judges every form; with `odk_validate`, a form ODK Validate refuses is not valid."""
    verdicts = []
    for path in paths:
        verdict = judge(path)
        if verdict.pyxform_valid and odk_validate:
            refusal = odk_refuses(path)
            if refusal is not None:
                verdict = Verdict(path, pyxform_valid=False, errors=[f"ODK Validate: {refusal}"])
        verdicts.append(verdict)
    return verdicts


def _name(verdict: Verdict, roots: list[Path]) -> str:
    for root in roots:
        if verdict.path.is_relative_to(root):
            return f"{root.name}/{verdict.path.relative_to(root)}"
    return str(verdict.path)


def render(verdicts: list[Verdict], roots: list[Path], command: str) -> str:
    """The section as Markdown: the figure, then every form with its verdict."""
    counted = [v for v in verdicts if v.counts]
    matching = [v for v in counted if v.matches]
    share = len(matching) / len(counted) if counted else 0.0
    invalid = [v for v in verdicts if not v.pyxform_valid]
    refused = [v for v in verdicts if v.pyxform_valid and v.refused_features]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        HEADING,
        "",
        BEGIN,
        "",
        f"Run on {when}: `{command}`.",
        "",
        f"{len(verdicts)} workbooks: {len(invalid)} not valid for pyxform or ODK Validate, "
        f"{len(refused)} valid but using what a chat cannot ask (refused by name), "
        f"{len(counted)} counted.",
        "",
        "| figure | measured | target |",
        "|---|---|---|",
        f"| counted forms that load and match pyxform's parse | {len(matching)} of "
        f"{len(counted)} = {share:.1%} | >= {TARGET:.0%} |",
    ]
    if len(roots) > 1:
        for root in roots:
            mine = [v for v in counted if v.path.is_relative_to(root)]
            good = sum(1 for v in mine if v.matches)
            part = good / len(mine) if mine else 0.0
            lines.append(
                f"| ... of them under `{root.name}/` | {good} of {len(mine)} = {part:.1%} | |"
            )
    lines += [
        "",
        "| form | verdict |",
        "|---|---|",
    ]
    for verdict in verdicts:
        lines.append(f"| `{_name(verdict, roots)}` | {_verdict(verdict)} |")
    lines += ["", END]
    return "\n".join(lines) + "\n"


def _verdict(verdict: Verdict) -> str:
    if not verdict.pyxform_valid:
        reason = verdict.errors[0] if verdict.errors else "pyxform refuses it"
        return f"not valid: {_cell(reason)}"
    if verdict.refused_features:
        return f"refused: {_cell(', '.join(sorted(set(verdict.refused_features))))}"
    if verdict.matches:
        return "**loads and matches**"
    if not verdict.loaded:
        first = verdict.errors[0] if verdict.errors else "not loaded"
        return f"NOT LOADED: {_cell(first)}"
    return f"MISMATCH: {_cell('; '.join(verdict.mismatches[:2]))}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:200]


def write_section(doc: Path, section: str) -> None:
    """Replaces the section in `doc` (or appends it) and leaves the rest as it was."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    start, end = text.find(HEADING + "\n"), text.find(END)
    if start != -1 and end != -1:
        text = text[:start] + section + text[end + len(END) + 1 :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    doc.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measures, prints the section and writes it; 1 when the target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.xlsform_corpus", description=__doc__)
    parser.add_argument("directories", nargs="*", type=Path, default=[CORPUS])
    parser.add_argument("--no-odk-validate", action="store_true", help="pyxform only (faster)")
    parser.add_argument("--out", type=Path, default=DOC)
    parser.add_argument("--print", action="store_true", help="print only, write nothing")
    args = parser.parse_args(argv)
    roots = [d.resolve() for d in args.directories]
    verdicts = measure(forms_under(roots), odk_validate=not args.no_odk_validate)
    command = "python -m bench.xlsform_corpus " + " ".join(sys.argv[1:] if argv is None else argv)
    section = render(verdicts, roots, command.strip())
    print(section)
    if not args.print:
        write_section(args.out, section)
    counted = [v for v in verdicts if v.counts]
    matching = [v for v in counted if v.matches]
    return 0 if counted and len(matching) / len(counted) >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
