"""A full disk is not the roster's fault: when the result files cannot be written (ENOSPC)
the batch waits and is tried again, never ``failed``, and no partial file stays; once
there is room it completes, exactly once. The results folder is a small tmpfs filled up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.recovery.support import big_roster, poll_batch, stored
from tests.servers import start_server
from tests.support import fill, small_tmpfs

ROWS = 5_000


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """``data/results`` on a 32 MB tmpfs: room for a 5.000-row batch's workbook (with its
    decision trail), CSV and trace once the filler is gone."""
    with small_tmpfs(tmp_path / "data" / "results", 32 * 1024 * 1024) as results:
        yield results


def test_a_full_results_disk_delays_the_batch_and_never_fails_it(
    tmp_path: Path, database_url: str, small_disk: Path
) -> None:
    roster = big_roster(tmp_path / "pabrik.csv", ROWS)
    filler = fill(small_disk)
    server = start_server(tmp_path / "data", database_url, BSU_WORKER_BACKOFF_MAX_SECONDS="1")
    try:
        with server.client() as client:
            accepted = client.post(
                "/v1/batches", files={"file": ("pabrik.csv", roster.read_bytes())}
            )
            assert accepted.status_code == 202, accepted.text
            batch_id, url = accepted.json()["id"], accepted.json()["links"]["self"]
            deadline = time.monotonic() + 10  # several tries against the full disk
            while time.monotonic() < deadline:
                body = client.get(url).json()
                assert body["status"] in {"queued", "running"}, (body["error"], server.log)
                time.sleep(0.1)
            tried = server.log.read_text(errors="replace").count(f"checking batch {batch_id}")
            assert tried >= 2, "the batch is tried again while the disk is full"
            filler.unlink()
            body = poll_batch(client, url, {"done", "failed"}, timeout=120)
            assert body["status"] == "done", body
    finally:
        server.stop()
    got = stored(database_url, batch_id)
    assert (got.status, got.rows, got.checked) == ("done", ROWS, 1), got
    left = sorted(p.name for p in small_disk.iterdir())
    expected = ["-rekening.csv", "-trace.json", ".csv", ".xlsx"]  # rekening: the action list
    assert left == [f"{batch_id}{end}" for end in expected], left
    assert "Traceback" not in server.log.read_text(errors="replace")
