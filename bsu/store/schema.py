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
        if connection.dialect.name == "postgresql":
            # Several API processes may start at once: one migrates, the others wait.
            connection.execute(text("SELECT pg_advisory_xact_lock(72217001)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
