"""The heatmap picture: arena x principle scores as a PNG, values written in."""

from __future__ import annotations

import io
import math

from bot.formatting import format_number
from bot.questionnaire.model import (
    Arena,
    Principle,
)
from bot.questionnaire.scoring import Scores, band
from bot.reports.sheets import ALL_SCOPE


def heatmap_title(title: str, scores: Scores) -> str:
    scope = "Semua lokakarya" if title == ALL_SCOPE else title
    if scores.overall is None:
        return f"{scope} · indeks: belum ada data"
    found = band(scores.overall)
    return f"{scope} · indeks {format_number(scores.overall, 'id', digits=2)} ({found.label.id})"


def _with_score(label: str, value: float | None, separator: str) -> str:
    return (
        f"{label}{separator}({format_number(value, 'id', digits=2)})"
        if value is not None
        else label
    )


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
            text = format_number(value, "id", digits=2) if value is not None else "–"
            axes.text(column, row, text, ha="center", va="center", fontsize=10, color="black")
    colorbar = figure.colorbar(image, ax=axes, ticks=range(1, 11))
    colorbar.set_label("Skor (1 = sangat buruk, 10 = sangat baik)")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --- writing -----------------------------------------------------------------------------
