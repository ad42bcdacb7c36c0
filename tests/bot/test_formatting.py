"""bot/formatting.py: the one way times, zones and numbers are written for a reader."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.formatting import clock_time, format_number, local_day, local_time

AFTERNOON = dt.datetime(2026, 12, 3, 8, 5, tzinfo=dt.UTC)  # 15:05 in Jakarta


@pytest.mark.parametrize(
    ("zone", "lang", "expected"),
    [
        ("Asia/Jakarta", "id", "15.05 WIB"),
        ("Asia/Jakarta", "en", "15:05 WIB"),
        ("Asia/Makassar", "id", "16.05 WITA"),
        ("Asia/Jayapura", "en", "17:05 WIT"),
    ],
)
def test_local_time_is_written_as_the_reader_writes_it(zone: str, lang: str, expected: str) -> None:
    assert local_time(AFTERNOON, zone, lang) == expected


def test_clock_time_and_local_day_follow_the_zone() -> None:
    late = dt.datetime(2026, 12, 3, 16, 30, tzinfo=dt.UTC)
    assert clock_time(late, "Asia/Jayapura", "id") == "01.30"
    assert local_day(late, "Asia/Jayapura") == dt.date(2026, 12, 4)
    assert local_day(late, "Asia/Jakarta") == dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (7.5, "id", None, "7,5"),
        (7.5, "en", None, "7.5"),
        (7.0, "id", None, "7"),
        (6.214, "id", 2, "6,21"),
        (6.215, "en", 2, "6.21"),
        (10, "id", 2, "10,00"),
    ],
)
def test_numbers_use_the_decimal_comma_in_indonesian(
    value: float, lang: str, digits: int | None, expected: str
) -> None:
    assert format_number(value, lang, digits=digits) == expected
