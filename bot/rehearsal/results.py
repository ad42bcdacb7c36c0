"""The rehearsal's closing results: the final export and the national report PDF, written
together from one reading of the workshop so that they print the same numbers."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.services.progress import WorkshopProgress

REPORT_NAME = "laporan.pdf"


@dataclass(frozen=True)
class FinalResults:
    """Where the final export and the report were written (report None: nothing scored)."""

    export_path: Path
    report_path: Path | None


async def write_final_results(
    progress: WorkshopProgress, out: Path, now: dt.datetime
) -> FinalResults:
    """Writes `hasil-akhir-<code>.xlsx` and `laporan.pdf` into `out`, in a worker thread."""
    return await asyncio.to_thread(_write, progress, out, now)


def _write(progress: WorkshopProgress, out: Path, now: dt.datetime) -> FinalResults:
    # pandas, matplotlib and reportlab load here: the rehearsal's day runs without them.
    from bot.reports.export import build_export, xlsx_bytes
    from bot.reports.research_frames import NothingToReport, report_bytes

    export_path = out / f"hasil-akhir-{progress.code}.xlsx"
    export_path.write_bytes(xlsx_bytes(build_export([progress], generated_at=now)))
    try:
        pdf = report_bytes([progress], lang="id", now=now)
    except NothingToReport:
        return FinalResults(export_path, None)
    report_path = out / REPORT_NAME
    report_path.write_bytes(pdf)
    return FinalResults(export_path, report_path)
