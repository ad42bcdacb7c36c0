"""The national report as a PDF: ranking, a page per province, and the methods page.

Laid out with reportlab's platypus; pictures from `bot.research.figures`. Every number is
also in the text layer, written the language's way (6,21 in Indonesian, 6.21 in
English), from the same values the XLSX export's scores sheet holds.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from bot.i18n import t
from bot.questionnaire.model import Arena, Principle
from bot.questionnaire.scoring import BAND_UPPER_BOUNDS, Band
from bot.research.agreement import OVERALL_BLOCK
from bot.research.figures import HEATMAP_SIZE, PROFILE_SIZE, ReportFigures
from bot.research.frames import ARENAS, PRINCIPLES
from bot.research.results import PARADATA_FROM_ANSWER_TIMES, ResearchResults
from bot.research.texts import (
    arena_label,
    band_label,
    interval,
    number,
    principle_label,
)

FONT, BOLD = "ReportSans", "ReportSans-Bold"
MARGIN = 14 * mm
WIDTH = A4[0] - 2 * MARGIN


@cache
def _register_fonts() -> None:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4),
        "h1": ParagraphStyle("h1", fontName=BOLD, fontSize=13, leading=16, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=10, leading=13, spaceBefore=6),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11, spaceAfter=3),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=7, leading=8.5),
    }


def report_pdf(results: ResearchResults, *, lang: str, generated_at: datetime) -> bytes:
    """The whole report in `lang` ('id' or 'en') as PDF bytes."""
    _register_fonts()
    styles = _styles()
    story: list[Flowable] = [
        _para(t("research_title", lang), styles["title"]),
        _para(t("research_subtitle", lang), styles["body"]),
        _para(
            f"{t('research_generated', lang)}: "
            f"{generated_at.astimezone(UTC).isoformat(timespec='minutes')}",
            styles["body"],
        ),
        *_ranking(results, lang, styles),
    ]
    figures = ReportFigures(lang)
    for _, row in results.ranking.iterrows():
        story += [PageBreak(), *_province_page(results, row, lang, styles, figures)]
    story += [PageBreak(), *_methods(results, lang, styles)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=t("research_title", lang),
        lang=lang,
    )
    document.build(story)
    return buffer.getvalue()


# --- ranking ---------------------------------------------------------------------------


def _band_note(row: Any, lang: str) -> str:
    if not bool(row["spans_bands"]):
        return ""
    low, high = Band(row["band_low"]), Band(row["band_high"])
    order = list(Band)
    key = "spans" if order.index(high) - order.index(low) == 1 else "spans_many"
    return f"{t(f'research_{key}', lang)}: {band_label(low, lang)}–{band_label(high, lang)}"


def _ranking(
    results: ResearchResults, lang: str, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    cell = styles["cell"]
    header = [
        t("research_rank", lang),
        t("research_province", lang),
        t("research_index", lang),
        t("research_interval", lang),
        t("research_band", lang),
        t("research_equal", lang),
        t("research_unflagged", lang),
        t("research_respondents", lang),
    ]
    rows: list[list[Any]] = [[_para(h, cell) for h in header]]
    for _, row in results.ranking.iterrows():
        note = _band_note(row, lang)
        band_text = escape(band_label(row["band"], lang)) + (
            f"<br/>({escape(note)})" if note else ""
        )
        rows.append(
            [
                str(row["rank"]),
                _para(f"{row['province_name']} ({row['province']})", cell),
                number(row["index"], lang),
                interval(row["low"], row["high"], lang),
                Paragraph(band_text, cell),  # markup: the line break
                number(_maybe(row["index_equal"]), lang),
                number(_maybe(row["index_unflagged"]), lang),
                str(row["respondents"]),
            ]
        )
    widths = [0.05, 0.24, 0.08, 0.13, 0.22, 0.09, 0.11, 0.08]
    table = _table(rows, widths)
    national = results.national_index
    average = (
        f"{number(national.score, lang)} ({t('research_interval', lang)} "
        f"{interval(national.low, national.high, lang)})"
        if national
        else "–"
    )
    return [
        _para(t("research_ranking", lang), styles["h1"]),
        table,
        Spacer(1, 4),
        _para(f"{t('research_national_average', lang)}: {average}", styles["body"]),
        _para(t("research_national_note", lang), styles["body"]),
        _para(t("research_crosstab", lang), styles["h2"]),
        _crosstab(results.national_crosstab, lang),
    ]


# --- one province ------------------------------------------------------------------------


def _province_page(
    results: ResearchResults,
    row: Any,
    lang: str,
    styles: dict[str, ParagraphStyle],
    figures: ReportFigures,
) -> list[Flowable]:
    workshop = row["workshop"]
    scores = results.intervals[results.intervals["workshop"] == workshop]
    national = results.national
    story: list[Flowable] = [
        _para(f"{row['rank']}. {row['province_name']} ({row['province']})", styles["h1"]),
        _para(f"{t('research_workshop', lang)}: {workshop}", styles["body"]),
        _para(
            f"{t('research_index', lang)} {number(row['index'], lang)} "
            f"({t('research_interval', lang)} {interval(row['low'], row['high'], lang)}), "
            f"{band_label(row['band'], lang)}"
            + (f" — {_band_note(row, lang)}" if _band_note(row, lang) else "")
            + f"; {t('research_equal', lang).lower()} "
            f"{number(_maybe(row['index_equal']), lang)}; "
            f"{t('research_unflagged', lang).lower()} "
            f"{number(_maybe(row['index_unflagged']), lang)}",
            styles["body"],
        ),
    ]
    cells = {
        (r["arena"], r["principle"]): float(r["score"])
        for _, r in scores[scores["level"] == "cell"].iterrows()
    }
    profile = _profile_rows(scores, national, lang)
    heatmap = figures.heatmap(cells)
    picture = figures.profile([(label, *values) for label, values, _ in profile])
    pictures = Table(
        [[_picture(heatmap, HEATMAP_SIZE), _picture(picture, PROFILE_SIZE)]],
        colWidths=[HEATMAP_SIZE[0] * inch, PROFILE_SIZE[0] * inch],
    )
    pictures.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(pictures)
    header = [t("research_score", lang), t("research_interval", lang), t("research_band", lang)]
    table_rows: list[list[Any]] = [
        ["", *header, t("research_national_average", lang)],
        *[
            [label, number(s, lang), interval(lo, hi, lang), band, number(nat, lang)]
            for label, (s, lo, hi, nat), band in profile
        ],
    ]
    story.append(_table(table_rows, [0.3, 0.12, 0.2, 0.2, 0.18]))
    story.append(_para(t("research_crosstab", lang), styles["h2"]))
    story.append(_crosstab(results.crosstab[results.crosstab["workshop"] == workshop], lang))
    story += _completion(results, workshop, lang, styles)
    story += _agreement(results, workshop, lang, styles)
    story += _flags(results, workshop, lang, styles)
    return story


ProfileValues = tuple[float | None, float | None, float | None, float | None]
"""Score, low, high and the national average of one arena or principle."""


def _profile_rows(
    scores: pd.DataFrame, national: pd.DataFrame, lang: str
) -> list[tuple[str, ProfileValues, str]]:
    rows: list[tuple[str, ProfileValues, str]] = []
    levels = [("arena", a, arena_label(a, lang)) for a in ARENAS]
    levels += [("principle", p, principle_label(p, lang)) for p in PRINCIPLES]
    for level, key, label in levels:
        column = "arena" if level == "arena" else "principle"
        mine = scores[(scores["level"] == level) & (scores[column] == key)]
        theirs = national[(national["level"] == level) & (national[column] == key)]
        nat = float(theirs["score"].iloc[0]) if len(theirs) else None
        if mine.empty:
            rows.append((label, (None, None, None, nat), "–"))
            continue
        r = mine.iloc[0]
        values = (float(r["score"]), float(r["low"]), float(r["high"]), nat)
        rows.append((label, values, band_label(r["band"], lang)))
    return rows


def _crosstab(table: pd.DataFrame, lang: str) -> Table:
    header = [t("research_respondents", lang), "n", *(arena_label(a, lang) for a in ARENAS)]
    rows: list[list[Any]] = [header]
    for _, row in table.iterrows():
        who = row["respondent_arena"]
        label = t("research_unassigned", lang) if who not in ARENAS else arena_label(who, lang)
        rows.append(
            [label, str(row["respondents"]), *(number(_maybe(row[a]), lang) for a in ARENAS)]
        )
    return _table(rows, [0.24, 0.08, 0.17, 0.17, 0.17, 0.17])


def _completion(
    results: ResearchResults, workshop: str, lang: str, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    counts = results.completion[results.completion["workshop"] == workshop]
    if counts.empty:
        return []
    c = counts.iloc[0]
    if pd.isna(c["submitted"]):
        line = f"{t('research_respondents', lang)}: {int(c['total'])}"
    else:
        line = t("research_completion_line", lang).format(
            submitted=int(c["submitted"]),
            total=int(c["total"]),
            in_progress=int(c["in_progress"]),
            not_started=int(c["not_started"]),
        )
    return [
        _para(t("research_completion", lang), styles["h2"]),
        _para(line, styles["body"]),
    ]


def _agreement(
    results: ResearchResults, workshop: str, lang: str, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    blocks = results.agreement[results.agreement["workshop"] == workshop]
    parts = []
    for _, b in blocks.iterrows():
        name = (
            t("research_all_questions", lang)
            if b["block"] == OVERALL_BLOCK
            else arena_label(b["block"], lang)
        )
        parts.append(f"{name} α = {number(_maybe(b['alpha']), lang, 3)} ({b['units']})")
    return [
        _para(t("research_agreement", lang), styles["h2"]),
        _para("; ".join(parts) or t("research_no_data", lang), styles["body"]),
    ]


def _flags(
    results: ResearchResults, workshop: str, lang: str, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    counts = results.flag_counts[results.flag_counts["workshop"] == workshop]
    if counts.empty:
        return []
    c = counts.iloc[0]
    parts = []
    for name in ("straight_lining", "speeding", "dont_know", "burst", "flagged"):
        label = t(f"research_flag_{name}", lang)
        if name in ("speeding", "burst") and name not in results.assessed:
            parts.append(f"{label}: {t('research_not_assessed', lang)}")
        else:
            parts.append(f"{label}: {int(c[name])}")
    flags = results.flags
    marked = flags[(flags["workshop"] == workshop) & flags["flagged"].astype(bool)]
    people = ", ".join(str(p) for p in marked["participant"]) or t("research_none", lang)
    return [
        _para(t("research_flags", lang), styles["h2"]),
        _para("; ".join(parts), styles["body"]),
        _para(f"{t('research_flagged_people', lang)}: {people}", styles["body"]),
    ]


# --- methods -----------------------------------------------------------------------------


def _methods(
    results: ResearchResults, lang: str, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    settings = results.settings
    rules = settings.rules
    rule_text = t("research_rules", lang).format(
        **{k: _plain(v, lang) for k, v in vars(rules).items()}
    )
    body = styles["body"]
    story: list[Flowable] = [
        _para(t("research_methods", lang), styles["h1"]),
        _para(t("research_methods_scores", lang), body),
        _para(t("research_methods_dont_know", lang), body),
        _para(
            t("research_methods_bootstrap", lang).format(
                level=_plain(settings.level * 100, lang),
                resamples=settings.resamples,
                seed=settings.seed,
            ),
            body,
        ),
        _para(t("research_methods_alpha", lang), body),
        _para(
            t("research_methods_flags", lang).format(
                unflagged=t("research_unflagged", lang), rules=rule_text
            ),
            body,
        ),
        _para(t("research_methods_missing_inputs", lang), body),
        *(
            [_para(t("research_methods_answer_times", lang), body)]
            if results.paradata_source == PARADATA_FROM_ANSWER_TIMES
            else []
        ),
        _para(t("research_weights", lang), styles["h2"]),
        _para(
            f"{t('research_weights_source', lang)}: "
            f"{settings.weights_source or t('research_weights_default', lang)}",
            body,
        ),
    ]
    weights = settings.weights
    header = ["", t("research_arena_weight", lang), *(principle_label(p, lang) for p in PRINCIPLES)]
    rows: list[list[Any]] = [[_para(h, styles["cell"]) for h in header]]
    for arena in ARENAS:
        rows.append(
            [
                arena_label(arena, lang),
                number(weights.arena_weight(Arena(arena)), lang, 3),
                *(
                    number(weights.principle_weight(Arena(arena), Principle(p)), lang, 3)
                    for p in PRINCIPLES
                ),
            ]
        )
    story.append(_table(rows, [0.2, 0.12, *([0.68 / 6] * 6)]))
    story.append(_para(t("research_bands", lang), styles["h2"]))
    bounds = [f"{band_label(b, lang)} ≤ {number(u, lang)}" for u, b in BAND_UPPER_BOUNDS]
    bounds.append(f"{band_label(Band.VERY_GOOD, lang)} > {number(BAND_UPPER_BOUNDS[-1][0], lang)}")
    story.append(_para("; ".join(bounds), body))
    return story


# --- helpers -----------------------------------------------------------------------------


def _table(rows: Sequence[Sequence[Any]], fractions: Sequence[float]) -> Table:
    table = Table(rows, colWidths=[WIDTH * f for f in fractions], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f0f0f0")]),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _para(content: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (names, file names and "<" in rules are not markup)."""
    return Paragraph(escape(content), style)


def _picture(png: bytes, size: tuple[float, float]) -> Image:
    return Image(io.BytesIO(png), width=size[0] * inch, height=size[1] * inch)


def _maybe(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _plain(value: Any, lang: str) -> str:
    """A setting as written in the methods text: integers bare, others 2 decimals at most."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    written = f"{float(value):g}"
    return written if lang == "en" else written.replace(".", ",")
