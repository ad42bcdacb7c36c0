"""The report's pictures as PNG bytes: the arena x principle heatmap and the profile chart.

Drawn with matplotlib's object-oriented API on the Agg canvas (no pyplot, no global
state). Numbers are written by the PDF's text layer, not only in the pictures, so a
reader (or a test) can copy them; the pictures carry the shape.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import t
from bot.research.frames import ARENAS, PRINCIPLES
from bot.research.texts import arena_label, number, principle_label

DPI = 150
HEATMAP_SIZE = (3.95, 2.7)
PROFILE_SIZE = (3.15, 2.7)
"""Inches; the PDF places both side by side at this size."""


class ReportFigures:
    """The heatmap and the profile chart of one report, laid out and drawn once, then
    refilled for each province by blitting: the frame (ticks, labels, colour bar, title,
    legend) is drawn once and kept as pixels; a province draws only its own values over
    it. Laying out and drawing the frame's text is most of what a figure costs, and a
    national report draws 38 of each."""

    def __init__(self, lang: str) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.colors import Normalize
        from matplotlib.figure import Figure

        self.lang = lang
        heatmap = Figure(figsize=HEATMAP_SIZE, dpi=DPI)
        FigureCanvasAgg(heatmap)
        axes = heatmap.add_subplot()
        blank = [[math.nan] * len(PRINCIPLES) for _ in ARENAS]
        self._image = axes.imshow(
            blank, cmap="RdYlGn", norm=Normalize(vmin=1, vmax=10), aspect="auto"
        )
        axes.set_xticks(range(len(PRINCIPLES)), [principle_label(p, lang) for p in PRINCIPLES])
        axes.set_yticks(range(len(ARENAS)), [arena_label(a, lang) for a in ARENAS])
        axes.tick_params(length=0, labelsize=5.5)
        axes.tick_params(axis="x", labelrotation=30)
        self._values = {
            (arena, principle): axes.text(column, row, "", ha="center", va="center", fontsize=5.5)
            for row, arena in enumerate(ARENAS)
            for column, principle in enumerate(PRINCIPLES)
        }
        bar = heatmap.colorbar(self._image, ax=axes, ticks=range(1, 11), fraction=0.05)
        bar.ax.tick_params(labelsize=5.5)
        axes.set_title(t("research_heatmap", lang), fontsize=7)
        heatmap.tight_layout()
        self._heatmap_axes = axes
        self._heatmap_frame = _frame(heatmap, [self._image, *self._values.values()])

        profile = Figure(figsize=PROFILE_SIZE, dpi=DPI)
        FigureCanvasAgg(profile)
        self._axes = profile.add_subplot()
        self._axes.set_xlim(1, 10)
        self._axes.tick_params(labelsize=5.5)
        self._axes.set_title(t("research_profile", lang), fontsize=7)
        # The legend's entry, drawn by the legend only; each province adds its own marks.
        self._axes.scatter(
            [], [], marker="D", color="black", s=14, label=t("research_national_average", lang)
        )
        self._legend = self._axes.legend(fontsize=5, loc="lower right")
        self._profile = profile
        self._profile_frame: Any = None
        self._labels: list[str] | None = None

    def heatmap(self, cells: Mapping[tuple[str, str], float]) -> bytes:
        """The arena x principle scores on a 1-10 colour scale, values written in."""
        axes = self._heatmap_axes
        canvas = axes.figure.canvas
        canvas.restore_region(self._heatmap_frame)  # type: ignore[attr-defined]
        self._image.set_data([[cells.get((a, p), math.nan) for p in PRINCIPLES] for a in ARENAS])
        self._image.set_visible(True)
        axes.draw_artist(self._image)
        for spine in axes.spines.values():
            axes.draw_artist(spine)
        for key, label in self._values.items():
            label.set_text(number(cells.get(key), self.lang))
            label.set_visible(True)
            axes.draw_artist(label)
        return _canvas_png(canvas)

    def profile(
        self, rows: Sequence[tuple[str, float | None, float | None, float | None, float | None]]
    ) -> bytes:
        """Horizontal bars of (label, score, low, high, national) with intervals and the
        national average as a mark."""
        axes = self._axes
        positions = list(range(len(rows)))[::-1]
        labels = [r[0] for r in rows]
        if labels != self._labels:  # the first province, or other labels: a new frame
            axes.set_yticks(positions, labels)
            axes.set_ylim(-0.6, len(rows) - 0.4)
            self._profile.tight_layout()
            self._profile_frame = _frame(self._profile, [])
            self._labels = labels
        canvas = self._profile.canvas
        canvas.restore_region(self._profile_frame)  # type: ignore[attr-defined]
        scores = [r[1] if r[1] is not None else math.nan for r in rows]
        low = [
            max(0.0, r[1] - r[2]) if r[1] is not None and r[2] is not None else 0.0 for r in rows
        ]
        high = [
            max(0.0, r[3] - r[1]) if r[1] is not None and r[3] is not None else 0.0 for r in rows
        ]
        bars = axes.barh(
            positions, scores, xerr=[low, high], color="#5b8fc7", capsize=2, height=0.6
        )
        national = [r[4] if r[4] is not None else math.nan for r in rows]
        dots = axes.scatter(national, positions, marker="D", color="black", s=14, zorder=3)
        marks: list[Any] = [*bars.patches]
        if bars.errorbar is not None:
            marks += [a for a in bars.errorbar.get_children() if a is not None]
        marks.append(dots)
        for mark in marks:
            axes.draw_artist(mark)
        for spine in axes.spines.values():
            axes.draw_artist(spine)
        axes.draw_artist(self._legend)
        png = _canvas_png(canvas)
        bars.remove()
        if bars.errorbar is not None:
            bars.errorbar.remove()
        dots.remove()
        return png


def _frame(figure: Any, hidden: Sequence[Any]) -> Any:
    """Draws the figure without the artists that change, and keeps its pixels."""
    for artist in hidden:
        artist.set_visible(False)
    figure.canvas.draw()
    return figure.canvas.copy_from_bbox(figure.bbox)


def _canvas_png(canvas: Any) -> bytes:
    from PIL import Image

    width, height = canvas.get_width_height()
    picture = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    picture.save(buffer, format="png", dpi=(DPI, DPI))
    return buffer.getvalue()


def heatmap_png(cells: Mapping[tuple[str, str], float], lang: str) -> bytes:
    """The arena x principle heatmap alone (a report draws many with `ReportFigures`)."""
    return ReportFigures(lang).heatmap(cells)


def profile_png(
    rows: Sequence[tuple[str, float | None, float | None, float | None, float | None]],
    lang: str,
) -> bytes:
    """The profile chart alone (a report draws many with `ReportFigures`)."""
    return ReportFigures(lang).profile(rows)


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")  # type: ignore[attr-defined]
    return buffer.getvalue()
