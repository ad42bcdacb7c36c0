"""An export ready to send from the bot: the workbook, the heatmap and its caption (with the
workshop's quality flags and agreement), and the research lines of /progres."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.formatting import format_number, local_time
from bot.i18n import LANGUAGES, t
from bot.message_limits import CAPTION_LIMIT, fits
from bot.questionnaire.scoring import band
from bot.questionnaire_cache import QuestionnaireCache
from bot.services.progress import StatusCounts, WorkshopProgress, load_progress_for


@dataclass(frozen=True)
class BuiltExport:
    """An export ready to send."""

    filename: str
    xlsx: bytes
    png: bytes
    index: float | None
    workshops: tuple[WorkshopProgress, ...]
    research: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Language -> the flags and agreement lines, for an export of one workshop."""

    @property
    def counts(self) -> StatusCounts:
        """Completion summed over the exported workshops."""
        people = [r for w in self.workshops for r in w.respondents]
        return StatusCounts.of(people)


async def build_export_for(
    read_sessions: async_sessionmaker[AsyncSession],
    questionnaires: QuestionnaireCache,
    workshop_ids: Sequence[int] | None,
    now: dt.datetime,
) -> BuiltExport | None:
    """Reads the workshops (None: all) and builds the workbook in a worker thread."""
    async with read_sessions() as session:
        workshops = await load_progress_for(session, questionnaires, workshop_ids, now)
    if not workshops:
        return None

    def build() -> BuiltExport:
        # pandas and matplotlib load on first use: the bot starts without them.
        from bot.reports.export import build_export, export_filename, xlsx_bytes
        from bot.reports.research_frames import live_lines

        export = build_export(workshops, generated_at=now)
        research = {}
        if len(workshops) == 1:  # a facilitator's workshop: who to talk to before closing
            research = {lang: live_lines(workshops[0], lang) for lang in LANGUAGES}
        return BuiltExport(
            filename=export_filename(export, now),
            xlsx=xlsx_bytes(export),
            png=export.heatmap_png,
            index=export.index,
            workshops=tuple(workshops),
            research=research,
        )

    # Building takes a second or more: off the event loop, so answers keep flowing.
    return await asyncio.to_thread(build)


async def research_lines(workshop: WorkshopProgress, lang: str) -> tuple[str, str]:
    """The workshop's quality flags and agreement in two lines, for /progres; computed in
    a worker thread (flags and alpha take pandas work), so answers keep flowing."""

    def build() -> tuple[str, str]:
        from bot.reports.research_frames import live_lines

        return live_lines(workshop, lang)

    return await asyncio.to_thread(build)


def export_caption(built: BuiltExport, lang: str, now: dt.datetime) -> str:
    """The completion summary and provisional index sent with the document."""
    counts = built.counts
    first = built.workshops[0]
    scope = first.code if len(built.workshops) == 1 else t("export_all_scope", lang)
    if built.index is None:
        index = t("export_no_index", lang)
    else:
        found = band(built.index)
        index = t(
            "export_index",
            lang,
            index=format_number(built.index, lang, digits=2),
            band=found.label.get(lang),
        )
    caption = t(
        "export_caption",
        lang,
        scope=scope,
        time=local_time(now, first.zone, lang),
        submitted=counts.submitted,
        in_progress=counts.in_progress,
        not_started=counts.not_started,
        total=counts.total,
        index=index,
    )
    lines = built.research.get(lang)
    if lines:
        with_research = caption + "\n" + "\n".join(lines)
        if fits(with_research, CAPTION_BUDGET):
            return with_research
    return caption


CAPTION_BUDGET = CAPTION_LIMIT - 200
"""What the caption may take: the export before closing puts its line above it."""
