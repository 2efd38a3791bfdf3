"""A lease is renewed on a timer while a batch is worked on, not only between stages: with
a lease shorter than a stage of the check (here 1 s, and a roster whose parsing, judging
and writing each take longer), a second worker polling the same queue never takes the
batch over; it is checked once, on its first attempt."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.recovery.support import (
    big_roster,
    poll_batch,
    stop_group,
    stored,
    worker_in_group,
)
from tests.servers import start_server

ROWS = 100_000
LEASE = "1"


def test_a_stage_longer_than_the_lease_is_not_taken_over(tmp_path: Path, database_url: str) -> None:
    roster = big_roster(tmp_path / "pabrik.csv", ROWS)
    data = tmp_path / "data"
    server = start_server(data, database_url, BSU_WORKER_LEASE_SECONDS=LEASE)
    thief = None
    try:
        with server.client() as client:
            accepted = client.post(
                "/v1/batches", files={"file": ("pabrik.csv", roster.read_bytes())}
            )
            assert accepted.status_code == 202, accepted.text
            batch_id, url = accepted.json()["id"], accepted.json()["links"]["self"]
            poll_batch(client, url, {"running", "done", "failed"}, timeout=60)
            # Another worker on the same queue, polling often, with the same lease.
            thief, log = worker_in_group(
                data,
                database_url,
                "thief",
                BSU_WORKER_LEASE_SECONDS=LEASE,
                BSU_WORKER_POLL_SECONDS="0.05",
            )
            body = poll_batch(client, url, {"done", "failed"}, timeout=300)
        thief.send_signal(signal.SIGTERM)
        assert thief.wait(60) == 0
    finally:
        if thief is not None:
            stop_group(thief)
        server.stop()
    assert body["status"] == "done", body
    got = stored(database_url, batch_id)
    assert (got.status, got.attempts, got.rows, got.checked) == ("done", 1, ROWS, 1), got
    assert "checking batch" not in log.read_text(errors="replace"), "the thief took it over"
