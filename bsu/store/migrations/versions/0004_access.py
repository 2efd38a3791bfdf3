"""API keys and tenants: who a batch belongs to, request ids in the audit, and an audit
log the database itself refuses to change.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_REFUSE = "audit_records is append-only"


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("employer_id", sa.String(64), nullable=True),
        sa.Column("branch", sa.String(64), nullable=True),
        sa.Column("label", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("employer_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("branch", sa.String(64), nullable=True))
        batch.create_index("ix_batches_employer_id", ["employer_id"])
        batch.create_index("ix_batches_branch", ["branch"])
    with op.batch_alter_table("audit_records") as audit:
        audit.add_column(sa.Column("request_id", sa.String(64), nullable=True))
    # Append-only below the application too: neither the API nor a stray UPDATE/DELETE
    # can rewrite who read which batch.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bsu_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records "
            "FOR EACH ROW EXECUTE FUNCTION bsu_audit_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_records_no_{event.lower()} BEFORE {event} ON "
                f"audit_records BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_records_append_only ON audit_records")
        op.execute("DROP FUNCTION bsu_audit_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER audit_records_no_{event}")
    with op.batch_alter_table("audit_records") as audit:
        audit.drop_column("request_id")
    with op.batch_alter_table("batches") as batch:
        batch.drop_index("ix_batches_branch")
        batch.drop_index("ix_batches_employer_id")
        batch.drop_column("branch")
        batch.drop_column("employer_id")
    op.drop_table("api_keys")
