"""Migration 0007: a registry participant keeps the month they became non-active (BLTH NA)
and their nationality. On a database of each kind: rows imported before it keep their
values and read as "not said"; after it, the columns match the model; and it goes back
down cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from bsu.store.db import make_engine
from bsu.store.models import Base
from bsu.store.schema import MIGRATIONS

NIK = "3275014101900001"
NEW = {"nonactive_since", "nationality"}


def _migrate(engine: Engine, revision: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _columns(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns("registry_participants")}


def test_0007_adds_the_months_and_nationality_and_keeps_older_rows(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        _migrate(engine, "0006")
        assert not NEW & _columns(engine)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO registry_imports (content_sha256, filename, as_of, rows, "
                    "imported_at, imported_by) VALUES ('x', 'r.csv', '2025-05-02', 1, "
                    "CURRENT_TIMESTAMP, 'petugas')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO registry_participants (nik, status, last_contribution, as_of, "
                    "import_id) VALUES (:nik, 'active', '2025-03', '2025-05-02', 1)"
                ),
                {"nik": NIK},
            )

        _migrate(engine, "0007")
        assert _columns(engine) >= NEW
        with engine.connect() as connection:
            kept = connection.execute(
                text(
                    "SELECT status, last_contribution, nonactive_since, nationality "
                    "FROM registry_participants"
                )
            ).all()
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert [tuple(r) for r in kept] == [("active", "2025-03", None, None)]
        # (SQLite reports a FLOAT/Double difference for reported_wage since 0002: not ours.)
        assert [d for d in differences if any(c in repr(d) for c in NEW)] == []

        _migrate(engine, "0006", down=True)
        assert not NEW & _columns(engine)
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT last_contribution FROM registry_participants"))
        _migrate(engine, "head")
        assert _columns(engine) >= NEW
    finally:
        engine.dispose()
