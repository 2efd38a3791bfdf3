"""Paid once across uploads (``nik_claims``, ``claims_seen``), employers by identity
(``batches.employer_*``), and regional coverage: the registry's name, contacts and region,
its snapshots, the imported workforce universe and targets.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("employer_npp", sa.String(64), nullable=True))
        batch.add_column(sa.Column("employer_name", sa.Text(), nullable=True))
        batch.add_column(sa.Column("employer_basis", sa.String(16), nullable=True))
    with op.batch_alter_table("registry_participants") as batch:
        batch.add_column(sa.Column("name", sa.Text(), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(64), nullable=True))
        batch.add_column(sa.Column("email", sa.Text(), nullable=True))
        batch.add_column(sa.Column("region_code", sa.String(8), nullable=True))
    op.create_index(
        "ix_registry_participants_region_code", "registry_participants", ["region_code"]
    )
    op.create_table(
        "registry_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "import_id",
            sa.Integer(),
            sa.ForeignKey("registry_imports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("region_code", sa.String(8), nullable=True),
        sa.Column("category", sa.String(16), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=False),
    )
    op.create_index("ix_registry_snapshots_import_id", "registry_snapshots", ["import_id"])
    for name, dated in (("coverage_universe_imports", True), ("coverage_target_imports", False)):
        op.create_table(
            name,
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("content_sha256", sa.String(64), nullable=False),
            sa.Column("filename", sa.String(255), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
            *([sa.Column("as_of", sa.Date(), nullable=False)] if dated else []),
            sa.Column("rows", sa.Integer(), nullable=False),
            sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("imported_by", sa.String(128), nullable=False),
        )
    op.create_table(
        "coverage_universe",
        sa.Column(
            "import_id",
            sa.Integer(),
            sa.ForeignKey("coverage_universe_imports.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("region_code", sa.String(8), primary_key=True),
        sa.Column("potential_pu", sa.BigInteger(), nullable=True),
        sa.Column("potential_bpu", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "coverage_targets",
        sa.Column(
            "import_id",
            sa.Integer(),
            sa.ForeignKey("coverage_target_imports.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("region_code", sa.String(8), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("target_pct", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
    )
    op.create_table(
        "nik_claims",
        sa.Column(
            "batch_id",
            sa.String(36),
            sa.ForeignKey("batches.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("nik", sa.String(16), primary_key=True),
        sa.Column("ruleset_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("claimed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_nik_claims_round", "nik_claims", ["ruleset_id", "nik"])
    op.create_table(
        "claims_seen",
        sa.Column(
            "batch_id",
            sa.String(36),
            sa.ForeignKey("batches.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "other_batch_id",
            sa.String(36),
            sa.ForeignKey("batches.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("claims_seen")
    op.drop_index("ix_nik_claims_round", table_name="nik_claims")
    op.drop_table("nik_claims")
    op.drop_table("coverage_targets")
    op.drop_table("coverage_universe")
    op.drop_table("coverage_target_imports")
    op.drop_table("coverage_universe_imports")
    op.drop_index("ix_registry_snapshots_import_id", table_name="registry_snapshots")
    op.drop_table("registry_snapshots")
    op.drop_index("ix_registry_participants_region_code", table_name="registry_participants")
    # ALTER TABLE ... DROP COLUMN itself, never a copy of the table (see 0009).
    with op.batch_alter_table("registry_participants", recreate="never") as batch:
        for column in ("region_code", "email", "phone", "name"):
            batch.drop_column(column)
    with op.batch_alter_table("batches", recreate="never") as batch:
        for column in ("employer_basis", "employer_name", "employer_npp"):
            batch.drop_column(column)
