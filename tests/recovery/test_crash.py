"""A batch acknowledged with 202 is never lost: kill the server with SIGKILL after the upload,
while it checks, or while it writes the result files; start it again, and the batch completes
exactly once. No partial result is ever served, nor left under a result file's name."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from tests.recovery.support import ROWS, big_roster, stored
from tests.servers import start_server

LEASE = "2"


def _files(results: Path, batch_id: str) -> list[str]:
    """The names of every file of the batch in the results folder, temporary ones too."""
    if not results.is_dir():
        return []
    return sorted(p.name for p in results.iterdir() if batch_id in p.name)


def _writing(results: Path, batch_id: str, timeout: float = 60) -> list[str]:
    """Wait until the batch's result is being written: the first file of it appears."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := _files(results, batch_id):
            return found
        time.sleep(0.002)
    raise AssertionError("no result file was ever started")


def _until_done(client: httpx.Client, url: str, timeout: float = 120) -> dict[str, Any]:
    """Poll the batch, trying its downloads each time: 409 until it is done, then 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tried = {path: client.get(url + path) for path in ("/rows", "/result.xlsx", "/result.csv")}
        body: dict[str, Any] = client.get(url).json()  # after: a 200 above means done here
        for path, got in tried.items():
            if got.status_code != 200:
                assert got.status_code == 409, (path, got.status_code, got.text)
                assert got.json()["error"]["code"] == "batch_not_ready"
            else:
                assert body["status"] == "done", f"{path} was served while {body['status']}"
        if body["status"] in {"done", "failed"}:
            return body
        time.sleep(0.1)
    raise AssertionError(f"batch still {body['status']} after {timeout}s")


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


@pytest.mark.parametrize("stage", ["after_upload", "mid_check", "mid_write"])
def test_a_killed_server_loses_no_acknowledged_batch(
    tmp_path: Path, database_url: str, stage: str
) -> None:
    roster = big_roster(tmp_path / "kawasan-industri.csv", ROWS)
    data = tmp_path / "data"
    results = data / "results"
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
        if stage == "mid_write":
            _writing(results, batch_id)
    first.kill()

    before = stored(database_url, batch_id)
    assert before.status in {"queued", "running"}
    assert (before.rows, before.checked) == (0, 0), "a killed check leaves no partial rows behind"
    assert list((data / "uploads").glob(f"{batch_id}.*")), "the upload survived the crash"
    finals = sorted(
        [
            f"{batch_id}.csv",
            f"{batch_id}.xlsx",
            f"{batch_id}-trace.json",
            f"{batch_id}-rekening.csv",  # the payment pre-check's action list
        ]
    )
    if stage == "mid_write":
        left = _files(results, batch_id)
        assert left, "the server was killed while writing the result"
        assert not set(finals) & set(left), f"a result file under its final name: {left}"

    second = start_server(data, database_url, BSU_WORKER_LEASE_SECONDS=LEASE)
    try:
        with second.client() as client:
            done = _until_done(client, url)
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
            assert book.sheetnames == [
                "Ringkasan",
                "Layak",
                "Tidak Layak",
                "Perlu Perbaikan",
                "Jejak Keputusan",
            ]
            book.close()
            table = client.get(url + "/result.csv")
            assert table.status_code == 200
            assert len(table.text.splitlines()) == ROWS + 1
    finally:
        second.stop()

    after = stored(database_url, batch_id)
    assert (after.status, after.rows, after.checked) == ("done", ROWS, 1), "done exactly once"
    if stage != "after_upload":
        assert after.attempts == 2, "the second server took the batch over after the lease ran out"
    assert _files(results, batch_id) == finals, "what the killed write left is gone"
