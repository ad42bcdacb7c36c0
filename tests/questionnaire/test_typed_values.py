"""Typed dates and times in Indonesian and English formats."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.questionnaire.typed_values import parse_date, parse_datetime, parse_time

AUGUST_17 = date(2026, 8, 17)


@pytest.mark.parametrize(
    "text",
    [
        "2026-08-17",
        "17/08/2026",
        "17-8-2026",
        "17.08.2026",
        "17 Agustus 2026",
        "17 agu 2026",
        "17 August 2026",
        "Aug 17, 2026",
        "August 17th, 2026",
        "  17  AGUSTUS  2026 ",
    ],
)
def test_a_date_is_read_in_indonesian_english_and_iso_formats(text: str) -> None:
    assert parse_date(text) == AUGUST_17


@pytest.mark.parametrize("text", ["31/02/2026", "17 Agustos 2026", "17/08", "kemarin", "", "2026"])
def test_what_is_not_a_real_date_reads_as_none(text: str) -> None:
    assert parse_date(text) is None


def test_numeric_dates_are_read_day_first() -> None:
    assert parse_date("03/04/2026") == date(2026, 4, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", time(14, 30)),
        ("14.30", time(14, 30)),
        ("9.05", time(9, 5)),
        ("2:30 pm", time(14, 30)),
        ("12 am", time(0, 0)),
        ("23:59:59", time(23, 59, 59)),
    ],
)
def test_a_time_is_read_with_a_colon_a_dot_or_am_pm(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "14", "13 pm", "10:75", "siang"])
def test_what_is_not_a_time_reads_as_none(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(
    "text", ["2026-08-17 14:30", "2026-08-17T14:30", "17 Agustus 2026 14.30", "17/08/2026, 2:30 pm"]
)
def test_a_date_and_time_are_read_together(text: str) -> None:
    assert parse_datetime(text) == datetime(2026, 8, 17, 14, 30)


def test_a_date_without_a_time_is_not_a_datetime() -> None:
    assert parse_datetime("17 Agustus 2026") is None
