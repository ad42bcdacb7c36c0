"""Seeding many workshops at once: invitees for load runs, finished answers for exports."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select

from bot.invites import new_invite_code
from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.model import Answer as EngineAnswer
from bot.questionnaire.model import (
    AnswerStatus,
    Question,
    Questionnaire,
    QuestionType,
    value_from_json,
)
from bot.questionnaire.relevance import compute_relevance
from bot.services.questionnaires import store_questionnaire
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Participant, Province, Response, ResponseStatus
from storage.repositories import participants as participant_repo
from storage.repositories import workshops as workshop_repo
from storage.repositories.participants import ParticipantProfile
from storage.repositories.workshops import AgendaItem

ARENAS = ("government", "bureaucracy", "civil_society", "economic_society")
_GIVEN = ("Siti", "Budi", "Rina", "Agus", "Dewi", "Hendra", "Yuni", "Bambang", "Wati", "Eko")
_FAMILY = ("Aminah", "Santoso", "Wijaya", "Lubis", "Siregar", "Pratama", "Hasibuan", "Nugroho")


@dataclass(frozen=True)
class Invitee:
    """A seeded participant: who they are and the code on their invitation card."""

    participant_id: int
    workshop_id: int
    province: str
    name: str
    arena: str
    phone: str
    invite_code: str


@dataclass(frozen=True)
class SeededEvent:
    """Workshops in many provinces sharing one questionnaire, and everyone invited."""

    questionnaire_id: int
    questionnaire: Questionnaire
    workshop_ids: tuple[int, ...]
    invitees: tuple[Invitee, ...]


def agenda_around(now: dt.datetime) -> list[AgendaItem]:
    """An agenda that keeps the workshop open for the next hours with no reminder due:
    a focus-group session spans now (a break's start would send nudges, the closing's
    approach a last call; the broadcast benchmark measures sending on its own)."""
    hour = dt.timedelta(hours=1)
    return [
        AgendaItem("opening", "Pembukaan", "Opening", now - 2 * hour, now - hour),
        AgendaItem("fgd", "Diskusi kelompok", "Focus groups", now - hour, now + 3 * hour),
        AgendaItem("closing", "Penutupan", "Closing", now + 3 * hour, now + 4 * hour),
    ]


def split_evenly(total: int, parts: int) -> list[int]:
    """Splits `total` into `parts` sizes that differ by at most one."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def person_name(number: int) -> str:
    """A plausible, distinct participant name (distinct strings help leak checks)."""
    given = _GIVEN[number % len(_GIVEN)]
    family = _FAMILY[(number // len(_GIVEN)) % len(_FAMILY)]
    return f"{given} {family} {number:04d}"


def person_phone(number: int) -> str:
    """A distinct Indonesian mobile number."""
    return f"+62812{number:07d}"


async def seed_event(
    db_url: str,
    *,
    workshops: int,
    people: int,
    now: dt.datetime | None = None,
    questionnaire: Questionnaire | None = None,
    agenda: Sequence[AgendaItem] | None = None,
) -> SeededEvent:
    """Stores the questionnaire, `workshops` open workshops in different provinces and
    `people` invitees spread evenly over them."""
    questionnaire = questionnaire or load_default_questionnaire()
    now = now or dt.datetime.now(dt.UTC)
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            row = await store_questionnaire(session, questionnaire, now)
            provinces = list(
                (await session.scalars(select(Province.code).order_by(Province.code))).all()
            )
            if workshops > len(provinces):
                raise ValueError(f"only {len(provinces)} provinces for {workshops} workshops")
            workshop_ids: list[int] = []
            invitees: list[Invitee] = []
            number = 0
            for province, size in zip(
                provinces[:workshops], split_evenly(people, workshops), strict=True
            ):
                workshop = await workshop_repo.create_workshop(
                    session,
                    code=f"{province}-{now.date().isoformat()}",
                    province_code=province,
                    date=now.date(),
                    questionnaire_id=row.id,
                    now=now,
                )
                await workshop_repo.replace_agenda(
                    session, workshop.id, list(agenda if agenda is not None else agenda_around(now))
                )
                workshop_ids.append(workshop.id)
                for _ in range(size):
                    number += 1
                    name, arena, phone = (
                        person_name(number),
                        ARENAS[number % 4],
                        person_phone(number),
                    )
                    code = new_invite_code()
                    participant = await participant_repo.add_participant(
                        session,
                        workshop_id=workshop.id,
                        invite_code=code,
                        pseudonym=f"{province}-{number:05d}",
                        profile=ParticipantProfile(name=name, arena=arena, phone=phone),
                        now=now,
                    )
                    invitees.append(
                        Invitee(participant.id, workshop.id, province, name, arena, phone, code)
                    )
            return SeededEvent(row.id, questionnaire, tuple(workshop_ids), tuple(invitees))
    finally:
        await engine.dispose()


def finished_answers(
    questionnaire: Questionnaire, rng: random.Random, now: dt.datetime
) -> list[tuple[Question, str, object]]:
    """A plausible complete set of answers, relevant ones only: (question, status, JSON value)."""
    planned = {q.id: (q, *_plausible_answer(q, rng)) for q in questionnaire.questions}
    as_answers = {
        qid: EngineAnswer(qid, AnswerStatus(status), value_from_json(value), now)
        for qid, (_, status, value) in planned.items()
    }
    # e.g. no 'please name your sector' text unless the sector chosen was 'other'.
    return [planned[q.id] for q in compute_relevance(questionnaire, as_answers).questions]


def _plausible_answer(question: Question, rng: random.Random) -> tuple[str, object]:
    match question.type:
        case QuestionType.NOTE:
            return "answered", None
        case QuestionType.SCALE:
            if rng.random() < 0.05:
                return "dont_know", None
            return "answered", rng.randint(question.scale_min, question.scale_max)
        case QuestionType.SINGLE_CHOICE:
            # The first choices are the common ones; 'other' (last) stays rare.
            return "answered", question.choices[rng.randrange(len(question.choices) - 1)].value
        case QuestionType.MULTIPLE_CHOICE:
            picked = sorted(rng.sample(range(len(question.choices)), k=rng.randint(1, 3)))
            return "answered", [question.choices[i].value for i in picked]
        case QuestionType.INTEGER:
            return "answered", rng.randint(int(question.min_value or 0), 30)
        case QuestionType.DECIMAL:
            return "answered", round(rng.uniform(0, 100), 1)
        case QuestionType.TEXT:
            if not question.required and rng.random() < 0.7:
                return "skipped", None
            return "answered", 'Pelayanan perizinan perlu lebih terbuka & cepat; "contoh", 5%.'


async def seed_finished_answers(
    db_url: str, event: SeededEvent, *, now: dt.datetime | None = None, seed: int = 1
) -> int:
    """Gives every invitee a submitted response with complete answers (bulk SQL, fast).

    Returns the number of answer rows written.
    """
    now = now or dt.datetime.now(dt.UTC)
    rng = random.Random(seed)
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine).begin() as session:
            await session.execute(
                insert(Response),
                [
                    {
                        "participant_id": invitee.participant_id,
                        "questionnaire_id": event.questionnaire_id,
                        "status": ResponseStatus.SUBMITTED.value,
                        "trail": [],
                        "started_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    }
                    for invitee in event.invitees
                ],
            )
            response_ids: dict[int, int] = {
                participant_id: response_id
                for participant_id, response_id in await session.execute(
                    select(Response.participant_id, Response.id).where(
                        Response.questionnaire_id == event.questionnaire_id
                    )
                )
            }
            rows = []
            for invitee in event.invitees:
                for question, status, value in finished_answers(event.questionnaire, rng, now):
                    rows.append(
                        {
                            "response_id": response_ids[invitee.participant_id],
                            "question_id": question.id,
                            "status": status,
                            "value": value,
                            "answered_at": now,
                            "change_count": 0,
                        }
                    )
            await session.execute(insert(Answer), rows)
            await session.execute(
                Participant.__table__.update()
                .where(Participant.id.in_([i.participant_id for i in event.invitees]))
                .values(consent_at=now)
            )
            return len(rows)
    finally:
        await engine.dispose()
