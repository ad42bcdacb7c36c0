"""Storage fixtures: a seeded Jambi workshop, and plain SELECTs that read rows back.

The read-backs are test helpers on purpose: production reads what it needs through its
own queries, and a test must not trust the code it checks to report what it wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import Executor
from storage.models import Answer, Broadcast, Participant, ReminderSent, Response, Staff
from storage.repositories import participants, questionnaires, workshops
from storage.repositories.participants import ParticipantProfile

NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)  # 09:00 in Jambi

DEFINITION = {"id": "igi-wip", "version": "1", "questions": [{"id": "G1P1", "type": "scale"}]}


@dataclass(frozen=True)
class Seeded:
    questionnaire_id: int
    workshop_id: int
    participant_ids: list[int]


@pytest.fixture
async def seeded(session_factory: async_sessionmaker[AsyncSession]) -> Seeded:
    """A Jambi workshop with a questionnaire and three unbound participants."""
    async with session_factory.begin() as session:
        questionnaire = await questionnaires.save_definition(
            session,
            key="igi-wip",
            version="1",
            title="IGI WIP",
            definition=DEFINITION,
            content_hash="a" * 64,
            now=NOW,
        )
        workshop = await workshops.create_workshop(
            session,
            code="ID-JA-2026-12-03",
            province_code="ID-JA",
            date=dt.date(2026, 12, 3),
            questionnaire_id=questionnaire.id,
            venue="Hotel Jambi",
            now=NOW,
        )
        people = [
            await participants.add_participant(
                session,
                workshop_id=workshop.id,
                invite_code=f"CODE{i}",
                pseudonym=f"JA-{i:02d}",
                profile=ParticipantProfile(name=name, arena="government"),
                now=NOW,
            )
            for i, name in enumerate(["Ani", "Budi", "Citra"], start=1)
        ]
    return Seeded(
        questionnaire_id=questionnaire.id,
        workshop_id=workshop.id,
        participant_ids=[p.id for p in people],
    )


async def response_row(session: Executor, response_id: int) -> Row[Any]:
    """The response's row as stored (every column), read with a plain SELECT."""
    row = (
        await session.execute(select(Response.__table__).where(Response.id == response_id))
    ).one_or_none()
    assert row is not None, f"no response {response_id}"
    return row


async def response_of(
    session: Executor, participant_id: int, questionnaire_id: int
) -> Row[Any] | None:
    """The participant's response row to the questionnaire, or None if not started."""
    return (
        await session.execute(
            select(Response.__table__).where(
                Response.participant_id == participant_id,
                Response.questionnaire_id == questionnaire_id,
            )
        )
    ).one_or_none()


async def answer_rows(session: Executor, response_id: int) -> dict[str, Row[Any]]:
    """The response's answer rows keyed by question id, in the order first answered."""
    rows = await session.execute(
        select(Answer.__table__)
        .where(Answer.response_id == response_id)
        .order_by(Answer.answered_at, Answer.id)
    )
    return {row.question_id: row for row in rows}


async def broadcast_row(session: Executor, broadcast_id: int) -> Row[Any]:
    """The broadcast's row as stored."""
    row = (
        await session.execute(select(Broadcast.__table__).where(Broadcast.id == broadcast_id))
    ).one_or_none()
    assert row is not None, f"no broadcast {broadcast_id}"
    return row


async def reminder_claimed(
    session: Executor, *, recipient_kind: str, recipient_id: int, reminder_key: str
) -> bool:
    """Tells whether a claim of the reminder for the recipient is stored."""
    found = await session.scalar(
        select(ReminderSent.id).where(
            ReminderSent.recipient_kind == recipient_kind,
            ReminderSent.recipient_id == recipient_id,
            ReminderSent.reminder_key == reminder_key,
        )
    )
    return found is not None


async def participant_row(session: Executor, participant_id: int) -> Row[Any]:
    """The participant's row as stored."""
    row = (
        await session.execute(select(Participant.__table__).where(Participant.id == participant_id))
    ).one_or_none()
    assert row is not None, f"no participant {participant_id}"
    return row


async def staff_roles(session: Executor, telegram_user_id: int) -> list[str]:
    """The roles stored for the Telegram user, in the order granted."""
    rows = await session.scalars(
        select(Staff.role).where(Staff.telegram_user_id == telegram_user_id).order_by(Staff.id)
    )
    return list(rows)
