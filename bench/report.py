"""docs/BENCHMARKS.md: the measured figures next to their targets.

Only the part between the markers is rewritten by a run; what follows them (how the
figures are measured, profiles, fixes with before and after) is written by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.answers import AnswersResult
from bench.broadcast import BroadcastFigures
from bench.export import ExportFigures
from bench.machine import Machine

BEGIN = "<!-- bench:results:begin (rewritten by `make bench`) -->"
END = "<!-- bench:results:end -->"
MIB = 2**20


@dataclass(frozen=True)
class Row:
    """One figure, its target and whether it is met (None: no target)."""

    what: str
    value: str
    target: str = ""
    met: bool | None = None

    def cells(self) -> str:
        mark = "" if self.met is None else (" ✅" if self.met else " ❌")
        return f"| {self.what} | {self.value} | {self.target}{mark} |"


def _table(rows: Sequence[Row]) -> list[str]:
    return ["| figure | measured | target |", "|---|---|---|", *(r.cells() for r in rows)]


def answers_rows(result: AnswersResult) -> list[Row]:
    """The answers benchmark against its targets."""
    ours, floor = result.ours, result.floor
    p99 = ours.percentile(0.99)
    return [
        Row(
            "answers per second",
            f"{ours.answers_per_second:.0f}",
            ">= 300",
            ours.answers_per_second >= 300,
        ),
        Row("latency p50", f"{ours.percentile(0.5):.0f} ms"),
        Row("latency p95", f"{ours.percentile(0.95):.0f} ms"),
        Row("latency p99", f"{p99:.0f} ms", "< 250 ms", p99 < 250),
        Row("bot CPU per answer", f"{ours.cpu_ms_per_answer:.2f} ms"),
        Row("floor bot CPU per answer", f"{floor.cpu_ms_per_answer:.2f} ms"),
        Row("CPU per answer / floor", f"{result.cpu_ratio:.2f}", "<= 2", result.cpu_ratio <= 2),
        Row(
            "bot peak RSS (VmHWM)",
            f"{ours.bot.high_water_rss_bytes / MIB:.0f} MiB",
            "< 300 MB",
            ours.bot.high_water_rss_bytes < 300e6,
        ),
    ]


def _load_detail(result: AnswersResult) -> list[str]:
    lines = [
        "| | wipbot | floor |",
        "|---|---|---|",
    ]
    pairs = [
        ("answers measured", lambda f: f"{f.answers}"),
        ("measured phase", lambda f: f"{f.seconds:.1f} s"),
        ("answers per second", lambda f: f"{f.answers_per_second:.0f}"),
        (
            "latency p50 / p95 / p99 / max",
            lambda f: (
                f"{f.percentile(0.5):.0f} / {f.percentile(0.95):.0f} / "
                f"{f.percentile(0.99):.0f} / {f.percentile(1.0):.0f} ms"
            ),
        ),
        ("bot CPU per answer", lambda f: f"{f.cpu_ms_per_answer:.2f} ms"),
        (
            "bot CPU (cores, of which event loop)",
            lambda f: f"{f.bot.cpu_share:.2f} ({f.bot.main_thread_cpu_seconds / f.seconds:.2f})",
        ),
        (
            "bot peak RSS: sampled / VmHWM",
            lambda f: (
                f"{f.bot.peak_rss_bytes / MIB:.0f} / {f.bot.high_water_rss_bytes / MIB:.0f} MiB"
            ),
        ),
        ("sandbox CPU (cores)", lambda f: f"{f.sandbox.cpu_share:.2f}"),
        ("load generator CPU (cores)", lambda f: f"{f.load_generator_cpu_share:.2f}"),
        ("other processes on the machine (cores)", lambda f: f"{f.others_cores:.2f}"),
        ("people who had to send /lanjut", lambda f: f"{f.retries}"),
    ]
    for label, show in pairs:
        lines.append(f"| {label} | {show(result.ours)} | {show(result.floor)} |")
    return lines


def broadcast_rows(runs: Sequence[BroadcastFigures]) -> list[Row]:
    """Each broadcast run against the targets."""
    rows = []
    for run in runs:
        label = f"bot rate {run.bot_rate_per_second:g}/s"
        rows += [
            Row(
                f"duration / (N / L), {label}",
                f"{run.seconds:.1f} s / {run.ideal_seconds:.1f} s = {run.ratio:.2f}",
                "<= 1.1",
                run.ratio <= 1.1,
            ),
            Row(f"lost, {label}", f"{run.lost}", "0", run.lost == 0),
            Row(f"duplicated, {label}", f"{run.duplicated}", "0", run.duplicated == 0),
            Row(f"429s refused by the sandbox, {label}", f"{run.refused_429}"),
        ]
    return rows


def export_rows(figures: ExportFigures) -> list[Row]:
    """The export against its target, with the floor beside it."""
    return [
        Row(
            "XLSX export, `wipbot-admin export --all` end to end",
            f"{figures.cli_xlsx_seconds:.1f} s",
            "< 10 s",
            figures.cli_xlsx_seconds < 10,
        ),
        Row(
            "XLSX export in process: read + build + write",
            f"{figures.read_seconds:.1f} + {figures.build_seconds:.1f} + "
            f"{figures.xlsx_write_seconds:.1f} = {figures.xlsx_seconds:.1f} s",
        ),
        Row(
            "CSV export, `wipbot-admin export --all --format csv`",
            f"{figures.cli_csv_seconds:.1f} s",
        ),
        Row(
            "CSV export in process: read + build + write",
            f"{figures.read_seconds:.1f} + {figures.build_seconds:.1f} + "
            f"{figures.csv_write_seconds:.1f} = {figures.csv_seconds:.1f} s",
        ),
        Row(
            "floor: pandas answers table (read, to_excel, to_csv)",
            f"{figures.floor_read_seconds:.1f} s, {figures.floor_xlsx_seconds:.1f} s, "
            f"{figures.floor_csv_seconds:.2f} s",
        ),
        Row("workbook size", f"{figures.xlsx_bytes / MIB:.1f} MiB"),
    ]


def render(
    machine: Machine,
    command: str,
    database: str,
    answers: AnswersResult | None,
    broadcasts: Sequence[BroadcastFigures],
    export: ExportFigures | None,
) -> str:
    """The generated part of docs/BENCHMARKS.md."""
    lines = [
        BEGIN,
        "",
        f"Run on {machine.date}: `{command}` at commit {machine.commit}.",
        "",
        f"Machine: {machine.cpu_model}, {machine.cores} cores, {machine.memory_gib:.1f} GiB RAM, "
        f"Python {machine.python}, SQLite {machine.sqlite}, {machine.system}. "
        f"Database: {database}.",
        "",
    ]
    if answers is not None:
        s = answers.settings
        lines += [
            f"### Answers: {s.people} participants in {s.workshops} workshops",
            "",
            f"Offered load {s.rate:g} answers/s (each person reads a question for "
            f"{0.5 * s.mean_think_seconds:.1f}-{1.5 * s.mean_think_seconds:.1f} s, then taps or "
            "types). Database checks after everyone submitted: "
            f"{answers.submitted} submitted, {answers.stored_answers} answers stored, "
            f"{answers.duplicate_answers} duplicated.",
            "",
            *_table(answers_rows(answers)),
            "",
            *_load_detail(answers),
            "",
        ]
        if answers.saturation is not None:
            sat = answers.saturation
            lines += [
                f"Capacity (no reading time, {sat.people} people answering as fast as the bot "
                f"lets them): {sat.answers_per_second:.0f} answers/s, p50 "
                f"{sat.percentile(0.5):.0f} ms, {sat.cpu_ms_per_answer:.2f} ms bot CPU per "
                f"answer, bot CPU {sat.bot.cpu_share:.2f} cores.",
                "",
            ]
    if broadcasts:
        first = broadcasts[0]
        lines += [
            f"### Broadcast: one announcement to {first.recipients} participants, "
            f"limit L = {first.limit_per_second:g} messages/s",
            "",
            *_table(broadcast_rows(broadcasts)),
            "",
        ]
    if export is not None:
        lines += [
            f"### Export: {export.participants} finished questionnaires, "
            f"{export.answer_rows} answers",
            "",
            *_table(export_rows(export)),
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


def write(path: Path, generated: str) -> None:
    """Replaces the generated part of the document, keeping the hand-written rest."""
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + generated + tail
    else:
        text = text.rstrip() + "\n\n" + generated + "\n"
    path.write_text(text)
