"""Who has answered what: one workshop's participants, their answers and their progress.

The bot's staff reports, the admin `progress` command and the exports all read a
workshop through `load_workshop_progress`, so they agree on every count. Progress is
counted the way a participant sees it (`bot.questionnaire.engine.progress`): answered
relevant questions, notes excluded, "don't know" and "skipped" counted as answered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.questionnaire.engine import State, progress
from bot.questionnaire.model import Answer, AnswerStatus, Questionnaire, value_from_json
from bot.questionnaire_cache import QuestionnaireCache
from bot.workshop_state import WorkshopPhase, workshop_phase
from storage.models import (
    AgendaSession,
    Participant,
    Response,
    ResponseStatus,
    SessionKind,
    Workshop,
)
from storage.models import Answer as AnswerRow
from storage.repositories import questionnaires as questionnaire_repo
from storage.repositories import workshops as workshop_repo


class Status(StrEnum):
    """Where a participant stands with the workshop's questionnaire."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class ParticipantInfo:
    """A participant's descriptive fields, detached from the database."""

    id: int
    pseudonym: str
    invite_code: str
    name: str
    arena: str | None
    category: str | None
    organisation: str | None
    position: str | None
    phone: str | None
    email: str | None
    language: str
    telegram_user_id: int | None
    consent_at: dt.datetime | None
    bound_at: dt.datetime | None
    unreachable_at: dt.datetime | None
    # They pressed "Tidak bersedia" on the consent: no reminders, shown as declined.
    declined_at: dt.datetime | None = None

    @classmethod
    def of(cls, row: Participant | Any) -> ParticipantInfo:
        """Copies the fields of a participant: an ORM object or a row with its columns."""
        return cls(
            id=row.id,
            pseudonym=row.pseudonym,
            invite_code=row.invite_code,
            name=row.name,
            arena=row.arena,
            category=row.category,
            organisation=row.organisation,
            position=row.position,
            phone=row.phone,
            email=row.email,
            language=row.language,
            telegram_user_id=row.telegram_user_id,
            consent_at=row.consent_at,
            bound_at=row.bound_at,
            unreachable_at=row.unreachable_at,
            declined_at=getattr(row, "declined_at", None),
        )

    @property
    def bound(self) -> bool:
        """Tells whether a Telegram account redeemed the invitation."""
        return self.telegram_user_id is not None

    @property
    def reachable(self) -> bool:
        """Tells whether the bot can message them (bound and not blocked)."""
        return self.bound and self.unreachable_at is None


@dataclass(frozen=True)
class StoredAnswer:
    """An answer with what only storage knows: when it last changed and how often."""

    answer: Answer
    changed_at: dt.datetime | None = None
    change_count: int = 0
    # Paradata (never shown to participants): when the question was on screen, how the
    # answer was given (tap, typed, review) and in which language.
    shown_at: dt.datetime | None = None
    method: str | None = None
    language: str | None = None

    @property
    def given_at(self) -> dt.datetime:
        """When the current value was given."""
        return self.changed_at or self.answer.answered_at


@dataclass(frozen=True)
class RespondentProgress:
    """One participant's standing: status, answers, counts and times."""

    participant: ParticipantInfo
    status: Status
    answers: Mapping[str, StoredAnswer]
    answered: int
    relevant: int
    started_at: dt.datetime | None = None
    last_activity_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None

    @property
    def state(self) -> State:
        """The engine state (answers only) for scoring and relevance."""
        return State(
            answers={qid: stored.answer for qid, stored in self.answers.items()},
            submitted=self.status is Status.SUBMITTED,
        )

    @property
    def finished(self) -> bool:
        """Tells whether the questionnaire is handed in."""
        return self.status is Status.SUBMITTED


@dataclass(frozen=True)
class StatusCounts:
    """How many participants stand where."""

    submitted: int = 0
    in_progress: int = 0
    not_started: int = 0

    @property
    def total(self) -> int:
        """Everyone counted."""
        return self.submitted + self.in_progress + self.not_started

    @property
    def unfinished(self) -> int:
        """Everyone who has not submitted."""
        return self.in_progress + self.not_started

    @classmethod
    def of(cls, respondents: Iterable[RespondentProgress]) -> StatusCounts:
        """Counts the respondents by status."""
        counts = Counter(r.status for r in respondents)
        return cls(
            submitted=counts[Status.SUBMITTED],
            in_progress=counts[Status.IN_PROGRESS],
            not_started=counts[Status.NOT_STARTED],
        )


@dataclass(frozen=True)
class WorkshopProgress:
    """A workshop, its questionnaire and every participant's progress, read at `as_of`."""

    workshop_id: int
    code: str
    province_code: str
    province_name: str
    zone: str
    date: dt.date
    questionnaire_id: int
    questionnaire: Questionnaire
    phase: WorkshopPhase
    as_of: dt.datetime
    closing_starts_at: dt.datetime | None = None
    respondents: tuple[RespondentProgress, ...] = field(default=())
    pauses: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    """The focus groups and plenaries (start, end): the questionnaire is put away then, so
    paradata counts a question's seconds on screen net of them."""

    @property
    def counts(self) -> StatusCounts:
        """Status counts over the whole workshop."""
        return StatusCounts.of(self.respondents)

    def counts_by_arena(self) -> dict[str | None, StatusCounts]:
        """Status counts per respondent arena (arena order; None last for no arena)."""
        arenas = sorted(
            {r.participant.arena for r in self.respondents},
            key=lambda a: (a is None, _ARENA_ORDER.get(a or "", 99), a or ""),
        )
        return {
            arena: StatusCounts.of(r for r in self.respondents if r.participant.arena == arena)
            for arena in arenas
        }

    def unfinished(self) -> list[RespondentProgress]:
        """Those who have not submitted: in progress first (furthest along), then the rest."""
        return sorted(
            (r for r in self.respondents if not r.finished),
            key=lambda r: (r.status is Status.NOT_STARTED, -r.answered, r.participant.name),
        )

    def nudgeable(self) -> list[RespondentProgress]:
        """Unfinished participants the bot can reach (bound, not blocked) who have not
        declined to take part."""
        return [
            r
            for r in self.unfinished()
            if r.participant.reachable and r.participant.declined_at is None
        ]


_ARENA_ORDER = {
    "government": 0,
    "bureaucracy": 1,
    "civil_society": 2,
    "economic_society": 3,
}


async def workshop_questionnaire(
    session: AsyncSession, cache: QuestionnaireCache, questionnaire_id: int
) -> Questionnaire:
    """Returns the parsed questionnaire stored under the id (parsed once per content)."""
    row = await questionnaire_repo.get_questionnaire(session, questionnaire_id)
    if row is None:  # pragma: no cover - a foreign key guarantees it
        raise LookupError(f"questionnaire {questionnaire_id} is missing")
    definition = row.definition

    async def load() -> dict[str, object]:
        return definition

    return await cache.get(row.content_hash, load)


async def load_workshop_progress(
    session: AsyncSession, cache: QuestionnaireCache, workshop: Workshop, now: dt.datetime
) -> WorkshopProgress:
    """Reads the workshop's participants, responses, answers and agenda."""
    (report,) = await _load_workshops(session, cache, [workshop], now)
    return report


async def load_progress_for(
    session: AsyncSession,
    cache: QuestionnaireCache,
    workshop_ids: Sequence[int] | None,
    now: dt.datetime,
) -> list[WorkshopProgress]:
    """Reads the given workshops (None: all), ordered by date then code."""
    workshops = await workshop_repo.list_workshops(session)
    if workshop_ids is not None:
        wanted = set(workshop_ids)
        workshops = [w for w in workshops if w.id in wanted]
    return await _load_workshops(session, cache, workshops, now)


# Read as plain rows, for every workshop at once: an export of all workshops reads tens of
# thousands of answers, and building an ORM object per row cost more than the query.
_PARTICIPANTS = (
    select(
        Participant.workshop_id,
        Participant.id,
        Participant.pseudonym,
        Participant.invite_code,
        Participant.name,
        Participant.arena,
        Participant.category,
        Participant.organisation,
        Participant.position,
        Participant.phone,
        Participant.email,
        Participant.language,
        Participant.telegram_user_id,
        Participant.consent_at,
        Participant.bound_at,
        Participant.unreachable_at,
        Participant.declined_at,
        Response.id.label("response_id"),
        Response.status.label("response_status"),
        Response.started_at,
        Response.updated_at,
        Response.submitted_at,
    )
    .join(Workshop, Workshop.id == Participant.workshop_id)
    .outerjoin(
        Response,
        and_(
            Response.participant_id == Participant.id,
            Response.questionnaire_id == Workshop.questionnaire_id,
        ),
    )
    .where(Participant.workshop_id.in_(bindparam("workshop_ids", expanding=True)))
    .order_by(Participant.workshop_id, Participant.name, Participant.id)
)
_ANSWERS = (
    select(
        Response.participant_id,
        AnswerRow.question_id,
        AnswerRow.status,
        AnswerRow.value,
        AnswerRow.answered_at,
        AnswerRow.changed_at,
        AnswerRow.change_count,
        AnswerRow.shown_at,
        AnswerRow.method,
        AnswerRow.language,
    )
    .join(Response, Response.id == AnswerRow.response_id)
    .join(Participant, Participant.id == Response.participant_id)
    .join(Workshop, Workshop.id == Participant.workshop_id)
    .where(
        Participant.workshop_id.in_(bindparam("workshop_ids", expanding=True)),
        Response.questionnaire_id == Workshop.questionnaire_id,
    )
    .order_by(Response.participant_id, AnswerRow.answered_at, AnswerRow.id)
)
_AGENDA = (
    select(AgendaSession)
    .where(AgendaSession.workshop_id.in_(bindparam("workshop_ids", expanding=True)))
    .order_by(AgendaSession.workshop_id, AgendaSession.position)
)
_ANSWER_STATUSES = {status.value: status for status in AnswerStatus}
_PAUSE_KINDS = frozenset({SessionKind.FGD.value, SessionKind.PLENARY.value})
_PLAIN_VALUES = (str, int, float, type(None))


@dataclass
class _Started:
    """A participant's response to their workshop's questionnaire, as read."""

    status: str
    started_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None


async def _load_workshops(
    session: AsyncSession,
    cache: QuestionnaireCache,
    workshops: Sequence[Workshop],
    now: dt.datetime,
) -> list[WorkshopProgress]:
    """Reads the workshops' participants (with their responses), answers and agendas in
    three queries whatever the number of workshops, and each questionnaire once."""
    if not workshops:
        return []
    ids = {"workshop_ids": [w.id for w in workshops]}
    questionnaires: dict[int, Questionnaire] = {}
    for workshop in workshops:
        if workshop.questionnaire_id not in questionnaires:
            questionnaires[workshop.questionnaire_id] = await workshop_questionnaire(
                session, cache, workshop.questionnaire_id
            )
    listed: dict[int, list[tuple[ParticipantInfo, _Started | None]]] = {w.id: [] for w in workshops}
    workshop_of: dict[int, int] = {}
    for row in await session.execute(_PARTICIPANTS, ids):
        info = ParticipantInfo.of(row)
        started = None
        if row.response_id is not None:
            started = _Started(
                row.response_status, row.started_at, row.updated_at, row.submitted_at
            )
        listed[row.workshop_id].append((info, started))
        workshop_of[info.id] = row.workshop_id
    asked = {w.id: questionnaires[w.questionnaire_id].has_question for w in workshops}
    answers: dict[int, dict[str, StoredAnswer]] = {}
    statuses = _ANSWER_STATUSES
    for (
        participant_id,
        question_id,
        status,
        value,
        answered_at,
        changed_at,
        changes,
        shown_at,
        method,
        language,
    ) in await session.execute(_ANSWERS, ids):
        if not asked[workshop_of[participant_id]](question_id):
            continue
        answer = Answer(
            question_id,
            statuses.get(status) or AnswerStatus(status),
            value if isinstance(value, _PLAIN_VALUES) else value_from_json(value),
            answered_at,
        )
        stored = StoredAnswer(answer, changed_at, changes, shown_at, method, language)
        if (given := answers.get(participant_id)) is None:
            answers[participant_id] = {question_id: stored}
        else:
            given[question_id] = stored
    agendas: dict[int, list[AgendaSession]] = {w.id: [] for w in workshops}
    for agenda_session in await session.scalars(_AGENDA, ids):
        agendas[agenda_session.workshop_id].append(agenda_session)
    reports = []
    for workshop in workshops:
        questionnaire = questionnaires[workshop.questionnaire_id]
        agenda = agendas[workshop.id]
        closing = [s.starts_at for s in agenda if s.kind == SessionKind.CLOSING.value]
        respondents = tuple(
            _respondent(questionnaire, info, started, answers.get(info.id, {}))
            for info, started in listed[workshop.id]
        )
        reports.append(
            WorkshopProgress(
                workshop_id=workshop.id,
                code=workshop.code,
                province_code=workshop.province_code,
                province_name=workshop.province.name_id,
                zone=workshop.zone,
                date=workshop.date,
                questionnaire_id=workshop.questionnaire_id,
                questionnaire=questionnaire,
                phase=workshop_phase(workshop.manual_state, agenda, now),
                as_of=now,
                closing_starts_at=min(closing) if closing else None,
                respondents=respondents,
                pauses=tuple((s.starts_at, s.ends_at) for s in agenda if s.kind in _PAUSE_KINDS),
            )
        )
    return reports


def _respondent(
    questionnaire: Questionnaire,
    participant: ParticipantInfo,
    response: _Started | None,
    answers: dict[str, StoredAnswer],
) -> RespondentProgress:
    state = State(answers={qid: stored.answer for qid, stored in answers.items()})
    counts = progress(questionnaire, state)
    if response is None:
        status = Status.NOT_STARTED
    elif response.status == ResponseStatus.SUBMITTED.value:
        status = Status.SUBMITTED
    else:
        status = Status.IN_PROGRESS
    return RespondentProgress(
        participant=participant,
        status=status,
        answers=answers,
        answered=counts.answered,
        relevant=counts.relevant,
        started_at=response.started_at if response else None,
        last_activity_at=response.updated_at if response else None,
        submitted_at=response.submitted_at if response else None,
    )
