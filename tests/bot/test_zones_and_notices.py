"""Zone names, local times and the texts built from them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.agenda import PlannedSession, sample_agenda, sessions_on
from bot.formatting import clock_time, local_time
from bot.formatting import zone_abbreviation as abbreviation
from bot.notices import (
    DeliveryReport,
    WorkshopLabel,
    agenda_change_text,
    agenda_text,
    delivery_report_text,
    name_list,
    title_in_sentence,
)

NOON = dt.datetime(2026, 12, 3, 5, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        ("Asia/Jakarta", "WIB"),
        ("Asia/Pontianak", "WIB"),
        ("Asia/Makassar", "WITA"),
        ("Asia/Ujung_Pandang", "WITA"),
        ("Asia/Jayapura", "WIT"),
        ("Europe/Amsterdam", "CET"),
        ("Asia/Dubai", "UTC+4"),
        ("Asia/Kathmandu", "UTC+5:45"),
        ("America/Sao_Paulo", "UTC-3"),
    ],
)
def test_zone_abbreviations_are_the_names_people_use(zone: str, name: str) -> None:
    assert abbreviation(zone, NOON) == name


def test_summer_time_is_named_by_the_instant() -> None:
    july = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    assert abbreviation("Europe/Amsterdam", july) == "CEST"


def test_local_times_are_written_the_way_each_language_writes_them() -> None:
    instant = dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC)
    assert local_time(instant, "Asia/Jakarta", "id") == "15.30 WIB"
    assert local_time(instant, "Asia/Jakarta", "en") == "15:30 WIB"
    assert local_time(instant, "Asia/Makassar", "id") == "16.30 WITA"
    assert clock_time(instant, "Asia/Jayapura", "en") == "17:30"


def _plenary(zone: str) -> PlannedSession:
    return next(
        s
        for s in sessions_on(sample_agenda().slots, dt.date(2026, 12, 3), zone)
        if s.kind == "plenary"
    )


def test_an_agenda_change_is_told_in_each_language_and_local_time() -> None:
    plenary = _plenary("Asia/Jakarta")
    later = plenary.starts_at.replace(hour=15, minute=30)
    assert agenda_change_text(plenary, later, "Asia/Jakarta", "id") == (
        "🗓 Sesi pleno diundur ke 15.30 WIB."
    )
    assert agenda_change_text(plenary, later, "Asia/Jakarta", "en") == (
        "🗓 The plenary session has been moved to 15:30 WIB."
    )
    earlier = plenary.starts_at - dt.timedelta(minutes=15)
    assert (
        agenda_change_text(plenary, earlier, "Asia/Jakarta", "id", later_sessions_moved=2)
        == "🗓 Sesi pleno dimajukan ke 12.45 WIB. Sesi berikutnya juga maju 15 menit."
    )
    papua = _plenary("Asia/Jayapura")
    an_hour_later = papua.starts_at + dt.timedelta(hours=1)
    assert agenda_change_text(
        papua, an_hour_later, "Asia/Jayapura", "en", later_sessions_moved=1
    ) == (
        "🗓 The plenary session has been moved to 14:00 WIT. "
        "Later sessions are also 60 minutes later."
    )


@pytest.mark.parametrize(
    ("title", "in_sentence"),
    [("Pleno", "pleno"), ("Coffee break", "coffee break"), ("FGD I", "FGD I"), ("", "")],
)
def test_titles_lose_their_capital_inside_a_sentence_unless_acronyms(
    title: str, in_sentence: str
) -> None:
    assert title_in_sentence(title) == in_sentence


def test_the_agenda_marks_the_running_and_the_next_session() -> None:
    zone = "Asia/Makassar"
    sessions = sessions_on(sample_agenda().slots, dt.date(2026, 12, 3), zone)
    label = WorkshopLabel("Bali", "Bali", zone, dt.date(2026, 12, 3))
    now = dt.datetime(2026, 12, 3, 10, 40, tzinfo=ZoneInfo(zone))
    text = agenda_text(label, sessions, now, "id")
    assert text.startswith("🗓 Agenda Lokakarya Bali\n3 Desember 2026 · waktu WITA")
    assert "10.30–10.50  Rehat kopi  ◀ sekarang" in text
    assert "10.50–12.00  Diskusi kelompok II  ◀ berikutnya" in text
    assert text.count("◀") == 2
    english = agenda_text(label, sessions, now, "en")
    assert "3 December 2026 · WITA time" in english
    assert "10:30–10:50  Coffee break  ◀ now" in english


def test_a_delivery_report_names_those_who_blocked_the_bot() -> None:
    report = DeliveryReport(4, sent=197, failed=1, blocked=2, blocked_names=("Ani", "Budi"))
    assert delivery_report_text(report, "id") == (
        "📬 Laporan siaran #4: 197 terkirim, 1 gagal, 2 memblokir bot.\n"
        "Memblokir bot:\n• Ani\n• Budi"
    )


def test_long_name_lists_are_cut_with_a_count() -> None:
    names = [f"P{n}" for n in range(35)]
    assert name_list(names, "en").endswith("\n• P29\n… and 5 more")


def test_names_with_commas_stand_one_per_line() -> None:
    listed = name_list(["Dr. Hj. Siti Aminah, M.Si.", "Budi Santoso, S.E."], "id")
    assert listed == "\n• Dr. Hj. Siti Aminah, M.Si.\n• Budi Santoso, S.E."
