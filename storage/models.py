"""SQLAlchemy 2 typed models: the database schema of wipbot.

The schema itself is created by the Alembic migrations in ``storage/migrations``; a test
checks that these models and the migrations agree.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Final

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The shared vocabulary, defined once; the CHECK constraints below are built from it.
from bot.questionnaire.model import AnswerStatus as AnswerStatus
from bot.questionnaire.model import Arena as Arena
from bot.questionnaire.vocabulary import Language as Language
from bot.questionnaire.vocabulary import ResponseStatus as ResponseStatus
from bot.questionnaire.vocabulary import SessionKind as SessionKind
from bot.questionnaire.vocabulary import StaffRole as StaffRole
from bot.questionnaire.vocabulary import WorkshopState as WorkshopState

# Alembic's batch mode on SQLite recreates tables and must be able to name every
# constraint it copies; unnamed constraints also make downgrades impossible to write.
NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class RecipientKind(StrEnum):
    PARTICIPANT = "participant"
    STAFF = "staff"


class BroadcastStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"


def _one_of(column: str, values: type[StrEnum]) -> str:
    """Build a CHECK expression restricting a string column to an enum's values."""
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({allowed})"


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored in UTC.

    PostgreSQL keeps ``timestamptz``; SQLite has no zone support, so the value is stored
    as naive UTC (which also keeps its text form sortable) and made aware again on load.
    Naive datetimes are refused: a naive value's zone is a guess, and guesses here
    shift an agenda by hours.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware value")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# JSONB on PostgreSQL (compact, comparable); plain JSON text elsewhere. none_as_null
# stores Python None as SQL NULL rather than the JSON literal 'null', so "no value" has
# one representation that IS NULL finds.
JsonType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
telegram_id = Annotated[int, mapped_column(BigInteger)]
code_str = Annotated[str, mapped_column(String(64))]
name_str = Annotated[str, mapped_column(String(255))]
zone_str = Annotated[str, mapped_column(String(64))]
enum_str = Annotated[str, mapped_column(String(16))]
json_dict = Annotated[dict[str, Any], mapped_column(JsonType)]
json_list = Annotated[list[Any], mapped_column(JsonType)]
timestamp = Annotated[dt.datetime, mapped_column(UtcDateTime())]


def utcnow() -> dt.datetime:
    """Column default for rows inserted outside the repositories (fixtures, admin)."""
    return dt.datetime.now(dt.UTC)


created_timestamp = Annotated[dt.datetime, mapped_column(UtcDateTime(), default=utcnow)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UtcDateTime(),
        dt.date: Date(),
        int: Integer(),
        str: String(255),
    }


class Province(Base):
    """One of Indonesia's 38 provinces; rows are seeded by migration 0001."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO 3166-2, 'ID-JA'
    name_id: Mapped[name_str]
    name_en: Mapped[name_str]
    timezone: Mapped[zone_str]  # IANA zone, e.g. 'Asia/Jakarta'


class Questionnaire(Base):
    """One immutable-once-answered version of a questionnaire definition."""

    __tablename__ = "questionnaires"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[intpk]
    key: Mapped[code_str]  # form id, e.g. 'igi-wip'
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[name_str]
    definition: Mapped[json_dict]  # Questionnaire.to_dict() of bot.questionnaire
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of canonical JSON
    created_at: Mapped[created_timestamp]


class Workshop(Base):
    """One provincial workshop, collecting one questionnaire."""

    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint(
            f"manual_state IS NULL OR {_one_of('manual_state', WorkshopState)}",
            name="manual_state",
        ),
        Index(None, "province_code"),
    )

    id: Mapped[intpk]
    code: Mapped[code_str] = mapped_column(unique=True)  # slug, e.g. 'ID-JA-2026-12-03'
    province_code: Mapped[str] = mapped_column(String(8), ForeignKey("provinces.code"))
    # Overrides the province's zone, for a workshop held outside its province.
    timezone: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[dt.date]
    venue: Mapped[str | None] = mapped_column(String(255))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    # Set by organisers to open or close collection regardless of the agenda.
    manual_state: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[created_timestamp]

    # Many-to-one and tiny: always load it with the workshop (asyncio cannot lazy-load).
    province: Mapped[Province] = relationship(lazy="joined", innerjoin=True)

    @property
    def zone(self) -> str:
        """The IANA zone the workshop's agenda is kept and shown in."""
        return self.timezone or self.province.timezone


class AgendaSession(Base):
    """One slot of a workshop's agenda (opening, focus group, break, ...)."""

    __tablename__ = "agenda_sessions"
    __table_args__ = (
        UniqueConstraint("workshop_id", "position"),
        CheckConstraint(_one_of("kind", SessionKind), name="kind"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
    )

    id: Mapped[intpk]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[enum_str]
    title_id: Mapped[name_str]
    title_en: Mapped[name_str]
    starts_at: Mapped[timestamp]
    ends_at: Mapped[timestamp]


class Participant(Base):
    """A well-informed person invited to one workshop."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("workshop_id", "import_key"),
        CheckConstraint(f"arena IS NULL OR {_one_of('arena', Arena)}", name="arena"),
        CheckConstraint(_one_of("language", Language), name="language"),
    )

    id: Mapped[intpk]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"))
    invite_code: Mapped[str] = mapped_column(String(32), unique=True)
    # Stable and unique so exports can be joined across runs without naming anyone.
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[name_str]
    arena: Mapped[str | None] = mapped_column(String(32))  # the respondent's own arena
    category: Mapped[str | None] = mapped_column(String(64))
    organisation: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(2), default=Language.ID.value)
    consent_at: Mapped[dt.datetime | None]
    bound_at: Mapped[dt.datetime | None]
    # Set when Telegram reports the user blocked the bot; cleared when they return.
    unreachable_at: Mapped[dt.datetime | None]
    # The invitee said they do not wish to take part (no reminders; shown as declined).
    declined_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The row's key in the imported spreadsheet, so a re-import updates, not duplicates.
    import_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[created_timestamp]


class Staff(Base):
    """A role held by a Telegram user: organiser (global) or facilitator (one workshop)."""

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("telegram_user_id", "role", "workshop_id"),
        # NULLs are distinct in unique constraints, so the constraint above does not stop
        # an organiser (workshop_id NULL) from being recorded twice; this index does.
        Index(
            "uq_staff_telegram_user_id_role_global",
            "telegram_user_id",
            "role",
            unique=True,
            sqlite_where="workshop_id IS NULL",
            postgresql_where="workshop_id IS NULL",
        ),
        CheckConstraint(_one_of("role", StaffRole), name="role"),
        CheckConstraint(
            "(role = 'organiser' AND workshop_id IS NULL)"
            " OR (role = 'facilitator' AND workshop_id IS NOT NULL)",
            name="role_scope",
        ),
    )

    id: Mapped[intpk]
    telegram_user_id: Mapped[telegram_id]
    role: Mapped[enum_str]
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"))
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[created_timestamp]


class StaffInvite(Base):
    """A one-time token that grants a staff role to whoever redeems it first."""

    __tablename__ = "staff_invites"
    __table_args__ = (
        CheckConstraint(_one_of("role", StaffRole), name="role"),
        CheckConstraint(
            "(role = 'organiser' AND workshop_id IS NULL)"
            " OR (role = 'facilitator' AND workshop_id IS NOT NULL)",
            name="role_scope",
        ),
    )

    id: Mapped[intpk]
    token: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[enum_str]
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"))
    created_at: Mapped[created_timestamp]
    expires_at: Mapped[dt.datetime | None]
    used_at: Mapped[dt.datetime | None]
    used_by_telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)


class Response(Base):
    """A participant's progress through, and submission of, one questionnaire."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("participant_id", "questionnaire_id"),
        CheckConstraint(_one_of("status", ResponseStatus), name="status"),
        Index(None, "questionnaire_id"),
    )

    id: Mapped[intpk]
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    status: Mapped[enum_str] = mapped_column(default=ResponseStatus.IN_PROGRESS.value)
    current_question_id: Mapped[str | None] = mapped_column(String(64))
    # Question ids in the order shown, so "back" retraces the participant's own path.
    trail: Mapped[json_list] = mapped_column(default=list)
    # The Telegram message showing the current question, edited in place on each step.
    current_message_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    submitted_at: Mapped[dt.datetime | None]
    reopened_at: Mapped[dt.datetime | None]
    # Bumped by every change to the response's answers, so that a copy of them kept in
    # memory (bot.services.answer_cache) is known to be current without reading them.
    answers_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the current question was put on screen (paradata of the answer it gets).
    current_shown_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Answer(Base):
    """The latest answer to one question within one response."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id"),
        CheckConstraint(_one_of("status", AnswerStatus), name="status"),
    )

    id: Mapped[intpk]
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[code_str]
    status: Mapped[enum_str]
    value: Mapped[Any | None] = mapped_column(JsonType)
    answered_at: Mapped[timestamp]
    changed_at: Mapped[dt.datetime | None]
    change_count: Mapped[int] = mapped_column(default=0)
    # Paradata, never shown to participants: when the question was put on screen, how
    # the answer was given (tap, typed, review) and in which language.
    shown_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    method: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))


class ProcessedUpdate(Base):
    """A Telegram update already handled, so a redelivery is not applied twice."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # What the update was about (chat and message, or the callback query's id): an id
    # reused after Telegram restarts its sequence is a new update, not a duplicate.
    fingerprint: Mapped[str] = mapped_column(String(128), primary_key=True, server_default="")
    # Indexed for pruning: the bot forgets ids after a few days (bot/outbound/reminders.py).
    processed_at: Mapped[timestamp] = mapped_column(index=True)


class CodeAttempt(Base):
    """Failed invite-code guesses of one Telegram user, for brute-force lockout."""

    __tablename__ = "code_attempts"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[timestamp]
    locked_until: Mapped[dt.datetime | None]


class ReminderSent(Base):
    """A reminder, nudge or export claimed for one recipient; the unique key stops a second
    send, and `confirmed_at` tells a finished send from one a crash interrupted."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        UniqueConstraint("recipient_kind", "recipient_id", "reminder_key"),
        CheckConstraint(_one_of("recipient_kind", RecipientKind), name="recipient_kind"),
    )

    id: Mapped[intpk]
    recipient_kind: Mapped[enum_str]
    # participants.id or staff.id depending on recipient_kind, hence no foreign key.
    recipient_id: Mapped[int]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"))
    reminder_key: Mapped[str] = mapped_column(String(128))
    # When the claim was taken (or last taken over from a process that died mid-send).
    sent_at: Mapped[timestamp]
    # Set once the send succeeded; a claim without it is taken over after a short lease.
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Broadcast(Base):
    """An organiser's message to many participants, delivered row by row."""

    __tablename__ = "broadcasts"
    __table_args__ = (CheckConstraint(_one_of("status", BroadcastStatus), name="status"),)

    id: Mapped[intpk]
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"))
    created_by_telegram_user_id: Mapped[telegram_id]
    audience: Mapped[json_dict]  # the filter as the organiser chose it, for the record
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_timestamp]
    status: Mapped[enum_str] = mapped_column(default=BroadcastStatus.QUEUED.value)
    finished_at: Mapped[dt.datetime | None]


class BroadcastDraft(Base):
    """A staff member's broadcast being written: the audience chosen, maybe the text typed.

    Kept in the database, not in memory, so a restart between the staff member's taps
    loses nothing; one draft per person, replaced by the next /siaran.
    """

    __tablename__ = "broadcast_drafts"

    id: Mapped[intpk]
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    audience: Mapped[json_dict]
    text: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[timestamp]


class BroadcastDelivery(Base):
    """One broadcast's delivery to one participant."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "participant_id"),
        CheckConstraint(_one_of("status", DeliveryStatus), name="status"),
        # The sender's hot query: the next queued deliveries of a broadcast.
        Index(None, "broadcast_id", "status"),
    )

    id: Mapped[intpk]
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    chat_id: Mapped[telegram_id]
    status: Mapped[enum_str] = mapped_column(default=DeliveryStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Earliest time to try again, after Telegram's flood control said "retry after".
    not_before: Mapped[dt.datetime | None]
    updated_at: Mapped[timestamp]
