"""Bringing a database's schema up to date with Alembic, from code (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied. Safe to call on each start."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        # Several processes (API, workers) may start at once: one migrates, the others wait.
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(72217001)"))
        elif connection.dialect.name == "sqlite":
            # pysqlite runs DDL outside any transaction, so two processes would both create
            # the tables: take the write lock first, which also makes the migration atomic.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
