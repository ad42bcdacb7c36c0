"""The national report's number style and labels; its words are in `bot.i18n.research`."""

from __future__ import annotations

from bot.questionnaire.model import Arena, Principle
from bot.questionnaire.scoring import Band

LANGUAGES = ("id", "en")


def number(value: float | None, lang: str, decimals: int = 2) -> str:
    """A number as the language writes it: 6,21 in Indonesian, 6.21 in English."""
    if value is None:
        return "–"
    written = f"{value:.{decimals}f}"
    return written if lang == "en" else written.replace(".", ",")


def interval(low: float | None, high: float | None, lang: str) -> str:
    """An interval as '5,80–6,42'."""
    return f"{number(low, lang)}–{number(high, lang)}"


def arena_label(key: str, lang: str) -> str:
    """An arena's name in `lang`."""
    return Arena(key).label.get(lang)


def principle_label(key: str, lang: str) -> str:
    """A principle's name in `lang`."""
    return Principle(key).label.get(lang)


def band_label(key: str, lang: str) -> str:
    """A band's name in `lang`."""
    return Band(key).label.get(lang)
