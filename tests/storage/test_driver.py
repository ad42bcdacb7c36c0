"""The answer path's statements on the driver connection read and write exactly what the
engine would, commit or roll back as one transaction, and survive a dropped connection."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import db as storage_db
from storage.db import begin_driver
from storage.driver import UnsupportedStatement
from storage.models import Participant, Response
from storage.repositories import participants, responses
from tests.storage.conftest import NOW, Seeded, answer_rows, response_row

Factory = async_sessionmaker[AsyncSession]
LATER = NOW + dt.timedelta(minutes=3)


async def _start(connection: storage_db.Executor, seeded: Seeded) -> int:
    return await responses.start_response(
        connection,
        participant_id=seeded.participant_ids[0],
        questionnaire_id=seeded.questionnaire_id,
        now=NOW,
    )


async def test_values_written_on_the_driver_read_back_through_the_engine_unchanged(
    session_factory: Factory, seeded: Seeded
) -> None:
    # JSON values of every shape, None kept apart from JSON null, aware datetimes, and
    # the columns' Python-side defaults (change_count 0, answers_revision 0).
    values = {"G1P1": 7, "G2P1": ["a", "b"], "G3P1": {"k": 1.5}, "G4P1": None, "G5P1": "x"}
    async with begin_driver(session_factory) as connection:
        response_id = await _start(connection, seeded)
        for question_id, value in values.items():
            assert await responses.insert_answer(
                connection,
                response_id=response_id,
                question_id=question_id,
                status="answered",
                value=value,
                now=NOW,
            )
    async with session_factory() as session:
        rows = await answer_rows(session, response_id)
        stored = await response_row(session, response_id)
    assert {q: rows[q].value for q in values} == values
    assert {rows[q].change_count for q in values} == {0}
    assert rows["G1P1"].answered_at == NOW and rows["G1P1"].answered_at.tzinfo is not None
    assert stored.answers_revision == 0
    async with begin_driver(session_factory) as connection:
        read = await responses.answer_values(connection, response_id)
    # Read back on the driver: the same values and aware datetimes, in answer order.
    assert [(q, v) for q, _, v, _ in read] == list(values.items())
    assert {at for _, _, _, at in read} == {NOW}


async def test_a_statement_with_literals_in_it_gets_them_on_the_driver(
    session_factory: Factory, seeded: Seeded
) -> None:
    # revise_answer's `change_count + 1` and `.values(declined_at=None)` are literals
    # bound inside the statement, not parameters the caller passes.
    async with session_factory.begin() as session:
        await participants.record_decline(session, seeded.participant_ids[0], NOW)
    async with begin_driver(session_factory) as connection:
        await participants.clear_decline(connection, seeded.participant_ids[0])
        response_id = await _start(connection, seeded)
        await responses.insert_answer(
            connection,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=3,
            now=NOW,
        )
        for value in (4, 5):
            assert await responses.revise_answer(
                connection,
                response_id=response_id,
                question_id="G1P1",
                status="answered",
                value=value,
                now=LATER,
            )
    async with session_factory() as session:
        declined = await session.scalar(
            select(Participant.declined_at).where(Participant.id == seeded.participant_ids[0])
        )
        answer = (await answer_rows(session, response_id))["G1P1"]
    assert declined is None
    assert (answer.value, answer.change_count, answer.changed_at) == (5, 2, LATER)


async def test_an_exception_inside_rolls_back_everything_the_transaction_wrote(
    session_factory: Factory, seeded: Seeded
) -> None:
    with pytest.raises(RuntimeError, match="after the writes"):
        async with begin_driver(session_factory) as connection:
            response_id = await _start(connection, seeded)
            await responses.insert_answer(
                connection,
                response_id=response_id,
                question_id="G1P1",
                status="answered",
                value=1,
                now=NOW,
            )
            raise RuntimeError("after the writes")
    async with session_factory() as session:
        assert (await session.scalars(select(Response.id))).all() == []
    # The connection went back to the pool usable: the next transaction commits.
    async with begin_driver(session_factory) as connection:
        await _start(connection, seeded)
    async with session_factory() as session:
        assert len((await session.scalars(select(Response.id))).all()) == 1


async def test_a_statement_that_loads_orm_objects_is_refused_on_the_driver(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with begin_driver(session_factory) as connection:
        with pytest.raises(UnsupportedStatement):
            await connection.execute(select(Participant))
        # Columns of a mapped class are plain values, and run.
        ids = (await connection.execute(select(Participant.id).order_by(Participant.id))).all()
    assert [row[0] for row in ids] == sorted(seeded.participant_ids)


async def test_a_statement_built_per_call_is_compiled_per_call(
    session_factory: Factory, seeded: Seeded
) -> None:
    # Statements are cached by identity: two equal-looking statements with different
    # literals must not share one compiled text.
    async with begin_driver(session_factory) as connection:
        for language in ("en", "id"):
            await connection.execute(
                update(Participant)
                .where(Participant.id == seeded.participant_ids[1])
                .values(language=language)
            )
            assert (
                await connection.scalar(
                    select(Participant.language).where(Participant.id == seeded.participant_ids[1])
                )
                == language
            )


@pytest.mark.parametrize("migrated_db_url", ["postgresql"], indirect=True)
async def test_a_pooled_connection_the_server_dropped_while_idle_is_replaced_before_use(
    migrated_db_url: str,
    engine: AsyncEngine,
    session_factory: Factory,
    seeded: Seeded,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with begin_driver(session_factory) as connection:
        response_id = await _start(connection, seeded)
    pooled = engine.sync_engine.pool.checkedin()
    assert pooled >= 1
    # Every connection in the pool is killed by the server (a restart, a proxy's idle
    # timeout); without the ping the next answer would fail on a dead connection.
    outsider = storage_db.create_engine(migrated_db_url)
    try:
        async with outsider.connect() as other:
            killed = await other.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        await outsider.dispose()
    assert killed >= pooled
    monkeypatch.setattr(storage_db, "IDLE_PING_SECONDS", 0.0)
    async with begin_driver(session_factory, lock_key=12345) as connection:
        await responses.insert_answer(
            connection,
            response_id=response_id,
            question_id="G1P1",
            status="answered",
            value=9,
            now=NOW,
        )
    async with session_factory() as session:
        assert (await answer_rows(session, response_id))["G1P1"].value == 9
