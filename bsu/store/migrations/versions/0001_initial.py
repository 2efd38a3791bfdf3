"""Batches, their rows, and the audit trail.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("stored_path", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("ruleset_id", sa.String(64), nullable=False),
        sa.Column("ruleset_version", sa.String(32), nullable=True),
        sa.Column("submitted_by", sa.String(128), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False, server_default="id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_id", sa.Text(), nullable=True),
        sa.Column("error_en", sa.Text(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("sheets", sa.JSON(), nullable=True),
        sa.Column("result_xlsx", sa.Text(), nullable=True),
        sa.Column("result_csv", sa.Text(), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_batches_status", "batches", ["status"])
    op.create_table(
        "batch_rows",
        sa.Column(
            "batch_id",
            sa.String(36),
            sa.ForeignKey("batches.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("sheet", sa.Text(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("nik", sa.String(64), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons_id", sa.JSON(), nullable=False),
        sa.Column("reasons_en", sa.JSON(), nullable=False),
        sa.Column("wage", sa.Float(), nullable=True),
        sa.Column("wage_cap", sa.Float(), nullable=True),
        sa.Column("benefit", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_batch_rows_batch_status", "batch_rows", ["batch_id", "status", "position"])
    op.create_table(
        "audit_records",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=True),
        sa.Column("ruleset_id", sa.String(64), nullable=True),
        sa.Column("ruleset_version", sa.String(32), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    op.create_index("ix_audit_records_batch_id", "audit_records", ["batch_id"])


def downgrade() -> None:
    op.drop_table("audit_records")
    op.drop_table("batch_rows")
    op.drop_table("batches")
