"""processed_updates.fingerprint: an update is a duplicate only if its id AND content match.

Telegram may restart update ids (at a random value, after a week without updates), and a
test double or a new bot token starts them again at 1: an id alone would then swallow new
updates as duplicates. The fingerprint (chat and message id, or the callback query's id)
tells a redelivery from a new update that happens to reuse an id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_updates", recreate="always") as batch:
        batch.add_column(
            sa.Column("fingerprint", sa.String(128), nullable=False, server_default="")
        )
        batch.drop_constraint("pk_processed_updates", type_="primary")
        batch.create_primary_key("pk_processed_updates", ["update_id", "fingerprint"])


def downgrade() -> None:
    # Keep one row per id (the newest), as the old primary key allows.
    op.execute(
        "DELETE FROM processed_updates WHERE EXISTS (SELECT 1 FROM processed_updates AS newer"
        " WHERE newer.update_id = processed_updates.update_id"
        " AND newer.processed_at > processed_updates.processed_at)"
    )
    op.execute(
        "DELETE FROM processed_updates WHERE fingerprint <> '' AND EXISTS (SELECT 1 FROM"
        " processed_updates AS other WHERE other.update_id = processed_updates.update_id"
        " AND other.fingerprint < processed_updates.fingerprint)"
    )
    with op.batch_alter_table("processed_updates", recreate="always") as batch:
        batch.drop_constraint("pk_processed_updates", type_="primary")
        batch.create_primary_key("pk_processed_updates", ["update_id"])
        batch.drop_column("fingerprint")
