"""Connecting to the store: SQLite (WAL) in the data directory, or PostgreSQL."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("bsu.store")

# How long a SQLite writer waits for the one write lock before "database is locked".
BUSY_TIMEOUT_SECONDS = 30


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created, and WAL mode switched on.

    SQLite has one writer at a time: the others wait for the lock (busy timeout) rather than
    fail with "database is locked". Waiting works because pysqlite begins a transaction at
    its first write, not at its first read. SQLAlchemy's documented workaround (a ``BEGIN``
    as each transaction starts) is left out on purpose: a transaction that reads and then
    writes after another commit is refused at once (SQLITE_BUSY_SNAPSHOT, the timeout does
    not apply) unless every transaction, reads too, took the lock with ``BEGIN IMMEDIATE``.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            _private_file(Path(path))
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS},
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            _wal(cursor)
            cursor.execute("PRAGMA synchronous=FULL")
            # A deleted row's bytes are overwritten, not left in the page's free space.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # A failed statement's text must not carry the row's values (names, wages) into logs.
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _private_file(path: Path) -> None:
    """Make the SQLite file 0600 (its folder 0700) before SQLite does, whatever the
    process's umask: SQLite gives its -wal and -shm the mode of the database file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # an empty file is an empty database
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def scrub(engine: Engine, tables: tuple[str, ...]) -> None:
    """After rows of personal data were deleted (a purge), make their bytes go from disk.

    SQLite overwrites deleted rows (``secure_delete``) but keeps every changed page, the
    rows' earlier versions included, in ``-wal`` until a checkpoint: ``TRUNCATE`` copies
    the pages into the file and empties the WAL, waiting (busy timeout) for readers.
    PostgreSQL keeps deleted rows as dead tuples until VACUUM, run here on ``tables``;
    their bytes can still linger in free space, the WAL segments and backups (SECURITY.md).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar()
        if busy:
            log.warning("checkpoint after purge was blocked by a reader; -wal not emptied yet")
        return
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.exec_driver_sql(f"VACUUM {table}")


def ping(engine: Engine) -> bool:
    """Whether the database answers a trivial query."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not ready"
        return False


def _wal(cursor: Any) -> None:
    """Switch a SQLite file to WAL. Once a file is in WAL mode it stays so, and nothing is
    asked; on a new file, processes starting together race to switch it, and SQLite answers
    the losers "database is locked" at once (its busy timeout does not cover this), so they
    look again until the winner is done."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
