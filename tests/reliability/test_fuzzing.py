"""2,000 random and malformed updates amid real participants: the bot stays up, stored
answers stay valid, and no participant is ever shown staff-only data.

Garbage goes into values (texts, callback data, unknown update kinds, optional fields
left out), and some updates cannot be read at all (a known kind with a wrong shape, e.g.
a message without a chat): PTB's getUpdates fails for their whole batch, and
`bot.telegram.tolerant_bot` reads it again update by update, skipping those (see
docs/BENCHMARKS.md, "Found by the reliability tests"). About one in twenty of the
injected updates is of that kind.

What is checked about the stored answers (tests/reliability/validity.py):
- every row names a question of the questionnaire, once per response;
- its status is answered / dont_know / skipped; dont_know only where the question allows
  it, skipped only for optional questions;
- an answered value has the question's type and range: scale and integer are whole
  numbers within bounds, a single choice is one of its choice values, a multiple choice is
  a list of distinct choice values, text is a string within max_length, a note is empty;
- change_count >= 0, and changed_at is set exactly when change_count > 0;
- a response's current question is a question of the questionnaire (or none), and a
  submitted response has every required question that is relevant under its answers
  answered (or "don't know").
Answers to questions that became irrelevant after a changed answer may stay stored: the
engine keeps them by design, and exports and scores leave them out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import string
from typing import Any

from telegram import Update

from bench.people import ScreenKind, ScriptedPerson
from bench.seeding import seed_event
from bot.clock import SystemClock
from sandbox import Sandbox, SandboxError
from storage.db import create_engine, create_session_factory
from storage.models import StaffRole
from storage.repositories import staff as staff_repo
from tests.e2e.harness import bot_settings, running_bot
from tests.reliability.validity import check_stored_answers_are_valid

PEOPLE = 12
INJECTED = 2000
SEED = 20261203
FACILITATOR_NAME = "Wulan Rahasia Fasilitator"
# What only staff may see: a progress report of the workshop.
STAFF_ONLY_MARKERS = ("📊 Kemajuan", "Per arena:", "Belum selesai (", "Progress ", "By arena:")
COMMANDS = (
    "/start",
    "/lanjut",
    "/progres",
    "/tinjau",
    "/kirim",
    "/bahasa",
    "/bantuan",
    "/agenda",
    "/siaran",
    "/broadcast",
    "/ekspor",
    "/resume",
    "/submit",
    "/review",
    "/",
)
NASTY = (
    "'; DROP TABLE answers; --",
    "<b>tebal</b><script>alert(1)</script>",
    "%s%s%s%n",
    "\u202etxet desrever",
    "🙂" * 40,
    "ü" * 70,
    "0" * 80,
    "-1",
    "1e309",
    "NaN",
    "staff_" + "x" * 40,
    "\x00\x01",
)


def _junk(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(8 if depth < 2 else 5)
    if choice == 0:
        return rng.randint(-(2**63), 2**63)
    if choice == 1:
        return rng.choice(NASTY)
    if choice == 2:
        return None
    if choice == 3:
        return rng.random() * 1e6
    if choice == 4:
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 30)))
    if choice == 5:
        return [_junk(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(("text", "id", "data", "chat", "from")): _junk(rng, depth + 1)}


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Peserta", "language_code": "id"}


def _callback_data(rng: random.Random) -> str:
    head = (
        rng.choice("abdsnmMg")
        if rng.random() < 0.7
        else rng.choice(
            (
                "consent",
                "clang",
                "lang",
                "submit",
                "submit_yes",
                "submit_no",
                "review",
                "resume",
                "sb",
                "ag",
            )
        )
    )
    index = rng.choice((rng.randint(0, 60), -1, 10**12, rng.randint(61, 999)))
    argument = rng.choice(
        (
            str(rng.randint(-3, 12)),
            format(rng.getrandbits(rng.randint(1, 200)), "x"),
            rng.choice(NASTY),
            "",
            "id",
            "xx",
        )
    )
    return f"{head}:{index}:{argument}"[: rng.choice((64, 64, 200))]


def _update(rng: random.Random, users: list[int], message_ids: dict[int, list[int]]) -> Any:
    user_id = rng.choice(users)
    chat = {"id": user_id, "type": "private", "first_name": "Peserta"}
    message_id = rng.choice(message_ids.get(user_id) or [1])
    kind = rng.randrange(12)
    if kind == 0:  # an update of a kind this bot does not know, full of garbage
        return {"x_new_kind": _junk(rng)}
    if kind == 1:  # a message with its optional fields missing
        message: dict[str, Any] = {"message_id": rng.randint(1, 10**6), "date": 0, "chat": chat}
        for key, value in (("from", _user(user_id)), ("text", "/progres"), ("x", _junk(rng))):
            if rng.random() < 0.5:
                message[key] = value
        return {"message": message}
    if kind in (2, 3, 4):  # a button press with random, overlong or malicious data
        return {
            "callback_query": {
                "id": str(rng.getrandbits(60)),
                "from": _user(user_id),
                "chat_instance": "1",
                "data": _callback_data(rng),
                "message": {"message_id": message_id, "date": 0, "chat": chat},
            }
        }
    if kind in (5, 6):  # commands with weird payloads
        text = rng.choice(COMMANDS) + rng.choice(("", " ", " " + rng.choice(NASTY)))
        return {
            "message": {
                "message_id": rng.randint(1, 10**6),
                "date": 0,
                "chat": chat,
                "from": _user(user_id),
                "text": text,
                "entities": [
                    {"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}
                ],
            }
        }
    if kind == 7:  # an edit of an earlier message
        return {
            "edited_message": {
                "message_id": message_id,
                "date": 0,
                "edit_date": 1,
                "chat": chat,
                "from": _user(user_id),
                "text": rng.choice(("7", "/kirim", *NASTY)),
            }
        }
    if kind == 8:  # a channel post and a group chat
        group = {"id": -100_000_000_000 - rng.randint(1, 99), "type": "supergroup", "title": "Grup"}
        field = rng.choice(("channel_post", "message"))
        return {
            field: {
                "message_id": rng.randint(1, 10**6),
                "date": 0,
                "chat": group if field == "message" else {**group, "type": "channel"},
                "from": _user(user_id),
                "text": rng.choice(COMMANDS),
            }
        }
    if kind == 9:  # membership changes, real and odd
        statuses = ("member", "kicked", "left")
        return {
            "my_chat_member": {
                "chat": chat,
                "from": _user(user_id),
                "date": 0,
                "old_chat_member": {"user": _user(1), "status": rng.choice(statuses)},
                "new_chat_member": {"user": _user(1), "status": rng.choice(statuses)},
            }
        }
    if kind == 10:  # a sticker, a contact, a location
        attachment = rng.choice(
            (
                {
                    "sticker": {
                        "file_id": "s",
                        "file_unique_id": "u",
                        "width": 1,
                        "height": 1,
                        "is_animated": False,
                        "is_video": False,
                        "type": "regular",
                    }
                },
                {"contact": {"phone_number": "+6281200000000", "first_name": "Siti"}},
                {"location": {"latitude": -1.6, "longitude": 103.6}},
            )
        )
        return {
            "message": {
                "message_id": rng.randint(1, 10**6),
                "date": 0,
                "chat": chat,
                "from": _user(user_id),
                **attachment,
            }
        }
    return {"message": {"message_id": 1, "date": 0, "chat": chat, "text": rng.choice(NASTY)}}


def _parses(update: dict[str, Any]) -> bool:
    """Whether PTB can read the update at all (see the module docstring for why not all)."""
    try:
        Update.de_json({**update, "update_id": 1}, None)
    except Exception:
        return False
    return True


async def _participant_noise(
    sandbox: Sandbox, rng: random.Random, people: list[ScriptedPerson], actions: int
) -> None:
    """Real people pressing whatever they see and typing whatever comes to mind."""
    for _ in range(actions):
        person = rng.choice(people)
        try:
            if rng.random() < 0.6:
                chat = await sandbox.client.chat(person.user_id)
                shown = [
                    (m.message_id, b.callback_data)
                    for m in chat
                    if m.from_bot
                    for row in m.buttons
                    for b in row
                    if b.callback_data
                ]
                if shown:
                    message_id, data = rng.choice(shown)
                    await sandbox.client.press(
                        person.user_id, callback_data=data, message_id=message_id
                    )
            else:
                text = rng.choice(("5", "12", "tidak tahu", "Lainnya", "/lanjut", *NASTY))
                await sandbox.client.send(person.user_id, text)
        except SandboxError:
            pass  # the button vanished meanwhile, as on a phone


async def test_random_and_malformed_updates_neither_stop_the_bot_nor_corrupt_or_leak(
    sandbox: Sandbox, migrated_db_url: str
) -> None:
    rng = random.Random(SEED)
    event = await seed_event(migrated_db_url, workshops=2, people=PEOPLE)
    people: list[ScriptedPerson] = []
    for number, invitee in enumerate(event.invitees):
        user_id = await sandbox.client.create_user(f"Peserta{number}", language_code="id")
        people.append(
            ScriptedPerson(
                sandbox.client, user_id, invitee.invite_code, event.questionnaire, seed=number
            )
        )
    facilitator_id = await sandbox.client.create_user("Wulan", language_code="id")
    engine = create_engine(migrated_db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            await staff_repo.add_staff(
                session,
                telegram_user_id=facilitator_id,
                role=StaffRole.FACILITATOR,
                workshop_id=event.workshop_ids[0],
                name=FACILITATOR_NAME,
                now=dt.datetime.now(dt.UTC),
            )
    finally:
        await engine.dispose()

    # A robustness test: 2,000 updates from 13 people within a minute is a pace no person
    # keeps, and under Telegram's ~1 message/s per chat the replies alone would take
    # minutes. The flood limits are switched off here (and the bot's overall rate raised
    # to match); they have their own tests (tests/sandbox/test_strictness.py,
    # tests/e2e/test_broadcasts.py, tests/reliability/test_telegram_faults.py).
    await sandbox.client.switch_off_limits()
    settings = bot_settings(migrated_db_url, sandbox, telegram_rate_per_second=1000)
    async with running_bot(settings, SystemClock()):
        # Half the people answer a few questions first, so there is something to break.
        await asyncio.gather(*(p.play(ScreenKind.QUESTION) for p in people))
        await asyncio.gather(*(p.play(answers=rng.randint(1, 8)) for p in people[::2]))
        users = [p.user_id for p in people] + [facilitator_id]
        message_ids = {
            p.user_id: [m.message_id for m in await sandbox.client.chat(p.user_id)] for p in people
        }
        injected = [_update(rng, users, message_ids) for _ in range(INJECTED)]
        assert sum(not _parses(update) for update in injected) >= INJECTED // 40
        noise = asyncio.create_task(_participant_noise(sandbox, rng, people, 300))
        for update in injected:
            json.dumps(update)  # every one is valid JSON: garbage in values, not syntax
            await sandbox.client.inject_update(update)
        await noise
        await _until_every_update_is_taken(sandbox)

        # Still up: someone new asks for help and gets it.
        newcomer = await sandbox.client.create_user("Baru", language_code="id")
        sent = await sandbox.client.send(newcomer, "/bantuan")
        reply = await sandbox.client.wait(newcomer, since=sent.event_id, timeout=10)
        assert any("/lanjut" in m.text for m in reply.messages)

    await check_stored_answers_are_valid(migrated_db_url, event.questionnaire)
    names = {i.name for i in event.invitees} | {FACILITATOR_NAME}
    phones = {i.phone for i in event.invitees}
    leaks = []
    for person, invitee in zip(people, event.invitees, strict=True):
        # The help names the facilitators of the person's own workshop, whom to ask.
        own = {invitee.name} | (
            {FACILITATOR_NAME} if invitee.workshop_id == event.workshop_ids[0] else set()
        )
        for message in await sandbox.client.chat(person.user_id):
            if not message.from_bot:
                continue
            foreign = [n for n in names - own if n in message.text]
            foreign += [p for p in phones if p in message.text]
            foreign += [m for m in STAFF_ONLY_MARKERS if m in message.text]
            if foreign:
                leaks.append(f"{invitee.name} saw {foreign}: {message.text[:120]!r}")
    assert not leaks, "\n".join(leaks[:10])


async def _until_every_update_is_taken(sandbox: Sandbox) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while (await sandbox.client.stats())["updates"]["pending"] > 0:
        assert loop.time() < deadline, "the bot stopped taking updates"
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # the last ones are handled
