"""The research inputs of some workshops (answers, completion, stored paradata, last calls),
the results and national report PDF computed from them, and the export's research sheets.

Shared by `wipbot-admin report`, the rehearsal, the export and the facilitators' /progres,
so the PDF, the XLSX and the chat print the same numbers from the same frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from bot.questionnaire.model import DEFAULT_LANGUAGE
from bot.questionnaire.relevance import effective_answers
from bot.reports.sheets import answers_frame, completion_frame
from bot.research.agreement import agreement, item_statistics
from bot.research.flags import FlagRules, explanation_rows, quality_flags
from bot.research.frames import PARADATA_COLUMNS
from bot.research.live import progress_lines
from bot.research.paradata import (
    PARADATA_SHEET_COLUMNS,
    net_seconds,
    paradata_from_answer_times,
    words_to_read,
)
from bot.research.results import (
    PARADATA_FROM_ANSWER_TIMES,
    PARADATA_STORED,
    ResearchResults,
    ResearchSettings,
    research_results,
)
from bot.services.progress import WorkshopProgress

RESEARCH_SHEETS = ("paradata", "flags", "flag_rules", "agreement", "items")
"""The export's research sheets, in order, after its other sheets."""


class NothingToReport(ValueError):
    """The workshops have no scored answer yet (or there are none)."""


@dataclass(frozen=True)
class ResearchInputs:
    """The frames the research package takes, read from the workshops."""

    answers: pd.DataFrame
    completion: pd.DataFrame
    paradata: pd.DataFrame
    """The paradata sheet (PARADATA_SHEET_COLUMNS), one row per effective answer."""
    last_calls: dict[str, datetime]

    def timing(self) -> tuple[pd.DataFrame, str]:
        """The flags' paradata (PARADATA_COLUMNS) and where it comes from: the stored
        times, or, for answers stored before paradata was (none has a shown time), the
        gaps between a person's answers."""
        timed = self.paradata[self.paradata["seconds"].notna()]
        if len(timed):
            frame = timed.loc[:, list(PARADATA_COLUMNS)].reset_index(drop=True)
            return frame.astype({"seconds": float}), PARADATA_STORED
        words = dict(zip(self.paradata["question_id"], self.paradata["words"], strict=True))
        return paradata_from_answer_times(self.answers, words), PARADATA_FROM_ANSWER_TIMES


def research_inputs(workshops: Sequence[WorkshopProgress]) -> ResearchInputs:
    """Reads the research frames off workshops loaded by `load_progress_for`."""
    return ResearchInputs(
        answers=answers_frame(workshops),
        completion=completion_frame(workshops),
        paradata=paradata_frame(workshops),
        last_calls={w.code: w.closing_starts_at for w in workshops if w.closing_starts_at},
    )


def paradata_frame(workshops: Sequence[WorkshopProgress]) -> pd.DataFrame:
    """One row per effective answer, in the answers sheet's order: when its question was
    shown and answered (local ISO time), seconds on screen net of the focus groups and
    plenaries, how it was given, how often changed, the language and the words to read."""
    records: list[tuple[object, ...]] = []
    for workshop in workshops:
        zone = ZoneInfo(workshop.zone)
        questionnaire = workshop.questionnaire
        for respondent in sorted(workshop.respondents, key=lambda r: r.participant.pseudonym):
            stored = respondent.answers
            for question_id in effective_answers(questionnaire, respondent.state.answers):
                given = stored[question_id]
                answered_at = given.given_at
                language = given.language or respondent.participant.language or DEFAULT_LANGUAGE
                seconds = (
                    net_seconds(given.shown_at, answered_at, workshop.pauses)
                    if given.shown_at is not None
                    else None
                )
                records.append(
                    (
                        workshop.code,
                        respondent.participant.pseudonym,
                        question_id,
                        _local(given.shown_at, zone),
                        _local(answered_at, zone),
                        seconds,
                        given.method,
                        given.change_count,
                        language,
                        words_to_read(questionnaire.question(question_id), language),
                    )
                )
    return pd.DataFrame.from_records(records, columns=list(PARADATA_SHEET_COLUMNS))


def results_of(inputs: ResearchInputs, settings: ResearchSettings | None = None) -> ResearchResults:
    """Every result of the national report, from the workshops' frames."""
    if inputs.answers.empty or not inputs.answers["score"].notna().any():
        raise NothingToReport("no scored answers yet")
    timing, source = inputs.timing()
    return research_results(
        inputs.answers,
        settings=settings or ResearchSettings(),
        completion=inputs.completion,
        paradata=timing,
        paradata_source=source,
        last_calls=inputs.last_calls,
    )


def report_bytes(
    workshops: Sequence[WorkshopProgress],
    *,
    lang: str,
    now: datetime,
    settings: ResearchSettings | None = None,
) -> bytes:
    """The national report PDF of the workshops; NothingToReport without scored answers."""
    # reportlab loads here, not with the export: the bot builds exports, never reports.
    from bot.research.pdf import report_pdf

    if not workshops:
        raise NothingToReport("no workshops")
    results = results_of(research_inputs(workshops), settings)
    return report_pdf(results, lang=lang, generated_at=now)


def research_sheets(
    workshops: Sequence[WorkshopProgress], rules: FlagRules | None = None
) -> dict[str, pd.DataFrame]:
    """The export's research sheets: paradata, the flags per respondent and what they
    mean, alpha per arena block, and each question's statistics. Flags mark, never drop."""
    inputs = research_inputs(workshops)
    timing, _source = inputs.timing()
    flags = quality_flags(inputs.answers, timing, inputs.last_calls, rules)
    rules_frame = pd.DataFrame(explanation_rows(rules), columns=["flag", "meaning"])
    return {
        "paradata": inputs.paradata,
        "flags": flags,
        "flag_rules": rules_frame,
        "agreement": agreement(inputs.answers),
        "items": item_statistics(inputs.answers),
    }


def live_lines(workshop: WorkshopProgress, lang: str) -> tuple[str, str]:
    """The flags line and the agreement line a facilitator sees in /progres."""
    inputs = research_inputs([workshop])
    timing, _source = inputs.timing()
    return progress_lines(
        inputs.answers, lang=lang, paradata=timing, last_call=workshop.closing_starts_at
    )


def _local(instant: datetime | None, zone: ZoneInfo) -> str | None:
    return instant.astimezone(zone).isoformat(timespec="seconds") if instant else None
