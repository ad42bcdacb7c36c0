"""An export: every sheet and the heatmap for some workshops (`build_export`), and its files.

`build_export` turns workshops read by `bot.services.progress` into pandas frames (one
per sheet) and a PNG heatmap; `xlsx_bytes` and `write_csv_folder` write them. Nothing
here touches the database or prints.

Choices a reader of the files should know (also written into the `tentang` sheet):
- An export is pseudonymous: participants appear by pseudonym (JA-017) with their arena
  and a coarse category group (`bot.reports.categories`); names, contacts and the
  category as typed only in the `roster` sheet, present only when asked for
  (`with_names`).
- Only effective answers appear: answers to questions that are still relevant, notes
  left out. Answers of participants who have not submitted yet count too: every
  answer was committed deliberately, one at a time.
- Scores use `bot.questionnaire.scoring` (IGI weights, "don't know"/skipped left out).
  "ALL" pools the respondents of every exported workshop that uses the same
  questionnaire; `index_mean_of_workshops` is the plain mean of the workshops' indices
  (how IGI reports a national average).
- Times are local to the workshop (ISO 8601 with offset) with the IANA zone beside them.
- In CSV files, text that starts with = + - @ (or a tab / carriage return) gets a
  leading apostrophe, so a spreadsheet never runs it as a formula. XLSX text cells are
  text whatever they start with, so the workbook keeps answers and phone numbers
  (+62...) as given.
- Files are written readable by their owner only (0600, folders 0700), whatever the
  process's umask: they hold answers, and with names people's contacts.
- For researchers, after those sheets: `paradata` (how each answer was given), `flags`
  and `flag_rules` (quality flags, which mark and never drop), `agreement` (Krippendorff's
  alpha per arena block) and `items` (each question's n, mean, median and spread).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import pandas as pd

from bot.questionnaire.scoring import Weights
from bot.reports.heatmap import heatmap_png, heatmap_title
from bot.reports.research_frames import RESEARCH_SHEETS, research_sheets
from bot.reports.scores import matrix_frame, score_scopes, scores_frame
from bot.reports.sheets import (
    ALL_SCOPE,
    about_frame,
    answers_frame,
    completion_frame,
    excel_safe,
    responses_frame,
    roster_frame,
)
from bot.reports.xlsx import Picture, Sheet, workbook_bytes
from bot.services.progress import WorkshopProgress

SHEET_ORDER = (
    "tentang",
    "completion",
    "answers",
    "responses",
    "scores",
    "matrix",
    "heatmap",
    "roster",
    *RESEARCH_SHEETS,
)
MAX_SHEET_NAME = 31
FILE_MODE: Final = 0o600
FOLDER_MODE: Final = 0o700


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
    # For researchers, after the sheets above (which stay as they were): paradata, quality
    # flags (marks, never drops) and agreement.
    sheets.update(research_sheets(workshops))
    for name in sheets:
        if len(name) > MAX_SHEET_NAME:  # pragma: no cover - names are fixed above
            raise ValueError(f"sheet name too long: {name}")
    png = heatmap_png(heatmap_scores, heatmap_title(title, heatmap_scores))
    return Export(title, sheets, png, heatmap_scores.overall)


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
    out.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    write_private(out, xlsx_bytes(export))
    picture = out.with_suffix(".png")
    write_private(picture, export.heatmap_png)
    return [out, picture]


def write_csv_folder(export: Export, folder: Path) -> list[Path]:
    """Writes one UTF-8 (with BOM, for Excel) CSV per sheet and heatmap.png into `folder`."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    written = []
    for name in SHEET_ORDER:
        frame = export.sheets.get(name)
        if frame is None:
            continue
        path = folder / f"{name}.csv"
        text = excel_safe(frame).to_csv(index=False)
        write_private(path, text.encode("utf-8-sig"))
        written.append(path)
    picture = folder / "heatmap.png"
    write_private(picture, export.heatmap_png)
    written.append(picture)
    return written


def write_private(path: Path, data: bytes) -> None:
    """Writes `data` to `path` as a file only its owner may read (0600), even if it existed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), FILE_MODE)
        file.write(data)


def export_filename(export: Export, generated_at: datetime, suffix: str = ".xlsx") -> str:
    """'wipbot-ID-JA-2026-12-03.xlsx' for one workshop, 'wipbot-ALL-<date>.xlsx' otherwise."""
    if export.title == ALL_SCOPE:
        return f"wipbot-{ALL_SCOPE}-{generated_at.date().isoformat()}{suffix}"
    return f"wipbot-{export.title}{suffix}"
