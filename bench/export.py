"""The export benchmark: 1,400 finished questionnaires exported as XLSX and CSV.

Timed in this process, phase by phase (reading the database, building the sheets,
writing), and end to end as an organiser runs it (`wipbot-admin export --all`, a new
process). The floor is plain pandas writing the same answers table, one row per stored
answer, with `DataFrame.to_excel` (openpyxl) and `to_csv`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from bench.databases import fresh_database
from bench.seeding import seed_event, seed_finished_answers
from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.export import build_export, write_csv_folder, xlsx_bytes
from bot.services.progress import load_progress_for
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Participant, Response


@dataclass(frozen=True)
class ExportFigures:
    """Seconds spent per phase, and the end-to-end runs of the admin script."""

    participants: int
    answer_rows: int
    read_seconds: float
    build_seconds: float
    xlsx_write_seconds: float
    csv_write_seconds: float
    xlsx_bytes: int
    cli_xlsx_seconds: float
    cli_csv_seconds: float
    floor_read_seconds: float
    floor_xlsx_seconds: float
    floor_csv_seconds: float

    @property
    def xlsx_seconds(self) -> float:
        """Read + build + write XLSX, in process."""
        return self.read_seconds + self.build_seconds + self.xlsx_write_seconds

    @property
    def csv_seconds(self) -> float:
        """Read + build + write CSV, in process."""
        return self.read_seconds + self.build_seconds + self.csv_write_seconds


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def _read_progress(db_url: str, now: dt.datetime) -> list:  # type: ignore[type-arg]
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            return await load_progress_for(session, QuestionnaireCache(), None, now)
    finally:
        await engine.dispose()


async def _read_answers_table(db_url: str) -> pd.DataFrame:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            rows = (
                await session.execute(
                    select(
                        Participant.pseudonym,
                        Participant.arena,
                        Answer.question_id,
                        Answer.status,
                        Answer.value,
                        Answer.answered_at,
                    )
                    .join(Response, Response.participant_id == Participant.id)
                    .join(Answer, Answer.response_id == Response.id)
                    .order_by(Participant.pseudonym, Answer.id)
                )
            ).all()
    finally:
        await engine.dispose()
    frame = pd.DataFrame(
        [tuple(row) for row in rows],
        columns=["pseudonym", "arena", "question_id", "status", "value", "answered_at"],
    )
    # Excel cannot hold zoned datetimes or lists; the export writes such cells as text too.
    frame["answered_at"] = frame["answered_at"].map(lambda at: at.isoformat())
    frame["value"] = frame["value"].map(lambda v: ";".join(v) if isinstance(v, list) else v)
    return frame


async def _cli(db_url: str, *arguments: str) -> float:
    env = {**os.environ, "WIPBOT_DATABASE_URL": db_url}
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "admin.cli",
        "export",
        *arguments,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"wipbot-admin export failed:\n{out.decode()}\n{err.decode()}")
    return seconds


def _timed(work: object) -> float:
    started = time.perf_counter()
    assert callable(work)
    work()
    return time.perf_counter() - started


async def run_export_benchmark(
    workdir: Path, *, people: int, workshops: int, postgres_server: str | None = None
) -> ExportFigures:
    """Seeds finished questionnaires and times every way of exporting them."""
    async with fresh_database(workdir, postgres_server) as db_url:
        _say(f"export: seeding {people} finished questionnaires in {workshops} workshops")
        event = await seed_event(db_url, workshops=workshops, people=people)
        rows = await seed_finished_answers(db_url, event)
        now = dt.datetime.now(dt.UTC)

        started = time.perf_counter()
        progress = await _read_progress(db_url, now)
        read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        export = build_export(progress, generated_at=now)
        build_seconds = time.perf_counter() - started
        started = time.perf_counter()
        workbook = xlsx_bytes(export)
        xlsx_write_seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory(dir=workdir) as folder:
            csv_write_seconds = _timed(lambda: write_csv_folder(export, Path(folder) / "csv"))
            _say("export: the admin script, end to end")
            cli_xlsx = await _cli(db_url, "--all", "--out", str(Path(folder) / "all.xlsx"))
            cli_csv = await _cli(
                db_url, "--all", "--format", "csv", "--out", str(Path(folder) / "all-csv")
            )
            _say("export: the pandas floor")
            started = time.perf_counter()
            table = await _read_answers_table(db_url)
            floor_read = time.perf_counter() - started
            floor_xlsx = _timed(
                lambda: table.to_excel(Path(folder) / "floor.xlsx", index=False, engine="openpyxl")
            )
            floor_csv = _timed(lambda: table.to_csv(Path(folder) / "floor.csv", index=False))
    return ExportFigures(
        participants=people,
        answer_rows=rows,
        read_seconds=read_seconds,
        build_seconds=build_seconds,
        xlsx_write_seconds=xlsx_write_seconds,
        csv_write_seconds=csv_write_seconds,
        xlsx_bytes=len(workbook),
        cli_xlsx_seconds=cli_xlsx,
        cli_csv_seconds=cli_csv,
        floor_read_seconds=floor_read,
        floor_xlsx_seconds=floor_xlsx,
        floor_csv_seconds=floor_csv,
    )
