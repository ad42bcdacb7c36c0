"""Workshop agendas: reading agenda files, local times and zone names, moving sessions.

Pure: no telegram, no sqlalchemy, no clock. Agenda files give local wall-clock times
(HH:MM) on the workshop's date in the workshop's zone; `sessions_on` turns them into
aware instants. Problems carry a code and the line they concern, like the questionnaire
loader's, and every problem of a file is reported at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

import yaml

from bot.formatting import local_day
from bot.questionnaire.vocabulary import SESSION_KINDS

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_FIELDS = ("kind", "title_id", "title_en", "start", "end")
_REQUIRED = ("kind", "title_id", "start", "end")


class AgendaProblemCode(StrEnum):
    """What is wrong with an agenda (file or change)."""

    FILE_NOT_READABLE = "file_not_readable"
    SYNTAX = "syntax"
    NOT_A_LIST = "not_a_list"
    EMPTY = "empty"
    MISSING_FIELD = "missing_field"
    UNKNOWN_FIELD = "unknown_field"  # a warning: the field is ignored
    UNKNOWN_KIND = "unknown_kind"
    BAD_TIME = "bad_time"
    END_NOT_AFTER_START = "end_not_after_start"
    OVERLAP = "overlap"
    CLOSING_COUNT = "closing_count"
    PAST_MIDNIGHT = "past_midnight"
    NO_SUCH_SESSION = "no_such_session"


@dataclass(frozen=True)
class AgendaProblem:
    """One problem, with the line of the file it concerns when there is one."""

    code: AgendaProblemCode
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"[line {self.line}] {self.message}" if self.line is not None else self.message


@dataclass(frozen=True)
class AgendaSlot:
    """One session as an agenda file describes it: local times, no date."""

    kind: str
    title_id: str
    title_en: str
    start: dt.time
    end: dt.time
    line: int | None = None


@dataclass(frozen=True)
class ParsedAgenda:
    """The slots of an agenda file in time order, or the problems that stop it."""

    slots: tuple[AgendaSlot, ...] = ()
    problems: tuple[AgendaProblem, ...] = ()
    warnings: tuple[AgendaProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """Tells whether the agenda can be used."""
        return not self.problems


@dataclass(frozen=True)
class PlannedSession:
    """A session on its day, with aware instants (the shape of storage's AgendaItem)."""

    kind: str
    title_id: str
    title_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class TimedSession(Protocol):
    """An agenda row: what the due-reminder and move computations need."""

    @property
    def kind(self) -> str: ...

    @property
    def title_id(self) -> str: ...

    @property
    def title_en(self) -> str: ...

    @property
    def starts_at(self) -> dt.datetime: ...

    @property
    def ends_at(self) -> dt.datetime: ...


# --- reading files ------------------------------------------------------------------------


def read_agenda_file(path: str | Path) -> ParsedAgenda:
    """Reads an agenda from a .yaml/.yml or .csv file (by extension)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return _failed(AgendaProblemCode.FILE_NOT_READABLE, f"cannot read {path}: {reason}")
    try:
        text = raw.decode("utf-8-sig")  # spreadsheet programs like to add a BOM
    except UnicodeDecodeError:
        return _failed(AgendaProblemCode.FILE_NOT_READABLE, f"{path} is not UTF-8 text")
    if path.suffix.lower() == ".csv":
        return parse_agenda_csv(text)
    if path.suffix.lower() in (".yaml", ".yml"):
        return parse_agenda_yaml(text)
    return _failed(
        AgendaProblemCode.FILE_NOT_READABLE,
        f"{path.name}: an agenda file must end in .yaml, .yml or .csv",
    )


def parse_agenda_yaml(text: str) -> ParsedAgenda:
    """Parses a YAML agenda: a list of sessions, or a mapping with a `sessions` list.

    Every scalar is read as text, so 10:30 stays a time (YAML 1.1 would read it as the
    base-60 number 630) and a title such as "No" stays a title.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(part for part in (exc.context, exc.problem) if part)
        line = mark.line + 1 if mark is not None else None
        return _failed(AgendaProblemCode.SYNTAX, f"YAML syntax error: {detail}", line)
    except yaml.YAMLError as exc:
        return _failed(AgendaProblemCode.SYNTAX, f"YAML syntax error: {exc}")
    if root is None:
        return _failed(AgendaProblemCode.EMPTY, "the agenda is empty: add at least a closing")
    items: yaml.Node | None = root
    if isinstance(root, yaml.MappingNode):
        items = next((v for k, v in root.value if _scalar(k) == "sessions"), None)
        if items is None:
            return _failed(
                AgendaProblemCode.NOT_A_LIST,
                "expected a list of sessions, or `sessions:` followed by one",
                root.start_mark.line + 1,
            )
    if not isinstance(items, yaml.SequenceNode):
        line = items.start_mark.line + 1 if items is not None else None
        return _failed(AgendaProblemCode.NOT_A_LIST, "expected a list of sessions", line)
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[AgendaProblem] = []
    for node in items.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            problems.append(
                AgendaProblem(
                    AgendaProblemCode.NOT_A_LIST,
                    "each session must be a mapping with kind, title_id, title_en, start, end",
                    line,
                )
            )
            continue
        rows.append((line, {_scalar(k): _scalar(v) for k, v in node.value}))
    return _build(rows, problems)


def parse_agenda_csv(text: str) -> ParsedAgenda:
    """Parses a CSV agenda with a header row: kind, title_id, title_en, start, end.

    Commas or semicolons (as Indonesian spreadsheet exports use) separate the columns.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return _failed(AgendaProblemCode.EMPTY, "the agenda is empty: add at least a closing")
    header_line = next(line for line in lines if line.strip())
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[AgendaProblem] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in record]
                missing = [
                    name for name in ("kind", "title_id", "start", "end") if name not in header
                ]
                if missing:
                    return _failed(
                        AgendaProblemCode.MISSING_FIELD,
                        f"the header row lacks the column(s) {', '.join(missing)}; expected "
                        "kind, title_id, title_en, start, end",
                        line,
                    )
                continue
            if len(record) > len(header):
                problems.append(
                    AgendaProblem(
                        AgendaProblemCode.SYNTAX,
                        f"{len(record)} cells but the header has {len(header)} columns "
                        "(a title with a comma must be in double quotes)",
                        line,
                    )
                )
                continue
            rows.append((line, dict(zip(header, (cell.strip() for cell in record), strict=False))))
    except csv.Error as exc:
        return _failed(AgendaProblemCode.SYNTAX, f"CSV syntax error: {exc}", reader.line_num)
    return _build(rows, problems)


def _scalar(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value).strip()
    return ""


def _failed(code: AgendaProblemCode, message: str, line: int | None = None) -> ParsedAgenda:
    return ParsedAgenda(problems=(AgendaProblem(code, message, line),))


def _build(rows: list[tuple[int, dict[str, str]]], problems: list[AgendaProblem]) -> ParsedAgenda:
    warnings: list[AgendaProblem] = []
    slots: list[AgendaSlot] = []
    spans: list[Span[dt.time]] = []
    for line, row in rows:
        slot, span = _slot(line, row, problems, warnings)
        if slot is not None:
            slots.append(slot)
        if span is not None:
            spans.append(span)
    if not rows and not problems:
        problems.append(
            AgendaProblem(AgendaProblemCode.EMPTY, "the agenda is empty: add at least a closing")
        )
    slots.sort(key=lambda s: (s.start, s.end))
    problems.extend(timing_problems(spans))
    if rows:
        # Counted on the rows as written, so a closing with a bad time is not "missing".
        closing_lines = [line for line, row in rows if row.get("kind", "").lower() == "closing"]
        problem = closing_problem(closing_lines)
        if problem is not None:
            problems.append(problem)
    problems.sort(key=lambda p: p.line or 0)
    return ParsedAgenda(tuple(slots), tuple(problems), tuple(warnings))


def _slot(
    line: int,
    row: dict[str, str],
    problems: list[AgendaProblem],
    warnings: list[AgendaProblem],
) -> tuple[AgendaSlot | None, Span[dt.time] | None]:
    """The row as a slot, and its extent for the timing checks whenever its times parse."""
    found = len(problems)
    for name in row:
        if name and name not in _FIELDS:
            warnings.append(
                AgendaProblem(
                    AgendaProblemCode.UNKNOWN_FIELD,
                    f"unknown field '{name}' is ignored (fields: {', '.join(_FIELDS)})",
                    line,
                )
            )
    for name in _REQUIRED:
        if not row.get(name):
            problems.append(
                AgendaProblem(AgendaProblemCode.MISSING_FIELD, f"the session has no '{name}'", line)
            )
    kind = row.get("kind", "").lower()
    if kind and kind not in SESSION_KINDS:
        problems.append(
            AgendaProblem(
                AgendaProblemCode.UNKNOWN_KIND,
                f"unknown kind '{row['kind']}'; use one of {', '.join(SESSION_KINDS)}",
                line,
            )
        )
    times: dict[str, dt.time] = {}
    for name in ("start", "end"):
        value = row.get(name, "")
        if not value:
            continue
        parsed = parse_local_time(value)
        if parsed is None:
            problems.append(
                AgendaProblem(
                    AgendaProblemCode.BAD_TIME,
                    f"{name} '{value}' is not a time of day; write it as HH:MM, e.g. 13:30",
                    line,
                )
            )
        else:
            times[name] = parsed
    title_id = row.get("title_id", "")
    span = None
    if "start" in times and "end" in times:
        span = Span(line, title_id or kind or "?", times["start"], times["end"])
    if len(problems) > found:
        return None, span
    title_en = row.get("title_en") or title_id
    return AgendaSlot(kind, title_id, title_en, times["start"], times["end"], line), span


def parse_local_time(text: str) -> dt.time | None:
    """Reads 'HH:MM' (or the Indonesian 'HH.MM'); None if it is not a time of day."""
    match = _TIME.match(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


# --- checks shared by files and changes ----------------------------------------------------

T = TypeVar("T", dt.time, dt.datetime)


@dataclass(frozen=True)
class Span(Generic[T]):
    """A session's extent for the timing checks: local times (files) or instants (moves)."""

    line: int | None
    title: str
    start: T
    end: T


def timing_problems(spans: Sequence[Span[T]]) -> list[AgendaProblem]:
    """Finds sessions that do not end after they start, and sessions that overlap."""
    problems: list[AgendaProblem] = []
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    for span in ordered:
        if not span.end > span.start:
            problems.append(
                AgendaProblem(
                    AgendaProblemCode.END_NOT_AFTER_START,
                    f"'{span.title}' ends at {_hhmm(span.end)}, which is not after its start "
                    f"{_hhmm(span.start)}",
                    span.line,
                )
            )
    for earlier, later in itertools.pairwise(ordered):
        if later.start < earlier.end:
            problems.append(
                AgendaProblem(
                    AgendaProblemCode.OVERLAP,
                    f"'{later.title}' starts at {_hhmm(later.start)}, before '{earlier.title}' "
                    f"ends at {_hhmm(earlier.end)}",
                    later.line,
                )
            )
    return problems


def closing_problem(closing_lines: Sequence[int | None]) -> AgendaProblem | None:
    """Exactly one closing is needed: the last call and the summary are timed from it."""
    if len(closing_lines) == 1:
        return None
    if not closing_lines:
        return AgendaProblem(
            AgendaProblemCode.CLOSING_COUNT,
            "there is no closing session; exactly one is needed (kind: closing)",
        )
    return AgendaProblem(
        AgendaProblemCode.CLOSING_COUNT,
        f"there are {len(closing_lines)} closing sessions; exactly one is needed "
        "(the last call and the summary are timed from it)",
        closing_lines[1],
    )


def _hhmm(value: dt.time | dt.datetime) -> str:
    return value.strftime("%H:%M")


# --- days, zones and local times ----------------------------------------------------------


def sessions_on(slots: Iterable[AgendaSlot], day: dt.date, zone: str) -> list[PlannedSession]:
    """Places the slots on the workshop's day in its zone."""
    tz = ZoneInfo(zone)
    return [
        PlannedSession(
            kind=slot.kind,
            title_id=slot.title_id,
            title_en=slot.title_en,
            starts_at=dt.datetime.combine(day, slot.start, tz),
            ends_at=dt.datetime.combine(day, slot.end, tz),
        )
        for slot in slots
    ]


# --- current and next session -------------------------------------------------------------


def current_and_next(
    sessions: Sequence[TimedSession], now: dt.datetime
) -> tuple[int | None, int | None]:
    """Indexes (into `sessions`, which are in time order) of the running and the next session."""
    current = next(
        (i for i, s in enumerate(sessions) if s.starts_at <= now < s.ends_at),
        None,
    )
    upcoming = next((i for i, s in enumerate(sessions) if s.starts_at > now), None)
    return current, upcoming


# --- moving a session ---------------------------------------------------------------------


@dataclass(frozen=True)
class MovedSession:
    """A session's new times after a move."""

    index: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class MovePlan:
    """What moving one session does to the agenda, or why it cannot be done."""

    delta: dt.timedelta
    moved: tuple[MovedSession, ...] = ()
    problems: tuple[AgendaProblem, ...] = ()
    later_count: int = 0

    @property
    def ok(self) -> bool:
        """Tells whether the move can be applied."""
        return not self.problems


def plan_move(
    sessions: Sequence[TimedSession],
    index: int,
    new_start: dt.datetime,
    zone: str,
    *,
    shift_later: bool = True,
) -> MovePlan:
    """Moves session `index` (of `sessions`, in time order) to start at `new_start`.

    The session keeps its length. With `shift_later`, every session that started after it
    moves by the same amount, as when a workshop runs late as a block; earlier sessions
    never move. The result must keep the agenda free of overlaps and within the day.
    """
    if not 0 <= index < len(sessions):
        return MovePlan(
            dt.timedelta(),
            problems=(
                AgendaProblem(
                    AgendaProblemCode.NO_SUCH_SESSION,
                    f"there is no session {index + 1}; the agenda has {len(sessions)}",
                ),
            ),
        )
    target = sessions[index]
    delta = new_start - target.starts_at
    chosen = [
        i
        for i, s in enumerate(sessions)
        if i == index or (shift_later and s.starts_at > target.starts_at)
    ]
    moved = tuple(
        MovedSession(i, sessions[i].starts_at + delta, sessions[i].ends_at + delta) for i in chosen
    )
    by_index = {m.index: m for m in moved}
    tz = ZoneInfo(zone)
    spans: list[Span[dt.datetime]] = []
    for i, session in enumerate(sessions):
        shifted = by_index.get(i)
        start = shifted.starts_at if shifted else session.starts_at
        end = shifted.ends_at if shifted else session.ends_at
        # Local instants, so the problems speak the workshop's time.
        spans.append(Span(None, session.title_id, start.astimezone(tz), end.astimezone(tz)))
    problems = timing_problems(spans)
    day = local_day(target.starts_at, zone)
    for shifted in moved:
        end_local = shifted.ends_at.astimezone(tz)
        start_local = shifted.starts_at.astimezone(tz)
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz)
        if start_local.date() != day or end_local > midnight:
            problems.append(
                AgendaProblem(
                    AgendaProblemCode.PAST_MIDNIGHT,
                    f"'{sessions[shifted.index].title_id}' would leave the workshop's day",
                )
            )
            break
    return MovePlan(delta, moved, tuple(problems), later_count=len(moved) - 1)


def sample_agenda(file_format: str = "yaml") -> ParsedAgenda:
    """The agenda of a typical day shipped with wipbot ('yaml' or 'csv')."""
    text = resources.files("bot").joinpath(f"data/sample_agenda.{file_format}").read_text("utf-8")
    return parse_agenda_csv(text) if file_format == "csv" else parse_agenda_yaml(text)
