"""`wipbot-admin report`: the national report PDF (ranking, a page per province, methods)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from admin.errors import AdminError
from admin.workshop_lookup import find_workshop
from bot.questionnaire.scoring import Weights
from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.research_frames import NothingToReport
from bot.reports.research_frames import report_bytes as national_report_bytes
from bot.research.results import ResearchSettings
from bot.research.texts import LANGUAGES
from bot.research.uncertainty import DEFAULT_RESAMPLES, DEFAULT_SEED
from bot.research.weights import WeightsError, load_weights
from bot.services.progress import WorkshopProgress, load_progress_for
from bot.settings import Settings
from storage.db import create_engine, create_session_factory


def register(commands: Any) -> None:
    """Adds the `report` command."""
    parser = commands.add_parser(
        "report",
        help="the national report PDF: ranking, a page per province, methods",
        description=(
            "Writes a PDF for researchers: provinces ranked by index with a 95% bootstrap "
            "interval and band, one page per province (heatmap, profile against the "
            "national average, completion, agreement, quality flags) and a methods page. "
            "The scores are the export's, to the last decimal."
        ),
    )
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--workshop", help="workshop code (e.g. ID-JA-2026-12-03) or id")
    scope.add_argument("--all", action="store_true", help="every workshop")
    parser.add_argument("--out", required=True, type=Path, help="the .pdf file to write")
    parser.add_argument("--lang", choices=LANGUAGES, default="id", help="id (default) or en")
    parser.add_argument(
        "--weights",
        type=Path,
        help="a YAML or CSV weights file (default: the IGI 2012 weights)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="bootstrap seed")
    parser.add_argument(
        "--resamples", type=int, default=DEFAULT_RESAMPLES, help="bootstrap resamples"
    )
    parser.set_defaults(handler=_report)


async def _load(settings: Settings, workshop: str | None, now: datetime) -> list[WorkshopProgress]:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            ids = None if workshop is None else [(await find_workshop(session, workshop)).id]
            return await load_progress_for(session, QuestionnaireCache(), ids, now)
    finally:
        await engine.dispose()


def _report(args: argparse.Namespace, settings: Settings) -> int:
    out: Path = args.out
    if out.is_dir():
        raise AdminError(f"{out} is a folder; give a file name such as laporan.pdf.")
    if out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    if args.resamples < 1:
        raise AdminError(f"--resamples must be 1 or more, not {args.resamples}.")
    try:
        weights = load_weights(args.weights) if args.weights else Weights.default()
    except WeightsError as exc:
        raise AdminError(str(exc)) from None
    now = datetime.now(UTC)
    workshops = asyncio.run(_load(settings, None if args.all else args.workshop, now))
    research = ResearchSettings(
        weights=weights,
        weights_source=args.weights.name if args.weights else None,
        resamples=args.resamples,
        seed=args.seed,
    )
    pdf = report_bytes(workshops, lang=args.lang, now=now, settings=research)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    print(f"Wrote the report on {len(workshops)} workshop(s) to {out}")
    return 0


def report_bytes(
    workshops: Sequence[WorkshopProgress],
    *,
    lang: str,
    now: datetime,
    settings: ResearchSettings | None = None,
) -> bytes:
    """The national report PDF of workshops read by `load_progress_for`; AdminError when
    there is nothing to report yet."""
    if not workshops:
        raise AdminError("There are no workshops to report on.")
    try:
        return national_report_bytes(workshops, lang=lang, now=now, settings=settings)
    except NothingToReport:
        raise AdminError(
            "No scored answers yet in the chosen workshop(s): nothing to report."
        ) from None
