"""Moving a session: the session keeps its length, later ones follow, the day stays sound."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.agenda import AgendaProblemCode, plan_move, sample_agenda, sessions_on

WIB = ZoneInfo("Asia/Jakarta")
ZONE = "Asia/Jakarta"
AGENDA = sessions_on(sample_agenda().slots, dt.date(2026, 12, 3), ZONE)
COFFEE, PLENARY, CLOSING = 2, 5, 7


def at(hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime(2026, 12, 3, hour, minute, tzinfo=WIB)


def local(plan_times: tuple[dt.datetime, dt.datetime]) -> str:
    start, end = (t.astimezone(WIB).strftime("%H:%M") for t in plan_times)
    return f"{start}-{end}"


def test_moving_later_shifts_every_later_session_by_the_same_amount() -> None:
    plan = plan_move(AGENDA, PLENARY, at("13:30"), ZONE)
    assert plan.ok
    assert plan.delta == dt.timedelta(minutes=30)
    assert plan.later_count == 2
    assert [(m.index, local((m.starts_at, m.ends_at))) for m in plan.moved] == [
        (PLENARY, "13:30-15:30"),
        (6, "15:30-16:00"),
        (CLOSING, "16:00-16:30"),
    ]


def test_earlier_sessions_never_move() -> None:
    plan = plan_move(AGENDA, COFFEE, at("10:45"), ZONE)
    assert plan.ok and min(m.index for m in plan.moved) == COFFEE


def test_moving_alone_into_the_next_session_is_refused() -> None:
    plan = plan_move(AGENDA, COFFEE, at("10:45"), ZONE, shift_later=False)
    assert [p.code for p in plan.problems] == [AgendaProblemCode.OVERLAP]
    assert "10:50" in plan.problems[0].message, "problems speak local time"


def test_moving_earlier_into_the_previous_session_is_refused() -> None:
    plan = plan_move(AGENDA, COFFEE, at("10:15"), ZONE)
    assert [p.code for p in plan.problems] == [AgendaProblemCode.OVERLAP]


def test_moving_earlier_into_a_gap_is_fine() -> None:
    plan = plan_move(AGENDA, CLOSING, at("15:30"), ZONE)
    assert plan.ok and plan.later_count == 0
    gap = plan_move(AGENDA[:6] + AGENDA[7:], 6, at("15:15"), ZONE)
    assert gap.ok, gap.problems


def test_nothing_may_leave_the_workshop_day() -> None:
    plan = plan_move(AGENDA, PLENARY, at("22:00"), ZONE)
    assert AgendaProblemCode.PAST_MIDNIGHT in {p.code for p in plan.problems}


def test_an_unknown_session_is_refused() -> None:
    plan = plan_move(AGENDA, 42, at("10:00"), ZONE)
    assert [p.code for p in plan.problems] == [AgendaProblemCode.NO_SUCH_SESSION]
