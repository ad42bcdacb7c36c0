"""Questionnaire definitions: saved by content hash, locked once answered."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import begin_driver
from storage.errors import QuestionnaireLocked
from storage.models import AnswerStatus
from storage.repositories import questionnaires, responses
from tests.storage.conftest import DEFINITION, NOW, Seeded

Factory = async_sessionmaker[AsyncSession]


async def test_saving_same_definition_again_returns_existing_row(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        again = await questionnaires.save_definition(
            session,
            key="igi-wip",
            version="1",
            title="IGI WIP",
            definition=DEFINITION,
            content_hash="a" * 64,
            now=NOW + dt.timedelta(days=1),
        )
    assert again.id == seeded.questionnaire_id
    assert again.created_at == NOW


async def test_changed_definition_replaces_unanswered_version(
    session_factory: Factory, seeded: Seeded
) -> None:
    changed = {**DEFINITION, "questions": []}
    async with session_factory.begin() as session:
        saved = await questionnaires.save_definition(
            session,
            key="igi-wip",
            version="1",
            title="IGI WIP v1b",
            definition=changed,
            content_hash="b" * 64,
            now=NOW,
        )
    async with session_factory.begin() as session:
        loaded = await questionnaires.get_by_key_version(session, "igi-wip", "1")
    assert saved.id == seeded.questionnaire_id
    assert loaded is not None
    assert loaded.definition == changed
    assert loaded.content_hash == "b" * 64


async def test_changed_definition_of_answered_version_raises_questionnaire_locked(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with begin_driver(session_factory) as connection:
        response_id = await responses.start_response(
            connection,
            participant_id=seeded.participant_ids[0],
            questionnaire_id=seeded.questionnaire_id,
            now=NOW,
        )
        await responses.insert_answer(
            connection,
            response_id=response_id,
            question_id="G1P1",
            status=AnswerStatus.ANSWERED,
            value=7,
            now=NOW,
        )
    with pytest.raises(QuestionnaireLocked, match="new version"):
        async with session_factory.begin() as session:
            await questionnaires.save_definition(
                session,
                key="igi-wip",
                version="1",
                title="IGI WIP",
                definition={**DEFINITION, "questions": []},
                content_hash="c" * 64,
                now=NOW,
            )
    async with session_factory.begin() as session:
        # The same content is still accepted: re-running a deploy must not fail.
        same = await questionnaires.save_definition(
            session,
            key="igi-wip",
            version="1",
            title="IGI WIP",
            definition=DEFINITION,
            content_hash="a" * 64,
            now=NOW,
        )
        versions = await questionnaires.list_versions(session, "igi-wip")
    assert same.id == seeded.questionnaire_id
    assert [v.version for v in versions] == ["1"]
