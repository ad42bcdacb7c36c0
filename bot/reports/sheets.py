"""The export's tidy sheets as pandas frames: answers, responses, completion, roster, about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from bot.questionnaire.model import (
    AnswerStatus,
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
)
from bot.questionnaire.relevance import effective_answers
from bot.reports.categories import MIN_GROUP, coarse_categories
from bot.services.progress import RespondentProgress, WorkshopProgress

ALL_SCOPE = "ALL"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DONT_KNOW_CODE = "DK"
SKIPPED_CODE = "SKIP"


def answers_frame(workshops: Sequence[WorkshopProgress]) -> pd.DataFrame:
    """One row per effective answer, in participant then form order."""
    # Rows as tuples in _ANSWER_COLUMNS order. What depends only on the question and the
    # answer (section to score) is worked out once per distinct answer: a national export
    # has ~80,000 rows but a few thousand distinct answers.
    records: list[tuple[Any, ...]] = []
    append = records.append
    groups = coarse_categories(workshops)
    for workshop in workshops:
        zone, zone_name = ZoneInfo(workshop.zone), workshop.zone
        questionnaire = workshop.questionnaire
        readings: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        place = (workshop.province_code, workshop.province_name, workshop.code)
        for respondent in _by_pseudonym(workshop.respondents):
            participant = respondent.participant
            who = (*place, participant.pseudonym, participant.arena, groups[participant.id])
            stored = respondent.answers
            effective = effective_answers(questionnaire, respondent.state.answers)
            for question_id, answer in effective.items():
                status, value = answer.status, answer.value
                key = (question_id, status, type(value), value)
                reading = readings.get(key)
                if reading is None:
                    reading = readings[key] = _answer_reading(
                        questionnaire.question(question_id), status, value
                    )
                given = stored[question_id]
                append(
                    (
                        *who,
                        *reading,
                        given.given_at.astimezone(zone).isoformat(timespec="seconds"),
                        zone_name,
                        given.change_count,
                    )
                )
    return pd.DataFrame.from_records(records, columns=_ANSWER_COLUMNS)


def _answer_reading(
    question: Question, status: AnswerStatus, value: AnswerValue | None
) -> tuple[Any, ...]:
    """The answers sheet's columns from section to score."""
    return (
        question.section_id,
        question.id,
        question.type.value,
        question.indicator,
        question.arena.value if question.arena else None,
        question.principle.value if question.principle else None,
        status.value,
        _cell_value(value),
        value_label(question, status, value),
        status is AnswerStatus.DONT_KNOW,
        _score_value(question, status, value),
    )


_ANSWER_COLUMNS = [
    "province",
    "province_name",
    "workshop",
    "participant",
    "respondent_arena",
    "respondent_category",
    "section",
    "question_id",
    "question_type",
    "indicator",
    "question_arena",
    "principle",
    "status",
    "value",
    "value_label",
    "dont_know",
    "score",
    "answered_at",
    "zone",
    "changes",
]


def responses_frame(workshops: Sequence[WorkshopProgress]) -> pd.DataFrame:
    """One row per participant, one column per question (form order; DK / SKIP codes)."""
    question_ids = _question_columns(w.questionnaire for w in workshops)
    records: list[dict[str, Any]] = []
    groups = coarse_categories(workshops)
    for workshop in workshops:
        questionnaire = workshop.questionnaire
        for respondent in _by_pseudonym(workshop.respondents):
            effective = effective_answers(questionnaire, respondent.state.answers)
            record: dict[str, Any] = {
                "province": workshop.province_code,
                "workshop": workshop.code,
                "participant": respondent.participant.pseudonym,
                "respondent_arena": respondent.participant.arena,
                "respondent_category": groups[respondent.participant.id],
                "status": respondent.status.value,
            }
            for question_id in question_ids:
                answer = effective.get(question_id)
                if answer is None:
                    record[question_id] = None
                elif answer.status is AnswerStatus.DONT_KNOW:
                    record[question_id] = DONT_KNOW_CODE
                elif answer.status is AnswerStatus.SKIPPED:
                    record[question_id] = SKIPPED_CODE
                else:
                    record[question_id] = _cell_value(answer.value)
            records.append(record)
    columns = [
        "province",
        "workshop",
        "participant",
        "respondent_arena",
        "respondent_category",
        "status",
        *question_ids,
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def completion_frame(workshops: Sequence[WorkshopProgress]) -> pd.DataFrame:
    """Status, counts and local times per participant."""
    records: list[dict[str, Any]] = []
    groups = coarse_categories(workshops)
    for workshop in workshops:
        zone = ZoneInfo(workshop.zone)
        for respondent in _by_pseudonym(workshop.respondents):
            participant = respondent.participant
            records.append(
                {
                    "province": workshop.province_code,
                    "workshop": workshop.code,
                    "participant": participant.pseudonym,
                    "respondent_arena": participant.arena,
                    "respondent_category": groups[participant.id],
                    "status": respondent.status.value,
                    "answered": respondent.answered,
                    "relevant": respondent.relevant,
                    "bound": participant.bound,
                    "unreachable": participant.unreachable_at is not None,
                    "language": participant.language,
                    "consent_at": _local(participant.consent_at, zone),
                    "started_at": _local(respondent.started_at, zone),
                    "last_activity_at": _local(respondent.last_activity_at, zone),
                    "submitted_at": _local(respondent.submitted_at, zone),
                    "zone": workshop.zone,
                }
            )
    columns = [
        "province",
        "workshop",
        "participant",
        "respondent_arena",
        "respondent_category",
        "status",
        "answered",
        "relevant",
        "bound",
        "unreachable",
        "language",
        "consent_at",
        "started_at",
        "last_activity_at",
        "submitted_at",
        "zone",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def roster_frame(workshops: Sequence[WorkshopProgress]) -> pd.DataFrame:
    """Names, contacts and the category as typed by pseudonym: only in exports with names."""
    records = [
        {
            "workshop": workshop.code,
            "participant": r.participant.pseudonym,
            "name": r.participant.name,
            "organisation": r.participant.organisation,
            "position": r.participant.position,
            "respondent_arena": r.participant.arena,
            "respondent_category": r.participant.category,
            "phone": r.participant.phone,
            "email": r.participant.email,
            "status": r.status.value,
        }
        for workshop in workshops
        for r in _by_pseudonym(workshop.respondents)
    ]
    columns = [
        "workshop",
        "participant",
        "name",
        "organisation",
        "position",
        "respondent_arena",
        "respondent_category",
        "phone",
        "email",
        "status",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


# --- scores ------------------------------------------------------------------------------


def about_frame(
    workshops: Sequence[WorkshopProgress], generated_at: datetime, with_names: bool
) -> pd.DataFrame:
    """What the file holds and how to read it (key / value rows, Indonesian first)."""
    questionnaires = sorted({f"{w.questionnaire.id} {w.questionnaire.version}" for w in workshops})
    rows = [
        ("dibuat / generated", generated_at.astimezone(UTC).isoformat(timespec="seconds")),
        ("lokakarya / workshops", ", ".join(w.code for w in workshops)),
        ("kuesioner / questionnaire", ", ".join(questionnaires)),
        (
            "nama / names",
            "ada di sheet roster / in the roster sheet"
            if with_names
            else "tidak ada: ekspor pseudonim / none: pseudonymous export",
        ),
        (
            "kategori / respondent_category",
            "kelompok kasar dari kategori yang diketik (decision_maker, official, academic, "
            "media, cooperative, business, civil_society, other); kelompok dengan kurang "
            f"dari {MIN_GROUP} orang per lokakarya dan arena ditulis other"
            + ("; kategori asli di sheet roster" if with_names else "")
            + " / a coarse group of the category as typed; groups of fewer than "
            f"{MIN_GROUP} people per workshop and arena are shown as other"
            + ("; the category as typed is in the roster sheet" if with_names else ""),
        ),
        (
            "jawaban / answers",
            "hanya jawaban atas pertanyaan yang relevan; juga dari peserta yang belum "
            "mengirim / only answers to relevant questions; also from participants who "
            "have not submitted",
        ),
        (
            "responses",
            f"{DONT_KNOW_CODE} = tidak tahu / don't know; {SKIPPED_CODE} = dilewati / "
            "skipped; kosong = tidak ditanyakan atau belum dijawab / blank = not asked or "
            "not answered",
        ),
        (
            "skor / scores",
            "skala 1-10; 'tidak tahu' dan 'dilewati' tidak dihitung; bobot IGI 2012 / "
            "1-10 scale; don't know and skipped left out; IGI 2012 weights. "
            f"{ALL_SCOPE} = semua responden digabung / all respondents pooled",
        ),
        (
            "waktu / times",
            "waktu setempat lokakarya (ISO 8601), zona di kolom zone / workshop local time, "
            "zone in the zone column",
        ),
        (
            "teks / text",
            "XLSX: teks selalu sel teks, tidak pernah rumus. CSV: teks yang diawali = + - @ "
            "diberi tanda ' di depannya / XLSX: text is always a text cell, never a formula. "
            "CSV: text starting with = + - @ is prefixed with '",
        ),
    ]
    return pd.DataFrame(rows, columns=["item", "keterangan"])


# --- values ------------------------------------------------------------------------------


def value_label(question: Question, status: AnswerStatus, value: AnswerValue | None) -> str:
    """The answer as an Indonesian reader sees it."""
    if status is AnswerStatus.DONT_KNOW:
        return "Tidak tahu"
    if status is AnswerStatus.SKIPPED:
        return "Dilewati"
    if value is None:
        return ""
    if question.type is QuestionType.SCALE and isinstance(value, int | float):
        end = None
        if value == question.scale_min and question.scale_min_label:
            end = question.scale_min_label.id
        elif value == question.scale_max and question.scale_max_label:
            end = question.scale_max_label.id
        return f"{value} ({end})" if end else str(value)
    if question.type.is_choice:
        values = value if isinstance(value, tuple) else (str(value),)
        labels = []
        for item in values:
            choice = question.choice(item)
            labels.append(choice.label.id if choice else item)
        return "; ".join(labels)
    return str(value)


def _cell_value(value: AnswerValue | None) -> Any:
    if isinstance(value, tuple):
        return ";".join(value)
    return value


def _score_value(question: Question, status: AnswerStatus, value: AnswerValue | None) -> Any:
    if not question.is_scored or status is not AnswerStatus.ANSWERED:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    low, high = question.scale_min, question.scale_max
    return float(value) if (low, high) == (1, 10) else 1.0 + 9.0 * (value - low) / (high - low)


def _local(instant: datetime | None, zone: ZoneInfo) -> str | None:
    return instant.astimezone(zone).isoformat(timespec="seconds") if instant else None


def _by_pseudonym(respondents: Iterable[RespondentProgress]) -> list[RespondentProgress]:
    return sorted(respondents, key=lambda r: r.participant.pseudonym)


def _question_columns(questionnaires: Iterable[Questionnaire]) -> list[str]:
    seen: dict[str, None] = {}
    for questionnaire in questionnaires:
        for question in questionnaire.questions:
            if question.type is not QuestionType.NOTE:
                seen.setdefault(question.id, None)
    return list(seen)


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefixes text a spreadsheet would run as a formula with an apostrophe (for CSV).

    Only CSV needs it: a spreadsheet opening a CSV file reads '=1+1' as a formula, while an
    XLSX text cell is text whatever it starts with.
    """

    def safe(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    result = frame.copy()
    for column in result.columns:
        series = result[column]
        if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
            continue
        # Most columns hold no such text: look at each distinct value once, and rewrite
        # only the columns that need it.
        if any(safe(value) is not value for value in series.unique()):
            result[column] = series.map(safe)
    return result


# --- heatmap -----------------------------------------------------------------------------
