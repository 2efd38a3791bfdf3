"""Idempotency keys: a retried upload returns the batch it already created.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(128), nullable=True))
        batch.create_unique_constraint("uq_batches_idempotency_key", ["idempotency_key"])


def downgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.drop_constraint("uq_batches_idempotency_key", type_="unique")
        batch.drop_column("idempotency_key")
