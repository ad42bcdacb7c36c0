"""A workshop's phase follows its agenda unless organisers closed or reopened it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.agenda import parse_agenda_csv, sessions_on
from bot.workshop_state import WorkshopPhase, accepts_answers, workshop_phase

WIT = ZoneInfo("Asia/Jayapura")
DAY = dt.date(2026, 12, 3)
AGENDA = sessions_on(
    parse_agenda_csv(
        "kind,title_id,title_en,start,end\n"
        "opening,Pembukaan,Opening,08:30,09:00\n"
        "closing,Penutupan,Closing,15:30,16:00\n"
    ).slots,
    DAY,
    "Asia/Jayapura",
)


def at(hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime(2026, 12, 3, hour, minute, tzinfo=WIT)


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        ("08:29", WorkshopPhase.UPCOMING),
        ("08:30", WorkshopPhase.OPEN),
        ("12:00", WorkshopPhase.OPEN),
        ("15:59", WorkshopPhase.OPEN),
        ("16:00", WorkshopPhase.CLOSED),
        ("23:00", WorkshopPhase.CLOSED),
    ],
)
def test_the_phase_follows_the_agenda_in_the_workshop_zone(now: str, phase: WorkshopPhase) -> None:
    assert workshop_phase(None, AGENDA, at(now)) is phase


def test_the_same_instant_is_a_different_phase_in_another_zone() -> None:
    jambi = sessions_on(
        parse_agenda_csv("kind,title_id,start,end\nclosing,T,08:30,16:00\n").slots,
        DAY,
        "Asia/Jakarta",
    )
    papua_open_jambi_not = at("09:00")  # 07:00 in Jambi
    assert workshop_phase(None, AGENDA, papua_open_jambi_not) is WorkshopPhase.OPEN
    assert workshop_phase(None, jambi, papua_open_jambi_not) is WorkshopPhase.UPCOMING


@pytest.mark.parametrize("now", ["07:00", "12:00", "18:00"])
def test_organisers_decide_over_the_agenda(now: str) -> None:
    assert workshop_phase("closed", AGENDA, at(now)) is WorkshopPhase.CLOSED
    assert workshop_phase("open", AGENDA, at(now)) is WorkshopPhase.OPEN


def test_without_an_agenda_a_workshop_is_open() -> None:
    assert workshop_phase(None, [], at("03:00")) is WorkshopPhase.OPEN


def test_answers_are_accepted_before_and_during_the_day_not_after() -> None:
    assert accepts_answers(WorkshopPhase.UPCOMING)
    assert accepts_answers(WorkshopPhase.OPEN)
    assert not accepts_answers(WorkshopPhase.CLOSED)
