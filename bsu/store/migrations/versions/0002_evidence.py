"""Participant registry extracts and exclusion lists (evidence for branch staff).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("coverage", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("result_coverage", sa.Text(), nullable=True))
    with op.batch_alter_table("batch_rows") as rows:
        rows.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
    op.create_table(
        "registry_imports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("content_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(128), nullable=False),
    )
    op.create_table(
        "registry_participants",
        sa.Column("nik", sa.String(16), primary_key=True),
        sa.Column("kpj", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("category", sa.String(16), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("last_contribution", sa.String(16), nullable=True),
        sa.Column("reported_wage", sa.Float(), nullable=True),
        sa.Column("employer_id", sa.String(64), nullable=True),
        sa.Column("employer_name", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("registry_imports.id"), nullable=False),
    )
    op.create_table(
        "exclusion_imports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list", sa.String(16), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(128), nullable=False),
    )
    op.create_index("ix_exclusion_imports_list", "exclusion_imports", ["list"])
    op.create_table(
        "exclusion_entries",
        sa.Column("list", sa.String(16), primary_key=True),
        sa.Column("nik", sa.String(16), primary_key=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("exclusion_imports.id"), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("batch_rows") as rows:
        rows.drop_column("evidence")
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("result_coverage")
        batch.drop_column("coverage")
    op.drop_table("exclusion_entries")
    op.drop_table("exclusion_imports")
    op.drop_table("registry_participants")
    op.drop_table("registry_imports")
