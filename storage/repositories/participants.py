"""Participants: invitations, Telegram binding, reachability and progress listings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Executor
from storage.errors import NotFound, ParticipantAlreadyBound, TelegramAccountAlreadyBound
from storage.models import (
    AgendaSession,
    Answer,
    Language,
    Participant,
    Province,
    Questionnaire,
    Response,
    Workshop,
)

_participants = cast("Table", Participant.__table__)


@dataclass(frozen=True, slots=True)
class ParticipantProfile:
    """The descriptive fields of a participant, as imported from the organisers' list."""

    name: str
    arena: str | None = None
    category: str | None = None
    organisation: str | None = None
    position: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str = Language.ID.value


@dataclass(frozen=True, slots=True)
class ParticipantProgress:
    """A participant with the state of their response to the workshop's questionnaire."""

    participant: Participant
    response_status: str | None  # None: not started
    answer_count: int
    last_activity_at: dt.datetime | None


async def add_participant(
    session: AsyncSession,
    *,
    workshop_id: int,
    invite_code: str,
    pseudonym: str,
    profile: ParticipantProfile,
    now: dt.datetime,
    import_key: str | None = None,
) -> Participant:
    """Create a participant with the given invite code and pseudonym."""
    participant = Participant(
        workshop_id=workshop_id,
        invite_code=invite_code,
        pseudonym=pseudonym,
        import_key=import_key,
        created_at=now,
        **_profile_values(profile),
    )
    session.add(participant)
    await session.flush()
    return participant


async def update_imported(
    session: AsyncSession, participant_id: int, profile: ParticipantProfile, *, import_key: str
) -> None:
    """Replace the participant's imported profile and key; code, pseudonym and Telegram
    binding stay as they are. One statement."""
    await session.execute(
        update(_participants)
        .where(_participants.c.id == participant_id)
        .values(import_key=import_key, **_profile_values(profile))
        .execution_options(synchronize_session=False)
    )


async def get_by_invite_code(session: AsyncSession, invite_code: str) -> Participant | None:
    """Return the participant holding the invite code (matched exactly), or None."""
    return await session.scalar(select(Participant).where(Participant.invite_code == invite_code))


async def get_by_telegram_user(session: AsyncSession, telegram_user_id: int) -> Participant | None:
    """Return the participant bound to the Telegram account, or None."""
    return await session.scalar(
        select(Participant).where(Participant.telegram_user_id == telegram_user_id)
    )


@dataclass(frozen=True, slots=True)
class ParticipantFacts:
    """What answering needs to know of a participant (a plain row, not an ORM object)."""

    id: int
    workshop_id: int
    name: str
    language: str
    telegram_user_id: int | None
    consent_at: dt.datetime | None
    unreachable_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class WorkshopFacts:
    """What answering needs to know of a participant's workshop and its province."""

    id: int
    code: str
    province_code: str
    province_name_id: str
    province_name_en: str
    zone: str  # the workshop's own IANA zone, else its province's
    date: dt.date
    manual_state: str | None
    questionnaire_id: int


@dataclass(frozen=True, slots=True)
class ResponseFacts:
    """Where a participant is in their response to the workshop's questionnaire."""

    id: int
    status: str
    current_question_id: str | None
    trail: tuple[str, ...]
    current_message_id: int | None
    answers_revision: int  # bumped by every change to the answers
    current_shown_at: dt.datetime | None = None  # when the current question was shown


@dataclass(frozen=True, slots=True)
class ParticipantContext:
    """A bound participant with their workshop, questionnaire hash, agenda span and
    response: everything one answer reads, from one query."""

    participant: ParticipantFacts
    workshop: WorkshopFacts
    questionnaire_hash: str  # content hash of the workshop's questionnaire
    agenda_starts_at: dt.datetime | None  # the first agenda session's start, if any
    agenda_ends_at: dt.datetime | None  # the last agenda session's end, if any
    response: ResponseFacts | None  # None until the participant starts answering


async def get_context_by_telegram_user(
    session: Executor, telegram_user_id: int, *, lock: bool = False
) -> ParticipantContext | None:
    """Return the participant bound to the account with their workshop, questionnaire
    hash, agenda span and response, in one query (it runs for every answer); None if
    unbound.

    Plain rows rather than ORM objects: loading four ORM objects cost more than the
    query. ``lock=True`` locks the participant's row (PostgreSQL) so that the steps of
    one participant apply one after the other.
    """
    statement = _LOCKED_CONTEXT if lock else _CONTEXT
    row = (await session.execute(statement, {"telegram_user_id": telegram_user_id})).one_or_none()
    if row is None:
        return None
    # The columns come in the order of the fields of the dataclasses (see _CONTEXT).
    response_id = row[18]
    return ParticipantContext(
        ParticipantFacts(*row[0:7]),
        WorkshopFacts(row[1], *row[7:15]),
        row[15],
        row[16],
        row[17],
        None
        if response_id is None
        else ResponseFacts(response_id, row[19], row[20], tuple(row[21] or ()), *row[22:25]),
    )


# Built once: building this statement and its cache key cost more than running it. On
# the tables, not the mapped classes, so that executing it skips the ORM's layers.
_p = cast("Table", Participant.__table__).c
_w = cast("Table", Workshop.__table__).c
_pr = cast("Table", Province.__table__).c
_q = cast("Table", Questionnaire.__table__).c
_r = cast("Table", Response.__table__).c
_a = cast("Table", AgendaSession.__table__).c
_CONTEXT = (
    # In field order: ParticipantFacts (0-6), WorkshopFacts after its id (7-14), the hash
    # and agenda span (15-17), ResponseFacts (18-23); get_context_by_telegram_user slices.
    select(
        _p.id,
        _p.workshop_id,
        _p.name,
        _p.language,
        _p.telegram_user_id,
        _p.consent_at,
        _p.unreachable_at,
        _w.code,
        _w.province_code,
        _pr.name_id,
        _pr.name_en,
        func.coalesce(_w.timezone, _pr.timezone),
        _w.date,
        _w.manual_state,
        _w.questionnaire_id,
        _q.content_hash,
        select(func.min(_a.starts_at)).where(_a.workshop_id == _w.id).scalar_subquery(),
        select(func.max(_a.ends_at)).where(_a.workshop_id == _w.id).scalar_subquery(),
        _r.id,
        _r.status,
        _r.current_question_id,
        _r.trail,
        _r.current_message_id,
        _r.answers_revision,
        _r.current_shown_at,
    )
    .select_from(
        Participant.__table__.join(Workshop.__table__, _w.id == _p.workshop_id)
        .join(Province.__table__, _pr.code == _w.province_code)
        .join(Questionnaire.__table__, _q.id == _w.questionnaire_id)
        .outerjoin(
            Response.__table__,
            and_(_r.participant_id == _p.id, _r.questionnaire_id == _w.questionnaire_id),
        )
    )
    .where(_p.telegram_user_id == bindparam("telegram_user_id"))
)
# PostgreSQL cannot lock the outer-joined response; the participant's row stands for it.
_LOCKED_CONTEXT = _CONTEXT.with_for_update(of=Participant.__table__)


async def list_for_workshop(session: AsyncSession, workshop_id: int) -> list[Participant]:
    """Return the workshop's participants ordered by name."""
    rows = await session.scalars(
        select(Participant)
        .where(Participant.workshop_id == workshop_id)
        .order_by(Participant.name, Participant.id)
    )
    return list(rows.all())


async def list_with_progress(session: AsyncSession, workshop_id: int) -> list[ParticipantProgress]:
    """Return the workshop's participants with their response to its questionnaire."""
    answer_counts = (
        select(Answer.response_id, func.count(Answer.id).label("answers"))
        .group_by(Answer.response_id)
        .subquery()
    )
    statement = (
        select(Participant, Response.status, answer_counts.c.answers, Response.updated_at)
        .join(Workshop, Workshop.id == Participant.workshop_id)
        .outerjoin(
            Response,
            and_(
                Response.participant_id == Participant.id,
                Response.questionnaire_id == Workshop.questionnaire_id,
            ),
        )
        .outerjoin(answer_counts, answer_counts.c.response_id == Response.id)
        .where(Participant.workshop_id == workshop_id)
        .order_by(Participant.name, Participant.id)
    )
    rows = await session.execute(statement)
    return [
        ParticipantProgress(
            participant=participant,
            response_status=status,
            answer_count=count or 0,
            last_activity_at=updated_at,
        )
        for participant, status, count, updated_at in rows
    ]


async def bind_telegram_user(
    session: AsyncSession, participant_id: int, telegram_user_id: int, now: dt.datetime
) -> Participant:
    """Bind the participant to the Telegram account (idempotent for the same account).

    Raises ParticipantAlreadyBound if the invite was redeemed by another account, and
    TelegramAccountAlreadyBound if this account already belongs to another participant.
    """
    participant = await _fresh(session, participant_id)
    if participant.telegram_user_id == telegram_user_id:
        return participant
    if participant.telegram_user_id is None:
        other = await get_by_telegram_user(session, telegram_user_id)
        if other is not None:
            raise TelegramAccountAlreadyBound(
                f"Telegram account is already bound to participant {other.id}"
            )
        # One conditional UPDATE decides the race: of two accounts redeeming one code at
        # once only one finds the row still unbound. (A locking SELECT was not enough: it
        # returned the object already in the session, loaded unbound before the wait.)
        claimed = await session.execute(
            update(_participants)
            .where(_participants.c.id == participant_id, _participants.c.telegram_user_id.is_(None))
            .values(telegram_user_id=telegram_user_id, bound_at=now, unreachable_at=None)
            .execution_options(synchronize_session=False)
        )
        won = cast("CursorResult[Any]", claimed).rowcount == 1
        participant = await _fresh(session, participant_id)
        if won or participant.telegram_user_id == telegram_user_id:
            return participant
    raise ParticipantAlreadyBound(
        f"participant {participant_id} is bound to another Telegram account"
    )


async def _fresh(session: AsyncSession, participant_id: int) -> Participant:
    """The participant as stored now, replacing whatever the session had loaded before."""
    participant = await session.scalar(
        select(Participant)
        .where(Participant.id == participant_id)
        .execution_options(populate_existing=True)
    )
    if participant is None:
        raise NotFound(f"participant {participant_id} does not exist")
    return participant


async def record_consent(session: Executor, participant_id: int, now: dt.datetime) -> None:
    """Record when the participant consented (the first consent is kept); one statement."""
    await session.execute(
        update(_participants)
        .where(_participants.c.id == participant_id, _participants.c.consent_at.is_(None))
        .values(consent_at=now)
    )


async def record_decline(session: Executor, participant_id: int, now: dt.datetime) -> None:
    """Record that the invitee does not wish to take part (the first time is kept)."""
    await session.execute(
        update(_participants)
        .where(_participants.c.id == participant_id, _participants.c.declined_at.is_(None))
        .values(declined_at=now)
    )


async def clear_decline(session: Executor, participant_id: int) -> None:
    """Forget a decline: the invitee changed their mind and consented."""
    await session.execute(
        update(_participants)
        .where(_participants.c.id == participant_id, _participants.c.declined_at.is_not(None))
        .values(declined_at=None)
    )


async def set_language(session: Executor, participant_id: int, language: Language | str) -> None:
    """Set the participant's language ('id' or 'en'; ValueError otherwise); one statement."""
    value = Language(language).value
    await session.execute(
        update(_participants).where(_participants.c.id == participant_id).values(language=value)
    )


async def mark_unreachable(
    session: AsyncSession, participant_id: int, now: dt.datetime
) -> Participant:
    """Record that Telegram refused delivery (the user blocked the bot)."""
    participant = await _require(session, participant_id)
    if participant.unreachable_at is None:
        participant.unreachable_at = now
        await session.flush()
    return participant


async def mark_reachable(session: Executor, participant_id: int) -> None:
    """Clear the unreachable mark, e.g. when the user writes to the bot again."""
    await session.execute(
        update(_participants)
        .where(_participants.c.id == participant_id, _participants.c.unreachable_at.is_not(None))
        .values(unreachable_at=None)
    )


def _profile_values(profile: ParticipantProfile) -> dict[str, str | None]:
    values = {field.name: getattr(profile, field.name) for field in fields(profile)}
    values["language"] = Language(profile.language).value
    return values


async def _require(session: AsyncSession, participant_id: int) -> Participant:
    participant = await session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(f"participant {participant_id} does not exist")
    return participant
