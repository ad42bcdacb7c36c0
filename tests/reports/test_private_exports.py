"""Exports keep people private: coarse categories, text as given, files for their owner only."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.questionnaire_cache import QuestionnaireCache
from bot.reports.categories import OTHER, coarse_category
from bot.reports.export import Export, build_export, write_csv_folder, write_xlsx, xlsx_bytes
from bot.reports.research_frames import RESEARCH_SHEETS
from bot.services.progress import load_progress_for
from storage.models import Participant
from tests.admin.conftest import seed_scored_workshop

NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)

# pseudonym -> (arena, category as an organiser typed it)
TYPED = {
    "JA-001": ("government", "Ketua DPRD Provinsi Jambi"),
    "JA-002": ("government", "Anggota Komisi I DPRD"),
    "JA-003": ("government", "Staf Ahli Gubernur Bidang Hukum"),
    "JA-004": ("economic_society", "Ketua KADIN Provinsi Jambi"),
}


@pytest.mark.parametrize(
    ("typed", "group"),
    [
        ("Ketua DPRD Provinsi Jambi", "decision_maker"),
        ("Pengambil kebijakan", "decision_maker"),
        ("Sekretaris Daerah", "decision_maker"),
        ("Kepala Dinas Kesehatan", "official"),
        ("Pejabat birokrasi", "official"),
        ("Dosen Ilmu Pemerintahan, Universitas Jambi", "academic"),
        ("Wartawan senior Jambi Ekspres", "media"),
        ("Koperasi Tani Sejahtera", "cooperative"),
        ("Ketua APINDO Jambi", "business"),
        ("Direktur Eksekutif LSM Lingkar Hijau", "civil_society"),
        ("Ketua Persatuan Guru", OTHER),  # no word matches: 'pers' is not 'persatuan'
        ("", OTHER),
        (None, OTHER),
    ],
)
def test_a_typed_category_falls_in_one_coarse_group(typed: str | None, group: str) -> None:
    assert coarse_category(typed) == group


async def _export(
    session_factory: async_sessionmaker[AsyncSession], *, with_names: bool = False
) -> Export:
    async with session_factory() as session:
        workshops = await load_progress_for(session, QuestionnaireCache(), None, NOW)
    return build_export(workshops, generated_at=NOW, with_names=with_names)


async def _seed_typed_categories(session_factory: async_sessionmaker[AsyncSession]) -> None:
    await seed_scored_workshop(session_factory)
    async with session_factory.begin() as session:
        for pseudonym, (arena, category) in TYPED.items():
            await session.execute(
                update(Participant)
                .where(Participant.pseudonym == pseudonym)
                .values(arena=arena, category=category)
            )


def _cells(data: bytes) -> Iterator[tuple[str, object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                yield sheet.title, value


async def test_pseudonymous_sheets_show_a_coarse_group_and_never_the_category_as_typed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _seed_typed_categories(session_factory)
    export = await _export(session_factory)
    for name in ("answers", "responses", "completion"):
        shown = export.sheets[name].groupby("participant")["respondent_category"].first()
        # Three decision makers in government; the one business leader is a group of one,
        # which would point at him: shown as other.
        assert shown.to_dict() == {
            "JA-001": "decision_maker",
            "JA-002": "decision_maker",
            "JA-003": "decision_maker",
            "JA-004": OTHER,
        } or (name == "answers" and "JA-004" not in shown), name
    typed_words = ("DPRD", "Komisi", "Gubernur", "KADIN")
    for sheet, value in _cells(xlsx_bytes(export)):
        assert not any(word in str(value) for word in typed_words), (sheet, value)

    named = await _export(session_factory, with_names=True)
    roster = named.sheets["roster"].set_index("participant")["respondent_category"]
    assert roster.to_dict() == {pseudonym: typed for pseudonym, (_, typed) in TYPED.items()}
    completion = named.sheets["completion"].set_index("participant")["respondent_category"]
    assert completion["JA-001"] == "decision_maker", "the analysis sheets stay coarse"


async def test_xlsx_keeps_text_as_given_in_text_cells_and_only_csv_prefixes_formulas(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed_scored_workshop(session_factory)  # JA-001 commented "=SUM(A1:A9)"
    export = await _export(session_factory, with_names=True)

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(export)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    comment = next(c for c in cells if isinstance(c.value, str) and "SUM(A1:A9)" in c.value)
    assert (comment.value, comment.data_type) == ("=SUM(A1:A9)", "s")
    phone = next(c for c in cells if c.value == "+6281234567890")
    assert phone.data_type == "s", "a phone number is a text cell, no apostrophe"
    assert not any(str(c.value).startswith("'") for c in cells)
    assert not any(c.data_type == "f" for c in cells)

    write_csv_folder(export, tmp_path / "csv")
    answers = pd.read_csv(tmp_path / "csv" / "answers.csv", encoding="utf-8-sig")
    assert "'=SUM(A1:A9)" in answers["value"].tolist()
    assert "'@semua -5" in answers["value"].tolist()
    roster = pd.read_csv(tmp_path / "csv" / "roster.csv", encoding="utf-8-sig", dtype=str)
    assert "'+6281234567890" in roster["phone"].tolist()
    assert export.sheets["answers"]["value"].isin(["=SUM(A1:A9)"]).any(), "frames as given"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_export_files_are_written_0600_whatever_the_umask(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed_scored_workshop(session_factory)
    export = await _export(session_factory, with_names=True)
    old = tmp_path / "out" / "hasil.xlsx"
    old.parent.mkdir()
    old.write_bytes(b"an older export")
    old.chmod(0o644)
    previous = os.umask(0o022)  # the usual umask, which gives 0644 files and 0755 folders
    try:
        written = [*write_xlsx(export, old), *write_csv_folder(export, tmp_path / "csv")]
    finally:
        os.umask(previous)
    assert len(written) == 2 + 8 + len(RESEARCH_SHEETS)  # xlsx+png, the csv sheets
    assert {path.name: _mode(path) for path in written} == {path.name: 0o600 for path in written}
    assert _mode(tmp_path / "csv") == 0o700
    assert old.read_bytes().startswith(b"PK"), "the older file was replaced"
