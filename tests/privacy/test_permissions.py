"""No other user of the machine can read the data folder: it is 0700 and every file in it
0600, created so (umask 077 in every process that writes it, the SQLite file made 0600
before SQLite opens it, its -wal and -shm following), and ``bsu serve`` and ``bsu worker``
warn when an existing folder or file is open to others, naming the fix."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.api.conftest import CLEAN
from tests.servers import BSU, start_server, wait_for


def _modes(folder: Path) -> dict[str, str]:
    """Every folder and file under ``folder`` (itself included) with its permission bits."""
    found = {".": oct(stat.S_IMODE(folder.stat().st_mode))}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def _open_to_others(folder: Path) -> dict[str, str]:
    modes = _modes(folder)
    return {
        name: mode
        for name, mode in modes.items()
        if mode != ("0o700" if (folder / name).is_dir() else "0o600")
    }


def _env(data: Path, url: str = "") -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(data.parent),
        "LANG": "C.UTF-8",
        "BSU_DATA_DIR": str(data),
        "BSU_DATABASE_URL": url,
    }


def test_a_servers_data_folder_is_private_after_an_upload_and_its_check(
    tmp_path: Path, database_url: str
) -> None:
    data = tmp_path / "data"  # made by the server itself
    url = "" if database_url.startswith("sqlite") else database_url  # SQLite: in data/
    umask = os.umask(0o022)  # the usual umask, which made everything 0644 in 0755 folders
    try:
        server = start_server(tmp_path / "run", url, BSU_DATA_DIR=str(data))
    finally:
        os.umask(umask)
    try:
        with server.client() as c:
            sent = c.post("/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())})
            assert sent.status_code == 202, sent.text
            wait_for(c, sent.headers["location"], {"done"})
            assert c.get(sent.headers["location"] + "/result.xlsx").status_code == 200
        names = set(_modes(data))
        assert {"uploads", "results"} <= names
        assert any(n.startswith("results/") for n in names)
        if not url:
            assert {"bsu.db", "bsu.db-wal", "bsu.db-shm"} <= names
        assert _open_to_others(data) == {}
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bsu_serve_warns_about_a_folder_open_to_others(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    server = start_server(tmp_path / "run", "", BSU_DATA_DIR=str(data))
    try:
        log = server.log.read_text(errors="replace")
    finally:
        server.stop()
    assert f"chmod -R go= {data}" in log
    assert "pengguna lain" in log and "other users" in log


def test_bsu_worker_warns_about_a_folder_open_to_others(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [str(BSU), "worker"], env=_env(data), stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while "chmod -R go=" not in log.read_text(errors="replace"):
            assert worker.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(30)
    text = log.read_text(errors="replace")
    assert f"chmod -R go= {data}" in text and "other users" in text


def test_a_store_made_by_the_cli_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = subprocess.run(
        [str(BSU), "keys", "create", "--role", "staff", "--branch", "JKT01", "--label", "x"],
        env=_env(data),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert "bsu.db" in _modes(data)
    assert _open_to_others(data) == {}
