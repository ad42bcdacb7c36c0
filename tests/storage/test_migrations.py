from __future__ import annotations

import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from storage.db import create_engine, create_session_factory
from storage.migrate import (
    UPGRADE_COMMAND,
    SchemaOutOfDate,
    downgrade,
    ensure_up_to_date,
    head_revision,
    schema_status,
    upgrade,
)
from storage.models import Base, Province


async def test_upgrade_empty_database_reaches_head_quickly(db_url: str) -> None:
    started = time.perf_counter()
    await upgrade(db_url)
    elapsed = time.perf_counter() - started

    status = await schema_status(db_url)
    assert status.current == head_revision()
    assert status.up_to_date
    if db_url.startswith("sqlite"):
        # Fixtures migrate a fresh database for every test; keep that cheap.
        assert elapsed < 1.0


async def test_models_match_migrated_schema(migrated_db_url: str) -> None:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    engine = create_engine(migrated_db_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(diff)
    finally:
        await engine.dispose()
    assert differences == []


async def test_migration_seeds_all_38_provinces_with_zones(migrated_db_url: str) -> None:
    engine = create_engine(migrated_db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            provinces = {p.code: p for p in (await session.scalars(select(Province))).all()}
    finally:
        await engine.dispose()
    assert len(provinces) == 38
    assert provinces["ID-JA"].timezone == "Asia/Jakarta"
    assert provinces["ID-JA"].name_id == "Jambi"
    assert provinces["ID-PA"].timezone == "Asia/Jayapura"
    assert provinces["ID-KB"].timezone == "Asia/Pontianak"
    assert provinces["ID-BA"].timezone == "Asia/Makassar"
    assert provinces["ID-PD"].name_en == "Southwest Papua"


async def test_downgrade_to_base_removes_every_table(migrated_db_url: str) -> None:
    await downgrade(migrated_db_url, "base")

    def table_names(connection: Connection) -> list[str]:
        return inspect(connection).get_table_names()

    engine = create_engine(migrated_db_url)
    try:
        async with engine.connect() as connection:
            remaining = await connection.run_sync(table_names)
    finally:
        await engine.dispose()
    assert set(remaining) <= {"alembic_version"}
    assert (await schema_status(migrated_db_url)).current is None


async def test_upgrade_after_downgrade_restores_schema(migrated_db_url: str) -> None:
    await downgrade(migrated_db_url, "base")
    await upgrade(migrated_db_url)
    assert (await schema_status(migrated_db_url)).up_to_date


async def test_ensure_up_to_date_names_the_upgrade_command_for_empty_database(
    db_url: str,
) -> None:
    with pytest.raises(SchemaOutOfDate, match="wipbot-admin db upgrade"):
        await ensure_up_to_date(db_url)
    status = await schema_status(db_url)
    assert status.current is None
    assert not status.up_to_date


async def test_ensure_up_to_date_passes_on_migrated_database(migrated_db_url: str) -> None:
    await ensure_up_to_date(migrated_db_url)


async def test_ensure_up_to_date_refuses_a_revision_from_a_newer_wipbot(
    migrated_db_url: str,
) -> None:
    engine = create_engine(migrated_db_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    finally:
        await engine.dispose()
    with pytest.raises(SchemaOutOfDate, match="newer wipbot") as raised:
        await ensure_up_to_date(migrated_db_url)
    assert UPGRADE_COMMAND not in str(raised.value)
