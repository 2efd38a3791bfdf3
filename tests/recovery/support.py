"""What the recovery tests share: a roster big enough to be caught mid-check, the stored
state of a batch read straight from the database, and ``bsu serve``/``bsu worker`` started
in a process group of their own, so that a test can signal the whole group as systemd
(``KillMode=control-group``) and a terminal's Ctrl-C do."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from bsu.store.models import AuditRecord, Batch, BatchRow
from tests.servers import BSU, Server, start_server
from tests.support import write_csv

ROWS = 40_000


def big_roster(path: Path, rows: int = ROWS, first: int = 0) -> Path:
    """A CSV roster of ``rows`` workers (a few seconds of checking); ``first``: the serial
    of its first NIK (another file's workers must not be these: paid once across uploads)."""
    lines = ["NIK;Nama;Upah;Status Kepesertaan;Tgl Daftar;Kab/Kota"]
    for i in range(first, first + rows):
        wage = "Rp 3.500.000" if i % 3 else "5.800.000"
        lines.append(f"32750141019{i:05d};Pekerja {i};{wage};Aktif;15/01/2024;Kota Bekasi")
    return write_csv(path, lines)


@dataclass
class Stored:
    status: str
    attempts: int
    rows: int
    checked: int  # batch.checked audit records
    error_code: str | None


def stored(database_url: str, batch_id: str) -> Stored:
    """The batch as the database holds it."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            batch = connection.execute(select(Batch).where(Batch.id == batch_id)).one()
            rows = connection.scalar(
                select(func.count()).select_from(BatchRow).where(BatchRow.batch_id == batch_id)
            )
            checked = connection.scalar(
                select(func.count())
                .select_from(AuditRecord)
                .where(AuditRecord.batch_id == batch_id, AuditRecord.action == "batch.checked")
            )
            return Stored(
                batch.status,
                int(batch.attempts),
                int(rows or 0),
                int(checked or 0),
                batch.error_code,
            )
    finally:
        engine.dispose()


def environment(data: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data),
        "LANG": "C.UTF-8",
        "BSU_DATA_DIR": str(data),
        "BSU_DATABASE_URL": database_url,
        "BSU_WORKER_POLL_SECONDS": "0.2",
        **extra,
    }


def serve_in_group(data: Path, database_url: str, **extra: str) -> Server:
    """``bsu serve`` as the leader of a new process group (its pgid is its pid)."""
    return start_server(data, database_url, own_group=True, **extra)


def worker_in_group(
    data: Path, database_url: str, name: str, **extra: str
) -> tuple[subprocess.Popen[bytes], Path]:
    """``bsu worker --name NAME`` as the leader of a new process group; waits until it
    says it started."""
    data.mkdir(parents=True, exist_ok=True)
    log = data / f"{name}.log"
    process = subprocess.Popen(
        [str(BSU), "worker", "--name", name],
        env=environment(data, database_url, **extra),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while f"worker {name} started" not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.1)
    return process, log


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Whatever is left of a process group a test started: SIGKILL to all of it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)


def poll_batch(
    client: httpx.Client, url: str, statuses: set[str], timeout: float = 120
) -> dict[str, object]:
    """Poll a batch until its status is one of ``statuses`` (within ``timeout``)."""
    deadline = time.monotonic() + timeout
    body: dict[str, object] = {}
    while time.monotonic() < deadline:
        got = client.get(url)
        if got.status_code == 200:
            body = got.json()
            if body["status"] in statuses:
                return body
        time.sleep(0.1)
    raise AssertionError(f"batch not {statuses} after {timeout}s: {body}")
