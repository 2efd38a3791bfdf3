"""The worker outlives its database: PostgreSQL stopped for 15 s while a roster is being
checked. Meanwhile uploads get a typed 503 at once and ``/readyz`` is 503; once the
database is back, every acknowledged batch is checked exactly once, the interrupted one
without counting that attempt, and ``/readyz`` is 200 again with the worker alive.

The database is a throwaway PostgreSQL cluster this test starts itself (``initdb`` and
``pg_ctl`` on a free port, as the ``postgres`` OS user), never the machine's shared server.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from bsu.store.db import make_engine, sessions
from tests.recovery.support import big_roster, environment, poll_batch, stop_group, stored
from tests.servers import BSU, free_port, start_server
from tests.support import submit_file

pytestmark = pytest.mark.postgres

ROWS = 40_000
OUTAGE_SECONDS = 15
INITDB = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


class Cluster:
    """A PostgreSQL cluster in a temporary folder, run by the ``postgres`` OS user."""

    def __init__(self, root: Path) -> None:
        self.bin = INITDB[-1].parent
        self.data = root / "pgdata"
        self.port = free_port()
        self.log = root / "postgres.log"
        root.mkdir(parents=True, exist_ok=True)
        for folder in (root.parent, root):
            shutil.chown(folder, "postgres", "postgres")
            folder.chmod(0o700)
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not INITDB or shutil.which("runuser") is None:
        pytest.skip("initdb (PostgreSQL server binaries) or runuser is not installed")
    # Not under pytest's tmp_path: its folders are private to root, and the cluster's
    # processes run as postgres.
    root = Path(tempfile.mkdtemp(prefix="bsu-pg-"))
    try:
        made = Cluster(root / "pg")
        made.start()
        try:
            with psycopg.connect(made.url.replace("+psycopg", ""), autocommit=True) as admin:
                admin.execute("SELECT 1")
            yield made
        finally:
            if made.running():
                made.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _upload(client: httpx.Client, roster: Path) -> httpx.Response:
    return client.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})


def test_the_worker_outlives_a_database_outage_mid_check(tmp_path: Path, cluster: Cluster) -> None:
    roster = big_roster(tmp_path / "pabrik.csv", ROWS)
    data = tmp_path / "data"
    server = start_server(
        data,
        cluster.url,
        BSU_WORKER_LEASE_SECONDS="2",
        BSU_WORKER_BACKOFF_MAX_SECONDS="3",
    )
    try:
        with server.client() as client:
            accepted = [_upload(client, roster) for _ in range(2)]
            assert [a.status_code for a in accepted] == [202, 202]
            urls = {a.json()["id"]: a.json()["links"]["self"] for a in accepted}
            first = next(iter(urls.values()))
            deadline = time.monotonic() + 60
            while True:  # mid-check: the roster is being read or judged
                body = client.get(first).json()
                if body["status"] == "running" and body["progress"] >= 10:
                    break
                assert time.monotonic() < deadline, body
                time.sleep(0.02)

            cluster.stop("fast")
            down = time.monotonic()
            # An upload meanwhile is answered at once, typed, not hung or a bare 500.
            started = time.monotonic()
            refused = _upload(client, roster)
            assert time.monotonic() - started < 30
            assert refused.status_code == 503, refused.text
            assert refused.json()["error"]["code"] == "database_unavailable"
            assert "Retry-After" in refused.headers
            ready = client.get("/readyz")
            assert ready.status_code == 503, ready.text
            assert set(ready.json()["error"]) == {"code", "message"}
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down)))
            cluster.start()

            for url in urls.values():
                body = poll_batch(client, url, {"done", "failed"}, timeout=180)
                assert body["status"] == "done", body
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.text
            # The worker is alive: a new upload is checked too.
            late = _upload(client, big_roster(tmp_path / "kecil.csv", 5, first=90_000))
            assert late.status_code == 202, late.text
            checked = poll_batch(client, late.json()["links"]["self"], {"done", "failed"}, 60)
            assert checked["status"] == "done", checked
    finally:
        server.stop()
        log = server.log.read_text(errors="replace")
    for batch_id in urls:
        got = stored(cluster.url, batch_id)
        assert (got.status, got.rows, got.checked) == ("done", ROWS, 1), got
    assert "Traceback" not in log, log


def test_a_worker_started_before_its_database_waits_for_it(
    tmp_path: Path, cluster: Cluster
) -> None:
    """``bsu worker`` started while PostgreSQL is down (a reboot: the worker's unit may
    come up first) waits for it without a traceback, then checks what is queued."""
    data = tmp_path / "data"
    cluster.stop("fast")
    process, log = _worker(data, cluster.url)
    try:
        time.sleep(5)
        assert process.poll() is None, log.read_text(errors="replace")
        cluster.start()
        deadline = time.monotonic() + 60
        while "worker w1 started" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        batch_id = _queue(cluster.url, big_roster(tmp_path / "kecil.csv", 5))
        deadline = time.monotonic() + 60
        while stored(cluster.url, batch_id).status != "done":
            assert time.monotonic() < deadline, stored(cluster.url, batch_id)
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0
    finally:
        stop_group(process)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text
    assert text.count("database is not available") == 1, text


def _worker(data: Path, url: str) -> tuple[subprocess.Popen[bytes], Path]:
    data.mkdir(parents=True, exist_ok=True)
    log = data / "worker.log"
    process = subprocess.Popen(
        [str(BSU), "worker", "--name", "w1"],
        env=environment(data, url, BSU_WORKER_BACKOFF_MAX_SECONDS="2"),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


def _queue(url: str, roster: Path) -> str:
    """A batch submitted straight into the store, as the API would."""
    engine = make_engine(url)
    try:
        with sessions(engine)() as session:
            return submit_file(session, roster)
    finally:
        engine.dispose()
