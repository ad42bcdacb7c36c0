"""Helpers for the staff, reminder and broadcast end-to-end tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from bot.services.staff_invites import create_staff_invite
from sandbox import Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Participant, StaffRole, Workshop
from storage.repositories import responses as response_repo
from tests.e2e.harness import Person, new_person

NUDGE_MARKS = ("☕", "⏰")


async def consented(sandbox: Sandbox, code: str, name: str, lang: str = "id") -> Person:
    """A participant who opened their invitation, agreed, and sees question 1."""
    person = await new_person(sandbox.client, name, language_code=lang)
    await person.send(f"/start {code}")
    await person.until_button("✅ Bersedia")
    agree = "✅ Bersedia"
    if lang == "en":
        await person.press("🇬🇧 English")
        agree = "✅ I agree"
        await person.until_button(agree)
    await person.press(agree)
    nxt = "Next ▶" if lang == "en" else "Lanjut ▶"
    await person.until_button(nxt)
    await person.press(nxt)
    await person.until_question(1)
    return person


async def at_question_two(sandbox: Sandbox, code: str, name: str, lang: str = "id") -> Person:
    """A participant who answered question 1 and now sees question 2 (a typed number)."""
    person = await consented(sandbox, code, name, lang)
    first = await person.last()
    await person.press(first.buttons[0][0].text)
    await person.until_question(2)
    return person


async def staff_member(
    sandbox: Sandbox,
    db_url: str,
    name: str,
    *,
    role: StaffRole,
    workshop_id: int | None = None,
    lang: str = "id",
) -> Person:
    """A Telegram user who became staff by opening a one-time invitation link."""
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            token = await create_staff_invite(
                session, role=role, workshop_id=workshop_id, now=dt.datetime.now(dt.UTC)
            )
    finally:
        await engine.dispose()
    person = await new_person(sandbox.client, name, language_code=lang)
    await person.send(f"/start {token}")
    await person.until_text("/agenda")
    return person


async def mark_submitted(db_url: str, participant_ids: Sequence[int], now: dt.datetime) -> None:
    """Hands in the participants' responses, as if they had pressed «Kirim»."""
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            for participant_id in participant_ids:
                participant = await session.get(Participant, participant_id)
                assert participant is not None
                workshop = await session.get(Workshop, participant.workshop_id)
                assert workshop is not None
                response_id = await response_repo.start_response(
                    session,
                    participant_id=participant_id,
                    questionnaire_id=workshop.questionnaire_id,
                    now=now,
                )
                await response_repo.submit_by_id(session, response_id, now)
    finally:
        await engine.dispose()


async def unreachable_ids(db_url: str) -> set[int]:
    """Participants marked unreachable (they blocked the bot)."""
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(
                select(Participant.id).where(Participant.unreachable_at.is_not(None))
            )
            return set(rows.all())
    finally:
        await engine.dispose()


async def nudges(person: Person) -> list[str]:
    """Every reminder the person received, in order."""
    return [m.text for m in await person.bot_messages() if m.text.startswith(NUDGE_MARKS)]


def starting(texts: list[str], *prefixes: str) -> bool:
    """Tells whether there is one text per prefix, each starting with its prefix."""
    return len(texts) == len(prefixes) and all(
        text.startswith(prefix) for text, prefix in zip(texts, prefixes, strict=True)
    )
