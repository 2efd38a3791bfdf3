"""Personal data is kept no longer than ``BSU_RETENTION_DAYS``: then the upload, the result
files and the checked rows are deleted, by the server's worker on its own and by
``bsu purge``, and an audit tombstone says so; the batch keeps its status and counts.

The clock is moved rather than waited for: ``bsu purge --now`` and ``retention.purge(now=)``
a day before and a day after the period. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select

from bsu.service import retention
from bsu.store import batches, schema
from bsu.store.db import make_engine, sessions
from bsu.store.models import AuditRecord, Batch, BatchRow, utcnow
from tests.api.conftest import SAMPLES, error_of
from tests.cli.conftest import BSU
from tests.servers import Server, start_server, wait_for

ROSTER = SAMPLES / "roster-clean.xlsx"
FILENAME = "gaji-oktober-budi.xlsx"  # a filename may name a person
KEY = "upload-3275014101900001"  # and so may an Idempotency-Key


def _upload(c: httpx.Client) -> dict[str, Any]:
    submitted = c.post(
        "/v1/batches",
        files={"file": (FILENAME, ROSTER.read_bytes())},
        headers={"Idempotency-Key": KEY},
    )
    assert submitted.status_code == 202, submitted.text
    done = wait_for(c, submitted.headers["location"], {"done"})
    assert done["purged_at"] is None
    assert c.get(submitted.headers["location"] + "/result.xlsx").status_code == 200
    return done


def _finished(done: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(done["finished_at"]))


def _files(data: Path) -> list[str]:
    return sorted(p.name for folder in ("uploads", "results") for p in (data / folder).glob("*"))


def _stray(data: Path, name: str) -> Path:
    """A file in uploads/ that no batch accounts for, as an upload cut off mid-way leaves."""
    path = data / "uploads" / name
    path.write_bytes(b"NIK,Nama\n3275014101900001,Budi\n")
    return path


def _store(database_url: str, batch_id: str) -> dict[str, Any]:
    """What the database holds about a batch, read directly."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            batch = connection.execute(select(Batch).where(Batch.id == batch_id)).one()
            rows = connection.scalar(
                select(func.count()).select_from(BatchRow).where(BatchRow.batch_id == batch_id)
            )
            audit = connection.execute(
                select(AuditRecord.action, AuditRecord.actor, AuditRecord.detail)
                .where(AuditRecord.batch_id == batch_id)
                .order_by(AuditRecord.id)
            ).all()
    finally:
        engine.dispose()
    return {"batch": batch, "rows": rows, "audit": audit}


def _assert_purged(
    server: Server, database_url: str, done: dict[str, Any], actor: str, days: float
) -> None:
    """Files, rows and anything naming a person gone; counts, status and a tombstone kept."""
    data = Path(server.env["BSU_DATA_DIR"])
    url = f"/v1/batches/{done['id']}"
    with server.client() as c:
        after = c.get(url).json()
        assert after["purged_at"] is not None
        assert after["status"] == "done" and after["summary"] == done["summary"]
        assert after["filename"] == "purged.xlsx", "the filename may name a person"
        for tail in ("/rows", "/result.xlsx", "/result.csv", "/trace", "/actions.csv"):
            error_of(c.get(url + tail), 410, "result_gone")
    assert not [n for n in _files(data) if done["id"] in n], _files(data)

    stored = _store(database_url, done["id"])
    assert stored["rows"] == 0
    batch = stored["batch"]
    assert batch.idempotency_key is None and batch.stored_path == ""
    assert batch.result_xlsx is None and batch.result_csv is None and batch.coverage is None
    assert batch.sheets == [{"header_row": 1, "rows": 12}]
    tombstones = [a for a in stored["audit"] if a.action == "batch.purged"]
    assert len(tombstones) == 1, stored["audit"]
    assert tombstones[0].actor.startswith(actor)  # the worker's name, or the CLI
    assert tombstones[0].detail == {
        "rows_deleted": 12,
        "files_deleted": 5,  # the upload, the workbook, the CSV, the trace, the action list
        "retention_days": days,
    }
    assert stored["audit"][0].action == "batch.submitted", "the trail stays"


def _key_is_forgotten(server: Server, done: dict[str, Any]) -> None:
    """The same Idempotency-Key now makes a new batch, which keeps its own files."""
    with server.client() as c:
        again = c.post(
            "/v1/batches",
            files={"file": (FILENAME, ROSTER.read_bytes())},
            headers={"Idempotency-Key": KEY},
        )
        assert again.status_code == 202, again.text
        assert again.json()["id"] != done["id"]
        wait_for(c, again.headers["location"], {"done"})
    assert [n for n in _files(Path(server.env["BSU_DATA_DIR"])) if again.json()["id"] in n]


def test_the_worker_purges_a_batch_once_the_retention_time_is_over(
    tmp_path: Path, database_url: str
) -> None:
    days = 0.00002  # 1.7 s
    server = start_server(tmp_path / "data", database_url, BSU_RETENTION_DAYS=str(days))
    try:
        with server.client() as c:
            done = _upload(c)
            deadline = time.monotonic() + 30
            while c.get(f"/v1/batches/{done['id']}").json()["purged_at"] is None:
                assert time.monotonic() < deadline, "the batch was never purged"
                time.sleep(0.2)
        _assert_purged(server, database_url, done, "worker", days)
    finally:
        server.stop()


def _purge(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in server.env.items() if k.startswith("BSU_") or k in ("PATH", "HOME")}
    return subprocess.run(
        [str(BSU), "purge", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "LANG": "C.UTF-8", "COLUMNS": "200"},
    )


def test_bsu_purge_with_the_clock_moved_forward(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    server = start_server(data, database_url)  # 30 days, the default
    try:
        with server.client() as c:
            done = _upload(c)
        finished = _finished(done)
        kept = _files(data)
        early = _purge(server, "--now", (finished + dt.timedelta(days=29)).isoformat())
        assert early.returncode == 0, early.stderr
        assert "Deleted: 0 batches (0 rows, 0 files)" in early.stdout, early.stdout
        assert _files(data) == kept, "a purge within the period deletes nothing"

        stray = _stray(data, f"{uuid.uuid4()}.xlsx.part")
        month = (finished + dt.timedelta(days=31)).isoformat()
        dry = _purge(server, "--dry-run", "--now", month)
        assert dry.returncode == 0, dry.stderr
        assert done["id"] in dry.stdout, dry.stdout
        assert "Would delete: 1 batch (12 rows, 5 files)" in dry.stdout, dry.stdout
        assert stray.exists() and _files(data) == sorted([*kept, stray.name])
        with server.client() as c:
            assert c.get(f"/v1/batches/{done['id']}/rows").status_code == 200

        late = _purge(server, "--now", (finished + dt.timedelta(days=31)).date().isoformat())
        assert late.returncode == 0, late.stderr
        assert "Dihapus: 1 batch (12 baris, 5 berkas)" in late.stdout, late.stdout
        assert "and 1 files without a batch; retention 30 days" in late.stdout, late.stdout
        assert not stray.exists()
        _assert_purged(server, database_url, done, "cli", 30)

        # Nothing is purged twice; a wrong time is a user's mistake, not a traceback.
        assert "Deleted: 0 batches" in _purge(server, "--now", month).stdout
        wrong = _purge(server, "--now", "31/12/2025")
        assert wrong.returncode == 2 and "ISO" in wrong.stderr and "Traceback" not in wrong.stderr
        _key_is_forgotten(server, done)
    finally:
        server.stop()


def test_the_purge_function_with_an_injected_clock(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    server = start_server(data, database_url)
    engine = make_engine(database_url)
    try:
        with server.client() as c:
            done = _upload(c)
        finished = _finished(done)
        fresh = _stray(data, f"{uuid.uuid4()}.csv.part")  # an upload still arriving
        old = _stray(data, "leftover.xlsx")
        two_days = time.time() - 2 * 86400
        os.utime(old, (two_days, two_days))
        store = sessions(engine)
        kept = _files(data)

        # Today: only the stray more than a day old goes; an upload may still be arriving.
        today = retention.purge(store, data, 30)
        assert (today.batches, today.rows, today.files, today.strays) == ([], 0, 0, [old])
        assert fresh.exists()
        kept.remove(old.name)
        # A day before the period ends: the batch keeps everything.
        before = retention.purge(store, data, 30, now=finished + dt.timedelta(days=29))
        assert (before.batches, before.rows, before.files) == ([], 0, 0)
        assert before.strays == [fresh], "29 days on, the cut-off upload is a stray"
        kept.remove(fresh.name)
        assert _files(data) == kept
        dry = retention.purge(store, data, 30, now=finished + dt.timedelta(days=31), dry_run=True)
        assert (dry.batches, dry.rows, dry.files) == ([done["id"]], 12, 5)
        assert _files(data) == kept, "a dry run deletes nothing"
        with server.client() as c:
            assert c.get(f"/v1/batches/{done['id']}/result.csv").status_code == 200

        # A day after: the batch's files and rows go.
        after = retention.purge(store, data, 30, now=finished + dt.timedelta(days=31))
        assert (after.batches, after.rows, after.files) == ([done["id"]], 12, 5)
        assert _files(data) == []
        _assert_purged(server, database_url, done, "worker", 30)
        assert retention.purge(store, data, 30, now=finished + dt.timedelta(days=31)).batches == []
        _key_is_forgotten(server, done)
    finally:
        engine.dispose()
        server.stop()


def test_no_audit_record_keeps_the_filename_after_a_purge(
    tmp_path: Path, database_url: str
) -> None:
    engine = make_engine(database_url)
    try:
        schema.upgrade(engine)
        store = sessions(engine)
        with store() as session:
            batch = batches.submit(
                session,
                filename=FILENAME,
                content_sha256="0" * 64,
                stored_path=str(tmp_path / "upload.xlsx"),
                size_bytes=1,
                ruleset_id="bsu-2025",
                submitted_by="anonymous",
            )
            session.commit()
        claimed = batches.claim(store, 30)
        assert claimed is not None and claimed[0] == batch.id
        batches.fail(store, batch.id, claimed[1], "roster_invalid", "-", "-")
        done = retention.purge(store, tmp_path, 30, now=utcnow() + dt.timedelta(days=31))
        assert done.batches == [batch.id]
    finally:
        engine.dispose()
    details = [str(a.detail) for a in _store(database_url, batch.id)["audit"]]
    assert not [d for d in details if "budi" in d.lower()], details
