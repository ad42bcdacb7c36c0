"""Reading agenda files: YAML and CSV, every problem with its line, nothing half-read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.agenda import (
    AgendaProblemCode,
    ParsedAgenda,
    parse_agenda_csv,
    parse_agenda_yaml,
    parse_local_time,
    read_agenda_file,
    sample_agenda,
    sessions_on,
)

Code = AgendaProblemCode

GOOD_YAML = """\
sessions:
  - kind: opening
    title_id: Pembukaan
    title_en: Opening
    start: 08:30
    end: 09:00
  - kind: break
    title_id: Rehat kopi
    title_en: Coffee break
    start: 10:30
    end: 10:50
  - {kind: closing, title_id: Penutupan, title_en: Closing, start: "15:30", end: "16:00"}
"""

GOOD_CSV = """\
kind,title_id,title_en,start,end
opening,Pembukaan,Opening,08:30,09:00
break,Rehat kopi,Coffee break,10:30,10:50
closing,Penutupan,Closing,15:30,16:00
"""


def _codes(parsed: ParsedAgenda) -> list[tuple[Code, int | None]]:
    return [(problem.code, problem.line) for problem in parsed.problems]


def _plain(parsed: ParsedAgenda) -> list[tuple[str, str, str, str, str]]:
    return [
        (s.kind, s.title_id, s.title_en, s.start.strftime("%H:%M"), s.end.strftime("%H:%M"))
        for s in parsed.slots
    ]


def test_yaml_and_csv_agendas_read_the_same_sessions() -> None:
    from_yaml, from_csv = parse_agenda_yaml(GOOD_YAML), parse_agenda_csv(GOOD_CSV)
    assert from_yaml.ok and from_csv.ok
    assert (
        _plain(from_yaml)
        == _plain(from_csv)
        == [
            ("opening", "Pembukaan", "Opening", "08:30", "09:00"),
            ("break", "Rehat kopi", "Coffee break", "10:30", "10:50"),
            ("closing", "Penutupan", "Closing", "15:30", "16:00"),
        ]
    )
    assert [s.line for s in from_yaml.slots] == [2, 7, 12]
    assert [s.line for s in from_csv.slots] == [2, 3, 4]


def test_unquoted_yaml_times_are_times_not_base_60_numbers() -> None:
    # YAML 1.1 reads 10:30 as 630; the agenda reader keeps it a time of day.
    parsed = parse_agenda_yaml(GOOD_YAML)
    assert parsed.slots[1].start == dt.time(10, 30)


def test_a_plain_list_of_sessions_is_an_agenda_too() -> None:
    text = "- {kind: closing, title_id: Penutupan, start: '15.30', end: '16.00'}\n"
    parsed = parse_agenda_yaml(text)
    assert parsed.ok
    assert parsed.slots[0].title_en == "Penutupan", "English falls back to Indonesian"
    assert parsed.slots[0].start == dt.time(15, 30), "the Indonesian 15.30 is understood"


def test_sessions_come_out_in_time_order_whatever_the_file_order() -> None:
    text = GOOD_CSV.splitlines()
    shuffled = "\n".join([text[0], text[3], text[1], text[2]])
    assert [s.kind for s in parse_agenda_csv(shuffled).slots] == ["opening", "break", "closing"]


def test_csv_with_semicolons_a_bom_and_quoted_commas_is_read() -> None:
    text = (
        "\ufeffKind;Title_ID;Title_EN;Start;End\n"
        'closing;"Penutupan; doa";"Closing, prayer";15:30;16:00\n'
    )
    parsed = parse_agenda_csv(text)
    assert parsed.ok, parsed.problems
    assert parsed.slots[0].title_id == "Penutupan; doa"
    assert parsed.slots[0].title_en == "Closing, prayer"


def test_unknown_fields_are_warnings_not_errors() -> None:
    text = "- {kind: closing, title_id: T, start: '15:30', end: '16:00', room: Melati}\n"
    parsed = parse_agenda_yaml(text)
    assert parsed.ok
    assert [(w.code, w.line) for w in parsed.warnings] == [(Code.UNKNOWN_FIELD, 1)]
    assert "room" in parsed.warnings[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sessions: [\n  {kind: closing\n", [(Code.SYNTAX, 3)]),
        ("sessions: 12\n", [(Code.NOT_A_LIST, 1)]),
        ("title: Agenda\n", [(Code.NOT_A_LIST, 1)]),
        ("- just a string\n", [(Code.NOT_A_LIST, 1)]),
        ("", [(Code.EMPTY, None)]),
        ("sessions: []\n", [(Code.EMPTY, None)]),
        (
            "- {kind: closing, start: '15:30', end: '16:00'}\n",
            [(Code.MISSING_FIELD, 1)],
        ),
        (
            "- {kind: lunch, title_id: Makan, start: '12:00', end: '13:00'}\n"
            "- {kind: closing, title_id: T, start: '15:30', end: '16:00'}\n",
            [(Code.UNKNOWN_KIND, 1)],
        ),
        (
            "- {kind: closing, title_id: T, start: '25:00', end: '16:00'}\n",
            [(Code.BAD_TIME, 1)],
        ),
        (
            "- {kind: closing, title_id: T, start: 'half past three', end: '16:00'}\n",
            [(Code.BAD_TIME, 1)],
        ),
        (
            "- {kind: closing, title_id: T, start: '16:00', end: '15:30'}\n",
            [(Code.END_NOT_AFTER_START, 1)],
        ),
        (
            "- {kind: fgd, title_id: A, start: '09:00', end: '10:45'}\n"
            "- {kind: break, title_id: B, start: '10:30', end: '10:50'}\n"
            "- {kind: closing, title_id: T, start: '15:30', end: '16:00'}\n",
            [(Code.OVERLAP, 2)],
        ),
        (
            "- {kind: fgd, title_id: A, start: '09:00', end: '10:00'}\n",
            [(Code.CLOSING_COUNT, None)],
        ),
        (
            "- {kind: closing, title_id: A, start: '09:00', end: '10:00'}\n"
            "- {kind: closing, title_id: B, start: '15:30', end: '16:00'}\n",
            [(Code.CLOSING_COUNT, 2)],
        ),
    ],
)
def test_each_yaml_problem_is_reported_with_its_line(
    text: str, expected: list[tuple[Code, int | None]]
) -> None:
    parsed = parse_agenda_yaml(text)
    assert not parsed.ok
    assert sorted(_codes(parsed), key=str) == sorted(expected, key=str)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(Code.EMPTY, None)]),
        ("kind,title_id,title_en,start,end\n", [(Code.EMPTY, None)]),
        ("kind,title,start,end\nclosing,T,15:30,16:00\n", [(Code.MISSING_FIELD, 1)]),
        (
            "kind,title_id,title_en,start,end\nclosing,T,Closing,15:30,16:00,extra\n",
            [(Code.SYNTAX, 2)],
        ),
        (
            "kind,title_id,title_en,start,end\nclosing,,Closing,15:30,16:00\n",
            [(Code.MISSING_FIELD, 2)],
        ),
        (
            "kind,title_id,title_en,start,end\nrehat,R,Break,10:30,10:50\n"
            "closing,T,Closing,15:30,16:00\n",
            [(Code.UNKNOWN_KIND, 2)],
        ),
        (
            "kind,title_id,title_en,start,end\nclosing,T,Closing,15:30,4 pm\n",
            [(Code.BAD_TIME, 2)],
        ),
        (
            "kind,title_id,title_en,start,end\nclosing,T,Closing,16:00,16:00\n",
            [(Code.END_NOT_AFTER_START, 2)],
        ),
        (
            "kind,title_id,title_en,start,end\nfgd,A,A,09:00,11:00\nbreak,B,B,10:30,10:50\n"
            "closing,T,Closing,15:30,16:00\n",
            [(Code.OVERLAP, 3)],
        ),
        (
            "kind,title_id,title_en,start,end\nfgd,A,A,09:00,11:00\n",
            [(Code.CLOSING_COUNT, None)],
        ),
        (
            "kind,title_id,title_en,start,end\nclosing,A,A,09:00,10:00\nclosing,B,B,15:30,16:00\n",
            [(Code.CLOSING_COUNT, 3)],
        ),
    ],
)
def test_each_csv_problem_is_reported_with_its_line(
    text: str, expected: list[tuple[Code, int | None]]
) -> None:
    parsed = parse_agenda_csv(text)
    assert not parsed.ok
    assert sorted(_codes(parsed), key=str) == sorted(expected, key=str)


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = (
        "kind,title_id,title_en,start,end\n"
        "lunch,Makan,Lunch,12:00,11:00\n"
        "closing,T,Closing,25:00,16:00\n"
        "closing,U,Closing,17:00,18:00\n"
    )
    parsed = parse_agenda_csv(text)
    assert _codes(parsed) == [
        (Code.UNKNOWN_KIND, 2),
        (Code.END_NOT_AFTER_START, 2),
        (Code.BAD_TIME, 3),
        (Code.CLOSING_COUNT, 4),
    ]
    assert str(parsed.problems[0]).startswith("[line 2] unknown kind 'lunch'")


def test_files_are_read_by_extension_and_refused_politely(tmp_path: Path) -> None:
    (tmp_path / "agenda.yml").write_text(GOOD_YAML, encoding="utf-8")
    (tmp_path / "agenda.csv").write_bytes(GOOD_CSV.encode("utf-8-sig"))
    (tmp_path / "agenda.txt").write_text(GOOD_CSV, encoding="utf-8")
    (tmp_path / "latin.csv").write_bytes("kind,title_id\nclosing,Pembukaan é\n".encode("latin-1"))
    assert read_agenda_file(tmp_path / "agenda.yml").ok
    assert read_agenda_file(tmp_path / "agenda.csv").ok
    for name in ("agenda.txt", "latin.csv", "missing.yaml"):
        parsed = read_agenda_file(tmp_path / name)
        assert _codes(parsed) == [(Code.FILE_NOT_READABLE, None)], name


def test_the_shipped_sample_agenda_is_valid_in_both_formats() -> None:
    yaml_sample, csv_sample = sample_agenda("yaml"), sample_agenda("csv")
    assert yaml_sample.ok and csv_sample.ok
    assert _plain(yaml_sample) == _plain(csv_sample)
    assert [s.kind for s in yaml_sample.slots].count("closing") == 1
    assert [s.kind for s in yaml_sample.slots].count("break") == 3


def test_sessions_are_placed_on_the_day_in_the_workshop_zone() -> None:
    slots = parse_agenda_csv(GOOD_CSV).slots
    day = dt.date(2026, 12, 3)
    jambi = sessions_on(slots, day, "Asia/Jakarta")
    papua = sessions_on(slots, day, "Asia/Jayapura")
    assert jambi[1].starts_at == dt.datetime(2026, 12, 3, 3, 30, tzinfo=dt.UTC)
    assert papua[1].starts_at == dt.datetime(2026, 12, 3, 1, 30, tzinfo=dt.UTC)
    assert papua[1].starts_at.tzinfo == ZoneInfo("Asia/Jayapura")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:30", dt.time(8, 30)), ("8.05", dt.time(8, 5)), (" 23:59 ", dt.time(23, 59))],
)
def test_local_times_are_read_with_colon_or_dot(text: str, expected: dt.time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "1230", "12:3", "noon", ""])
def test_impossible_times_are_refused(text: str) -> None:
    assert parse_local_time(text) is None
