"""Purged personal data is gone from the disk when the purge returns, not only from queries.

SQLite keeps a deleted row's bytes in free space of its pages and, in WAL mode, every
page it changed in ``bsu.db-wal`` until a checkpoint; both were readable after
``bsu purge`` for as long as the server ran. Each test greps the raw bytes of ``bsu.db``
and ``bsu.db-wal`` for a synthetic NIK and name while the server (which holds its own
connections open) and another open connection are running. On PostgreSQL the purge
vacuums the purged tables (what is and is not promised there: SECURITY.md).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.servers import BSU, Server, start_server, wait_for
from tests.support import write_csv

NIK = "3275015507880042"  # synthetic, found nowhere else in the repository
NAME = "Sulastri Wiryodiningrat"


def _roster(folder: Path) -> Path:
    return write_csv(
        folder / "gaji-sulastri.csv",
        [
            "NIK,Nama,Upah,Status Kepesertaan,Tanggal Kepesertaan",
            f"{NIK},{NAME},3000000,Aktif,2024-01-15",
            "3275014101900001,Pekerja Contoh,3100000,Aktif,2024-01-15",
        ],
    )


def _checked(server: Server, roster: Path) -> dict[str, object]:
    with server.client() as c:
        sent = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
        assert sent.status_code == 202, sent.text
        return wait_for(c, sent.headers["location"], {"done"})


def _on_disk(database: Path) -> list[str]:
    """Which of the NIK and the name are in the raw bytes of the database or its WAL."""
    raw = b"".join(p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists())
    return [word for word in (NIK, NAME) if word.encode() in raw]


def _reader(database: Path) -> sqlite3.Connection:
    """Another connection to the store, open during the purge as a server's would be."""
    connection = sqlite3.connect(database)
    connection.execute("SELECT count(*) FROM batch_rows").fetchone()
    return connection


def _vacuums(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            found = c.execute(
                text(
                    "SELECT relname, vacuum_count + autovacuum_count FROM pg_stat_user_tables "
                    "WHERE relname IN ('batch_rows', 'batches')"
                )
            )
            return {str(name): int(count) for name, count in found}
    finally:
        engine.dispose()


def test_bsu_purge_leaves_no_purged_bytes_on_disk(tmp_path: Path, database_url: str) -> None:
    server = start_server(tmp_path / "data", database_url)
    try:
        _checked(server, _roster(tmp_path))
        sqlite = database_url.startswith("sqlite")
        database = Path(database_url.split("///", 1)[1]) if sqlite else None
        if database is not None:
            assert _on_disk(database), "the test must see the data before the purge"
            reader = _reader(database)
        before = {} if sqlite else _vacuums(database_url)
        later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=31)).isoformat()
        done = subprocess.run(
            [str(BSU), "purge", "--now", later],
            env=server.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr + done.stdout
        assert "Dihapus: 1 batch" in done.stdout
        if database is not None:
            assert _on_disk(database) == []
            reader.close()
        else:
            after = _vacuums(database_url)
            assert all(after[t] > before.get(t, 0) for t in ("batch_rows", "batches")), after
        assert server.process.poll() is None  # the server ran throughout
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_servers_own_purge_leaves_no_purged_bytes_on_disk(
    tmp_path: Path, database_url: str
) -> None:
    # A retention of two seconds: the server's worker purges every two seconds.
    server = start_server(tmp_path / "data", database_url, BSU_RETENTION_DAYS=str(2 / 86400))
    database = Path(database_url.split("///", 1)[1])
    try:
        batch = _checked(server, _roster(tmp_path))
        reader = _reader(database)
        with server.client() as c:
            deadline = time.monotonic() + 30
            while c.get(f"/v1/batches/{batch['id']}").json()["purged_at"] is None:
                assert time.monotonic() < deadline, "the server did not purge"
                time.sleep(0.2)
        deadline = time.monotonic() + 10  # the purge ends a moment after it is visible
        while _on_disk(database) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _on_disk(database) == []
        reader.close()
    finally:
        server.stop()
