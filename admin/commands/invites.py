"""`wipbot-admin invites cards`: printable invitation cards with QR codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from admin.cards import CardPerson, render_cards, write_cards
from admin.commands.bot_identity import link_username
from admin.errors import AdminError
from admin.workshop_lookup import find_workshop
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.repositories import participants as participant_repo


def register(commands: Any) -> None:
    """Adds the `invites` sub-commands."""
    parser = commands.add_parser("invites", help="invitation cards for participants")
    actions = parser.add_subparsers(dest="action", required=True)
    cards = actions.add_parser(
        "cards", help="A4 PDF of invitation cards (8 per page, with cut marks)"
    )
    cards.add_argument(
        "--workshop", required=True, help="workshop code (e.g. ID-JA-2026-12-03) or id"
    )
    cards.add_argument("--out", required=True, type=Path, help="PDF file to write")
    cards.add_argument(
        "--bot-username", help="the bot's @username for the QR links (default: WIPBOT_BOT_USERNAME)"
    )
    cards.set_defaults(handler=_cards)


async def _cards(args: argparse.Namespace, settings: Settings) -> int:
    username = await link_username(args, settings)
    if username is None:
        raise AdminError(
            "The QR codes need the bot's username: pass --bot-username NAME or set "
            "WIPBOT_BOT_USERNAME."
        )
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            workshop = await find_workshop(session, args.workshop)
            participants = await participant_repo.list_for_workshop(session, workshop.id)
            title = f"Lokakarya Tata Kelola · {workshop.province.name_id}"
            day, code = workshop.date, workshop.code
    finally:
        await engine.dispose()
    if not participants:
        raise AdminError(f"{code} has no participants: import them first.")
    people = sorted(
        (
            CardPerson(
                name=p.name,
                invite_code=p.invite_code,
                organisation=p.organisation,
                position=p.position,
                arena=p.arena,
            )
            for p in participants
        ),
        key=lambda person: person.name.casefold(),
    )
    sheet = render_cards(people, bot_username=username, workshop_title=title, workshop_date=day)
    for warning in sheet.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    path = write_cards(sheet, args.out)
    print(f"Wrote {len(people)} card(s) for {code} on {sheet.pages} A4 page(s) to {path}.")
    return 0
