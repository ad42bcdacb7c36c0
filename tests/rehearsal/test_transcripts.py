"""`python -m bot.rehearsal.transcripts`: the rehearsal written as four readable chats."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.rehearsal.transcripts import FILES, to_markdown


def test_a_chat_reads_as_who_said_what_with_buttons_in_brackets() -> None:
    chat = {
        "name": "Siti",
        "messages": [
            {"from_bot": False, "text": "/start K7M4PQ2XRT", "buttons": [], "edited": False},
            {
                "from_bot": True,
                "text": "Selamat datang\n\nSilakan pilih.",
                "buttons": ["✅ Bersedia", "Tidak bersedia"],
                "edited": True,
            },
        ],
    }
    text = to_markdown(chat, "Perjalanan", "Peserta")
    assert text.startswith("# Perjalanan\n")
    assert "**👤 Siti:** /start K7M4PQ2XRT" in text
    assert "**🤖 Bot** *(edited in place)*\n\n> Selamat datang\n>\n> Silakan pilih." in text
    assert "> [✅ Bersedia] [Tidak bersedia]" in text


def test_the_generator_writes_the_four_transcripts_from_a_rehearsal(tmp_path: Path) -> None:
    out = tmp_path / "transcripts"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.rehearsal.transcripts",
            "--out",
            str(out),
            "--participants",
            "5",
            "--speed",
            "900",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert sorted(p.name for p in out.glob("*.md")) == sorted(FILES)
    for name, (heading, _speaker) in FILES.items():
        text = (out / name).read_text(encoding="utf-8")
        assert text.startswith(f"# {heading}\n"), name
        assert "**🤖 Bot**" in text and "**👤 " in text, name
    indonesian = (out / "participant-id.md").read_text(encoding="utf-8")
    english = (out / "participant-en.md").read_text(encoding="utf-8")
    assert "“Bersedia”" in indonesian and "Bapak/Ibu" in indonesian
    assert "“I agree”" in english
    assert "/agenda" in (out / "organiser.md").read_text(encoding="utf-8")
