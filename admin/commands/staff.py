"""`wipbot-admin staff add|list|remove`: organisers (every workshop) and facilitators (some).

`staff add --invite` prints a one-time link instead of granting the role directly: the
first Telegram account that opens it gets the role. The link needs the bot's username:
`--bot-username`, WIPBOT_BOT_USERNAME, or (with TELEGRAM_BOT_TOKEN set) the token's own,
against which a given name is checked (admin/commands/bot_identity.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from admin.commands.bot_identity import link_username
from admin.errors import AdminError
from admin.workshop_lookup import find_workshop
from bot.clock import SystemClock
from bot.invites import deep_link
from bot.services.staff_invites import create_staff_invite
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.models import StaffRole
from storage.repositories import staff as staff_repo
from storage.repositories import workshops as workshop_repo


def register(commands: Any) -> None:
    """Adds the `staff` sub-commands."""
    parser = commands.add_parser("staff", help="organisers and facilitators")
    actions = parser.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", help="grant a role, or print a one-time invitation link")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--telegram-id", type=int, help="the person's numeric Telegram user id")
    who.add_argument(
        "--invite", action="store_true", help="print a one-time link that grants the role"
    )
    _role_arguments(add)
    add.add_argument("--name", help="the person's name, for lists and reports")
    add.add_argument(
        "--bot-username", help="the bot's @username for the link (default: WIPBOT_BOT_USERNAME)"
    )
    add.add_argument(
        "--valid-days", type=int, default=7, help="days the invitation link works (default 7)"
    )
    add.set_defaults(handler=_add)

    remove = actions.add_parser("remove", help="revoke a role")
    remove.add_argument("--telegram-id", type=int, required=True)
    _role_arguments(remove)
    remove.set_defaults(handler=_remove)

    listing = actions.add_parser("list", help="list staff")
    listing.add_argument("--workshop", help="only this workshop's facilitators (and organisers)")
    listing.set_defaults(handler=_list)


def _role_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", required=True, choices=[role.value for role in StaffRole])
    parser.add_argument("--workshop", help="workshop code or id (facilitators only)")


def _check_scope(args: argparse.Namespace) -> StaffRole:
    role = StaffRole(args.role)
    if role is StaffRole.FACILITATOR and not args.workshop:
        raise AdminError("A facilitator belongs to a workshop: add --workshop CODE.")
    if role is StaffRole.ORGANISER and args.workshop:
        raise AdminError("Organisers act on every workshop: leave out --workshop.")
    return role


async def _add(args: argparse.Namespace, settings: Settings) -> int:
    role = _check_scope(args)
    username = await link_username(args, settings) if args.invite else None
    if args.invite and username is None:
        raise AdminError(
            "The invitation link needs the bot's username: pass --bot-username NAME or set "
            "WIPBOT_BOT_USERNAME."
        )
    if args.valid_days < 1:
        raise AdminError("--valid-days must be at least 1.")
    now = SystemClock().now()
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            workshop = await find_workshop(session, args.workshop) if args.workshop else None
            scope = f" of {workshop.code}" if workshop else ""
            if args.invite:
                assert username is not None
                token = await create_staff_invite(
                    session,
                    role=role,
                    workshop_id=workshop.id if workshop else None,
                    now=now,
                    valid_for=dt.timedelta(days=args.valid_days),
                )
                report = [
                    f"One-time {role.value}{scope} invitation, valid {args.valid_days} day(s). "
                    "Send it privately; the first account to open it gets the role:",
                    deep_link(username, token),
                ]
            else:
                await staff_repo.add_staff(
                    session,
                    telegram_user_id=args.telegram_id,
                    role=role,
                    workshop_id=workshop.id if workshop else None,
                    name=args.name,
                    now=now,
                )
                report = [f"Telegram user {args.telegram_id} is {role.value}{scope}."]
    finally:
        await engine.dispose()
    # Printed after the commit: a closed stdout must not undo the change.
    print("\n".join(report))
    return 0


async def _remove(args: argparse.Namespace, settings: Settings) -> int:
    role = _check_scope(args)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            workshop = await find_workshop(session, args.workshop) if args.workshop else None
            removed = await staff_repo.remove_staff(
                session,
                telegram_user_id=args.telegram_id,
                role=role,
                workshop_id=workshop.id if workshop else None,
            )
    finally:
        await engine.dispose()
    if not removed:
        raise AdminError(f"Telegram user {args.telegram_id} does not hold that role.")
    print(f"Removed the {role.value} role of Telegram user {args.telegram_id}.")
    return 0


async def _list(args: argparse.Namespace, settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine, read_only=True)() as session:
            workshop = await find_workshop(session, args.workshop) if args.workshop else None
            staff = await staff_repo.list_staff(session, workshop.id if workshop else None)
            codes = {w.id: w.code for w in await workshop_repo.list_workshops(session)}
    finally:
        await engine.dispose()
    if not staff:
        print("No staff yet: add someone with `wipbot-admin staff add`.")
    for member in staff:
        scope = codes.get(member.workshop_id, "") if member.workshop_id else "every workshop"
        print(f"{member.telegram_user_id:>14}  {member.role:<12} {scope:<20} {member.name or ''}")
    return 0
