"""Personal data is kept no longer than configured: after BSU_RETENTION_HOURS the upload,
the result files and the checked rows are deleted; the summary and the audit trail stay."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import create_engine, select

from bsu.store.models import AuditRecord
from tests.api.conftest import SAMPLES, error_of
from tests.servers import start_server, wait_for


def test_a_finished_batch_is_purged_after_the_retention_time(
    tmp_path: Path, database_url: str
) -> None:
    data = tmp_path / "data"
    server = start_server(data, database_url, BSU_RETENTION_HOURS="0.0005")  # 1.8 s
    try:
        with server.client() as c:
            roster = SAMPLES / "roster-clean.xlsx"
            submitted = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
            url = submitted.headers["location"]
            done = wait_for(c, url, {"done"})
            assert done["purged_at"] is None
            assert c.get(url + "/result.xlsx").status_code == 200
            assert list((data / "uploads").iterdir()) and list((data / "results").iterdir())

            deadline = time.monotonic() + 30
            while c.get(url).json()["purged_at"] is None:
                assert time.monotonic() < deadline, "the batch was never purged"
                time.sleep(0.2)
            after = c.get(url).json()
            assert after["summary"] == done["summary"], "the summary is kept"
            for tail in ("/rows", "/result.xlsx", "/result.csv"):
                error_of(c.get(url + tail), 410, "result_gone")
        assert list((data / "uploads").iterdir()) == []
        assert [p for p in (data / "results").iterdir() if not p.name.startswith(".")] == []
    finally:
        server.stop()

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            actions = connection.scalars(
                select(AuditRecord.action).where(AuditRecord.batch_id == done["id"])
            ).all()
    finally:
        engine.dispose()
    assert "batch.purged" in actions and "batch.submitted" in actions
