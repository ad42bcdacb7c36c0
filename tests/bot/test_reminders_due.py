"""Which reminders are due: a pure function of the agenda, the instant and the settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.agenda import PlannedSession, sample_agenda, sessions_on
from bot.services.reminders import ReminderKind, due_reminders, reminder_key

WIB = ZoneInfo("Asia/Jakarta")
DAY = dt.date(2026, 12, 3)
GRACE = dt.timedelta(minutes=10)
# The sample day: breaks 10:30-10:50, 12:00-13:00, 15:00-15:30; closing 15:30-16:00.
AGENDA = sessions_on(sample_agenda().slots, DAY, "Asia/Jakarta")


def at(hhmm: str, seconds: int = 0) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime(2026, 12, 3, hour, minute, seconds, tzinfo=WIB)


def due(now: dt.datetime, agenda: list[PlannedSession] = AGENDA, minutes: int = 30) -> list[str]:
    return [
        r.key
        for r in due_reminders(agenda, now, workshop_id=7, last_call_minutes=minutes, grace=GRACE)
    ]


def key(kind: str, hhmm: str) -> str:
    return f"{kind}:7:{at(hhmm).astimezone(dt.UTC).isoformat()}"


def test_nothing_is_due_before_a_break_and_its_nudge_is_due_when_it_starts() -> None:
    assert due(at("10:29", 59)) == []
    assert due(at("10:30")) == [key("break", "10:30")]
    assert key("break", "10:30") == "break:7:2026-12-03T03:30:00+00:00"


def test_a_nudge_is_due_only_within_the_grace_window() -> None:
    assert due(at("10:39", 59)) == [key("break", "10:30")]
    assert due(at("10:40")) == []
    assert due(at("13:30")) == [], "a bot that was down does not nudge about lunch later"


def test_a_short_break_ends_its_window_early() -> None:
    short = [replace(s, ends_at=s.starts_at + dt.timedelta(minutes=5)) for s in AGENDA]
    assert due(at("10:34"), short) == [key("break", "10:30")]
    assert due(at("10:35"), short) == []


def test_the_last_call_comes_the_configured_time_before_the_closing() -> None:
    assert due(at("14:59"), minutes=30) == []
    assert due(at("15:00"), minutes=30) == [key("break", "15:00"), key("last_call", "15:30")]
    assert due(at("14:45"), minutes=45) == [key("last_call", "15:30")]
    assert due(at("15:29"), minutes=5) == [key("last_call", "15:30")]
    assert due(at("15:30"), minutes=5) == [key("summary", "15:30")], "never after the closing"


def test_facilitators_get_the_summary_when_the_closing_starts() -> None:
    reminders = due_reminders(AGENDA, at("15:31"), workshop_id=7, last_call_minutes=30, grace=GRACE)
    assert [(r.kind, r.due_at) for r in reminders] == [(ReminderKind.SUMMARY, at("15:30"))]
    assert AGENDA[reminders[0].session_index].kind == "closing"


def test_a_moved_session_has_a_new_key_so_its_reminder_moves_with_it() -> None:
    moved = [
        replace(s, starts_at=s.starts_at + dt.timedelta(minutes=15))
        if s.title_en == "Coffee break"
        else s
        for s in AGENDA
    ]
    assert due(at("10:31"), moved) == []
    assert due(at("10:46"), moved) == [key("break", "10:45")]
    assert key("break", "10:45") != key("break", "10:30")


def test_keys_name_the_workshop_so_two_workshops_never_share_a_claim() -> None:
    start = AGENDA[2].starts_at
    assert reminder_key(ReminderKind.BREAK, 1, start) != reminder_key(ReminderKind.BREAK, 2, start)


def test_the_same_local_times_fall_due_at_different_instants_in_another_zone() -> None:
    papua = sessions_on(sample_agenda().slots, DAY, "Asia/Jayapura")
    coffee = papua[2].starts_at.astimezone(dt.UTC).isoformat()
    assert due(at("08:31"), papua) == [f"break:7:{coffee}"]
    assert due(at("08:31")) == []


@given(st.integers(min_value=0, max_value=24 * 60 * 60 - 1))
def test_every_due_reminder_is_inside_its_window(second_of_day: int) -> None:
    now = at("00:00") + dt.timedelta(seconds=second_of_day)
    for reminder in due_reminders(AGENDA, now, workshop_id=7, last_call_minutes=30, grace=GRACE):
        assert reminder.due_at <= now < reminder.due_at + GRACE
