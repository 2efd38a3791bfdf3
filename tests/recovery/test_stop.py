"""Stopping is not a failure: SIGTERM to the server's whole process group (systemd's
default ``KillMode=control-group``) or Ctrl-C (SIGINT to the terminal's foreground group)
while a roster is being parsed puts the batch back in the queue, not counted as an
attempt; the next start checks it, and it is never ``failed``. The same for ``bsu worker``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import xlsxwriter

from tests.recovery.support import (
    poll_batch,
    serve_in_group,
    stop_group,
    stored,
    worker_in_group,
)
from tests.servers import start_server

ROWS = 150_000  # an .xlsx this long takes the parser a few seconds


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook long enough that its parsing child is caught alive."""
    path = tmp_path_factory.mktemp("roster") / "pabrik.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Pekerja")
    sheet.write_row(0, 0, ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tgl Daftar", "Kab/Kota"])
    for i in range(ROWS):
        wage = "Rp 3.500.000" if i % 3 else "5.800.000"
        nik = f"3275014101{900000 + i:06d}"
        sheet.write_row(i + 1, 0, [nik, f"Pekerja {i}", wage, "Aktif", "15/01/2024", "Kota Bekasi"])
    book.close()
    return path


def _parsing(client: httpx.Client, url: str) -> None:
    """Wait until the batch is being parsed (progress 10: the child is reading)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = client.get(url).json()
        assert body["status"] in {"queued", "running"}, body
        if body["status"] == "running" and body["progress"] >= 10:
            assert body["progress"] < 40, f"parsing was over before the signal: {body}"
            return
        time.sleep(0.02)
    raise AssertionError("the batch never started")


def _signal_group(process: subprocess.Popen[bytes], signum: int, log: Path) -> int:
    """Send ``signum`` to the whole group and wait for the leader to exit (bounded)."""
    os.killpg(process.pid, signum)
    try:
        return process.wait(60)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running 60 s after {signum}: {log.read_text()}") from None


def _completes_after_restart(data: Path, database_url: str, batch_id: str, url: str) -> None:
    """The batch went back to the queue; a new server checks it once, and it is done."""
    before = stored(database_url, batch_id)
    assert (before.status, before.error_code) == ("queued", None), before
    again = start_server(data, database_url)
    try:
        with again.client() as client:
            seen = poll_batch(client, url, {"done", "failed"}, timeout=180)
        assert seen["status"] == "done", seen
    finally:
        again.stop()
    after = stored(database_url, batch_id)
    assert (after.status, after.rows, after.checked) == ("done", ROWS, 1), after


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_server_group_mid_parse_requeues_the_batch(
    tmp_path: Path, database_url: str, roster: Path, signum: int
) -> None:
    data = tmp_path / "data"
    server = serve_in_group(data, database_url)
    try:
        with server.client() as client:
            accepted = client.post(
                "/v1/batches", files={"file": ("pabrik.xlsx", roster.read_bytes())}
            )
            assert accepted.status_code == 202, accepted.text
            batch_id, url = accepted.json()["id"], accepted.json()["links"]["self"]
            _parsing(client, url)
        _signal_group(server.process, signum, server.log)
    finally:
        stop_group(server.process)
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, log
    _completes_after_restart(data, database_url, batch_id, url)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_a_worker_group_mid_parse_requeues_the_batch(
    tmp_path: Path, database_url: str, roster: Path, signum: int
) -> None:
    data = tmp_path / "data"
    # The server only accepts the upload: its worker polled the empty queue once at the
    # start and sleeps for an hour, so the batch waits for the worker process.
    front = start_server(data, database_url, BSU_WORKER_POLL_SECONDS="3600")
    try:
        with front.client() as client:
            accepted = client.post(
                "/v1/batches", files={"file": ("pabrik.xlsx", roster.read_bytes())}
            )
            assert accepted.status_code == 202, accepted.text
            batch_id, url = accepted.json()["id"], accepted.json()["links"]["self"]
            process, log = worker_in_group(data, database_url, "w1")
            try:
                _parsing(client, url)
                code = _signal_group(process, signum, log)
            finally:
                stop_group(process)
        text = log.read_text(errors="replace")
        assert code == 0, text
        assert "Traceback" not in text, text
    finally:
        front.stop()
    _completes_after_restart(data, database_url, batch_id, url)
