"""The store on a real database of each kind: an engine with the schema, and batches in it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bsu.store import batches
from bsu.store.db import make_engine, sessions
from bsu.store.models import AuditRecord, Batch, BatchRow
from bsu.store.schema import upgrade


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    upgrade(made)
    try:
        yield made
    finally:
        made.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return sessions(engine)


def queue(factory: sessionmaker[Session], count: int) -> list[str]:
    """Submit ``count`` batches, oldest first; their ids in submission order."""
    ids = []
    with factory() as session:
        for i in range(count):
            batch = batches.submit(
                session,
                filename=f"roster-{i}.xlsx",
                content_sha256="0" * 64,
                stored_path=f"/nowhere/roster-{i}.xlsx",
                size_bytes=100 + i,
                ruleset_id="bsu-2025",
                submitted_by="test",
            )
            ids.append(batch.id)
            session.commit()  # one commit each: distinct created_at, a definite order
    return ids


def fetch(factory: sessionmaker[Session], batch_id: str) -> Batch:
    with factory() as session:
        batch = session.get(Batch, batch_id)
        assert batch is not None
        return batch


def stored_rows(factory: sessionmaker[Session], batch_id: str) -> list[BatchRow]:
    with factory() as session:
        query = select(BatchRow).where(BatchRow.batch_id == batch_id).order_by(BatchRow.position)
        return list(session.scalars(query))


def actions(factory: sessionmaker[Session], batch_id: str) -> list[str]:
    with factory() as session:
        query = select(AuditRecord.action).where(AuditRecord.batch_id == batch_id)
        return list(session.scalars(query.order_by(AuditRecord.id)))


def run_together(script: str, database_url: str, count: int, timeout: float) -> list[Outcome]:
    """Run ``count`` copies of ``script`` (``python -c script database_url``) and release
    them at the same moment: each prints "ready" once imported and connected, then waits
    for a line on stdin. Returns each process's (stdout, stderr, exit code)."""
    running = [
        subprocess.Popen(
            [sys.executable, "-c", script, database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for p in running:
            assert p.stdout is not None
            assert p.stdout.readline().strip() == "ready", p.stderr
        for p in running:  # all are connected: let them go together
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        return [Outcome(*p.communicate(timeout=timeout), p.returncode) for p in running]
    finally:
        for p in running:
            if p.poll() is None:
                p.kill()
                p.wait()


@dataclass
class Outcome:
    out: str
    err: str
    code: int
