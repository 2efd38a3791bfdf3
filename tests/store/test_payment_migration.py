"""Migration 0009: a checked row keeps its payment pre-check (``payment``, its finding bits
``payment_findings``) and a batch the pre-check's counts. On a database of each kind: rows
checked before it keep their decision and read as "not pre-checked"; after it, the
columns match the models; and it goes back down cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from bsu.store.db import make_engine
from bsu.store.models import Base
from bsu.store.schema import MIGRATIONS

BATCH = "0b6f3c1e-5d0a-4a59-9f0e-6c1b2a3d4e5f"
ROW_COLUMNS = {"payment", "payment_findings"}
BATCH_COLUMNS = {"payment"}


def _migrate(engine: Engine, revision: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns(table)}


def _new(engine: Engine) -> tuple[set[str], set[str]]:
    return (
        ROW_COLUMNS & _columns(engine, "batch_rows"),
        BATCH_COLUMNS & _columns(engine, "batches"),
    )


def test_0009_adds_the_pre_check_and_keeps_older_rows(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        _migrate(engine, "0008")
        assert _new(engine) == (set(), set())
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO batches (id, status, filename, content_sha256, stored_path, "
                    "size_bytes, ruleset_id, submitted_by, lang, created_at, attempts, "
                    "progress) VALUES (:id, 'done', 'r.xlsx', :sha, '/r.xlsx', 10, 'bsu-2025', "
                    "'t', 'id', CURRENT_TIMESTAMP, 1, 100)"
                ),
                {"id": BATCH, "sha": "0" * 64},
            )
            connection.execute(
                text(
                    "INSERT INTO batch_rows (batch_id, position, status, reasons_id, "
                    "reasons_en, benefit) VALUES (:id, 0, 'eligible', '[]', '[]', 600000)"
                ),
                {"id": BATCH},
            )

        _migrate(engine, "0009")
        assert _new(engine) == (ROW_COLUMNS, BATCH_COLUMNS)
        with engine.connect() as connection:
            kept = connection.execute(
                text("SELECT status, benefit, payment, payment_findings FROM batch_rows")
            ).all()
            batch = connection.scalar(text("SELECT payment FROM batches"))
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert [tuple(r) for r in kept] == [("eligible", 600000, None, None)]
        assert batch is None
        new = ROW_COLUMNS | BATCH_COLUMNS
        # (SQLite reports a FLOAT/Double difference for reported_wage since 0002: not ours.)
        assert [d for d in differences if any(c in repr(d) for c in new)] == []

        with engine.begin() as connection:
            connection.execute(
                text("UPDATE batch_rows SET payment = :p, payment_findings = 3"),
                {"p": '{"channel": "pos"}'},
            )
        _migrate(engine, "0008", down=True)
        assert _new(engine) == (set(), set())
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT benefit FROM batch_rows")) == 600000
        _migrate(engine, "head")
        assert _new(engine) == (ROW_COLUMNS, BATCH_COLUMNS)
        with engine.connect() as connection:
            # Down and up again: what 0009 held is gone, not brought back.
            assert connection.scalar(text("SELECT payment FROM batch_rows")) is None
    finally:
        engine.dispose()
