"""Fixtures for the admin tests: a stored questionnaire and workshops to import into."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.questionnaire.default import load_default_questionnaire
from bot.services.questionnaires import store_questionnaire
from storage.repositories import workshops as workshop_repo

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Workshops:
    """Two Jambi workshops (two years) and one in Bali, on the default questionnaire."""

    jambi: int
    jambi_next_year: int
    bali: int
    questionnaire_id: int


@pytest.fixture
async def workshops(session_factory: async_sessionmaker[AsyncSession]) -> Workshops:
    """Workshops ready for participant imports."""
    async with session_factory.begin() as session:
        row = await store_questionnaire(session, load_default_questionnaire(), NOW)
        created = [
            await workshop_repo.create_workshop(
                session,
                code=code,
                province_code=province,
                date=day,
                questionnaire_id=row.id,
                now=NOW,
            )
            for code, province, day in (
                ("ID-JA-2026-12-03", "ID-JA", dt.date(2026, 12, 3)),
                ("ID-JA-2027-12-02", "ID-JA", dt.date(2027, 12, 2)),
                ("ID-BA-2026-12-08", "ID-BA", dt.date(2026, 12, 8)),
            )
        ]
    return Workshops(created[0].id, created[1].id, created[2].id, row.id)


# A small form for hand-computed scores: a 1..5 item (normalised), a relevance filter,
# an optional comment (free text) and an optional bureaucracy item.
SMALL_FORM = """\
sections:
  - id: gov
    title: {id: Pemerintah, en: Government}
    arena: government
    questions:
      - id: filter
        type: single_choice
        text: {id: 'Ikut musrenbang?', en: 'Took part in musrenbang?'}
        choices:
          - {value: ya, label: {id: Ya, en: 'Yes'}}
          - {value: tidak, label: {id: Tidak, en: 'No'}}
      - {id: GP1, type: scale, principle: participation, indicator: G1P1, text: {id: A, en: A}}
      - id: GP2
        type: scale
        principle: participation
        indicator: G2P1
        scale: {min: 1, max: 5}
        text: {id: B, en: B}
      - id: GF1
        type: scale
        principle: fairness
        indicator: G1F1
        relevant: "${filter} = 'ya'"
        text: {id: C, en: C}
      - {id: komentar, type: text, required: false, text: {id: Komentar, en: Comment}}
  - id: bur
    title: {id: Birokrasi, en: Bureaucracy}
    arena: bureaucracy
    questions:
      - id: BA1
        type: scale
        principle: accountability
        indicator: B1A1
        required: false
        text: {id: D, en: D}
"""

# pseudonym -> (name, arena, phone, submitted, answers); "dk" = don't know, "skip" = skipped
RESPONDENTS: dict[str, tuple[str, str, str, bool, dict[str, object]]] = {
    "JA-001": (
        "Dr. Hj. Siti Aminah, M.Si.",
        "government",
        "+6281234567890",
        True,
        {"filter": "ya", "GP1": 8, "GP2": 5, "GF1": 6, "komentar": "=SUM(A1:A9)", "BA1": 4},
    ),
    "JA-002": (
        "Rina Wati",
        "civil_society",
        "+6281311112222",
        False,
        # GF1 was answered before the filter changed to "tidak": irrelevant now.
        {"filter": "tidak", "GP1": 6, "GP2": "dk", "GF1": 9, "BA1": "skip"},
    ),
    "JA-003": (
        "Ir. Bambang O'Neil",
        "bureaucracy",
        "+6285771234567",
        True,
        {"filter": "ya", "GP1": "dk", "GP2": 2, "GF1": "dk", "komentar": "@semua -5", "BA1": 7},
    ),
    "JA-004": ("Budi Santoso", "economic_society", "+6281299998888", False, {}),
}
ANSWERED_AT = dt.datetime(2026, 12, 3, 3, 40, tzinfo=dt.UTC)  # 10:40 in Jambi


@dataclass(frozen=True)
class ScoredWorkshop:
    """The small form's workshop with four respondents (see RESPONDENTS)."""

    workshop_id: int
    code: str


async def seed_scored_workshop(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    code: str = "ID-JA-2026-12-03",
    province: str = "ID-JA",
    prefix: str = "JA",
) -> ScoredWorkshop:
    """Stores the small form, a workshop and the respondents' answers through repositories."""
    from storage.repositories import participants as participant_repo
    from storage.repositories import responses as response_repo
    from storage.repositories.participants import ParticipantProfile
    from tests.questionnaire.forms import form

    questionnaire = form(SMALL_FORM)
    async with session_factory.begin() as session:
        row = await store_questionnaire(session, questionnaire, NOW)
        workshop = await workshop_repo.create_workshop(
            session,
            code=code,
            province_code=province,
            date=dt.date(2026, 12, 3),
            questionnaire_id=row.id,
            now=NOW,
        )
        for pseudonym, (name, arena, phone, submitted, answers) in RESPONDENTS.items():
            participant = await participant_repo.add_participant(
                session,
                workshop_id=workshop.id,
                invite_code=f"{prefix}CODE{pseudonym[-1]}",
                pseudonym=pseudonym.replace("JA", prefix),
                profile=ParticipantProfile(name=name, arena=arena, phone=phone),
                now=NOW,
            )
            if not answers:
                continue
            # The statements the bot's answer path runs, one step per answer.
            response_id = await response_repo.start_response(
                session, participant_id=participant.id, questionnaire_id=row.id, now=ANSWERED_AT
            )
            for minute, (question_id, value) in enumerate(answers.items()):
                status = {"dk": "dont_know", "skip": "skipped"}.get(str(value), "answered")
                answered_at = ANSWERED_AT + dt.timedelta(minutes=minute)
                await response_repo.insert_answer(
                    session,
                    response_id=response_id,
                    question_id=question_id,
                    status=status,
                    value=None if status != "answered" else value,
                    now=answered_at,
                )
                await response_repo.save_position(
                    session,
                    response_id,
                    current_question_id=None,
                    trail=[],
                    now=answered_at,
                    answers_changed=True,
                )
            if submitted:
                await response_repo.submit_by_id(
                    session, response_id, ANSWERED_AT + dt.timedelta(minutes=30)
                )
    return ScoredWorkshop(workshop.id, code)
