"""``bsu db upgrade`` on a fresh database of each kind, and the SQLite file's journal mode."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from bsu.store.db import make_engine
from bsu.store.schema import upgrade
from tests.servers import BSU

TABLES = {"alembic_version", "audit_records", "batch_rows", "batches"}


def db_upgrade(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The real console script, with only the environment a deployment would give it."""
    return subprocess.run(
        [str(BSU), "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path), **env},
    )


def _tables(url: str) -> tuple[set[str], list[str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names())
            versions = list(connection.scalars(text("SELECT version_num FROM alembic_version")))
        return names, versions
    finally:
        engine.dispose()


def test_db_upgrade_creates_the_tables_and_a_second_run_changes_nothing(
    tmp_path: Path, database_url: str
) -> None:
    first = db_upgrade(tmp_path, BSU_DATABASE_URL=database_url)
    assert first.returncode == 0, first.stderr
    assert "up to date" in first.stdout
    assert "Traceback" not in first.stderr
    names, versions = _tables(database_url)
    assert names >= TABLES
    assert versions == [_head()]

    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_records (at, actor, action) "
                    "VALUES (CURRENT_TIMESTAMP, 'test', 'kept')"
                )
            )
        second = db_upgrade(tmp_path, BSU_DATABASE_URL=database_url)
        assert second.returncode == 0, second.stderr
        assert _tables(database_url) == (names, versions)
        with engine.connect() as connection:
            kept = connection.scalars(text("SELECT action FROM audit_records")).all()
        assert kept == ["kept"], "a second upgrade keeps the data"
    finally:
        engine.dispose()


def test_db_upgrade_without_a_url_makes_the_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = db_upgrade(tmp_path, BSU_DATA_DIR=str(data))
    assert done.returncode == 0, done.stderr
    assert (data / "bsu.db").is_file()
    names, _ = _tables(f"sqlite:///{data / 'bsu.db'}")
    assert names >= TABLES
    plain = sqlite3.connect(data / "bsu.db")
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


def test_sqlite_store_runs_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "bsu.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(text("PRAGMA synchronous")) == 2  # FULL
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    finally:
        engine.dispose()
    # WAL is a property of the file, so any later connection sees it too.
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


def _head() -> str:
    """The newest migration shipped with the package."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bsu.store.schema import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head
