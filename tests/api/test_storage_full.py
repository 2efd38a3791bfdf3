"""A data folder that cannot take a file: the upload is a typed 507 leaving nothing behind
(no partial file, no batch), ``/readyz`` says 503 with the reason, and both recover once
there is room again. The data folder is a small tmpfs (skipped where mounting is not
permitted); the store (SQLite in another folder, or PostgreSQL) still answers."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import CLEAN, EN, error_of
from tests.servers import Server, start_server
from tests.support import fill, small_tmpfs

DISK_BYTES = 8 * 1024 * 1024


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs."""
    with small_tmpfs(tmp_path / "disk", DISK_BYTES) as folder:
        yield folder


@pytest.fixture
def server(tmp_path: Path, small_disk: Path, database_url: str) -> Iterator[Server]:
    """A server whose data folder is the tmpfs (its store, SQLite or PostgreSQL, lives
    elsewhere and keeps answering); ready below 1 MB free."""
    running = start_server(
        tmp_path / "run",
        database_url,
        BSU_DATA_DIR=str(small_disk / "data"),
        BSU_MIN_FREE_BYTES=str(1024 * 1024),
    )
    try:
        yield running
    finally:
        running.stop()


def _upload(c: httpx.Client, **headers: str) -> httpx.Response:
    return c.post("/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())}, headers=headers)


def _left_behind(data: Path) -> list[str]:
    uploads = data / "uploads"
    return sorted(p.name for p in uploads.iterdir()) if uploads.is_dir() else []


def test_a_full_data_folder_refuses_uploads_typed_and_says_so_in_readyz(
    server: Server, small_disk: Path
) -> None:
    data = small_disk / "data"
    with server.client() as c:
        assert c.get("/readyz").status_code == 200
        documented = c.get("/openapi.json").json()["paths"]["/v1/batches"]["post"]["responses"]
        assert "507" in documented
        filler = fill(small_disk)

        message = error_of(_upload(c), 507, "storage_full")
        assert message.startswith("Penyimpanan server penuh")
        english = error_of(_upload(c, **EN), 507, "storage_full")
        assert "storage is full" in english and "BSU_DATA_DIR" in english
        assert _left_behind(data) == []  # no partial upload
        assert c.get("/v1/batches").json()["count"] == 0  # no batch row

        ready = c.get("/readyz", headers=EN)
        assert "free space" in error_of(ready, 503, "storage_low")
        assert "/" not in ready.text.replace("/v1", "")  # no server path in the answer

        filler.unlink()
        assert c.get("/readyz").status_code == 200
        accepted = _upload(c)
        assert accepted.status_code == 202, accepted.text
        assert c.get("/v1/batches").json()["count"] == 1
    assert "Traceback" not in server.log.read_text(errors="replace")


def test_a_nearly_full_data_folder_is_not_ready(server: Server, small_disk: Path) -> None:
    with server.client() as c:
        filler = fill(small_disk)
        with filler.open("r+b") as f:  # leave 512 KB: below the 1 MB threshold
            f.truncate(max(0, filler.stat().st_size - 512 * 1024))
        error_of(c.get("/readyz"), 503, "storage_low")
        assert _upload(c).status_code == 202  # still stored: it fits
        filler.unlink()
        assert c.get("/readyz").status_code == 200


def test_a_read_only_data_folder_refuses_uploads_typed(server: Server, small_disk: Path) -> None:
    with server.client() as c:
        remounted = subprocess.run(
            ["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, check=False
        )
        if remounted.returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only")
        try:
            error_of(_upload(c), 507, "storage_unwritable")
            error_of(c.get("/readyz"), 503, "storage_unwritable")
            assert c.get("/v1/batches").json()["count"] == 0
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=False)
        assert c.get("/readyz").status_code == 200
        assert _upload(c).status_code == 202
    assert len(_left_behind(small_disk / "data")) == 1  # the one accepted


def test_a_store_that_cannot_grow_refuses_the_upload_and_keeps_no_file(
    tmp_path: Path, small_disk: Path
) -> None:
    """The SQLite store in the full data folder: the upload itself fits in the last page
    left, the batch row does not (SQLITE_FULL at commit)."""
    data = small_disk / "data"
    roster = tmp_path / "kecil.csv"
    roster.write_bytes(b"NIK,Nama,Upah\n3275014101900001,Pekerja Contoh,3000000\n")
    server = start_server(
        tmp_path / "run", "", BSU_DATA_DIR=str(data), BSU_MIN_FREE_BYTES=str(1024 * 1024)
    )
    try:
        with server.client() as c:
            filler = fill(small_disk)
            os.truncate(filler, filler.stat().st_size - 4096)  # one page for the upload
            sent = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
            error_of(sent, 507, "storage_full")
            assert _left_behind(data) == []
            filler.unlink()
            assert c.get("/v1/batches").json()["count"] == 0
            sent = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
            assert sent.status_code == 202, sent.text
    finally:
        server.stop()
    log = server.log.read_text(errors="replace")
    assert "upload not recorded: the database has no room" in log  # not the file's write
    assert "Traceback" not in log
