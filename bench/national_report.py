"""The national report benchmark: 38 workshops x 36 people, synthetic and seeded.

Builds answers and completion frames shaped like the export's sheets (48 scale items, 12
per arena, two per arena x principle cell), with a few straight-liners and "don't know"
respondents per workshop, then times the research results and the PDF. Target: under
60 s. Run with `python -m bench.national_report [--workshops N] [--people N]`; `make bench`
(`python -m bench.run`) runs it as its `national` part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bot.research.frames import ANSWER_COLUMNS, ARENAS, PRINCIPLES
from bot.research.paradata import paradata_from_answer_times
from bot.research.pdf import report_pdf
from bot.research.results import PARADATA_FROM_ANSWER_TIMES, research_results

PROVINCES = (
    ("ID-AC", "Aceh"), ("ID-SU", "Sumatera Utara"), ("ID-SB", "Sumatera Barat"),
    ("ID-RI", "Riau"), ("ID-KR", "Kepulauan Riau"), ("ID-JA", "Jambi"),
    ("ID-SS", "Sumatera Selatan"), ("ID-BB", "Kepulauan Bangka Belitung"),
    ("ID-BE", "Bengkulu"), ("ID-LA", "Lampung"), ("ID-JK", "DKI Jakarta"),
    ("ID-JB", "Jawa Barat"), ("ID-BT", "Banten"), ("ID-JT", "Jawa Tengah"),
    ("ID-YO", "DI Yogyakarta"), ("ID-JI", "Jawa Timur"), ("ID-KB", "Kalimantan Barat"),
    ("ID-KT", "Kalimantan Tengah"), ("ID-KS", "Kalimantan Selatan"),
    ("ID-KI", "Kalimantan Timur"), ("ID-KU", "Kalimantan Utara"), ("ID-BA", "Bali"),
    ("ID-NB", "Nusa Tenggara Barat"), ("ID-NT", "Nusa Tenggara Timur"),
    ("ID-SA", "Sulawesi Utara"), ("ID-GO", "Gorontalo"), ("ID-ST", "Sulawesi Tengah"),
    ("ID-SR", "Sulawesi Barat"), ("ID-SN", "Sulawesi Selatan"),
    ("ID-SG", "Sulawesi Tenggara"), ("ID-MA", "Maluku"), ("ID-MU", "Maluku Utara"),
    ("ID-PA", "Papua"), ("ID-PB", "Papua Barat"), ("ID-PS", "Papua Selatan"),
    ("ID-PT", "Papua Tengah"), ("ID-PE", "Papua Pegunungan"), ("ID-PD", "Papua Barat Daya"),
)  # fmt: skip
ITEMS_PER_CELL = 2
WORDS_PER_QUESTION = 20
START = dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC)
TARGET_SECONDS = 60.0


def synthetic_round(
    workshops: int = 38, people: int = 36, seed: int = 2026
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Answers and completion frames for a synthetic round (seeded)."""
    rng = np.random.default_rng(seed)
    questions = [
        (f"{a[0].upper()}{PRINCIPLES.index(p) + 1}{i + 1}", a, p)
        for a in ARENAS
        for p in PRINCIPLES
        for i in range(ITEMS_PER_CELL)
    ]
    answers: list[tuple[object, ...]] = []
    completion: list[dict[str, object]] = []
    for w in range(workshops):
        code, name = PROVINCES[w % len(PROVINCES)]
        workshop = f"{code}-2026-12-{3 + w % 20:02d}" if w < len(PROVINCES) else f"{code}-{w}"
        level = rng.uniform(4.0, 7.5)
        cell_shift = {(a, p): rng.normal(0, 0.8) for a in ARENAS for p in PRINCIPLES}
        for n in range(people):
            pseudonym = f"{code[3:]}-{n + 1:03d}"
            arena = ARENAS[n % 4]
            kind = "straight" if n == 5 else "dont_know" if n == 11 else "honest"
            leniency = rng.normal(0, 0.7)
            at = START
            for qid, q_arena, principle in questions:
                if kind == "straight":
                    status, score = "answered", 7.0
                elif rng.random() < (0.7 if kind == "dont_know" else 0.06):
                    status, score = "dont_know", None
                else:
                    raw = level + cell_shift[(q_arena, principle)] + leniency + rng.normal(0, 1.2)
                    status, score = "answered", float(min(10, max(1, round(raw))))
                at += dt.timedelta(seconds=float(rng.uniform(8, 40)))
                answers.append(
                    (code, name, workshop, pseudonym, arena, qid, "scale", q_arena, principle,
                     status, score, at.isoformat(timespec="seconds"))
                )  # fmt: skip
            completion.append(
                {
                    "workshop": workshop,
                    "participant": pseudonym,
                    "status": "submitted" if n < people - 2 else "in_progress",
                }
            )
    return (
        pd.DataFrame.from_records(answers, columns=list(ANSWER_COLUMNS)),
        pd.DataFrame.from_records(completion),
    )


@dataclass(frozen=True)
class NationalFigures:
    """The national report benchmark's timings."""

    workshops: int
    people: int
    answer_rows: int
    resamples: int
    statistics_seconds: float
    pdf_seconds: float
    pdf_bytes: int
    pages: int

    @property
    def total_seconds(self) -> float:
        """Statistics and PDF, what a researcher waits for (the synthetic frames aside)."""
        return self.statistics_seconds + self.pdf_seconds


def run_national_benchmark(
    workshops: int = 38, people: int = 36, out: Path | None = None
) -> NationalFigures:
    """Times the research results and the PDF of a synthetic round; keeps the PDF in `out`."""
    answers, completion = synthetic_round(workshops, people)
    built = time.perf_counter()
    # The stand-in paradata from answer times, as for answers stored before paradata was.
    words = dict.fromkeys(answers["question_id"].unique(), WORDS_PER_QUESTION)
    results = research_results(
        answers,
        completion=completion,
        paradata=paradata_from_answer_times(answers, words),
        paradata_source=PARADATA_FROM_ANSWER_TIMES,
    )
    computed = time.perf_counter()
    pdf = report_pdf(results, lang="id", generated_at=START)
    rendered = time.perf_counter()
    if out is not None:
        out.write_bytes(pdf)
    return NationalFigures(
        workshops=workshops,
        people=people,
        answer_rows=len(answers),
        resamples=results.settings.resamples,
        statistics_seconds=computed - built,
        pdf_seconds=rendered - computed,
        pdf_bytes=len(pdf),
        pages=pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages"),
    )


def national_section(figures: NationalFigures) -> list[str]:
    """The national report's part of docs/BENCHMARKS.md's generated section."""
    total = figures.total_seconds
    mark = "✅" if total < TARGET_SECONDS else "❌"
    return [
        f"### National report: {figures.workshops} workshops x {figures.people} people, "
        f"{figures.answer_rows} answer rows (synthetic, seeded)",
        "",
        "| figure | measured | target |",
        "|---|---|---|",
        f"| statistics (flags, bootstrap x{figures.resamples}, alpha, crosstabs) "
        f"| {figures.statistics_seconds:.1f} s | |",
        f"| PDF ({figures.pages} pages, {figures.pdf_bytes / 2**20:.1f} MiB) "
        f"| {figures.pdf_seconds:.1f} s | |",
        f"| national report, statistics + PDF | {total:.1f} s | < {TARGET_SECONDS:.0f} s {mark} |",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    """Times the national report for a synthetic round and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workshops", type=int, default=38)
    parser.add_argument("--people", type=int, default=36)
    parser.add_argument("--out", type=Path, default=None, help="keep the PDF here")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp()) / "laporan.pdf"
    figures = run_national_benchmark(args.workshops, args.people, out)
    print("\n".join(national_section(figures)))
    print(f"PDF: {out}")
    return 0 if figures.total_seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
