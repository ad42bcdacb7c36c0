"""How the bot writes times, zones and numbers for a reader: '15.30 WIB', '15:30 WIB', '6,21'.

The one place for it: the bot's messages, the exports' captions and the admin script
all write local times and decimals through these functions.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Indonesia's three zones by their everyday names; the IANA abbreviation database agrees
# today, but these names are printed on every agenda and must not depend on tzdata.
_INDONESIAN_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_exists(zone: str) -> bool:
    """Tells whether `zone` is an IANA zone name this system knows."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_abbreviation(zone: str, at: dt.datetime) -> str:
    """Names the zone as people in Indonesia do (WIB, WITA, WIT); elsewhere its usual name."""
    known = _INDONESIAN_ZONES.get(zone)
    if known is not None:
        return known
    local = at.astimezone(ZoneInfo(zone))
    name = local.tzname() or ""
    if name.isalpha():
        return name
    offset = local.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def clock_time(instant: dt.datetime, zone: str, lang: str) -> str:
    """The local time of day as written in the language: '15.30' (id) or '15:30' (en)."""
    local = instant.astimezone(ZoneInfo(zone))
    separator = "." if lang == "id" else ":"
    return f"{local.hour:02d}{separator}{local.minute:02d}"


def local_time(instant: dt.datetime, zone: str, lang: str) -> str:
    """The local time with the zone: '15.30 WIB' (id) or '15:30 WIB' (en)."""
    return f"{clock_time(instant, zone, lang)} {zone_abbreviation(zone, instant)}"


def local_day(instant: dt.datetime, zone: str) -> dt.date:
    """The calendar day of the instant in the zone."""
    return instant.astimezone(ZoneInfo(zone)).date()


def format_number(value: float | int, lang: str, *, digits: int | None = None) -> str:
    """Formats a number the way the reader writes it: '7,5' and '6,21' in Indonesian,
    '7.5' in English; `digits` fixes the decimals (scores are shown with two)."""
    if digits is not None:
        text = f"{value:.{digits}f}"
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
    return text.replace(".", ",") if lang == "id" else text
