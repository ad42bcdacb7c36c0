"""Texts the bot sends on its own: agendas, reminders, agenda changes, summaries, reports.

Pure formatting over the catalog (bot/i18n.py) and local times (bot/agenda.py), shared
by the handlers, the periodic job and the admin script so each says the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.agenda import TimedSession, current_and_next
from bot.formatting import clock_time, local_time, zone_abbreviation
from bot.i18n import t

NAME_LIST_LIMIT = 30


@dataclass(frozen=True)
class WorkshopLabel:
    """How a workshop is named in messages."""

    province_id: str
    province_en: str
    zone: str
    date: dt.date

    def name(self, lang: str) -> str:
        """'Lokakarya Jambi' / 'Jambi workshop'."""
        province = self.province_en if lang == "en" else self.province_id
        return t("workshop_name", lang, province=province)


def format_day(day: dt.date, lang: str) -> str:
    """'3 Desember 2026' / '3 December 2026'."""
    months = t("month_names", lang).split()
    return f"{day.day} {months[day.month - 1]} {day.year}"


def session_title(session: TimedSession, lang: str) -> str:
    """The session's title in the language."""
    return session.title_en if lang == "en" else session.title_id


def title_in_sentence(title: str) -> str:
    """'Pleno' -> 'pleno' inside a sentence; acronyms ('FGD I') keep their capitals."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def agenda_text(
    workshop: WorkshopLabel, sessions: Sequence[TimedSession], now: dt.datetime, lang: str
) -> str:
    """The day's sessions in local time; the running one and the next one marked."""
    zone = workshop.zone
    abbreviation = zone_abbreviation(zone, now)
    title = t(
        "agenda_title",
        lang,
        workshop=workshop.name(lang),
        date=format_day(workshop.date, lang),
        zone=abbreviation,
    )
    if not sessions:
        return f"{title}\n\n{t('agenda_empty', lang)}"
    current, upcoming = current_and_next(sessions, now)
    lines = []
    for index, session in enumerate(sessions):
        mark = ""
        if index == current:
            mark = t("agenda_now", lang)
        elif index == upcoming:
            mark = t("agenda_next", lang)
        lines.append(
            t(
                "agenda_line",
                lang,
                start=clock_time(session.starts_at, zone, lang),
                end=clock_time(session.ends_at, zone, lang),
                title=session_title(session, lang),
                mark=mark,
            )
        )
    return title + "\n\n" + "\n".join(lines)


def agenda_change_text(
    session: TimedSession,
    new_start: dt.datetime,
    zone: str,
    lang: str,
    *,
    later_sessions_moved: int = 0,
) -> str:
    """'🗓 Sesi pleno diundur ke 15.30 WIB.' / '🗓 The plenary session is moved to 15:30 WIB.'"""
    delta = new_start - session.starts_at
    key = "agenda_moved_earlier" if delta < dt.timedelta() else "agenda_moved_later"
    text = t(
        key,
        lang,
        title=title_in_sentence(session_title(session, lang)),
        time=local_time(new_start, zone, lang),
    )
    if later_sessions_moved:
        minutes = abs(int(delta.total_seconds())) // 60
        followers = (
            "agenda_followers_earlier" if delta < dt.timedelta() else "agenda_followers_later"
        )
        text += " " + t(followers, lang, minutes=minutes)
    return text


def break_nudge_text(session: TimedSession, answered: int, total: int, lang: str) -> str:
    """The nudge participants get when a break starts."""
    return t(
        "reminder_break", lang, session=session_title(session, lang), answered=answered, total=total
    )


def last_call_text(
    closing_starts_at: dt.datetime, zone: str, answered: int, total: int, lang: str
) -> str:
    """The last call before the closing."""
    return t(
        "reminder_last_call",
        lang,
        time=local_time(closing_starts_at, zone, lang),
        answered=answered,
        total=total,
    )


def broadcast_text(text: str, lang: str) -> str:
    """A staff broadcast as participants receive it: a header in their language, the text."""
    return f"{t('broadcast_header', lang)}\n\n{text}"


def name_list(names: Sequence[str], lang: str, limit: int = NAME_LIST_LIMIT) -> str:
    """One name per line, under the line that introduces them ('\n• A\n• B\n… dan 4
    lainnya'): names often hold commas ("Dr. Hj. Siti Aminah, M.Si.")."""
    shown = "".join(f"\n• {name}" for name in names[:limit])
    if len(names) > limit:
        shown += "\n" + t("names_more", lang, count=len(names) - limit)
    return shown


@dataclass(frozen=True)
class SummaryCounts:
    """Completion counts for the closing summary."""

    submitted: int
    in_progress: int
    not_started: int
    unfinished_names: tuple[str, ...]

    @property
    def total(self) -> int:
        """Everyone counted."""
        return self.submitted + self.in_progress + self.not_started


def closing_summary_text(
    workshop: WorkshopLabel, counts: SummaryCounts, at: dt.datetime, lang: str
) -> str:
    """The completion summary facilitators get when the closing starts."""
    lines = [
        t(
            "summary_title",
            lang,
            workshop=workshop.name(lang),
            time=local_time(at, workshop.zone, lang),
        ),
        "",
        t(
            "summary_counts",
            lang,
            submitted=counts.submitted,
            total=counts.total,
            in_progress=counts.in_progress,
            not_started=counts.not_started,
        ),
        "",
    ]
    if counts.unfinished_names:
        lines.append(t("summary_unfinished", lang, names=name_list(counts.unfinished_names, lang)))
    else:
        lines.append(t("summary_all_submitted", lang))
    return "\n".join(lines)


@dataclass(frozen=True)
class DeliveryReport:
    """How a broadcast went: counts per outcome and the names behind the bad ones."""

    broadcast_id: int
    sent: int
    failed: int
    blocked: int
    blocked_names: tuple[str, ...] = ()
    failed_names: tuple[str, ...] = ()
    pending: int = 0  # queued or being sent


def delivery_report_text(report: DeliveryReport, lang: str) -> str:
    """The report the sender of a broadcast gets once every delivery is settled."""
    lines = [
        t(
            "bc_report",
            lang,
            id=report.broadcast_id,
            sent=report.sent,
            failed=report.failed,
            blocked=report.blocked,
        )
    ]
    if report.blocked_names:
        lines.append(t("bc_report_blocked", lang, names=name_list(report.blocked_names, lang)))
    if report.failed_names:
        lines.append(t("bc_report_failed", lang, names=name_list(report.failed_names, lang)))
    return "\n".join(lines)


def arena_name(arena: str, lang: str) -> str:
    """The arena's name in the language."""
    return t(f"arena_{arena}", lang)
