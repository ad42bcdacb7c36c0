"""The answer path in one process, for profiling: wipbot and the floor's handler, no network.

`python -m bench.micro [--people 40] [--profile out.html] [--postgres SERVER_URL]`

Both bots run on the real PTB Application with a fake Telegram (`EchoTelegram`) that
answers every call at once, the way the sandbox would (a sent message comes back with its
text and keyboard), so what is measured is the bot's own CPU per answer: parsing the
update, the handler, the database, building and parsing the Telegram calls. People answer
concurrently (each waits for the previous answer's reply, like a person), on a SQLite file
or a fresh PostgreSQL database. The full benchmark (`bench.answers`) measures the same
thing end to end with polling and HTTP; this one is quick enough to try a change in
seconds and to profile with pyinstrument (`--profile`).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters
from telegram.request import BaseRequest, RequestData

from bench.databases import fresh_database
from bench.floor_bot import message as floor_message
from bench.floor_bot import press as floor_press
from bench.people import plan_answer
from bench.seeding import seed_event
from bot.app import build_application
from bot.context import WipApplication
from bot.settings import TELEGRAM_RATE_CEILING, Settings
from bot.telegram.update_processor import PerUserOrderedProcessor
from bot.views.callback_data import Action, decode

TOKEN = "123456:MICRO-benchmark-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "wipbot", "username": "wipbot"}


@dataclass
class Chat:
    """What one person's chat holds: the newest message with buttons."""

    user_id: int
    last_keyboard: dict[str, Any] | None = None
    messages: int = 0


@dataclass
class EchoTelegram(BaseRequest):
    """Answers Bot API calls in process, with what Telegram would return."""

    chats: dict[int, Chat] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        """No network, no timeout."""
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Returns the result Telegram would send for the call."""
        name = url.rsplit("/", 1)[-1]
        self.calls[name] = self.calls.get(name, 0) + 1
        params = json.loads(request_data.json_payload) if request_data else {}
        if isinstance(params.get("reply_markup"), str):  # form fields carry JSON as text
            params["reply_markup"] = json.loads(params["reply_markup"])
        result: object = True
        if name == "getMe":
            result = BOT_USER
        elif name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            chat_id = int(params.get("chat_id", 0))
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._ids)),
                "from": BOT_USER,
                "chat": {"id": chat_id, "type": "private", "first_name": "P"},
                "date": int(time.time()),
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            chat = self.chats.get(chat_id)
            if chat is not None and name == "sendMessage":
                chat.messages += 1
                if params.get("reply_markup"):
                    chat.last_keyboard = message
            result = message
        return 200, json.dumps({"ok": True, "result": result}).encode()


class Updates:
    """Builds the raw updates a person's phone would cause, parsed as polling parses them."""

    def __init__(self, application: WipApplication) -> None:
        self.application = application
        self._ids = itertools.count(1)

    def _parse(self, raw: dict[str, Any]) -> Update:
        payload = json.loads(json.dumps({"update_id": next(self._ids), **raw}))
        update = Update.de_json(payload, self.application.bot)
        assert update is not None
        return update

    def text(self, user_id: int, text: str) -> Update:
        """A typed message (a /command gets its entity)."""
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "from": _user(user_id),
            "chat": {"id": user_id, "type": "private", "first_name": "P"},
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._parse({"message": message})

    def tap(self, user_id: int, message: dict[str, Any], data: str) -> Update:
        """A button press on a message."""
        query = {
            "id": str(next(self._ids)),
            "from": _user(user_id),
            "message": message,
            "chat_instance": str(user_id),
            "data": data,
        }
        return self._parse({"callback_query": query})


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "P", "language_code": "id"}


def _buttons(message: dict[str, Any] | None) -> list[str]:
    if message is None:
        return []
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


@dataclass(frozen=True)
class Figures:
    """CPU per answer of one bot."""

    label: str
    answers: int
    cpu_seconds: float
    wall_seconds: float
    calls: dict[str, int]

    @property
    def cpu_ms_per_answer(self) -> float:
        """The process's CPU milliseconds per answer."""
        return 1000 * self.cpu_seconds / self.answers


async def _measure_wipbot(db_url: str, people: int, profile: Path | None) -> Figures:
    event = await seed_event(db_url, workshops=1, people=people + 1)
    telegram = EchoTelegram()
    settings = Settings(
        database_url=db_url,
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]
        scheduler_interval_seconds=600,
        # The in-process Telegram has no flood limit; the limiter's own work is counted,
        # its waiting would only measure the sleep.
        telegram_rate_per_second=TELEGRAM_RATE_CEILING,
    )
    application = build_application(settings, request=telegram)
    updates = Updates(application)
    questionnaire = event.questionnaire
    async with application:
        chats = []
        for number, invitee in enumerate(event.invitees):
            chat = Chat(user_id=10_000 + number)
            telegram.chats[chat.user_id] = chat
            chats.append(chat)
            await application.process_update(
                updates.text(chat.user_id, f"/start {invitee.invite_code}")
            )
            consent = next(d for d in _buttons(chat.last_keyboard) if d.startswith("consent"))
            await application.process_update(
                updates.tap(chat.user_id, chat.last_keyboard or {}, consent)
            )

        async def answer_all(chat: Chat, rng: random.Random) -> int:
            done = 0
            while True:
                message = chat.last_keyboard
                index = next(
                    (
                        payload.question_index
                        for payload in map(decode, _buttons(message))
                        if payload is not None
                        and payload.question_index is not None
                        and payload.action is not Action.GOTO
                    ),
                    None,
                )
                if index is None or message is None:
                    return done
                plan = plan_answer(questionnaire.questions[index], index, rng)
                if plan.tap is not None:
                    update = updates.tap(chat.user_id, message, plan.tap)
                else:
                    update = updates.text(chat.user_id, plan.typed or "")
                before = chat.messages
                await application.process_update(update)
                if chat.messages == before:
                    raise AssertionError(f"no reply to {plan} for question {index}")
                done += 1

        # One person first, unmeasured: statements are compiled and cached on first use.
        await answer_all(chats.pop(), random.Random(-1))
        telegram.calls.clear()
        profiler = _start_profiler() if profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        counts = await asyncio.gather(
            *(answer_all(chat, random.Random(n)) for n, chat in enumerate(chats))
        )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profiler is not None and profile is not None:
            _stop_profiler(profiler, profile)
        # The application was never started, so nothing stops its background writes.
        services = application.bot_data.services
        assert services is not None
        await services.question_messages.close()
    return Figures("wipbot", sum(counts), cpu, wall, dict(telegram.calls))


async def _measure_floor(people: int, answers_each: int) -> Figures:
    telegram = EchoTelegram()
    from telegram.ext import ApplicationBuilder

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .concurrent_updates(PerUserOrderedProcessor())
        .request(telegram)
        .get_updates_request(EchoTelegram())
        .build()
    )
    application.add_handler(CallbackQueryHandler(floor_press))
    application.add_handler(MessageHandler(filters.ALL, floor_message))
    updates = Updates(application)  # type: ignore[arg-type]
    async with application:
        chats = []
        for number in range(people):
            chat = Chat(user_id=10_000 + number)
            telegram.chats[chat.user_id] = chat
            chats.append(chat)
            await application.process_update(updates.text(chat.user_id, "hello"))

        async def answer(chat: Chat) -> int:
            for _ in range(answers_each):
                message = chat.last_keyboard or {}
                await application.process_update(
                    updates.tap(chat.user_id, message, _buttons(message)[0])
                )
            return answers_each

        telegram.calls.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        counts = await asyncio.gather(*(answer(chat) for chat in chats))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return Figures("floor", sum(counts), cpu, wall, dict(telegram.calls))


def _start_profiler() -> Any:
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled", interval=0.0005)
    profiler.start()
    return profiler


def _stop_profiler(profiler: Any, out: Path) -> None:
    profiler.stop()
    if out.suffix == ".html":
        out.write_text(profiler.output_html())
    else:
        out.write_text(
            profiler.output_text(unicode=True, show_all=bool(os.environ.get("MICRO_SHOW_ALL")))
        )


@dataclass(frozen=True)
class MicroFigures:
    """The best of several rounds of each bot: the round least disturbed by the rest of
    the machine (other processes only ever add CPU time)."""

    database: str
    wipbot: Figures
    floor: Figures
    rounds: int

    @property
    def ratio(self) -> float:
        """wipbot's CPU per answer over the floor's."""
        return self.wipbot.cpu_ms_per_answer / self.floor.cpu_ms_per_answer


async def run_micro(
    folder: Path,
    *,
    people: int = 40,
    rounds: int = 3,
    postgres: str | None = None,
    profile: Path | None = None,
) -> MicroFigures:
    """Measures both bots `rounds` times, alternating, and keeps each one's best round."""
    ours: list[Figures] = []
    floors: list[Figures] = []
    for number in range(rounds):
        async with fresh_database(folder, postgres) as db_url:
            ours.append(await _measure_wipbot(db_url, people, profile if number == 0 else None))
        floors.append(await _measure_floor(people, 57))
    return MicroFigures(
        "PostgreSQL" if postgres else "SQLite",
        min(ours, key=lambda f: f.cpu_ms_per_answer),
        min(floors, key=lambda f: f.cpu_ms_per_answer),
        rounds,
    )


def describe(figures: MicroFigures) -> list[str]:
    """Lines for the terminal and docs/BENCHMARKS.md."""
    lines = []
    for one in (figures.wipbot, figures.floor):
        lines.append(
            f"{one.label:7} {figures.database:10} {one.answers:6d} answers  "
            f"{one.cpu_ms_per_answer:5.2f} ms CPU per answer  "
            f"{one.answers / one.wall_seconds:7.0f} answers/s  {one.calls}"
        )
    lines.append(f"ratio   {figures.ratio:.2f} (best of {figures.rounds} rounds each)")
    return lines


def micro_section(results: Sequence[MicroFigures]) -> list[str]:
    """The section of docs/BENCHMARKS.md for `python -m bench.run --only micro`."""
    lines = [
        "### The answer path in process (`bench.micro`): wipbot against the floor",
        "",
        "40 people x 57 answers, each waiting for the previous reply; Telegram answered in"
        " process (no network), so the figure is each bot's own CPU per answer. Best of"
        f" {results[0].rounds if results else 0} alternating rounds each.",
        "",
        "| database | wipbot CPU per answer | floor CPU per answer | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for figures in results:
        mark = "✅" if figures.ratio <= 2.0 else "❌"
        lines.append(
            f"| {figures.database} | {figures.wipbot.cpu_ms_per_answer:.2f} ms"
            f" | {figures.floor.cpu_ms_per_answer:.2f} ms | {figures.ratio:.2f} | <= 2 {mark} |"
        )
    lines.append("")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Prints CPU per answer for wipbot and the floor, and their ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.micro", description=__doc__)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", metavar="SERVER_URL", default=None)
    parser.add_argument("--profile", type=Path, default=None, help="pyinstrument .html or .txt")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wipbot-micro-") as folder:
        figures = asyncio.run(
            run_micro(
                Path(folder),
                people=args.people,
                rounds=args.rounds,
                postgres=args.postgres,
                profile=args.profile,
            )
        )
    print("\n".join(describe(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
