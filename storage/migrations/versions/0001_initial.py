"""Initial schema, and the 38 provinces with their time zones.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model types: a migration must keep meaning what it meant when
# written, whatever storage.models later becomes.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

# ISO 3166-2 code, Indonesian name, English name, IANA zone (from the domain reference).
PROVINCES: tuple[tuple[str, str, str, str], ...] = (
    ("ID-AC", "Aceh", "Aceh", "Asia/Jakarta"),
    ("ID-SU", "Sumatera Utara", "North Sumatra", "Asia/Jakarta"),
    ("ID-SB", "Sumatera Barat", "West Sumatra", "Asia/Jakarta"),
    ("ID-RI", "Riau", "Riau", "Asia/Jakarta"),
    ("ID-KR", "Kepulauan Riau", "Riau Islands", "Asia/Jakarta"),
    ("ID-JA", "Jambi", "Jambi", "Asia/Jakarta"),
    ("ID-SS", "Sumatera Selatan", "South Sumatra", "Asia/Jakarta"),
    ("ID-BB", "Kepulauan Bangka Belitung", "Bangka Belitung Islands", "Asia/Jakarta"),
    ("ID-BE", "Bengkulu", "Bengkulu", "Asia/Jakarta"),
    ("ID-LA", "Lampung", "Lampung", "Asia/Jakarta"),
    ("ID-JK", "DKI Jakarta", "Jakarta", "Asia/Jakarta"),
    ("ID-JB", "Jawa Barat", "West Java", "Asia/Jakarta"),
    ("ID-BT", "Banten", "Banten", "Asia/Jakarta"),
    ("ID-JT", "Jawa Tengah", "Central Java", "Asia/Jakarta"),
    ("ID-YO", "DI Yogyakarta", "Special Region of Yogyakarta", "Asia/Jakarta"),
    ("ID-JI", "Jawa Timur", "East Java", "Asia/Jakarta"),
    ("ID-KB", "Kalimantan Barat", "West Kalimantan", "Asia/Pontianak"),
    ("ID-KT", "Kalimantan Tengah", "Central Kalimantan", "Asia/Pontianak"),
    ("ID-KS", "Kalimantan Selatan", "South Kalimantan", "Asia/Makassar"),
    ("ID-KI", "Kalimantan Timur", "East Kalimantan", "Asia/Makassar"),
    ("ID-KU", "Kalimantan Utara", "North Kalimantan", "Asia/Makassar"),
    ("ID-BA", "Bali", "Bali", "Asia/Makassar"),
    ("ID-NB", "Nusa Tenggara Barat", "West Nusa Tenggara", "Asia/Makassar"),
    ("ID-NT", "Nusa Tenggara Timur", "East Nusa Tenggara", "Asia/Makassar"),
    ("ID-SA", "Sulawesi Utara", "North Sulawesi", "Asia/Makassar"),
    ("ID-GO", "Gorontalo", "Gorontalo", "Asia/Makassar"),
    ("ID-ST", "Sulawesi Tengah", "Central Sulawesi", "Asia/Makassar"),
    ("ID-SR", "Sulawesi Barat", "West Sulawesi", "Asia/Makassar"),
    ("ID-SN", "Sulawesi Selatan", "South Sulawesi", "Asia/Makassar"),
    ("ID-SG", "Sulawesi Tenggara", "Southeast Sulawesi", "Asia/Makassar"),
    ("ID-MA", "Maluku", "Maluku", "Asia/Jayapura"),
    ("ID-MU", "Maluku Utara", "North Maluku", "Asia/Jayapura"),
    ("ID-PA", "Papua", "Papua", "Asia/Jayapura"),
    ("ID-PB", "Papua Barat", "West Papua", "Asia/Jayapura"),
    ("ID-PS", "Papua Selatan", "South Papua", "Asia/Jayapura"),
    ("ID-PT", "Papua Tengah", "Central Papua", "Asia/Jayapura"),
    ("ID-PE", "Papua Pegunungan", "Highland Papua", "Asia/Jayapura"),
    ("ID-PD", "Papua Barat Daya", "Southwest Papua", "Asia/Jayapura"),
)

ROLE_SCOPE = (
    "(role = 'organiser' AND workshop_id IS NULL)"
    " OR (role = 'facilitator' AND workshop_id IS NOT NULL)"
)


def upgrade() -> None:
    _create_reference_tables()
    _create_workshop_tables()
    _create_people_tables()
    _create_response_tables()
    _create_messaging_tables()
    _seed_provinces()


def downgrade() -> None:
    for table in (
        "broadcast_deliveries",
        "broadcasts",
        "reminders_sent",
        "code_attempts",
        "processed_updates",
        "answers",
        "responses",
        "staff_invites",
        "staff",
        "participants",
        "agenda_sessions",
        "workshops",
        "questionnaires",
        "provinces",
    ):
        # Dropping a table drops its indexes with it, on both SQLite and PostgreSQL.
        op.drop_table(table)


def _create_reference_tables() -> None:
    op.create_table(
        "provinces",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name_id", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_provinces")),
    )
    op.create_table(
        "questionnaires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaires")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_questionnaires_key_version")),
    )


def _create_workshop_tables() -> None:
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=255), nullable=True),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("manual_state", sa.String(length=16), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "manual_state IS NULL OR manual_state IN ('open', 'closed')",
            name=op.f("ck_workshops_manual_state"),
        ),
        sa.ForeignKeyConstraint(
            ["province_code"],
            ["provinces.code"],
            name=op.f("fk_workshops_province_code_provinces"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_workshops_questionnaire_id_questionnaires"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshops")),
        sa.UniqueConstraint("code", name=op.f("uq_workshops_code")),
    )
    op.create_index(op.f("ix_workshops_province_code"), "workshops", ["province_code"])
    op.create_table(
        "agenda_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title_id", sa.String(length=255), nullable=False),
        sa.Column("title_en", sa.String(length=255), nullable=False),
        sa.Column("starts_at", TIMESTAMP, nullable=False),
        sa.Column("ends_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "kind IN ('opening', 'fgd', 'break', 'plenary', 'closing', 'other')",
            name=op.f("ck_agenda_sessions_kind"),
        ),
        sa.CheckConstraint(
            "starts_at < ends_at", name=op.f("ck_agenda_sessions_starts_before_ends")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_agenda_sessions_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_sessions")),
        sa.UniqueConstraint(
            "workshop_id", "position", name=op.f("uq_agenda_sessions_workshop_id_position")
        ),
    )


def _create_people_tables() -> None:
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("invite_code", sa.String(length=32), nullable=False),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("arena", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("organisation", sa.String(length=255), nullable=True),
        sa.Column("position", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("consent_at", TIMESTAMP, nullable=True),
        sa.Column("bound_at", TIMESTAMP, nullable=True),
        sa.Column("unreachable_at", TIMESTAMP, nullable=True),
        sa.Column("import_key", sa.String(length=128), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "arena IS NULL OR arena IN"
            " ('government', 'bureaucracy', 'civil_society', 'economic_society')",
            name=op.f("ck_participants_arena"),
        ),
        sa.CheckConstraint("language IN ('id', 'en')", name=op.f("ck_participants_language")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshops.id"], name=op.f("fk_participants_workshop_id_workshops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_participants_invite_code")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_participants_pseudonym")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_participants_telegram_user_id")),
        sa.UniqueConstraint(
            "workshop_id", "import_key", name=op.f("uq_participants_workshop_id_import_key")
        ),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(ROLE_SCOPE, name=op.f("ck_staff_role_scope")),
        sa.CheckConstraint("role IN ('organiser', 'facilitator')", name=op.f("ck_staff_role")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshops.id"], name=op.f("fk_staff_workshop_id_workshops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint(
            "telegram_user_id",
            "role",
            "workshop_id",
            name=op.f("uq_staff_telegram_user_id_role_workshop_id"),
        ),
    )
    op.create_index(
        "uq_staff_telegram_user_id_role_global",
        "staff",
        ["telegram_user_id", "role"],
        unique=True,
        sqlite_where=sa.text("workshop_id IS NULL"),
        postgresql_where=sa.text("workshop_id IS NULL"),
    )
    op.create_table(
        "staff_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=True),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.Column("used_by_telegram_user_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(ROLE_SCOPE, name=op.f("ck_staff_invites_role_scope")),
        sa.CheckConstraint(
            "role IN ('organiser', 'facilitator')", name=op.f("ck_staff_invites_role")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshops.id"], name=op.f("fk_staff_invites_workshop_id_workshops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_invites")),
        sa.UniqueConstraint("token", name=op.f("uq_staff_invites_token")),
    )


def _create_response_tables() -> None:
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current_question_id", sa.String(length=64), nullable=True),
        sa.Column("trail", JSON, nullable=False),
        sa.Column("current_message_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("submitted_at", TIMESTAMP, nullable=True),
        sa.Column("reopened_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "status IN ('in_progress', 'submitted')", name=op.f("ck_responses_status")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_responses_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_responses_questionnaire_id_questionnaires"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint(
            "participant_id",
            "questionnaire_id",
            name=op.f("uq_responses_participant_id_questionnaire_id"),
        ),
    )
    op.create_index(op.f("ix_responses_questionnaire_id"), "responses", ["questionnaire_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("answered_at", TIMESTAMP, nullable=False),
        sa.Column("changed_at", TIMESTAMP, nullable=True),
        sa.Column("change_count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('answered', 'dont_know', 'skipped')", name=op.f("ck_answers_status")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_answers_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint(
            "response_id", "question_id", name=op.f("uq_answers_response_id_question_id")
        ),
    )


def _create_messaging_tables() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    op.create_index(
        op.f("ix_processed_updates_processed_at"), "processed_updates", ["processed_at"]
    )
    op.create_table(
        "code_attempts",
        sa.Column("telegram_user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", TIMESTAMP, nullable=False),
        sa.Column("locked_until", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_code_attempts")),
    )
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("reminder_key", sa.String(length=128), nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "recipient_kind IN ('participant', 'staff')",
            name=op.f("ck_reminders_sent_recipient_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshops.id"], name=op.f("fk_reminders_sent_workshop_id_workshops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint(
            "recipient_kind",
            "recipient_id",
            "reminder_key",
            name=op.f("uq_reminders_sent_recipient_kind_recipient_id_reminder_key"),
        ),
    )
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("created_by_telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("audience", JSON, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done')", name=op.f("ck_broadcasts_status")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshops.id"], name=op.f("fk_broadcasts_workshop_id_workshops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    op.create_table(
        "broadcast_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("not_before", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'blocked')",
            name=op.f("ck_broadcast_deliveries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_deliveries_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_broadcast_deliveries_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_deliveries")),
        sa.UniqueConstraint(
            "broadcast_id",
            "participant_id",
            name=op.f("uq_broadcast_deliveries_broadcast_id_participant_id"),
        ),
    )
    op.create_index(
        op.f("ix_broadcast_deliveries_broadcast_id_status"),
        "broadcast_deliveries",
        ["broadcast_id", "status"],
    )


def _seed_provinces() -> None:
    provinces = sa.table(
        "provinces",
        sa.column("code", sa.String),
        sa.column("name_id", sa.String),
        sa.column("name_en", sa.String),
        sa.column("timezone", sa.String),
    )
    op.bulk_insert(
        provinces,
        [
            {"code": code, "name_id": name_id, "name_en": name_en, "timezone": zone}
            for code, name_id, name_en, zone in PROVINCES
        ],
    )
