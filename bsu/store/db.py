"""Connecting to the store: SQLite (WAL) in the data directory, or PostgreSQL."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

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
            Path(path).parent.mkdir(parents=True, exist_ok=True)
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
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # A failed statement's text must not carry the row's values (names, wages) into logs.
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


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
