"""Real databases and real servers for the tests: SQLite files, the PostgreSQL server on
this machine (127.0.0.1:5432, trust auth), and uvicorn processes on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

PG_ADMIN = os.environ.get("BSU_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
BSU = Path(sys.executable).with_name("bsu")


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test (module), dropped afterwards."""
    name = f"bsu_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    """A database URL of ``kind`` ("sqlite" or "postgresql"), empty and private to the test."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'bsu.db'}"
    else:
        with fresh_postgres() as url:
            yield url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """``bsu serve`` running in its own process on 127.0.0.1."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)  # type: ignore[arg-type]

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash or an OOM kill."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(
    data_dir: Path, database_url: str, *args: str, own_group: bool = False, **extra_env: str
) -> Server:
    """``bsu serve`` with ``args`` added (e.g. ``--access-log``) and ``extra_env`` set;
    with ``own_group``, as the leader of a new process group (its pgid is its pid), so that
    a test can signal the whole group as systemd and a terminal's Ctrl-C do."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data_dir),
        "LANG": "C.UTF-8",
        "BSU_DATA_DIR": str(data_dir),
        "BSU_DATABASE_URL": database_url,
        "BSU_WORKER_POLL_SECONDS": "0.2",
        **extra_env,
    }
    log = data_dir / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [str(BSU), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=own_group,
    )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, env=env, log=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not become ready: {log.read_text(errors='replace')}")


def wait_for(
    client: httpx.Client, batch_url: str, statuses: set[str], timeout: float = 60
) -> dict[str, object]:
    """Poll a batch until its status is one of ``statuses``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(batch_url).json()
        if body["status"] in statuses:
            return dict(body)
        time.sleep(0.1)
    raise AssertionError(f"batch still {body['status']} after {timeout}s")


@contextmanager
def unlimited_server(tmp: Path) -> Iterator[Server]:
    """A server on a fresh SQLite store with no rate limits: for tests that send many
    requests from one address (fuzzing, floods)."""
    with database("sqlite", tmp) as url:
        running = start_server(
            tmp / "data",
            url,
            BSU_RATE_LIMIT_PER_MINUTE="0",
            BSU_UPLOAD_RATE_LIMIT_PER_MINUTE="0",
        )
        try:
            yield running
        finally:
            running.stop()
