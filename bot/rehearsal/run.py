"""`wipbot demo`: a whole workshop day rehearsed locally, in a few minutes, with no token.

Everything real runs: the database (SQLite, in a folder of its own), the admin import,
the bot (python-telegram-bot polling the local Telegram sandbox), reminders from the
agenda, an organiser moving a session and broadcasting, and the export the facilitator
receives before the closing session; at the end of the day, the final export and the
national report PDF (`laporan.pdf`). Only the people are simulated, and time runs
`speed` times faster than the wall clock.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import logging
import os
import random
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ScaledClock
from bot.logging_setup import configure_logging
from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.model import Arena, Principle
from bot.questionnaire.scoring import band
from bot.questionnaire_cache import QuestionnaireCache
from bot.rehearsal.chats import CHATS_FILE, write_chats, write_transcripts
from bot.rehearsal.people import SyntheticPerson, synthetic_people
from bot.rehearsal.player import Player, PlayLog
from bot.rehearsal.results import FinalResults, write_final_results
from bot.roster.reading import read_participant_list
from bot.roster.writing import import_participants
from bot.services.progress import WorkshopProgress, load_progress_for
from bot.services.questionnaires import store_questionnaire
from bot.settings import TELEGRAM_RATE_CEILING
from sandbox import LimitSettings, Participant, Sandbox, SandboxClient
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import AgendaSession
from storage.repositories import staff as staff_repo
from storage.repositories import workshops as workshop_repo
from storage.repositories.workshops import AgendaItem

log = logging.getLogger(__name__)

DEFAULT_SPEED = 150.0  # one real second is 2.5 workshop minutes: the day takes ~2.5 minutes
PROVINCE = ("ID-JA", "Jambi", "Asia/Jakarta")
DAY_STARTS = dt.time(8, 20)
SANDBOX_TOKEN = "1000000001:SANDBOX-rehearsal-token"
BOT_USERNAME = "wipbot_rehearsal_bot"

# (kind, Indonesian title, English title, start, end), local time.
AGENDA = (
    ("opening", "Pembukaan", "Opening", "08:30", "08:45"),
    ("fgd", "Diskusi kelompok I", "Focus groups I", "08:45", "09:30"),
    ("break", "Rehat kopi", "Coffee break", "09:30", "10:00"),
    ("fgd", "Diskusi kelompok II", "Focus groups II", "10:00", "10:45"),
    ("break", "Istirahat makan siang", "Lunch break", "10:45", "11:45"),
    ("plenary", "Pleno", "Plenary", "11:45", "12:30"),
    ("break", "Rehat sore", "Afternoon break", "12:30", "13:00"),
    ("plenary", "Perumusan rekomendasi", "Drafting recommendations", "13:00", "13:45"),
    ("closing", "Penutupan", "Closing", "13:45", "14:15"),
)
# The organiser's moves, at these local times: push the plenary back, then tell everyone.
AGENDA_CHANGE_AT = dt.time(10, 55)
BROADCAST_AT = dt.time(11, 5)
# The facilitator looks at help and progress in the coffee break and in the afternoon break.
FACILITATOR_CHECKS = ((dt.time(9, 35), ("/bantuan", "/progres")), (dt.time(12, 35), ("/progres",)))
BROADCAST_TEXT = (
    "Sesi pleno diundur 15 menit karena makan siang diperpanjang. Silakan manfaatkan "
    "waktu ini untuk melanjutkan kuesioner. Terima kasih!"
)


@dataclass
class Rehearsal:
    """The running parts the scripted people and the display share."""

    clock: ScaledClock
    zone: ZoneInfo
    client: SandboxClient
    reads: async_sessionmaker[AsyncSession]
    workshop_id: int
    out: Path
    agenda: list[AgendaSession] = field(default_factory=list)

    def local_now(self) -> dt.datetime:
        """The virtual wall clock in the workshop's zone."""
        return self.clock.now().astimezone(self.zone)

    def at(self, time_of_day: dt.time) -> dt.datetime:
        """An instant of the workshop day."""
        day = self.local_now().date()
        return dt.datetime.combine(day, time_of_day, tzinfo=self.zone)

    async def refresh_agenda(self) -> None:
        """Re-reads the agenda (organisers may move sessions during the day)."""
        async with self.reads() as session:
            self.agenda = list(await workshop_repo.list_agenda(session, self.workshop_id))

    async def answering_window(self) -> None:
        """Waits until a break, or the half hour before the closing: when people answer."""
        while True:
            now = self.clock.now()
            closing = next((s for s in self.agenda if s.kind == "closing"), None)
            if closing is not None and now >= closing.starts_at:
                raise asyncio.CancelledError  # collection is over for this person
            in_break = any(
                s.kind == "break" and s.starts_at <= now < s.ends_at for s in self.agenda
            )
            if in_break or (
                closing is not None and closing.starts_at - dt.timedelta(minutes=30) <= now
            ):
                return
            await asyncio.sleep(0.2)

    async def until(self, instant: dt.datetime) -> None:
        """Sleeps (in real time) until the virtual clock reaches `instant`."""
        left = (instant - self.clock.now()).total_seconds()
        if left > 0:
            await asyncio.sleep(left / self.clock.speed)


def run_demo(args: argparse.Namespace) -> int:
    """Runs the rehearsal and returns the exit status."""
    configure_logging("WARNING")
    # The day runs at many times real speed; a skipped scheduler tick is expected, not news.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    console = Console(soft_wrap=True)
    try:
        return asyncio.run(
            _rehearse(
                Path(args.out),
                speed=args.speed or DEFAULT_SPEED,
                count=args.participants,
                console=console,
            )
        )
    except KeyboardInterrupt:
        console.print("Rehearsal interrupted.")
        return 130


async def _rehearse(out: Path, *, speed: float, count: int, console: Console) -> int:
    code, province, zone_name = PROVINCE
    zone = ZoneInfo(zone_name)
    await asyncio.to_thread(_fresh_folder, out)
    db_url = f"sqlite+aiosqlite:///{out / 'wipbot-demo.db'}"
    day = dt.datetime.now(zone).date()
    clock = ScaledClock(dt.datetime.combine(day, DAY_STARTS, tzinfo=zone), speed)
    console.print(f"[bold]wipbot rehearsal[/bold]: {province}, {day}, time x{speed:g}")
    console.print(f"Working folder: {out}/")

    await upgrade(db_url)
    people = synthetic_people(count, province=province)
    roster = _write_roster(out / "peserta.csv", people)
    workshop_id, invitations = await _prepare_workshop(db_url, code, day, zone, roster, clock)
    console.print(f"Imported {len(invitations)} participants from {roster.name}.")

    # The display and the scripted people only read; they never take the write lock.
    reader_engine = create_engine(db_url)
    read_only_sessions = create_session_factory(reader_engine, read_only=True)
    try:
        return await _day_with_bot(
            out, db_url, clock, zone, workshop_id, invitations, people, read_only_sessions, console
        )
    finally:
        await reader_engine.dispose()


async def _day_with_bot(
    out: Path,
    db_url: str,
    clock: ScaledClock,
    zone: ZoneInfo,
    workshop_id: int,
    invitations: dict[str, str],
    people: Sequence[SyntheticPerson],
    read_only_sessions: async_sessionmaker[AsyncSession],
    console: Console,
) -> int:
    """Runs the sandbox, the bot and the people through the day; reports the outcome."""
    # Telegram's limits are on, in the rehearsal's time: the day runs `speed` times faster,
    # and so may the messages (a day's worth of them squeezed into a minute would meet
    # Telegram's per-second limits no real day meets). The bot's overall rate follows.
    async with Sandbox(
        token=SANDBOX_TOKEN,
        bot_username=BOT_USERNAME,
        person_think_seconds=2.0,
        limits=LimitSettings.sped_up(clock.speed),
    ) as sandbox:
        client = sandbox.client
        rehearsal = Rehearsal(clock, zone, client, read_only_sessions, workshop_id, out)
        organiser = await client.participant("Dewi", "Penyelenggara", language_code="id")
        facilitator = await client.participant("Fajar", "Fasilitator", language_code="id")
        await _add_staff(db_url, workshop_id, organiser.user_id, facilitator.user_id)
        bot = await _start_bot(sandbox, db_url, clock, out / "bot.log")
        rng = random.Random(7)
        try:
            await facilitator.send("/start")
            await organiser.send("/start")
            players = [
                Player(
                    client,
                    person,
                    invitations[person.name],
                    load_default_questionnaire(),
                    random.Random(rng.random()),
                    may_answer=rehearsal.answering_window,
                    pause=lambda: asyncio.sleep(rng.uniform(0.05, 0.3)),
                )
                for person in people
            ]
            outcome = await _run_day(rehearsal, players, organiser, facilitator, console)
        finally:
            await _stop_bot(bot)
        await write_transcripts(client, players, out / "transcripts")
        staff = [("Dewi", "organiser", organiser), ("Fajar", "facilitator", facilitator)]
        await write_chats(client, players, staff, out / CHATS_FILE)
        # The sandbox checks each request against the Bot API as PTB declares it.
        violations = await client.conformance_violations()
    for violation in violations:
        console.print(f"[red]Telegram would not take this request: {violation}[/red]")
    return _report(console, rehearsal, outcome, players) or (1 if violations else 0)


async def _start_bot(
    sandbox: Sandbox, db_url: str, clock: ScaledClock, log_path: Path
) -> asyncio.subprocess.Process:
    """Starts the real bot, `wipbot run`, in its own process, polling the sandbox."""
    env = {
        **os.environ,
        "WIPBOT_DATABASE_URL": db_url,
        "TELEGRAM_BOT_TOKEN": SANDBOX_TOKEN,
        "TELEGRAM_API_BASE_URL": sandbox.base_url,
        "WIPBOT_BOT_USERNAME": BOT_USERNAME,
        "WIPBOT_CLOCK": clock.to_setting(),
        # One tick a second: a few workshop minutes at rehearsal speed.
        "WIPBOT_SCHEDULER_INTERVAL": "1",
        "WIPBOT_LOG_LEVEL": "WARNING",
        "WIPBOT_TELEGRAM_RATE": str(min(30 * clock.speed, TELEGRAM_RATE_CEILING)),
    }
    log = log_path.open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, stdout=log, stderr=log
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while (await sandbox.client.stats())["calls"].get("getUpdates", 0) == 0:
        if process.returncode is not None or loop.time() > deadline:
            raise RuntimeError(f"the bot did not start; see {log_path}")
        await asyncio.sleep(0.1)
    return process


async def _stop_bot(process: asyncio.subprocess.Process) -> None:
    """Stops the bot the way systemd would (SIGTERM), waiting for a clean shutdown."""
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


@dataclass
class DayOutcome:
    """What the day produced."""

    export_path: Path | None
    heatmap_path: Path | None
    progress: WorkshopProgress | None
    logs: list[PlayLog]
    final: FinalResults | None = None


async def _run_day(
    rehearsal: Rehearsal,
    players: Sequence[Player],
    organiser: Participant,
    facilitator: Participant,
    console: Console,
) -> DayOutcome:
    await rehearsal.refresh_agenda()
    await rehearsal.until(rehearsal.at(dt.time(8, 35)))
    await asyncio.gather(*(player.join() for player in players))
    tasks = [asyncio.create_task(player.play()) for player in players]
    staff_task = asyncio.create_task(_organiser_moves(rehearsal, organiser))
    checks_task = asyncio.create_task(_facilitator_checks(rehearsal, facilitator))
    export_task = asyncio.create_task(_receive_export(rehearsal, facilitator))
    with Live(console=console, refresh_per_second=2) as live:
        while not export_task.done():
            await rehearsal.refresh_agenda()
            live.update(await _dashboard(rehearsal))
            await asyncio.sleep(0.5)
            if rehearsal.local_now().time() > dt.time(15, 0):
                break
        live.update(await _dashboard(rehearsal))
    for task in tasks:
        task.cancel()
    logs = [player.log for player in players]
    await asyncio.gather(*tasks, return_exceptions=True)
    await staff_task
    checks_task.cancel()
    await asyncio.gather(checks_task, return_exceptions=True)
    export_path, heatmap_path = export_task.result() if export_task.done() else (None, None)
    if not export_task.done():
        export_task.cancel()
    progress = await _progress(rehearsal)
    # The day's final results and the national report, from this one reading of it.
    final = None
    if progress is not None:
        final = await write_final_results(progress, rehearsal.out, rehearsal.clock.now())
    return DayOutcome(export_path, heatmap_path, progress, logs, final)


async def _facilitator_checks(rehearsal: Rehearsal, facilitator: Participant) -> None:
    """The facilitator asks for help and looks at the progress report, as one would."""
    for at, commands in FACILITATOR_CHECKS:
        await rehearsal.until(rehearsal.at(at))
        for command in commands:
            await facilitator.send(command)
            await asyncio.sleep(1)  # real seconds: the reply comes before the next command


async def _organiser_moves(rehearsal: Rehearsal, organiser: Participant) -> None:
    """The organiser pushes the plenary back 15 minutes, then broadcasts why."""
    await rehearsal.until(rehearsal.at(AGENDA_CHANGE_AT))
    await organiser.send("/agenda")
    await _wait_quietly(organiser, 20)
    newest = [m for m in await rehearsal.client.chat(organiser.user_id) if m.from_bot][-1]
    if any("Lokakarya" in label for label in newest.button_texts):  # several workshops
        await _press_containing(rehearsal.client, organiser, "Lokakarya")
    await _press_containing(rehearsal.client, organiser, "Pleno")
    await _press_containing(rehearsal.client, organiser, "+15")
    await _press_containing(rehearsal.client, organiser, "Ya, geser")
    await rehearsal.until(rehearsal.at(BROADCAST_AT))
    await organiser.send("/siaran")
    await _press_containing(rehearsal.client, organiser, "Lokakarya")
    await _press_containing(rehearsal.client, organiser, "Semua peserta")
    await organiser.send(BROADCAST_TEXT)
    await _wait_quietly(organiser, 20)
    await _press_containing(rehearsal.client, organiser, "Kirim ke")


async def _wait_quietly(person: Participant, seconds: float) -> None:
    """Waits for the bot's next move in the chat, or for `seconds`, whichever comes first."""
    with contextlib.suppress(TimeoutError):
        await person.wait(timeout=seconds)


async def _press_containing(client: SandboxClient, person: Participant, fragment: str) -> None:
    """Presses the newest button whose label contains `fragment`, once it is shown."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline:
        for message in reversed(await client.chat(person.user_id)):
            for label in message.button_texts:
                if fragment in label:
                    await person.press(label, message_id=message.message_id)
                    await _wait_quietly(person, 20)
                    return
        await _wait_quietly(person, 5)
    raise RuntimeError(f"no button with {fragment!r} reached the staff chat")


async def _receive_export(
    rehearsal: Rehearsal, facilitator: Participant
) -> tuple[Path | None, Path | None]:
    """Waits for the export the bot sends the facilitator before the closing."""
    saved: dict[str, Path] = {}
    loop = asyncio.get_running_loop()
    deadline: float | None = None  # the picture follows the workbook; wait a little for it
    while len(saved) < 2 and (deadline is None or loop.time() < deadline):
        for message in await rehearsal.client.chat(facilitator.user_id):
            for ref in (message.document, message.photo):
                if ref is None:
                    continue
                kind = "xlsx" if (ref.file_name or "").endswith(".xlsx") else "png"
                name = ref.file_name if kind == "xlsx" and ref.file_name else "heatmap.png"
                if kind not in saved:
                    path = rehearsal.out / name
                    path.write_bytes(await rehearsal.client.file_bytes(ref.file_id))
                    saved[kind] = path
        if "xlsx" in saved and deadline is None:
            deadline = loop.time() + 15
        if len(saved) < 2:
            await _wait_quietly(facilitator, 5)
    return saved.get("xlsx"), saved.get("png")


async def _progress(rehearsal: Rehearsal) -> WorkshopProgress | None:
    async with rehearsal.reads() as session:
        found = await load_progress_for(
            session, _CACHE, [rehearsal.workshop_id], rehearsal.clock.now()
        )
    return found[0] if found else None


_CACHE = QuestionnaireCache()


async def _dashboard(rehearsal: Rehearsal) -> Group:
    progress = await _progress(rehearsal)
    now = rehearsal.local_now()
    current = next((s for s in rehearsal.agenda if s.starts_at <= now < s.ends_at), None)
    table = Table(title=f"{now:%H:%M} WIB · {current.title_id if current else '—'}")
    for column in ("Arena", "Terkirim", "Mengisi", "Belum mulai"):
        table.add_column(column, justify="right" if column != "Arena" else "left")
    if progress is not None:
        for arena, counts in progress.counts_by_arena().items():
            label = Arena(arena).label.id if arena else "—"
            table.add_row(
                label, str(counts.submitted), str(counts.in_progress), str(counts.not_started)
            )
        total = progress.counts
        table.add_row(
            "[bold]Semua[/bold]",
            str(total.submitted),
            str(total.in_progress),
            str(total.not_started),
        )
    return Group(table)


def _fresh_folder(out: Path) -> None:
    """Empties the rehearsal's folder: every run starts from a new database."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)


def _write_roster(path: Path, people: Sequence[SyntheticPerson]) -> Path:
    """The organisers' spreadsheet, as Indonesian Excel saves it (semicolons)."""
    lines = ["Nama;Arena;Kategori;Instansi;Jabatan;No HP;Email;Bahasa"]
    arena_names = {
        "government": "Pemerintah",
        "bureaucracy": "Birokrasi",
        "civil_society": "Masyarakat Sipil",
        "economic_society": "Dunia Usaha",
    }
    for person in people:
        name = f'"{person.name}"' if ";" in person.name or "," in person.name else person.name
        lines.append(
            ";".join(
                [
                    name,
                    arena_names[person.arena],
                    person.category,
                    person.organisation,
                    person.position,
                    person.phone,
                    person.email,
                    "en" if person.english else "id",
                ]
            )
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


async def _prepare_workshop(
    db_url: str,
    code: str,
    day: dt.date,
    zone: ZoneInfo,
    roster: Path,
    clock: ScaledClock,
) -> tuple[int, dict[str, str]]:
    parsed = read_participant_list(roster)
    if not parsed.ok:
        raise RuntimeError(f"the synthetic roster did not import: {parsed.problems}")
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            stored = await store_questionnaire(session, load_default_questionnaire(), clock.now())
            workshop = await workshop_repo.create_workshop(
                session,
                code=f"{code}-{day.isoformat()}",
                province_code=code,
                date=day,
                questionnaire_id=stored.id,
                venue="Hotel Swiss-Belhotel, Kota Jambi",
                now=clock.now(),
            )
            await workshop_repo.replace_agenda(session, workshop.id, _agenda(day, zone))
            imported = await import_participants(session, workshop, parsed.rows, clock.now())
            return workshop.id, {row.name: row.invite_code for row in imported}
    finally:
        await engine.dispose()


def _agenda(day: dt.date, zone: ZoneInfo) -> list[AgendaItem]:
    def at(hhmm: str) -> dt.datetime:
        hour, minute = (int(part) for part in hhmm.split(":"))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)

    return [
        AgendaItem(kind, title_id, title_en, at(start), at(end))
        for kind, title_id, title_en, start, end in AGENDA
    ]


async def _add_staff(db_url: str, workshop_id: int, organiser: int, facilitator: int) -> None:
    engine = create_engine(db_url)
    now = dt.datetime.now(dt.UTC)
    try:
        async with create_session_factory(engine).begin() as session:
            await staff_repo.add_staff(
                session, telegram_user_id=organiser, role="organiser", now=now, name="Dewi"
            )
            await staff_repo.add_staff(
                session,
                telegram_user_id=facilitator,
                role="facilitator",
                workshop_id=workshop_id,
                now=now,
                name="Fajar",
            )
    finally:
        await engine.dispose()


def _report(
    console: Console, rehearsal: Rehearsal, outcome: DayOutcome, players: Sequence[Player]
) -> int:
    progress = outcome.progress
    if progress is not None:
        counts = progress.counts
        console.print(
            f"\nSubmitted {counts.submitted} of {counts.total}; "
            f"{counts.in_progress} in progress, {counts.not_started} not started."
        )
    changed = sum(log.changed for log in outcome.logs)
    dont_know = sum(log.dont_know for log in outcome.logs)
    blocked = sum(1 for log in outcome.logs if log.blocked)
    console.print(
        f"Answers changed by going back: {changed}; 'don't know': {dont_know}; "
        f"blocked the bot: {blocked}."
    )
    if outcome.export_path is None:
        console.print("[red]The facilitator did not receive the export before closing.[/red]")
        return 1
    _print_scores(console, outcome.export_path)
    console.print(f"\nExport (as the facilitator received it): {outcome.export_path}")
    if outcome.heatmap_path is not None:
        console.print(f"Heatmap: {outcome.heatmap_path}")
    if outcome.final is not None:
        console.print(f"Final export, at the end of the day: {outcome.final.export_path}")
        report = outcome.final.report_path
        console.print(f"National report (PDF): {report or 'nothing scored, not written'}")
    console.print(f"Transcripts of every participant's chat: {rehearsal.out / 'transcripts'}/")
    return 0


def _print_scores(console: Console, export_path: Path) -> None:
    """Prints the arena x principle scores and the index from the export itself."""
    import pandas as pd

    sheets = pd.read_excel(export_path, sheet_name=None)
    matrix = sheets["matrix"]
    principles = [p for p in Principle if p.value in matrix.columns]
    table = Table(title="Skor arena x prinsip (1-10)")
    table.add_column("Arena")
    for principle in principles:
        table.add_column(principle.label.id[:8], justify="right")
    table.add_column("Arena", justify="right")
    for row in matrix.to_dict("records"):
        cells = [_cell(row[p.value]) for p in principles]
        table.add_row(str(row["arena_label"]), *cells, _cell(row["arena_score"]))
    console.print(table)
    scores = sheets["scores"]
    index = scores[scores["level"] == "index"]
    if not index.empty and index.iloc[0]["score"] == index.iloc[0]["score"]:
        value = float(index.iloc[0]["score"])
        console.print(f"Indeks tata kelola: {value:.2f} ({band(value).label.id})")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.2f}"
    return str(value)
