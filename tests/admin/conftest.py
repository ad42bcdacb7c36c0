"""Fixtures for the admin tests: a stored questionnaire and workshops to import into."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.questionnaires import store_questionnaire
from bot.questionnaire.default import load_default_questionnaire
from storage.repositories import workshops as workshop_repo

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Workshops:
    """Two Jambi workshops (two years) and one in Bali, on the default questionnaire."""

    jambi: int
    jambi_next_year: int
    bali: int
    questionnaire_id: int


@pytest.fixture
async def workshops(session_factory: async_sessionmaker[AsyncSession]) -> Workshops:
    """Workshops ready for participant imports."""
    async with session_factory.begin() as session:
        row = await store_questionnaire(session, load_default_questionnaire(), NOW)
        created = [
            await workshop_repo.create_workshop(
                session,
                code=code,
                province_code=province,
                date=day,
                questionnaire_id=row.id,
                now=NOW,
            )
            for code, province, day in (
                ("ID-JA-2026-12-03", "ID-JA", dt.date(2026, 12, 3)),
                ("ID-JA-2027-12-02", "ID-JA", dt.date(2027, 12, 2)),
                ("ID-BA-2026-12-08", "ID-BA", dt.date(2026, 12, 8)),
            )
        ]
    return Workshops(created[0].id, created[1].id, created[2].id, row.id)
