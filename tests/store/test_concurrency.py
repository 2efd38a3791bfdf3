"""Many writers at once: eight threads on one SQLite file (WAL, one writer at a time) never see
"database is locked"; on PostgreSQL a claim skips a batch another worker has locked rather
than wait for it; and several processes may migrate a fresh database of each kind at once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bsu.store import batches
from bsu.store.db import make_engine, sessions
from bsu.store.models import AuditRecord, Batch, BatchRow
from bsu.store.schema import upgrade
from tests.servers import fresh_postgres
from tests.store.conftest import queue, run_together
from tests.store.test_schema import TABLES, _head, _tables, db_upgrade

THREADS = 8
ROUNDS = 25
ROWS = 40
LEASE = 60.0


def _row(position: int) -> dict[str, Any]:
    return {
        "position": position,
        "source": "roster.csv",
        "sheet": None,
        "row": position + 2,
        "nik": f"3275014101900{position:03d}",
        "name": f"Pekerja {position}",
        "status": "eligible",
        "reasons_id": [],
        "reasons_en": [],
        "wage": 3_000_000.0,
        "wage_cap": 3_500_000.0,
        "benefit": 600_000,
    }


def _finish(factory: sessionmaker[Session], batch_id: str, attempt: int) -> bool:
    return batches.finish(
        factory,
        batch_id,
        attempt,
        rows=[_row(i) for i in range(ROWS)],
        summary={"total": ROWS, "eligible": ROWS, "ineligible": 0, "review": 0},
        sheets=[{"source": "roster.csv", "sheet": None, "header_row": 1, "rows": ROWS}],
        ruleset_version="2025.1",
        result_xlsx=f"/results/{batch_id}.xlsx",
        result_csv=f"/results/{batch_id}.csv",
    )


def _submit(factory: sessionmaker[Session], name: str) -> str:
    with factory() as session:
        batch = batches.submit(
            session,
            filename=f"{name}.csv",
            content_sha256="0" * 64,
            stored_path=f"/nowhere/{name}.csv",
            size_bytes=100,
            ruleset_id="bsu-2025",
            submitted_by=name,
        )
        session.commit()
        return batch.id


def _process(factory: sessionmaker[Session], claimed: tuple[str, int]) -> None:
    """What a worker does with a claim: renew it twice, read the batch, store the result."""
    batch_id, attempt = claimed
    assert batches.renew(factory, batch_id, attempt, LEASE, progress=40)
    with factory() as session:
        assert batches.get(session, batch_id) is not None
    assert batches.renew(factory, batch_id, attempt, LEASE, progress=85)
    assert _finish(factory, batch_id, attempt)


def test_eight_writer_threads_on_one_sqlite_file_never_see_a_locked_database(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bsu.db'}")
    upgrade(engine)
    factory = sessions(engine)
    start = threading.Barrier(THREADS)
    submitted: list[list[str]] = [[] for _ in range(THREADS)]
    processed: list[list[str]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def run(slot: int) -> None:
        try:
            start.wait()
            for i in range(ROUNDS):
                submitted[slot].append(_submit(factory, f"t{slot}-{i}"))
                claimed = batches.claim(factory, LEASE)
                if claimed is not None:
                    _process(factory, claimed)
                    processed[slot].append(claimed[0])
                with factory() as session:  # a reader among the writers, as the API is
                    batches.rows(session, submitted[slot][-1], None, 0, 10)
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)

    try:
        with engine.connect() as connection:
            assert connection.scalar(text("PRAGMA busy_timeout")) >= 10_000
        threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not any(t.is_alive() for t in threads), "a writer hung"
        assert not errors, errors[:3]

        every = [b for ids in submitted for b in ids]
        done = [b for ids in processed for b in ids]
        assert len(every) == THREADS * ROUNDS
        assert len(done) == len(set(done)), "a batch was processed twice"
        while (claimed := batches.claim(factory, LEASE)) is not None:  # what none got to
            _process(factory, claimed)
            done.append(claimed[0])
        assert sorted(done) == sorted(every)
        _each_done_once(factory, every)
    finally:
        engine.dispose()


def _each_done_once(factory: sessionmaker[Session], ids: list[str]) -> None:
    with factory() as session:
        found = session.execute(select(Batch.id, Batch.status, Batch.attempts)).all()
        assert {(b.id, b.status, b.attempts) for b in found} == {(i, batches.DONE, 1) for i in ids}
        checked = session.execute(
            select(AuditRecord.batch_id, func.count())
            .where(AuditRecord.action == "batch.checked")
            .group_by(AuditRecord.batch_id)
        ).all()
        assert dict(checked) == dict.fromkeys(ids, 1)
        counted = session.execute(
            select(BatchRow.batch_id, func.count()).group_by(BatchRow.batch_id)
        ).all()
        assert dict(counted) == dict.fromkeys(ids, ROWS)


@pytest.mark.postgres
def test_a_postgresql_claim_skips_a_batch_another_worker_has_locked() -> None:
    with fresh_postgres() as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            factory = sessions(engine)
            first, second = queue(factory, 2)
            plain = url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(plain) as other:  # another worker, mid-claim on the oldest
                other.execute("SELECT id FROM batches WHERE id = %s FOR UPDATE", (first,))
                got: list[tuple[str, int] | None] = []
                claimer = threading.Thread(
                    target=lambda: got.append(batches.claim(factory, LEASE)), daemon=True
                )
                claimer.start()
                claimer.join(10)
                blocked = claimer.is_alive()
                other.rollback()
                claimer.join(30)
            assert not blocked, "the claim waited for the locked batch instead of skipping it"
            assert got == [(second, 1)]
            assert batches.claim(factory, LEASE) == (first, 1)
        finally:
            engine.dispose()


MIGRATOR = """
import sys
from bsu.store.db import make_engine
from bsu.store.schema import upgrade

engine = make_engine(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
upgrade(engine)
print("migrated", flush=True)
"""


def test_four_processes_migrate_a_fresh_database_at_once(tmp_path: Path, database_url: str) -> None:
    outcomes = run_together(MIGRATOR, database_url, 4, timeout=120)
    for done in outcomes:
        assert (done.code, done.out.strip()) == (0, "migrated"), done.err
    names, versions = _tables(database_url)
    assert names >= TABLES
    assert versions == [_head()]
    again = db_upgrade(tmp_path, BSU_DATABASE_URL=database_url)
    assert again.returncode == 0, again.stderr
    assert _tables(database_url) == (names, versions)
