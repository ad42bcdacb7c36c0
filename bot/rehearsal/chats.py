"""The rehearsal's chats written down: one text file per participant, and all as data."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

from bot.rehearsal.player import Player
from sandbox import Participant, SandboxClient

CHATS_FILE = "chats.json"


async def write_transcripts(client: SandboxClient, players: Sequence[Player], folder: Path) -> None:
    """Writes each participant's chat as they saw it, for anyone to read afterwards."""
    await asyncio.to_thread(folder.mkdir, exist_ok=True)
    for number, player in enumerate(players, start=1):
        if player.participant is None:
            continue
        lines = [f"# {player.person.name} ({player.person.arena}, {player.person.behaviour})"]
        for message in await client.chat(player.user_id):
            who = "BOT" if message.from_bot else "PESERTA"
            lines.append(f"\n[{who}]{' (diedit)' if message.edited else ''}\n{message.text}")
            if message.buttons:
                lines.append(" ".join(f"[{label}]" for label in message.button_texts))
        (folder / f"{number:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def write_chats(
    client: SandboxClient,
    players: Sequence[Player],
    staff: Sequence[tuple[str, str, Participant]],
    path: Path,
) -> None:
    """Writes every chat of the day (participants' and staff's) as JSON, in chat order."""
    people = [
        (p.person.name, "participant", p.lang, p.log.submitted, p.person.behaviour.value, p.user_id)
        for p in players
    ]
    people += [(name, role, "id", False, "", member.user_id) for name, role, member in staff]
    chats = []
    for name, role, lang, submitted, behaviour, user_id in people:
        messages = [
            {
                "from_bot": m.from_bot,
                "text": m.text,
                "buttons": m.button_texts,
                "edited": m.edited,
                "document": m.document.file_name if m.document else None,
                "photo": m.photo is not None,
            }
            for m in await client.chat(user_id)
        ]
        chats.append(
            {
                "name": name,
                "role": role,
                "language": lang,
                "submitted": submitted,
                "behaviour": behaviour,
                "messages": messages,
            }
        )
    text = json.dumps(chats, ensure_ascii=False, indent=1)
    await asyncio.to_thread(path.write_text, text, encoding="utf-8")
