from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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
