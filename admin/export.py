"""Results exports for researchers and facilitators: tidy sheets, scores and a heatmap.

`build_export` turns workshops read by `bot.services.progress` into pandas frames (one
per sheet) and a PNG heatmap; `xlsx_bytes` and `write_csv_folder` write them. Nothing
here touches the database or prints.

Choices a reader of the files should know (also written into the `tentang` sheet):
- An export is pseudonymous: participants appear by pseudonym (JA-017); names and
  contacts only in the `roster` sheet, present only when asked for (`with_names`).
- Only effective answers appear: answers to questions that are still relevant, notes
  left out. Answers of participants who have not submitted yet count too: every
  answer was committed deliberately, one at a time.
- Scores use `bot.questionnaire.scoring` (IGI weights, "don't know"/skipped left out).
  "ALL" pools the respondents of every exported workshop that uses the same
  questionnaire; `index_mean_of_workshops` is the plain mean of the workshops' indices
  (how IGI reports a national average).
- Times are local to the workshop (ISO 8601 with offset) with the IANA zone beside them.
- Text that starts with = + - @ (or a tab / carriage return) gets a leading apostrophe,
  so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from admin.export_xlsx import Picture, Sheet, workbook_bytes
from bot.questionnaire.model import (
    AnswerStatus,
    AnswerValue,
    Arena,
    Principle,
    Question,
    Questionnaire,
    QuestionType,
)
from bot.questionnaire.relevance import effective_answers
from bot.questionnaire.scoring import Response as ScoredResponse
from bot.questionnaire.scoring import Scores, Weights, band, score
from bot.services.progress import RespondentProgress, WorkshopProgress

ALL_SCOPE = "ALL"
SHEET_ORDER = (
    "tentang",
    "completion",
    "answers",
    "responses",
    "scores",
    "matrix",
    "heatmap",
    "roster",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DONT_KNOW_CODE = "DK"
SKIPPED_CODE = "SKIP"
MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class Export:
    """The sheets of one export, in order, and the heatmap picture."""

    title: str
    sheets: Mapping[str, pd.DataFrame]
    heatmap_png: bytes
    index: float | None = None
    """The headline index: the workshop's, or the pooled one of several workshops."""


# --- building ------------------------------------------------------------------------------


def build_export(
    workshops: Sequence[WorkshopProgress],
    *,
    generated_at: datetime,
    with_names: bool = False,
    weights: Weights | None = None,
) -> Export:
    """Builds every sheet and the heatmap for the workshops."""
    if not workshops:
        raise ValueError("nothing to export: no workshops")
    weights = weights or Weights.default()
    scopes = score_scopes(workshops, weights)
    title = workshops[0].code if len(workshops) == 1 else ALL_SCOPE
    heatmap_scores = next((s for s in scopes if s.pooled), scopes[0]).scores
    sheets: dict[str, pd.DataFrame] = {
        "tentang": about_frame(workshops, generated_at, with_names),
        "completion": completion_frame(workshops),
        "answers": answers_frame(workshops),
        "responses": responses_frame(workshops),
        "scores": scores_frame(scopes, weights),
        "matrix": matrix_frame(scopes),
    }
    if with_names:
        sheets["roster"] = roster_frame(workshops)
    for name in sheets:
        if len(name) > MAX_SHEET_NAME:  # pragma: no cover - names are fixed above
            raise ValueError(f"sheet name too long: {name}")
    safe = {name: excel_safe(frame) for name, frame in sheets.items()}
    png = heatmap_png(heatmap_scores, _heatmap_title(title, heatmap_scores))
    return Export(title, safe, png, heatmap_scores.overall)


def answers_frame(workshops: Sequence[WorkshopProgress]) -> pd.DataFrame:
    """One row per effective answer, in participant then form order."""
    # Rows as tuples in _ANSWER_COLUMNS order. What depends only on the question and the
    # answer (section to score) is worked out once per distinct answer: a national export
    # has ~80,000 rows but a few thousand distinct answers.
    records: list[tuple[Any, ...]] = []
    append = records.append
    for workshop in workshops:
        zone, zone_name = ZoneInfo(workshop.zone), workshop.zone
        questionnaire = workshop.questionnaire
        readings: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        place = (workshop.province_code, workshop.province_name, workshop.code)
        for respondent in _by_pseudonym(workshop.respondents):
            participant = respondent.participant
            who = (*place, participant.pseudonym, participant.arena, participant.category)
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
    for workshop in workshops:
        questionnaire = workshop.questionnaire
        for respondent in _by_pseudonym(workshop.respondents):
            effective = effective_answers(questionnaire, respondent.state.answers)
            record: dict[str, Any] = {
                "province": workshop.province_code,
                "workshop": workshop.code,
                "participant": respondent.participant.pseudonym,
                "respondent_arena": respondent.participant.arena,
                "respondent_category": respondent.participant.category,
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
                    "respondent_category": participant.category,
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
    """Names and contacts by pseudonym: only in exports made with names."""
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


@dataclass(frozen=True)
class ScoreScope:
    """Scores of one workshop, or of several pooled (`workshops` lists their codes)."""

    name: str
    questionnaire: Questionnaire
    scores: Scores
    workshops: tuple[str, ...]
    province: str = ""

    @property
    def pooled(self) -> bool:
        """Tells whether the scope pools several workshops."""
        return not self.province


def score_scopes(
    workshops: Sequence[WorkshopProgress], weights: Weights | None = None
) -> list[ScoreScope]:
    """Scores each workshop and, for several, the pooled respondents per questionnaire."""
    weights = weights or Weights.default()
    scopes = [
        ScoreScope(
            name=w.code,
            questionnaire=w.questionnaire,
            scores=score(w.questionnaire, _scored_responses(w.respondents), weights),
            workshops=(w.code,),
            province=w.province_code,
        )
        for w in workshops
    ]
    if len(workshops) > 1:
        groups: dict[str, list[WorkshopProgress]] = {}
        for w in workshops:
            groups.setdefault(w.questionnaire.content_hash(), []).append(w)
        several = len(groups) > 1
        for group in groups.values():
            questionnaire = group[0].questionnaire
            name = (
                f"{ALL_SCOPE} {questionnaire.id}@{questionnaire.version}" if several else ALL_SCOPE
            )
            pooled = [r for w in group for r in _scored_responses(w.respondents)]
            scopes.append(
                ScoreScope(
                    name=name,
                    questionnaire=questionnaire,
                    scores=score(questionnaire, pooled, weights),
                    workshops=tuple(w.code for w in group),
                )
            )
    return scopes


def _scored_responses(respondents: Iterable[RespondentProgress]) -> list[ScoredResponse]:
    return [
        ScoredResponse(
            answers=r.state.answers,
            respondent_arena=Arena(r.participant.arena) if r.participant.arena else None,
        )
        for r in respondents
        if r.answers
    ]


def scores_frame(scopes: Sequence[ScoreScope], weights: Weights) -> pd.DataFrame:
    """Every level of the index per scope, long format: question, cell, arena, principle,
    index (and, for pooled scopes, the mean of the workshop indices)."""
    records: list[dict[str, Any]] = []
    indices = {s.name: s.scores.overall for s in scopes if not s.pooled}
    for scope in scopes:
        questionnaire, scores = scope.questionnaire, scope.scores
        base = {"scope": scope.name, "province": scope.province, "respondents": scores.respondents}
        for question in questionnaire.questions:
            item = scores.questions.get(question.id)
            if item is None:
                continue
            records.append(
                {
                    **base,
                    "level": "question",
                    "arena": item.arena.value,
                    "principle": item.principle.value,
                    "question_id": question.id,
                    "indicator": question.indicator,
                    **_score_columns(item.mean),
                    "n": item.count,
                    "dont_know": item.dont_know,
                    "skipped": item.skipped,
                }
            )
        for arena in Arena:
            for principle in Principle:
                cell = scores.cell(arena, principle)
                if cell is None:
                    continue
                records.append(
                    {
                        **base,
                        "level": "cell",
                        "arena": arena.value,
                        "principle": principle.value,
                        **_score_columns(cell),
                        "n": sum(
                            1
                            for q in scores.questions.values()
                            if q.arena is arena and q.principle is principle and q.count
                        ),
                        "weight": weights.principle_weight(arena, principle),
                    }
                )
        for arena, value in scores.arenas.items():
            records.append(
                {
                    **base,
                    "level": "arena",
                    "arena": arena.value,
                    **_score_columns(value),
                    "weight": weights.arena_weight(arena),
                }
            )
        for principle, value in scores.principles.items():
            records.append(
                {
                    **base,
                    "level": "principle",
                    "principle": principle.value,
                    **_score_columns(value),
                }
            )
        records.append({**base, "level": "index", **_score_columns(scores.overall)})
        workshop_indices = [
            index for code in scope.workshops if (index := indices.get(code)) is not None
        ]
        if scope.pooled and workshop_indices:
            mean = sum(workshop_indices) / len(workshop_indices)
            records.append(
                {
                    **base,
                    "level": "index_mean_of_workshops",
                    **_score_columns(mean),
                    "n": len(workshop_indices),
                }
            )
    return pd.DataFrame.from_records(records, columns=_SCORE_COLUMNS)


_SCORE_COLUMNS = [
    "scope",
    "province",
    "level",
    "arena",
    "principle",
    "question_id",
    "indicator",
    "score",
    "band",
    "band_label",
    "n",
    "dont_know",
    "skipped",
    "respondents",
    "weight",
]


def _score_columns(value: float | None) -> dict[str, Any]:
    if value is None:
        return {"score": None, "band": None, "band_label": None}
    found = band(value)
    return {"score": value, "band": found.value, "band_label": found.label.id}


def matrix_frame(scopes: Sequence[ScoreScope]) -> pd.DataFrame:
    """The arena x principle matrix per scope, with arena scores, principle scores and the
    index (row arena 'all')."""
    records: list[dict[str, Any]] = []
    for scope in scopes:
        name, scores = scope.name, scope.scores
        for arena in Arena:
            records.append(
                {
                    "scope": name,
                    "arena": arena.value,
                    "arena_label": arena.label.id,
                    **{p.value: scores.cell(arena, p) for p in Principle},
                    "arena_score": scores.arenas.get(arena),
                }
            )
        records.append(
            {
                "scope": name,
                "arena": "all",
                "arena_label": "Semua arena",
                **{p.value: scores.principles.get(p) for p in Principle},
                "arena_score": scores.overall,
            }
        )
    columns = ["scope", "arena", "arena_label", *(p.value for p in Principle), "arena_score"]
    return pd.DataFrame.from_records(records, columns=columns)


# --- about -------------------------------------------------------------------------------


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
            "teks yang diawali = + - @ diberi tanda ' di depannya / text starting with "
            "= + - @ is prefixed with '",
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
    """Prefixes text cells a spreadsheet would run as a formula with an apostrophe."""

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


def _heatmap_title(title: str, scores: Scores) -> str:
    scope = "Semua lokakarya" if title == ALL_SCOPE else title
    if scores.overall is None:
        return f"{scope} · indeks: belum ada data"
    found = band(scores.overall)
    return f"{scope} · indeks {_decimal(scores.overall)} ({found.label.id})"


def _decimal(value: float) -> str:
    """Indonesian number style: 6,21."""
    return f"{value:.2f}".replace(".", ",")


def _with_score(label: str, value: float | None, separator: str) -> str:
    return f"{label}{separator}({_decimal(value)})" if value is not None else label


def heatmap_png(scores: Scores, title: str) -> bytes:
    """The arena x principle scores as a PNG: 1-10 colour scale, values written in."""
    # The object-oriented API with the Agg canvas, without pyplot: no global state, so
    # the bot can draw in a worker thread while other exports run.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    arenas, principles = list(Arena), list(Principle)
    grid = [
        [
            value if (value := scores.cell(arena, principle)) is not None else math.nan
            for principle in principles
        ]
        for arena in arenas
    ]
    figure = Figure(figsize=(9.5, 4.6), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    norm = Normalize(vmin=1, vmax=10)
    image = axes.imshow(grid, cmap="RdYlGn", norm=norm, aspect="auto")
    # Arena and principle scores ride on the axis labels: "Pemerintah (6,31)".
    axes.set_xticks(
        range(len(principles)),
        [_with_score(p.label.id, scores.principles.get(p), "\n") for p in principles],
    )
    axes.set_yticks(
        range(len(arenas)), [_with_score(a.label.id, scores.arenas.get(a), "\n") for a in arenas]
    )
    axes.tick_params(top=False, bottom=True, length=0)
    axes.set_title(title, fontsize=11)
    for row, arena in enumerate(arenas):
        for column, principle in enumerate(principles):
            value = scores.cell(arena, principle)
            text = _decimal(value) if value is not None else "–"
            axes.text(column, row, text, ha="center", va="center", fontsize=10, color="black")
    colorbar = figure.colorbar(image, ax=axes, ticks=range(1, 11))
    colorbar.set_label("Skor (1 = sangat buruk, 10 = sangat baik)")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --- writing -----------------------------------------------------------------------------


def xlsx_bytes(export: Export) -> bytes:
    """The export as one workbook; the heatmap is a picture on its own sheet."""
    sheets: list[Sheet] = []
    for name in SHEET_ORDER:
        if name == "heatmap":
            # A caption in the cells, so the sheet is not blank to readers that skip
            # pictures (pandas, screen readers); the picture sits below it.
            caption = pd.DataFrame(
                {
                    "heatmap": [
                        f"{export.title}: skor arena x prinsip (1-10)",
                        "Nilai lengkap ada di lembar 'matrix' dan 'scores'.",
                    ]
                }
            )
            picture = Picture(export.heatmap_png, row=4)  # at A5
            sheets.append(Sheet(name, caption, widths=[60], pictures=[picture]))
            continue
        frame = export.sheets.get(name)
        if frame is None:
            continue
        sheets.append(Sheet(name, frame, widths=column_widths(frame), freeze_header=True))
    return workbook_bytes(sheets)


def column_widths(frame: pd.DataFrame) -> list[int]:
    """Widths in characters that fit the header and the first 200 values (at most 60)."""
    widths = []
    for column in frame.columns:
        width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))])
        widths.append(min(60, width + 2))
    return widths


def write_xlsx(export: Export, out: Path) -> list[Path]:
    """Writes OUT.xlsx and, beside it, the heatmap as OUT.png; returns both paths."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(xlsx_bytes(export))
    picture = out.with_suffix(".png")
    picture.write_bytes(export.heatmap_png)
    return [out, picture]


def write_csv_folder(export: Export, folder: Path) -> list[Path]:
    """Writes one UTF-8 (with BOM, for Excel) CSV per sheet and heatmap.png into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SHEET_ORDER:
        frame = export.sheets.get(name)
        if frame is None:
            continue
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        written.append(path)
    picture = folder / "heatmap.png"
    picture.write_bytes(export.heatmap_png)
    written.append(picture)
    return written


def export_filename(export: Export, generated_at: datetime, suffix: str = ".xlsx") -> str:
    """'wipbot-ID-JA-2026-12-03.xlsx' for one workshop, 'wipbot-ALL-<date>.xlsx' otherwise."""
    if export.title == ALL_SCOPE:
        return f"wipbot-{ALL_SCOPE}-{generated_at.date().isoformat()}{suffix}"
    return f"wipbot-{export.title}{suffix}"
