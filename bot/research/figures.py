"""The report's pictures as PNG bytes: the arena x principle heatmap and the profile chart.

Drawn with matplotlib's object-oriented API on the Agg canvas (no pyplot, no global
state). Numbers are written by the PDF's text layer, not only in the pictures, so a
reader (or a test) can copy them; the pictures carry the shape.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence

from bot.i18n import t
from bot.research.frames import ARENAS, PRINCIPLES
from bot.research.texts import arena_label, number, principle_label

DPI = 150
HEATMAP_SIZE = (3.95, 2.7)
PROFILE_SIZE = (3.15, 2.7)
"""Inches; the PDF places both side by side at this size."""


def heatmap_png(cells: Mapping[tuple[str, str], float], lang: str) -> bytes:
    """The arena x principle scores on a 1-10 colour scale, values written in."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    grid = [[cells.get((a, p), math.nan) for p in PRINCIPLES] for a in ARENAS]
    figure = Figure(figsize=HEATMAP_SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    image = axes.imshow(grid, cmap="RdYlGn", norm=Normalize(vmin=1, vmax=10), aspect="auto")
    axes.set_xticks(range(len(PRINCIPLES)), [principle_label(p, lang) for p in PRINCIPLES])
    axes.set_yticks(range(len(ARENAS)), [arena_label(a, lang) for a in ARENAS])
    axes.tick_params(length=0, labelsize=5.5)
    axes.tick_params(axis="x", labelrotation=30)
    for row, arena in enumerate(ARENAS):
        for column, principle in enumerate(PRINCIPLES):
            value = cells.get((arena, principle))
            axes.text(column, row, number(value, lang), ha="center", va="center", fontsize=5.5)
    bar = figure.colorbar(image, ax=axes, ticks=range(1, 11), fraction=0.05)
    bar.ax.tick_params(labelsize=5.5)
    axes.set_title(t("research_heatmap", lang), fontsize=7)
    figure.tight_layout()
    return _png(figure)


def profile_png(
    rows: Sequence[tuple[str, float | None, float | None, float | None, float | None]],
    lang: str,
) -> bytes:
    """Horizontal bars of (label, score, low, high, national) with intervals and the
    national average as a mark."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=PROFILE_SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    scores = [r[1] if r[1] is not None else math.nan for r in rows]
    low = [max(0.0, r[1] - r[2]) if r[1] is not None and r[2] is not None else 0.0 for r in rows]
    high = [max(0.0, r[3] - r[1]) if r[1] is not None and r[3] is not None else 0.0 for r in rows]
    axes.barh(positions, scores, xerr=[low, high], color="#5b8fc7", capsize=2, height=0.6)
    national = [r[4] if r[4] is not None else math.nan for r in rows]
    axes.scatter(
        national,
        positions,
        marker="D",
        color="black",
        s=14,
        zorder=3,
        label=t("research_national_average", lang),
    )
    axes.set_yticks(positions, [r[0] for r in rows])
    axes.set_xlim(1, 10)
    axes.tick_params(labelsize=5.5)
    axes.legend(fontsize=5, loc="lower right")
    axes.set_title(t("research_profile", lang), fontsize=7)
    figure.tight_layout()
    return _png(figure)


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")  # type: ignore[attr-defined]
    return buffer.getvalue()
