"""reminders_sent.confirmed_at: a claim is done only once its send succeeded.

A claim is taken before sending (so two processes never both send); it is confirmed after
the send. A claim left unconfirmed by a process that died mid-send is taken over after a
short lease, so the export before closing, a reminder or a nudge is not lost to a crash.
Existing rows were sent: they are confirmed at their claim time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminders_sent") as batch:
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE reminders_sent SET confirmed_at = sent_at")


def downgrade() -> None:
    with op.batch_alter_table("reminders_sent") as batch:
        batch.drop_column("confirmed_at")
