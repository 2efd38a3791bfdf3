"""A batch acknowledged with 202 is never lost: kill the server with SIGKILL while it checks,
start it again, and the batch completes exactly once; no partial result is ever served."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select

from bsu.store.models import Batch, BatchRow
from tests.servers import start_server, wait_for
from tests.support import write_csv

ROWS = 40_000
LEASE = "2"


def _big_roster(path: Path) -> Path:
    lines = ["NIK;Nama;Upah;Status Kepesertaan;Tgl Daftar;Kab/Kota"]
    for i in range(ROWS):
        wage = "Rp 3.500.000" if i % 3 else "5.800.000"
        lines.append(f"32750141019{i:05d};Pekerja {i};{wage};Aktif;15/01/2024;Kota Bekasi")
    return write_csv(path, lines)


def _stored(database_url: str, batch_id: str) -> tuple[str, int, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            batch = connection.execute(select(Batch).where(Batch.id == batch_id)).one()
            rows = connection.scalar(
                select(func.count()).select_from(BatchRow).where(BatchRow.batch_id == batch_id)
            )
            return batch.status, int(batch.attempts), int(rows or 0)
    finally:
        engine.dispose()


def _poll_until(
    client: httpx.Client, url: str, ready: Callable[[dict[str, Any]], bool], timeout: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(url).json()
        if ready(body):
            return body
        time.sleep(0.02)
    raise AssertionError(f"condition not reached: {body}")


@pytest.mark.parametrize("stage", ["after_upload", "mid_check"])
def test_a_killed_server_loses_no_acknowledged_batch(
    tmp_path: Path, database_url: str, stage: str
) -> None:
    roster = _big_roster(tmp_path / "kawasan-industri.csv")
    data = tmp_path / "data"
    first = start_server(data, database_url, BSU_WORKER_LEASE_SECONDS=LEASE)
    with first.client() as client:
        accepted = client.post(
            "/v1/batches", files={"file": ("kawasan-industri.csv", roster.read_bytes())}
        )
        assert accepted.status_code == 202
        url = accepted.json()["links"]["self"]
        batch_id = accepted.json()["id"]
        if stage == "mid_check":
            _poll_until(client, url, lambda b: b["status"] == "running" and b["progress"] >= 10)
    first.kill()

    status, attempts, rows = _stored(database_url, batch_id)
    assert status in {"queued", "running"}
    assert rows == 0, "a killed check leaves no partial rows behind"
    assert list((data / "uploads").glob(f"{batch_id}.*")), "the upload survived the crash"

    second = start_server(data, database_url, BSU_WORKER_LEASE_SECONDS=LEASE)
    try:
        with second.client() as client:
            for path in ("/rows", "/result.xlsx", "/result.csv"):
                early = client.get(url + path)
                if early.status_code != 200:
                    assert early.status_code == 409
                    assert early.json()["error"]["code"] == "batch_not_ready"
            done = wait_for(client, url, {"done", "failed"}, timeout=120)
            assert done["status"] == "done", done
            assert done["summary"]["total"] == ROWS
            assert done["summary"]["eligible"] + done["summary"]["ineligible"] == ROWS
            listed = client.get(url + "/rows", params={"page_size": 1}).json()
            assert listed["count"] == ROWS
            workbook = client.get(url + "/result.xlsx")
            assert workbook.status_code == 200
            result = tmp_path / "hasil.xlsx"
            result.write_bytes(workbook.content)
            book = load_workbook(result, read_only=True)
            assert book.sheetnames == ["Ringkasan", "Layak", "Tidak Layak", "Perlu Perbaikan"]
            book.close()
    finally:
        second.stop()

    status, attempts, rows = _stored(database_url, batch_id)
    assert (status, rows) == ("done", ROWS), "completed exactly once: one row per roster row"
    if stage == "mid_check":
        assert attempts == 2, "the second server took the batch over after the lease ran out"
