"""A registry participant keeps the month they became non-active (BLTH NA) and their
nationality, beside the last month whose contribution was paid.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registry_participants") as batch:
        batch.add_column(sa.Column("nonactive_since", sa.String(16), nullable=True))
        batch.add_column(sa.Column("nationality", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registry_participants") as batch:
        batch.drop_column("nationality")
        batch.drop_column("nonactive_since")
