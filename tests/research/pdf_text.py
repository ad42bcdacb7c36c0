"""Reading a PDF back as the researcher sees it: rendered pages and their text layer, and
the check that the report prints the export's numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium

from bot.questionnaire.model import Arena, Principle


def page_texts(data: bytes) -> list[str]:
    """Each page rendered (so it can be drawn at all) and its text layer."""
    document = pdfium.PdfDocument(data)
    texts = []
    for page in document:
        bitmap = page.render(scale=0.5).to_pil()
        assert bitmap.width > 0 and bitmap.getextrema() != ((255, 255),) * 3, "a blank page"
        texts.append(page.get_textpage().get_text_range().replace("\r\n", "\n"))
    return texts


def _id(value: float, decimals: int = 2) -> str:
    """A number as the Indonesian report prints it (6,65)."""
    return f"{value:.{decimals}f}".replace(".", ",")


def check_report_matches_export(pdf: bytes, workbook: Path) -> list[str]:
    """Renders the Indonesian report and checks, workshop by workshop, that its text layer
    prints the export's numbers: the index on the ranking page; every arena and principle
    score, the completion counts, alpha over all questions, the flag counts and the
    flagged pseudonyms on the province page. Returns the pages' text."""
    pages = page_texts(pdf)
    sheets = pd.read_excel(workbook, sheet_name=None)
    workshops = sheets["completion"]["workshop"].drop_duplicates().tolist()
    assert len(pages) == 2 + len(workshops), "ranking, a page per province, methods"
    names = sheets["answers"].drop_duplicates("workshop").set_index("workshop")["province_name"]
    for workshop in workshops:
        scores = sheets["scores"][sheets["scores"]["scope"] == workshop]
        province = str(scores["province"].iloc[0])
        index = scores[scores["level"] == "index"]["score"].iloc[0]
        assert f"{names[workshop]} ({province}) {_id(index)} " in pages[0], workshop
        page = next(p for p in pages[1:-1] if f"({province})" in p.splitlines()[0])
        assert f"Indeks {_id(index)} " in page
        for level, kind, label_of in (
            ("arena", "arena", lambda key: Arena(key).label.id),
            ("principle", "principle", lambda key: Principle(key).label.id),
        ):
            for _, row in scores[scores["level"] == level].iterrows():
                label = label_of(row[kind])
                printed = "–" if pd.isna(row["score"]) else _id(row["score"])
                assert re.search(rf"^{label} {printed} ", page, re.MULTILINE), (label, printed)
        flat = " ".join(page.split())  # a paragraph's lines wrap wherever its numbers fall
        status = sheets["completion"][sheets["completion"]["workshop"] == workshop]["status"]
        counts = status.value_counts()
        assert (
            f"{counts.get('submitted', 0)} dari {len(status)} peserta mengirim, "
            f"{counts.get('in_progress', 0)} sedang mengisi, "
            f"{counts.get('not_started', 0)} belum mulai"
        ) in flat
        alphas = sheets["agreement"][sheets["agreement"]["workshop"] == workshop]
        overall = alphas[alphas["block"] == "all"].iloc[0]
        alpha = "–" if pd.isna(overall["alpha"]) else _id(overall["alpha"], 3)
        assert f"semua pertanyaan α = {alpha} ({overall['units']})" in flat, (alpha, flat)
        flags = sheets["flags"][sheets["flags"]["workshop"] == workshop]
        straight = int(flags["straight_lining"].fillna(False).astype(bool).sum())
        assert f"jawaban seragam: {straight};" in flat
        flagged = flags[flags["flagged"].astype(bool)]["participant"].tolist()
        assert f"ditandai (salah satu): {len(flagged)}" in flat
        if flagged:
            assert all(pseudonym in page for pseudonym in flagged)
        else:
            assert "Responden ditandai: tidak ada" in page
    return pages
