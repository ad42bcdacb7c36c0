"""Paradata and declining: how each answer was given, when its question was shown; refusals.

answers: shown_at (when the question was put on screen), method (tap, typed, review) and
language; the seconds in between are worked out in the export, net of the workshop's
sessions. responses.current_shown_at: when the current question was shown.
participants.declined_at: the invitee said they do not wish to take part.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("shown_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("method", sa.String(16), nullable=True))
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("current_shown_at", TIMESTAMP, nullable=True))
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("declined_at", TIMESTAMP, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("declined_at")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("current_shown_at")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("language")
        batch.drop_column("method")
        batch.drop_column("shown_at")
