"""`wipbot-admin questionnaire` with XLSForm files: validate, load and export-xlsform."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from admin.cli import main
from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.xlsform import export_xlsform, load_xlsform


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite file that `main` uses through WIPBOT_DATABASE_URL."""
    path = tmp_path / "wipbot.db"
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("WIPBOT_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.delenv("WIPBOT_BOT_USERNAME", raising=False)
    assert main(["db", "upgrade"]) == 0
    return path


def broken_form(path: Path) -> Path:
    """Writes an XLSForm with an unknown reference and an unsupported type."""
    book = openpyxl.Workbook()
    survey = book.worksheets[0]
    survey.title = "survey"
    for row in (
        ("type", "name", "label::Indonesian (id)", "label::English (en)", "relevant"),
        ("integer", "years", "Tahun", "Years", None),
        ("integer", "role", "Jabatan", "Role", "${yeras} > 1"),
        ("geopoint", "born", "Lahir", "Born", None),
    ):
        survey.append(list(row))
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "form_title"])
    settings.append(["broken", "1", "Rusak"])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_export_default_writes_a_workbook_that_loads_back_equal(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "default.xlsx"
    assert main(["questionnaire", "export-xlsform", "default", "--out", str(out)]) == 0
    assert (
        capsys.readouterr().out
        == f"Wrote {out}: igi-wip version 2026.1, 5 sections, 58 questions\n"
    )
    default = load_default_questionnaire()
    assert load_xlsform(out).unwrap().content_hash() == default.content_hash()


def test_a_stored_questionnaire_exports_by_id_and_loads_back_as_the_same_version(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["questionnaire", "load", "--default"]) == 0
    assert capsys.readouterr().out.startswith("Loaded as id 1: igi-wip version 2026.1")
    out = tmp_path / "stored.xlsx"
    assert main(["questionnaire", "export-xlsform", "1", "--out", str(out)]) == 0
    capsys.readouterr()

    assert main(["questionnaire", "validate", str(out)]) == 0
    assert capsys.readouterr().out.startswith(
        "OK  igi-wip version 2026.1: 5 sections, 58 questions"
    )
    # Same content under the same version: stored once, not refused as a changed version.
    assert main(["questionnaire", "load", str(out)]) == 0
    assert capsys.readouterr().out.startswith("Loaded as id 1:")
    assert main(["questionnaire", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1 and listed[0].split()[:3] == ["1", "igi-wip", "2026.1"]


def test_export_of_an_unknown_id_exits_2(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none.xlsx"
    assert main(["questionnaire", "export-xlsform", "7", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        "No stored questionnaire has id 7; see `questionnaire list`.\n"
    )
    assert not out.exists()


def test_export_of_a_non_numeric_id_exits_2(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.xlsx"
    assert main(["questionnaire", "export-xlsform", "igi-wip", "--out", str(out)]) == 2
    assert "ID must be a number from `questionnaire list` or 'default'" in capsys.readouterr().err


def test_export_to_an_unwritable_place_exits_2(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing-folder" / "x.xlsx"
    assert main(["questionnaire", "export-xlsform", "default", "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"Cannot write {out}:")


def test_validate_lists_xlsform_problems_with_sheet_and_row_and_exits_2(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = broken_form(tmp_path / "broken.xlsx")
    assert main(["questionnaire", "validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "warning: 1 row has text with no English (en) version (settings row 2); English "
        "participants see Indonesian (id)",
        "[row 3] survey: question 'role': relevant refers to unknown question 'yeras' "
        "(did you mean 'years'?)",
        "[row 4] survey: question 'born': type 'geopoint' (locations) is not supported by "
        "wipbot; change or remove this row",
        "2 problem(s) found; nothing was loaded.",
    ]


def test_load_of_a_broken_xlsform_stores_nothing(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = broken_form(tmp_path / "broken.xlsx")
    assert main(["questionnaire", "load", str(path)]) == 2
    capsys.readouterr()
    assert main(["questionnaire", "list"]) == 0
    assert capsys.readouterr().out == ""


def test_an_edited_export_loads_as_a_new_questionnaire(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(load_default_questionnaire())))
    book["settings"]["B2"] = "2026.2"
    book["survey"]["D3"] = "Thank you!"
    path = tmp_path / "edited.xlsx"
    book.save(path)
    assert main(["questionnaire", "load", str(path)]) == 0
    assert capsys.readouterr().out.startswith("Loaded as id 1: igi-wip version 2026.2")
