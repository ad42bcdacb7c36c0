"""Reading typed dates and times, as Indonesians and English speakers write them.

Pure text -> value functions; None means "not a date/time". Day-first is assumed for
numeric dates (17/08/2026), as written in Indonesia and most of the world; month names
are read in Indonesian and English, whole or abbreviated (17 Agustus 2026, 17 Agu 2026,
17 August 2026, Aug 17, 2026), and ISO 8601 (2026-08-17) always works. Times take a
colon or the Indonesian dot (14:30, 14.30, 2:30 pm). Our own patterns, not a form's:
Python's `re` is safe here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

_MONTHS = {
    # Indonesian
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "nopember": 11,
    "desember": 12,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "okt": 10,
    "des": 12,
    # English
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_TIME = re.compile(
    r"(\d{1,2})(?:\s*[:.]\s*(\d{2}))?(?:\s*[:.]\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
)
_DATETIME_SPLIT = re.compile(r"\s*(?:T|,|\s)\s*(?=\d{1,2}\s*[:.]\s*\d{2}(?:\D|$))", re.IGNORECASE)


def parse_date(text: str) -> date | None:
    """Reads a calendar date, or returns None (also for impossible days like 31/02/2026)."""
    cleaned = " ".join(text.strip().lower().split())
    found = _ISO_DATE.fullmatch(cleaned)
    if found:
        return _date(found.group(1), found.group(2), found.group(3))
    found = _NUMERIC_DATE.fullmatch(cleaned)
    if found:
        return _date(found.group(3), found.group(2), found.group(1))
    found = _DAY_MONTH_YEAR.fullmatch(cleaned)
    if found and found.group(2) in _MONTHS:
        return _date(found.group(3), str(_MONTHS[found.group(2)]), found.group(1))
    found = _MONTH_DAY_YEAR.fullmatch(cleaned)
    if found and found.group(1) in _MONTHS:
        return _date(found.group(3), str(_MONTHS[found.group(1)]), found.group(2))
    return None


def parse_time(text: str) -> time | None:
    """Reads a time of day (24-hour, or 12-hour with am/pm), or returns None."""
    cleaned = " ".join(text.strip().lower().split())
    found = _TIME.fullmatch(cleaned)
    if not found or (found.group(2) is None and found.group(4) is None):
        return None  # a bare number is not a time
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    second = int(found.group(3) or 0)
    suffix = (found.group(4) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def parse_datetime(text: str) -> datetime | None:
    """Reads a date followed by a time (2026-08-17 14:30, 17 Agustus 2026 14.30), or None.

    The result is naive: the caller knows the workshop's time zone.
    """
    stripped = text.strip()
    try:
        return datetime.fromisoformat(stripped)
    except ValueError:
        pass
    parts = _DATETIME_SPLIT.split(stripped)
    for cut in range(len(parts) - 1, 0, -1):
        day = parse_date(" ".join(parts[:cut]))
        moment = parse_time(" ".join(parts[cut:]))
        if day is not None and moment is not None:
            return datetime.combine(day, moment)
    return None


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
