"""The report's pictures, drawn once as a frame and refilled per province, carry nothing
over from the province before."""

from __future__ import annotations

import io

from PIL import Image

from bot.research.figures import DPI, HEATMAP_SIZE, ReportFigures, heatmap_png, profile_png
from bot.research.frames import ARENAS, PRINCIPLES

CELLS = {
    (a, p): 1.0 + (i % 10) for i, (a, p) in enumerate((a, p) for a in ARENAS for p in PRINCIPLES)
}
ROWS = [(f"row {i}", 4.0 + i / 3, 3.5 + i / 3, 4.5 + i / 3, 6.0) for i in range(10)]


def test_a_refilled_heatmap_is_the_same_picture_as_one_drawn_afresh() -> None:
    figures = ReportFigures("id")
    first = figures.heatmap(CELLS)
    other = {key: 11.0 - value for key, value in CELLS.items()}
    del other[(ARENAS[1], PRINCIPLES[2])]  # a cell without data
    second = figures.heatmap(other)
    assert second != first
    assert second == heatmap_png(other, "id")
    picture = Image.open(io.BytesIO(second))
    assert picture.size == (round(HEATMAP_SIZE[0] * DPI), round(HEATMAP_SIZE[1] * DPI))


def test_a_refilled_profile_drops_the_bars_of_the_province_before() -> None:
    figures = ReportFigures("en")
    figures.profile(ROWS)
    fewer = [(label, None, None, None, national) for label, *_, national in ROWS]
    assert figures.profile(fewer) == profile_png(fewer, "en")
    assert figures.profile(ROWS) == profile_png(ROWS, "en")
