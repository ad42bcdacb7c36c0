"""`make bench`: run the benchmarks and write docs/BENCHMARKS.md.

python -m bench.run                 # full: 1,400 people in 38 workshops (a few minutes)
python -m bench.run --quick         # 200 people in 4 workshops; prints, writes nothing
python -m bench.run --postgres postgresql://postgres@127.0.0.1:5432/test
python -m bench.run --only answers,export
python -m bench.run --only workers --postgres URL   # several webhook workers (PostgreSQL only)
python -m bench.run --only size     # CPU per answer at 200, 700 and 1,400 people (bench/size.py)
python -m bench.run --only micro    # the answer path in process against the floor (bench/micro.py)
python -m bench.run --only xlsx        # XLSX writers side by side (bench/xlsx_writers.py);
                                       # not in the default run, printed, not written
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.answers import AnswersResult, LoadSettings, run_answers_benchmark
from bench.broadcast import BroadcastFigures, run_broadcast_benchmark
from bench.export import ExportFigures, run_export_benchmark
from bench.machine import Machine
from bench.micro import micro_section, run_micro
from bench.national_report import NationalFigures, national_section, run_national_benchmark
from bench.report import END, render, write
from bench.size import SizeResult, run_size_benchmark, size_section
from bench.workers import run_workers_benchmark, workers_section
from bench.xlsx_writers import render as render_xlsx_writers
from bench.xlsx_writers import run_xlsx_writers_benchmark

DOC = Path("docs/BENCHMARKS.md")
PARTS = ("answers", "broadcast", "export", "national", "size", "workers", "micro")
OPTIONAL_PARTS = ("xlsx",)
"""Asked for by name in --only; their sections are printed for the hand-written part."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200 people, 4 workshops")
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--workshops", type=int, default=None)
    parser.add_argument("--rate", type=float, default=350.0, help="answers/s offered")
    parser.add_argument("--postgres", metavar="SERVER_URL", default=None)
    parser.add_argument("--limit", type=float, default=30.0, help="sandbox messages/s (L)")
    parser.add_argument(
        "--broadcast-rates",
        default="28",
        help="comma-separated WIPBOT_BROADCAST_RATE values to try (default: the bot's, 28)",
    )
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts of {', '.join(PARTS + OPTIONAL_PARTS)}",
    )
    parser.add_argument("--out", type=Path, default=None, help=f"default {DOC} (not --quick)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep logs and files here")
    return parser


async def _run_size(args: argparse.Namespace, workdir: Path) -> SizeResult | None:
    if "size" not in {p.strip() for p in args.only.split(",")}:
        return None
    return await run_size_benchmark(workdir, postgres_server=args.postgres)


async def _run(
    args: argparse.Namespace, workdir: Path
) -> tuple[AnswersResult | None, list[BroadcastFigures], ExportFigures | None]:
    people = args.people or (200 if args.quick else 1400)
    workshops = args.workshops or (4 if args.quick else 38)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    answers: AnswersResult | None = None
    export: ExportFigures | None = None
    broadcasts: list[BroadcastFigures] = []
    if "answers" in parts:
        settings = LoadSettings(
            people=people, workshops=workshops, rate=args.rate, postgres_server=args.postgres
        )
        answers = await run_answers_benchmark(settings, workdir)
    if "broadcast" in parts:
        for rate in (float(r) for r in args.broadcast_rates.split(",")):
            broadcasts.append(
                await run_broadcast_benchmark(
                    workdir,
                    people=people,
                    workshops=workshops,
                    limit=args.limit,
                    bot_rate=rate,
                    postgres_server=args.postgres,
                )
            )
    if "export" in parts:
        export = await run_export_benchmark(
            workdir, people=people, workshops=workshops, postgres_server=args.postgres
        )
    return answers, broadcasts, export


def _national(args: argparse.Namespace) -> NationalFigures | None:
    """The national report of 38 workshops x 36 people (4 with --quick), in process."""
    if "national" not in {p.strip() for p in args.only.split(",")}:
        return None
    return run_national_benchmark(workshops=args.workshops or (4 if args.quick else 38))


def _micro(args: argparse.Namespace) -> list[str]:
    """The part "micro": the answer path in process against the floor, on SQLite and, with
    --postgres, on PostgreSQL."""
    if "micro" not in {p.strip() for p in args.only.split(",")}:
        return []
    servers = [None] + ([args.postgres] if args.postgres else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="wipbot-bench-micro-") as folder:
        for server in servers:
            results.append(asyncio.run(run_micro(Path(folder), postgres=server)))
    return micro_section(results)


def _workers(args: argparse.Namespace) -> list[str]:
    """The part "workers": two webhook workers share one PostgreSQL, so only with --postgres."""
    if "workers" not in {p.strip() for p in args.only.split(",")}:
        return []
    if not args.postgres:
        print(
            "workers: not run (several workers need PostgreSQL: pass --postgres)", file=sys.stderr
        )
        return ["### Several webhook workers on PostgreSQL", "", "Not run: needs --postgres.", ""]
    if args.workdir is not None:
        result = asyncio.run(
            run_workers_benchmark(args.workdir, postgres_server=args.postgres, quick=args.quick)
        )
    else:
        with tempfile.TemporaryDirectory(prefix="wipbot-bench-workers-") as folder:
            result = asyncio.run(
                run_workers_benchmark(Path(folder), postgres_server=args.postgres, quick=args.quick)
            )
    return workers_section(result)


def _run_xlsx_writers(args: argparse.Namespace, command: str) -> None:
    people = args.people or (200 if args.quick else 1400)
    workshops = args.workshops or (4 if args.quick else 38)
    with tempfile.TemporaryDirectory(prefix="wipbot-xlsx-") as folder:
        results = run_xlsx_writers_benchmark(Path(folder), people=people, workshops=workshops)
    print(render_xlsx_writers(results, f"{people} people in {workshops} workshops", command))


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the chosen benchmarks and writes (or prints) the report."""
    args = _parser().parse_args(argv)
    command = "python -m bench.run " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    machine = Machine.describe()
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    if "xlsx" in parts:
        _run_xlsx_writers(args, command)
        if not parts & set(PARTS):
            return 0
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results = asyncio.run(_run(args, args.workdir))
        size = asyncio.run(_run_size(args, args.workdir))
    else:
        with tempfile.TemporaryDirectory(prefix="wipbot-bench-") as folder:
            results = asyncio.run(_run(args, Path(folder)))
            size = asyncio.run(_run_size(args, Path(folder)))
    database = "PostgreSQL" if args.postgres else "SQLite (WAL, file)"
    generated = render(machine, command.strip(), database, *results)
    if size is not None:
        generated = generated.replace(END, "\n".join(size_section(size)) + END)
    national = _national(args)
    if national is not None:  # its section goes last, before the generated part's end
        generated = generated.replace(END, "\n".join(national_section(national)) + END)
    micro = _micro(args)
    if micro:
        generated = generated.replace(END, "\n".join(micro) + END)
    workers = _workers(args)
    if workers:
        generated = generated.replace(END, "\n".join(workers) + END)
    out = args.out if args.out is not None else (None if args.quick else DOC)
    if out is None:
        print(generated)
    else:
        write(out, generated)
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
