"""Matching a checked participant list to a workshop's people, then writing it in batches.

Planning reads only: each row is matched to the workshop's participants by identity
(bot/roster/identity.py): phone, e-mail or bare name. One match updates that participant
(keeping invite code, pseudonym and Telegram binding), none adds a new one, and more than
one, or a name match contradicted by another phone or e-mail, is refused as ambiguous.

Writing happens in short transactions of `BATCH_SIZE` rows, so a long list never holds
SQLite's write lock for long while participants are answering. Should the import stop
half-way, running it again finishes it: written rows now match and are updated.

New pseudonyms are the province's next free numbers dealt out in random order, so that
JA-001 is not "the first row of the organisers' file".
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.invites import new_invite_code
from bot.roster.identity import Identity, contradiction, identity, matched_by
from bot.roster.reading import ImportRow, RowProblem
from storage.models import Participant, Workshop
from storage.repositories import participants as participant_repo

BATCH_SIZE = 100
SANITY_LIMIT = 500
"""More people than this in one workshop is more likely a wrong file than a workshop."""

_shuffle = random.SystemRandom().shuffle


@dataclass(frozen=True)
class PlannedRow:
    """What the import does with one row: add it, or update the participant it matches."""

    row: ImportRow
    participant_id: int | None  # None: a new participant
    pseudonym: str
    invite_code: str
    matched: tuple[str, ...] = ()  # e.g. ("phone", "name")


@dataclass(frozen=True)
class ImportPlan:
    """The import worked out against the workshop as it is now."""

    workshop_id: int
    code: str
    adds: tuple[PlannedRow, ...]
    updates: tuple[PlannedRow, ...]
    problems: tuple[RowProblem, ...]
    existing: int  # participants the workshop has before the import

    @property
    def total_after(self) -> int:
        """How many people the workshop will have."""
        return self.existing + len(self.adds)


@dataclass(frozen=True)
class ImportedParticipant:
    """A participant after the import, with what to hand them."""

    row: int
    participant_id: int
    pseudonym: str
    invite_code: str
    name: str
    arena: str | None
    created: bool
    matched: tuple[str, ...] = ()


def pseudonym_prefix(province_code: str) -> str:
    """'ID-JA' -> 'JA': pseudonyms read like JA-017."""
    return province_code.upper().removeprefix("ID-")


def format_pseudonym(prefix: str, number: int) -> str:
    """'JA', 17 -> 'JA-017'."""
    return f"{prefix}-{number:03d}"


async def next_pseudonym_number(session: AsyncSession, prefix: str) -> int:
    """The next free sequence number for the province (numbers are never reused)."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    taken = await session.scalars(
        select(Participant.pseudonym).where(Participant.pseudonym.like(f"{prefix}-%"))
    )
    numbers = [int(m.group(1)) for p in taken.all() if (m := pattern.match(p))]
    return max(numbers, default=0) + 1


async def plan_import(
    session: AsyncSession, workshop: Workshop, rows: Sequence[ImportRow]
) -> ImportPlan:
    """Matches every row to the workshop's participants; reads only."""
    people = await participant_repo.list_for_workshop(session, workshop.id)
    known = _Index()
    for person in people:
        known.add(person.id, identity(person.name, person.phone, person.email))
    by_id = {person.id: person for person in people}
    adds: list[ImportRow] = []
    updates: list[PlannedRow] = []
    problems: list[RowProblem] = []
    claimed: dict[int, int] = {}  # participant id -> the row that updates it
    for row in rows:
        matches, conflicts = known.matches(row.identity)
        if len(matches) + len(conflicts) > 1:
            named = " and ".join(
                [
                    f"{by_id[pid].pseudonym} (by {', '.join(parts)})"
                    for pid, parts in matches.items()
                ]
                + [f"{by_id[pid].pseudonym} (by name, with {why})" for pid, why in conflicts]
            )
            problems.append(
                RowProblem(row.row, None, f"matches {named}: which one is it? Nothing was changed")
            )
        elif matches:
            pid, parts = next(iter(matches.items()))
            if pid in claimed:
                problems.append(
                    RowProblem(
                        row.row,
                        None,
                        f"same person as row {claimed[pid]} ({by_id[pid].pseudonym})",
                    )
                )
                continue
            claimed[pid] = row.row
            person = by_id[pid]
            updates.append(PlannedRow(row, pid, person.pseudonym, person.invite_code, parts))
        elif conflicts:
            pid, why = conflicts[0]
            problems.append(
                RowProblem(
                    row.row,
                    None,
                    f"same name as {by_id[pid].pseudonym} but {why}: if it is the same person, "
                    "correct the list; if not, tell them apart (e.g. a middle name)",
                )
            )
        else:
            adds.append(row)
    prefix = pseudonym_prefix(workshop.province_code)
    first = await next_pseudonym_number(session, prefix)
    numbers = list(range(first, first + len(adds)))
    _shuffle(numbers)
    planned_adds = tuple(
        PlannedRow(row, None, format_pseudonym(prefix, number), new_invite_code())
        for row, number in zip(adds, numbers, strict=True)
    )
    return ImportPlan(
        workshop.id, workshop.code, planned_adds, tuple(updates), tuple(problems), len(people)
    )


async def apply_plan(
    sessions: async_sessionmaker[AsyncSession],
    plan: ImportPlan,
    now: datetime,
    *,
    batch_size: int = BATCH_SIZE,
) -> list[ImportedParticipant]:
    """Writes the plan in transactions of `batch_size` rows; the report in file order."""
    work = sorted((*plan.adds, *plan.updates), key=lambda planned: planned.row.row)
    done: list[ImportedParticipant] = []
    for start in range(0, len(work), batch_size):
        async with sessions.begin() as session:
            for planned in work[start : start + batch_size]:
                done.append(await _write(session, plan.workshop_id, planned, now))
    return done


async def import_participants(
    session: AsyncSession, workshop: Workshop, rows: Sequence[ImportRow], now: datetime
) -> list[ImportedParticipant]:
    """Plans and writes the rows in the caller's transaction (small lists, fixtures);
    ImportRefused if a row is ambiguous. The CLI uses plan_import and apply_plan."""
    plan = await plan_import(session, workshop, rows)
    if plan.problems:
        raise ImportRefused(plan.problems)
    work = sorted((*plan.adds, *plan.updates), key=lambda planned: planned.row.row)
    return [await _write(session, workshop.id, planned, now) for planned in work]


class ImportRefused(Exception):
    """Rows that match more than one participant, or contradict the one they match."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


async def _write(
    session: AsyncSession, workshop_id: int, planned: PlannedRow, now: datetime
) -> ImportedParticipant:
    row = planned.row
    if planned.participant_id is None:
        participant = await participant_repo.add_participant(
            session,
            workshop_id=workshop_id,
            invite_code=planned.invite_code,
            pseudonym=planned.pseudonym,
            profile=row.profile,
            now=now,
            import_key=row.import_key,
        )
        participant_id = participant.id
    else:
        participant_id = planned.participant_id
        await participant_repo.update_imported(
            session, participant_id, row.profile, import_key=row.import_key
        )
    return ImportedParticipant(
        row=row.row,
        participant_id=participant_id,
        pseudonym=planned.pseudonym,
        invite_code=planned.invite_code,
        name=row.profile.name,
        arena=row.profile.arena,
        created=planned.participant_id is None,
        matched=planned.matched,
    )


class _Index:
    """The workshop's people, found by phone, e-mail and bare name."""

    def __init__(self) -> None:
        self._by: dict[tuple[str, str], list[tuple[int, Identity]]] = {}

    def add(self, participant_id: int, person: Identity) -> None:
        for kind, value in (
            ("phone", person.phone),
            ("email", person.email),
            ("name", person.name),
        ):
            if value:
                self._by.setdefault((kind, value), []).append((participant_id, person))

    def matches(self, row: Identity) -> tuple[dict[int, tuple[str, ...]], list[tuple[int, str]]]:
        """The participants the row is (with the parts that say so), and those it shares
        only a name with while another phone or e-mail says otherwise."""
        found: dict[int, tuple[str, ...]] = {}
        conflicts: list[tuple[int, str]] = []
        for kind, value in (("phone", row.phone), ("email", row.email), ("name", row.name)):
            for pid, person in self._by.get((kind, value), []) if value else []:
                if pid in found or any(pid == other for other, _ in conflicts):
                    continue
                parts = matched_by(row, person)
                why = contradiction(row, person) if parts == ("name",) else None
                if why is not None:
                    conflicts.append((pid, why))
                else:
                    found[pid] = parts
        return found, conflicts
