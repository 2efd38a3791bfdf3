"""Several ``bsu worker`` processes on one PostgreSQL queue: they start (and migrate a fresh
database) at once, share the batches out, and each batch is checked exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bsu.store import batches
from bsu.store.db import make_engine, sessions
from bsu.store.models import AuditRecord, Batch, BatchRow
from tests.servers import BSU, fresh_postgres
from tests.support import write_csv

pytestmark = pytest.mark.postgres

WORKERS = 4
BATCHES = 40
ROWS = 5


def _start(name: str, data: Path, url: str) -> tuple[subprocess.Popen[bytes], Path]:
    log = data / f"{name}.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data),
        "LANG": "C.UTF-8",
        "BSU_DATA_DIR": str(data),
        "BSU_DATABASE_URL": url,
        "BSU_WORKER_POLL_SECONDS": "0.1",
    }
    process = subprocess.Popen(
        [str(BSU), "worker", "--name", name],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def _wait_started(running: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    deadline = time.monotonic() + 60
    for process, log in running:
        while "started" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)


def _roster(path: Path, n: int) -> Path:
    lines = ["NIK;Nama;Upah;Status Kepesertaan;Tgl Daftar;Kab/Kota"]
    lines += [
        f"3275014101{n:03d}{i:03d};Pekerja {i};Rp 3.500.000;Aktif;15/01/2024;Kota Bekasi"
        for i in range(ROWS)
    ]
    return write_csv(path, lines)


def _submit_all(engine: Engine, uploads: Path) -> list[str]:
    """Every batch in one commit, so that all workers find the whole queue at once."""
    uploads.mkdir(parents=True, exist_ok=True)
    with sessions(engine)() as session:
        ids = []
        for n in range(BATCHES):
            stored = _roster(uploads / f"roster-{n}.csv", n)
            batch = batches.submit(
                session,
                filename=f"roster-{n}.csv",
                content_sha256="0" * 64,
                stored_path=str(stored),
                size_bytes=stored.stat().st_size,
                ruleset_id="bsu-2025",
                submitted_by="test",
            )
            ids.append(batch.id)
        session.commit()
    return ids


def _wait_finished(engine: Engine, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    with sessions(engine)() as session:
        while time.monotonic() < deadline:
            waiting = session.scalar(
                select(func.count())
                .select_from(Batch)
                .where(Batch.status.in_([batches.QUEUED, batches.RUNNING]))
            )
            session.rollback()  # a new snapshot each time round
            if waiting == 0:
                return
            time.sleep(0.2)
    raise AssertionError(f"{waiting} batches still waiting after {timeout}s")


def test_four_worker_processes_check_each_batch_exactly_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    names = [f"w{i}" for i in range(WORKERS)]
    with fresh_postgres() as url:
        running = [_start(name, data, url) for name in names]  # on an empty database
        engine = make_engine(url)
        try:
            _wait_started(running)
            ids = _submit_all(engine, data / "uploads")
            _wait_finished(engine)
            with sessions(engine)() as session:
                found = session.execute(select(Batch.id, Batch.status, Batch.attempts)).all()
                checked = session.execute(
                    select(AuditRecord.batch_id, AuditRecord.actor).where(
                        AuditRecord.action == "batch.checked"
                    )
                ).all()
                counted = session.execute(
                    select(BatchRow.batch_id, func.count()).group_by(BatchRow.batch_id)
                ).all()
        finally:
            for process, _ in running:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            codes = [process.wait(60) for process, _ in running]
            engine.dispose()

    logs = [log.read_text(errors="replace") for _, log in running]
    assert codes == [0] * WORKERS, "each worker stops cleanly on SIGTERM"
    assert not any("Traceback" in text for text in logs), logs
    assert sorted(found) == sorted((i, batches.DONE, 1) for i in ids), "each claimed once"
    assert sorted(b for b, _ in checked) == sorted(ids), "one batch.checked per batch"
    assert dict(counted) == dict.fromkeys(ids, ROWS)
    started = sum(text.count("checking batch") for text in logs)
    assert started == BATCHES, "no batch was started by a second worker"
    by_worker = {name: sum(1 for _, actor in checked if actor == name) for name in names}
    assert sum(by_worker.values()) == BATCHES
    assert sum(1 for n in by_worker.values() if n) > 1, f"one worker did it all: {by_worker}"
    results = sorted(p.name for p in (data / "results").iterdir())
    ends = (".csv", ".xlsx", "-trace.json", "-rekening.csv")
    assert results == sorted(f"{i}{end}" for i in ids for end in ends)
