"""`wipbot-admin broadcast`: queue an announcement to participants, or show a report.

The admin script only queues the broadcast (one delivery row per recipient); the running
bot's periodic job (every WIPBOT_SCHEDULER_INTERVAL seconds) finds it and delivers it,
paced, recording every outcome. `--send-now` delivers from here instead, with a bot
built from the settings, for when the bot is not running; if it is, both share the
queue (no one is sent it twice) but the pace of the two adds up.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from admin.errors import AdminError
from admin.workshop_lookup import find_workshop
from bot.clock import SystemClock
from bot.message_limits import utf16_length
from bot.notices import DeliveryReport
from bot.services.broadcasts import (
    ARENAS,
    CLI_SENDER,
    MAX_TEXT_LENGTH,
    STAFF_KIND,
    Audience,
    Finished,
    Outbox,
    enqueue,
)
from bot.settings import Settings
from storage.db import create_engine, create_session_factory


def register(commands: Any) -> None:
    """Adds the `broadcast` command."""
    parser = commands.add_parser(
        "broadcast",
        help="queue an announcement for participants (the running bot delivers it)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--workshop", help="workshop code or id")
    scope.add_argument("--all", action="store_true", help="every workshop")
    scope.add_argument("--report", type=int, metavar="ID", help="show how broadcast ID went")
    parser.add_argument("--arena", choices=ARENAS, help="only participants of this arena")
    parser.add_argument(
        "--not-submitted", action="store_true", help="only those who have not submitted"
    )
    text = parser.add_mutually_exclusive_group()
    text.add_argument("--text", help="the message")
    text.add_argument("--text-file", type=Path, help="a UTF-8 file holding the message")
    parser.add_argument(
        "--send-now", action="store_true", help="deliver from here instead of the running bot"
    )
    parser.set_defaults(handler=_broadcast)


def _message(args: argparse.Namespace) -> str:
    if args.text_file is not None:
        try:
            text = str(args.text_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise AdminError(f"Cannot read {args.text_file}: {exc}") from None
    else:
        text = args.text or ""
    text = text.strip()
    if not text:
        raise AdminError("Give the message with --text or --text-file.")
    if utf16_length(text) > MAX_TEXT_LENGTH:
        raise AdminError(
            f"The message has {utf16_length(text)} characters as Telegram counts them;"
            f" at most {MAX_TEXT_LENGTH}."
        )
    return text


async def _broadcast(args: argparse.Namespace, settings: Settings) -> int:
    if args.report is not None:
        return await _show_report(args.report, settings)
    text = _message(args)
    if args.send_now and settings.token is None:
        raise AdminError("--send-now needs TELEGRAM_BOT_TOKEN.")
    clock = SystemClock()
    engine = create_engine(settings.database_url)
    try:
        sessions = create_session_factory(engine)
        async with sessions.begin() as session:
            workshop = await find_workshop(session, args.workshop) if args.workshop else None
            audience = Audience(
                workshop_id=workshop.id if workshop else None,
                arena=args.arena,
                not_submitted=args.not_submitted,
            )
            queued = await enqueue(
                session,
                kind=STAFF_KIND,
                audience=audience,
                text=text,
                created_by=CLI_SENDER,
                now=clock.now(),
            )
        if queued is None:
            raise AdminError("Nobody in that audience is connected to the bot; nothing queued.")
        broadcast_id, recipients = queued
        if not args.send_now:
            print(
                f"Broadcast #{broadcast_id} queued for {recipients} participant(s); the running "
                f"bot delivers it. See how it went: wipbot-admin broadcast --report {broadcast_id}"
            )
            return 0
        print(f"Broadcast #{broadcast_id}: delivering to {recipients} participant(s)…")
        await _deliver_now(settings, Outbox(sessions, clock, broadcast_id))
        report = await Outbox(sessions, clock).report(broadcast_id)
    finally:
        await engine.dispose()
    print(_report_text(report))
    return 0


async def _deliver_now(settings: Settings, outbox: Outbox) -> None:
    # Imported here: the Telegram client costs every other admin command ~0.5 s to load.
    from telegram import Bot

    from bot.outbound.broadcaster import BroadcastDispatcher
    from bot.telegram.sending import Pacer

    assert settings.token is not None
    base = (settings.telegram_api_base_url or "https://api.telegram.org/bot").rstrip("/")
    bot = Bot(settings.token, base_url=base, base_file_url=base.removesuffix("/bot") + "/file/bot")

    async def report(finished: Finished) -> None:
        """The report is printed by the caller."""

    async with bot:
        dispatcher = BroadcastDispatcher(
            outbox, bot, Pacer(settings.broadcast_rate_per_second), report
        )
        dispatcher.kick()
        await dispatcher.idle()


async def _show_report(broadcast_id: int, settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        report = await Outbox(create_session_factory(engine), SystemClock()).report(broadcast_id)
    except LookupError:
        raise AdminError(f"There is no broadcast #{broadcast_id}.") from None
    finally:
        await engine.dispose()
    print(_report_text(report))
    return 0


def _report_text(report: DeliveryReport) -> str:
    lines = [
        f"Broadcast #{report.broadcast_id}: {report.sent} sent, {report.failed} failed, "
        f"{report.blocked} blocked the bot"
        + (f", {report.pending} still to send." if report.pending else ".")
    ]
    if report.blocked_names:
        lines.append("Blocked: " + ", ".join(report.blocked_names))
    if report.failed_names:
        lines.append("Failed: " + ", ".join(report.failed_names))
    return "\n".join(lines)
