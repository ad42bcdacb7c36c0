"""The XLSX writers benchmark: the home-made writer against three libraries, same sheets.

python -m bench.xlsx_writers                       # 1,400 people in 38 workshops
python -m bench.xlsx_writers --people 200 --workshops 4

One run seeds the 1,400 finished questionnaires of the export benchmark
(bench/seeding.py), builds the export once and captures the sheets
`bot.reports.export.xlsx_bytes` hands to its writer. Each writer then writes those
sheets (values, column widths, frozen header, the heatmap picture) to a file in a fresh
process of its own, which reports CPU seconds (user + system), wall seconds and its peak
memory: the growth of the kernel's resident high-water mark (VmHWM, reset before the
write, so native allocations count too) and, with --tracemalloc, tracemalloc's peak (the
Python heap only, in a second, untimed write: slow for the pure-Python writers). Every
file is then read back with openpyxl and compared to the sheets (bench/xlsx_readback.py).
Prints a markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import math
import numbers
import os
import pickle
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd

from bench.databases import fresh_database
from bench.export import _read_progress
from bench.machine import Machine
from bench.seeding import seed_event, seed_finished_answers
from bench.xlsx_readback import differences
from bot.reports import export as export_module
from bot.reports.xlsx import MAX_TEXT, Sheet, write_workbook

ADOPT_WITHIN = 1.5
"""A library replaces the home-made writer if its CPU time is within this factor."""
MIB = 2**20


# --- the writers ------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A value as the Python libraries should write it (None: blank), as the export means."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    kind = type(value)
    if kind is str:
        return value[:MAX_TEXT] or None
    if kind is int or kind is bool:
        return value
    if kind is float:
        if value != value:
            return None
        return str(value) if value in (math.inf, -math.inf) else value
    if pd.api.types.is_bool(value):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _cell(float(value))
    if isinstance(value, str):
        return _cell(str(value))
    raise TypeError(f"cannot write {type(value).__name__} to a sheet cell")


def _columns(sheet: Sheet) -> list[list[Any]]:
    return [[_cell(v) for v in sheet.frame[name].tolist()] for name in sheet.frame.columns]


def write_home_made(sheets: Sequence[Sheet], out: Path) -> None:
    """bot/reports/xlsx.py, as the exports use it."""
    with out.open("wb") as target:
        write_workbook(target, sheets)


def _xlsxwriter(sheets: Sequence[Sheet], out: Path, *, constant_memory: bool, by: str) -> None:
    import xlsxwriter

    options = {
        "constant_memory": constant_memory,
        # Text is text: no formulas, links or numbers guessed from it.
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(str(out), options) as book:
        for sheet in sheets:
            page = book.add_worksheet(sheet.name)
            for index, width in enumerate(sheet.widths):
                page.set_column(index, index, width)
            if sheet.freeze_header:
                page.freeze_panes(1, 0)
            header = [str(name) for name in sheet.frame.columns]
            columns = _columns(sheet)
            if by == "column":
                for index, (name, values) in enumerate(zip(header, columns, strict=True)):
                    page.write_column(0, index, [name, *values])
            else:
                page.write_row(0, 0, header)
                for row, values in enumerate(zip(*columns, strict=True), start=1):
                    page.write_row(row, 0, values)
            for picture in sheet.pictures:
                page.insert_image(
                    picture.row,
                    picture.column,
                    "heatmap.png",
                    {"image_data": io.BytesIO(picture.png), "object_position": 3},
                )


def write_xlsxwriter_constant_memory_columns(sheets: Sequence[Sheet], out: Path) -> None:
    """XlsxWriter, constant_memory mode, one write_column per column (as issue 13 asks)."""
    _xlsxwriter(sheets, out, constant_memory=True, by="column")


def write_xlsxwriter_constant_memory_rows(sheets: Sequence[Sheet], out: Path) -> None:
    """XlsxWriter, constant_memory mode, one write_row per row (the order that mode needs)."""
    _xlsxwriter(sheets, out, constant_memory=True, by="row")


def write_xlsxwriter_columns(sheets: Sequence[Sheet], out: Path) -> None:
    """XlsxWriter, default mode (cells kept until closing), one write_column per column."""
    _xlsxwriter(sheets, out, constant_memory=False, by="column")


def write_pyexcelerate(sheets: Sequence[Sheet], out: Path) -> None:
    """pyexcelerate, one sheet from a list of rows; it cannot place pictures."""
    from pyexcelerate import Panes, Style, Workbook

    book = Workbook()
    for sheet in sheets:
        header = [str(name) for name in sheet.frame.columns]
        rows = [header, *(list(row) for row in zip(*_columns(sheet), strict=True))]
        page = book.new_sheet(sheet.name, data=rows)
        for index, width in enumerate(sheet.widths, start=1):
            page.set_col_style(index, Style(size=width))
        if sheet.freeze_header:
            page.panes = Panes(y=1)
    with out.open("wb") as target:
        book.save(target)


def write_rustpy_xlsxwriter(sheets: Sequence[Sheet], out: Path) -> None:
    """rustpy-xlsxwriter (rust_xlsxwriter): the data frames handed over whole."""
    import rustpy_xlsxwriter

    frames = []
    for sheet in sheets:
        # As the export means them: empty text is a blank cell, infinities are text.
        frame = sheet.frame.map(_cell).astype(object)
        frames.append((sheet.name, frame))
    rustpy_xlsxwriter.write_worksheets(
        frames,
        str(out),
        freeze_panes={s.name: {"row": 1, "col": 0} for s in sheets if s.freeze_header},
        column_widths={s.name: list(s.widths) for s in sheets if s.widths},
        images={
            s.name: [{"data": p.png, "row": p.row, "col": p.column} for p in s.pictures]
            for s in sheets
            if s.pictures
        },
        dedupe_strings={"general": True},
    )


WRITERS: dict[str, Callable[[Sequence[Sheet], Path], None]] = {
    "home-made (bot/reports/xlsx.py)": write_home_made,
    "XlsxWriter constant_memory + write_column": write_xlsxwriter_constant_memory_columns,
    "XlsxWriter constant_memory + write_row": write_xlsxwriter_constant_memory_rows,
    "XlsxWriter default mode + write_column": write_xlsxwriter_columns,
    "pyexcelerate": write_pyexcelerate,
    "rustpy-xlsxwriter": write_rustpy_xlsxwriter,
}
HOME_MADE = next(iter(WRITERS))


# --- measuring one writer in a process of its own ----------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _measure_here(writer: str, sheets_file: Path, out: Path, *, trace: bool) -> dict[str, float]:
    with sheets_file.open("rb") as source:
        sheets: list[Sheet] = pickle.load(source)
    write = WRITERS[writer]
    try:  # reset VmHWM to the current RSS (Linux 4.0 and later)
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    before = _status_kib("VmRSS")
    cpu, wall = time.process_time(), time.perf_counter()
    write(sheets, out)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = _status_kib("VmHWM")
    size = out.stat().st_size
    traced_peak = math.nan
    if trace:
        again = out.with_suffix(".again.xlsx")
        tracemalloc.start()
        write(sheets, again)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        again.unlink()
    return {
        "cpu": cpu,
        "wall": wall,
        "rss_growth": (peak - before) * 1024.0 if reset else float("nan"),
        "traced_peak": float(traced_peak),
        "bytes": float(size),
    }


@dataclass(frozen=True)
class WriterFigures:
    """One writer's run and what reading its file back found."""

    writer: str
    cpu_seconds: float
    wall_seconds: float
    rss_growth_bytes: float
    traced_peak_bytes: float
    file_bytes: int
    problems: tuple[str, ...]

    @property
    def correct(self) -> bool:
        """Its file reads back as the sheets."""
        return not self.problems


def _measure(writer: str, sheets_file: Path, out: Path, *, trace: bool) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.xlsx_writers", "--measure", writer, str(sheets_file)]
        + [str(out)]
        + (["--tracemalloc"] if trace else []),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), *sys.path])},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{writer} failed:\n{done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


# --- the run -----------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def export_sheets(workdir: Path, *, people: int, workshops: int) -> list[Sheet]:
    """The sheets `xlsx_bytes` writes for the export of `people` finished questionnaires."""
    async with fresh_database(workdir) as db_url:
        _say(f"xlsx: seeding {people} finished questionnaires in {workshops} workshops")
        event = await seed_event(db_url, workshops=workshops, people=people)
        await seed_finished_answers(db_url, event)
        now = dt.datetime.now(dt.UTC)
        progress = await _read_progress(db_url, now)
    export = export_module.build_export(progress, generated_at=now)
    captured: list[Sheet] = []

    def capture(sheets: Sequence[Sheet]) -> bytes:
        captured.extend(sheets)
        return b""

    with mock.patch.object(export_module, "workbook_bytes", capture):
        export_module.xlsx_bytes(export)
    return captured


def run_xlsx_writers_benchmark(
    workdir: Path,
    *,
    people: int,
    workshops: int,
    writers: Sequence[str] = tuple(WRITERS),
    trace: bool = False,
) -> list[WriterFigures]:
    """Writes the export's sheets with every writer and reads each file back."""
    sheets = asyncio.run(export_sheets(workdir, people=people, workshops=workshops))
    sheets_file = workdir / "sheets.pickle"
    with sheets_file.open("wb") as target:
        pickle.dump(sheets, target)
    results = []
    for number, writer in enumerate(writers, start=1):
        out = workdir / f"writer{number}.xlsx"
        _say(f"xlsx: {writer}")
        figures = _measure(writer, sheets_file, out, trace=trace)
        problems = tuple(differences(out, sheets))
        results.append(
            WriterFigures(
                writer=writer,
                cpu_seconds=figures["cpu"],
                wall_seconds=figures["wall"],
                rss_growth_bytes=figures["rss_growth"],
                traced_peak_bytes=figures["traced_peak"],
                file_bytes=int(figures["bytes"]),
                problems=problems,
            )
        )
        out.unlink()
    return results


def _mib(count: float) -> str:
    return "not measured" if math.isnan(count) else f"{count / MIB:.0f} MiB"


def render(results: Sequence[WriterFigures], sheets_shape: str, command: str) -> str:
    """The markdown section: one row per writer, the verdict, what each readback found."""
    machine = Machine.describe()
    home = next(r for r in results if r.writer == HOME_MADE)
    lines = [
        f"Run on {machine.date}: `{command}` at commit {machine.commit}; "
        f"{machine.cpu_model}, {machine.cores} cores, Python {machine.python}. {sheets_shape}.",
        "",
        "| writer | CPU s | wall s | CPU / home-made | peak RSS growth | tracemalloc peak "
        "| file | reads back equal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.writer} | {r.cpu_seconds:.2f} | {r.wall_seconds:.2f} "
            f"| {r.cpu_seconds / home.cpu_seconds:.2f} | {_mib(r.rss_growth_bytes)} "
            f"| {_mib(r.traced_peak_bytes)} | {r.file_bytes / MIB:.1f} MiB "
            f"| {'yes' if r.correct else 'no'} |"
        )
    lines.append("")
    adoptable = [
        r
        for r in results
        if r.writer != HOME_MADE and r.correct and r.cpu_seconds <= ADOPT_WITHIN * home.cpu_seconds
    ]
    if adoptable:
        best = min(adoptable, key=lambda r: r.cpu_seconds)
        lines.append(f"Within {ADOPT_WITHIN}x of the home-made writer and correct: {best.writer}.")
    else:
        lines.append(
            f"No library is both correct and within {ADOPT_WITHIN}x of the home-made writer."
        )
    for r in results:
        if r.problems:
            lines.append("")
            lines.append(f"{r.writer}, read back:")
            # Every layout problem (frozen header, widths, picture); the first value ones.
            values = [p for p in r.problems if " row" in p or " rows" in p]
            layout = [p for p in r.problems if p not in values]
            lines += [f"- {problem}" for problem in [*values[:8], *layout]]
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.xlsx_writers", description=__doc__)
    parser.add_argument("--people", type=int, default=1400)
    parser.add_argument("--workshops", type=int, default=38)
    parser.add_argument("--writers", default=None, help="comma-separated writer names")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also write once more under tracemalloc for the Python heap's peak (slow)",
    )
    parser.add_argument("--measure", nargs=3, metavar=("WRITER", "SHEETS", "OUT"), help="internal")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the benchmark and prints its section, or measures one writer (--measure)."""
    args = _parser().parse_args(argv)
    if args.measure:
        writer, sheets_file, out = args.measure
        figures = _measure_here(writer, Path(sheets_file), Path(out), trace=args.tracemalloc)
        print(json.dumps(figures))
        return 0
    writers = tuple(WRITERS) if args.writers is None else tuple(args.writers.split(","))
    command = "python -m bench.xlsx_writers " + " ".join(argv or sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="wipbot-xlsx-") as folder:
        workdir = args.workdir or Path(folder)
        workdir.mkdir(parents=True, exist_ok=True)
        results = run_xlsx_writers_benchmark(
            workdir,
            people=args.people,
            workshops=args.workshops,
            writers=writers,
            trace=args.tracemalloc,
        )
    shape = f"{args.people} people in {args.workshops} workshops"
    print(render(results, shape, command.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
