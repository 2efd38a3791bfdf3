"""Keys, once used, stay required: the operator's explicit decision to open a loopback
server again after every key was revoked (``bsu keys open-local``).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("open_local", sa.Boolean, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("access_state")
