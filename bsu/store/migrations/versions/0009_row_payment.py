"""A checked row keeps its payment pre-check (``payment``, with its finding bits in
``payment_findings``), and a batch the pre-check's counts.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch_rows") as batch:
        batch.add_column(sa.Column("payment", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("payment_findings", sa.Integer(), nullable=True))
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("payment", sa.JSON(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN itself (SQLite 3.35+), never a copy of the table: on
    # SQLite, with foreign keys on, dropping the old ``batches`` would cascade to every
    # batch's rows.
    with op.batch_alter_table("batches", recreate="never") as batch:
        batch.drop_column("payment")
    with op.batch_alter_table("batch_rows", recreate="never") as batch:
        batch.drop_column("payment_findings")
        batch.drop_column("payment")
