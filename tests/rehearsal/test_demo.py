"""`wipbot demo` end to end, at high speed: the day runs, the export arrives and reads, and
the national report PDF prints the final export's numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from bot.rehearsal.people import ARENAS, Behaviour, synthetic_people
from tests.research.pdf_text import check_report_matches_export


def test_synthetic_people_are_balanced_across_arenas_and_behaviours() -> None:
    people = synthetic_people(36)
    assert [sum(p.arena == arena for p in people) for arena in ARENAS] == [9, 9, 9, 9]
    behaviours = {p.behaviour for p in people}
    assert {Behaviour.BLOCKS, Behaviour.DROPS_OUT, Behaviour.CHANGES_MIND} <= behaviours
    assert len({p.name for p in people}) == 36
    assert synthetic_people(36) == people, "the same seed gives the same people"


def test_demo_runs_a_day_and_the_facilitator_receives_a_readable_export(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "demo",
            "--out",
            str(out),
            "--speed",
            "900",
            "--participants",
            "8",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    exports = list(out.glob("wipbot-ID-JA-*.xlsx"))
    assert len(exports) == 1, done.stdout
    sheets = pd.read_excel(exports[0], sheet_name=None)
    for name in ("completion", "answers", "responses", "scores", "matrix", "heatmap"):
        assert not sheets[name].empty, f"sheet {name} is empty"
    assert len(sheets["completion"]) == 8
    assert (out / "heatmap.png").read_bytes().startswith(b"\x89PNG")
    transcripts = sorted((out / "transcripts").glob("*.txt"))
    assert len(transcripts) == 8
    first = transcripts[0].read_text(encoding="utf-8")
    assert "[PESERTA]\n/start " in first
    assert (
        "persetujuan Bapak/Ibu telah kami catat" in first
        or "we have recorded your consent" in first
    )
    assert "Skor arena x prinsip" in done.stdout
    assert str(exports[0].name) in done.stdout
    # The national report, written with the final export from one reading of the day:
    # its pages render and print the export's numbers (issue 19).
    (final,) = out.glob("hasil-akhir-ID-JA-*.xlsx")
    report = out / "laporan.pdf"
    assert f"National report (PDF): {report}" in done.stdout
    pages = check_report_matches_export(report.read_bytes(), final)
    assert pages[0].startswith("Laporan Nasional Indeks Tata Kelola")
    assert "Metode" in pages[-1]
