"""Questionnaire definitions, stored as JSON with a content hash; immutable once answered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import QuestionnaireLocked
from storage.models import Answer, Questionnaire, Response


async def save_definition(
    session: AsyncSession,
    *,
    key: str,
    version: str,
    title: str,
    definition: dict[str, Any],
    content_hash: str,
    now: dt.datetime,
) -> Questionnaire:
    """Store a definition under key+version and return its row.

    Saving the same content again returns the existing row. Different content under an
    existing key+version replaces it only while nobody has answered it; once answered,
    the version is immutable (answers refer to its question ids and scales) and
    QuestionnaireLocked is raised: publish a new version instead.
    """
    existing = await get_by_key_version(session, key, version)
    if existing is None:
        questionnaire = Questionnaire(
            key=key,
            version=version,
            title=title,
            definition=definition,
            content_hash=content_hash,
            created_at=now,
        )
        session.add(questionnaire)
        await session.flush()
        return questionnaire
    if existing.content_hash == content_hash:
        return existing
    if await has_answers(session, existing.id):
        raise QuestionnaireLocked(
            f"questionnaire {key!r} version {version!r} already has answers and cannot "
            "change; give the changed definition a new version"
        )
    existing.title = title
    existing.definition = definition
    existing.content_hash = content_hash
    await session.flush()
    return existing


async def get_questionnaire(session: AsyncSession, questionnaire_id: int) -> Questionnaire | None:
    """Return the questionnaire with the id, or None."""
    return await session.get(Questionnaire, questionnaire_id)


async def get_by_key_version(session: AsyncSession, key: str, version: str) -> Questionnaire | None:
    """Return the questionnaire stored under key and version, or None."""
    return await session.scalar(
        select(Questionnaire).where(Questionnaire.key == key, Questionnaire.version == version)
    )


async def list_versions(session: AsyncSession, key: str) -> list[Questionnaire]:
    """Return every stored version of a questionnaire, oldest first."""
    rows = await session.scalars(
        select(Questionnaire).where(Questionnaire.key == key).order_by(Questionnaire.id)
    )
    return list(rows.all())


async def has_answers(session: AsyncSession, questionnaire_id: int) -> bool:
    """Tell whether any response to the questionnaire has at least one answer."""
    answered = (
        select(Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == questionnaire_id)
    )
    return bool(await session.scalar(select(exists(answered))))


async def list_all(session: AsyncSession) -> list[Questionnaire]:
    """Return every stored questionnaire version, oldest first."""
    rows = await session.scalars(select(Questionnaire).order_by(Questionnaire.id))
    return list(rows.all())
