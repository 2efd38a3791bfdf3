"""Nothing of a worker's account outlives the batch's purge: not its row (account number,
holder name, the findings quoting them), not the action list beside the result files,
not a byte of the database file; what stays (the batch's pre-check counts, the audit)
names no account. On a real server and the real ``bsu purge``, on each kind of database."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from tests.servers import BSU, Server, start_server, wait_for
from tests.support import write_csv

# Synthetic, found nowhere else in the repository.
ACCOUNT = "004409876543217"
HOLDER = "Wulan Kusumawardhani"
SECRETS = (ACCOUNT, HOLDER)


def _roster(folder: Path) -> Path:
    return write_csv(
        folder / "gaji-rekening.csv",
        [
            "NIK,Nama,Upah,Status Kepesertaan,Tanggal Kepesertaan,Bank,No Rekening,Atas Nama",
            f"3171015507880042,Wulan Kusumawardani,3000000,Aktif,2024-01-15,BRI,{ACCOUNT},{HOLDER}",
            "3171011501900001,Pekerja Contoh,3100000,Aktif,2024-01-15,BCA,1234567890,",
        ],
    )


def _checked(server: Server, roster: Path) -> dict[str, Any]:
    with server.client() as c:
        sent = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
        assert sent.status_code == 202, sent.text
        return wait_for(c, sent.headers["location"], {"done"})


def _files_holding(folder: Path) -> dict[str, list[str]]:
    """Per file under ``folder`` (the data folder, the database with it), which of the
    account number and holder name its raw bytes hold."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            held = [s for s in SECRETS if s.encode() in raw]
            if held:
                found[path.name] = held
    return found


def _stored(url: str, batch_id: str) -> tuple[int, str, str]:
    """The batch's rows left, and as text its record and its audit records."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            rows = c.scalar(
                text("SELECT count(*) FROM batch_rows WHERE batch_id = :id"), {"id": batch_id}
            )
            batch = c.execute(text("SELECT * FROM batches WHERE id = :id"), {"id": batch_id})
            audit = c.execute(
                text("SELECT * FROM audit_records WHERE batch_id = :id"), {"id": batch_id}
            )
            return int(rows or 0), repr(batch.all()), repr(audit.all())
    finally:
        engine.dispose()


def test_a_purge_leaves_nothing_of_an_account(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    server = start_server(data, database_url)
    try:
        batch = _checked(server, _roster(tmp_path))
        with server.client() as c:
            rows = c.get(batch["links"]["rows"]).json()["data"]
            assert c.get(batch["links"]["actions"]).status_code == 200
        assert rows[0]["payment"]["account_number"] == ACCOUNT
        assert rows[0]["payment"]["account_holder"] == HOLDER
        held = _files_holding(data)
        assert any(name.endswith("-rekening.csv") for name in held), held
        assert _stored(database_url, batch["id"])[0] == 2

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
        assert not any(s in done.stdout + done.stderr for s in SECRETS)

        # The data folder holds the SQLite database too: its bytes are scrubbed.
        assert _files_holding(data) == {}
        assert not [p for p in (data / "results").glob(f"*{batch['id']}*")]
        rows_left, record, audit = _stored(database_url, batch["id"])
        assert rows_left == 0
        assert not any(s in record or s in audit for s in SECRETS)
        with server.client() as c:
            after = c.get(f"/v1/batches/{batch['id']}").json()
            assert c.get(batch["links"]["actions"]).json()["error"]["code"] == "result_gone"
        # The counts stay, like the summary: they name nobody.
        assert after["payment"]["rows"] == 2
        # Wulan's BRI account is held in a name spelt otherwise (a problem account) and
        # the other worker's is at BCA: both would be paid through PT Pos.
        assert {ch["channel"]: ch["count"] for ch in after["payment"]["channels"]} == {
            "bsi": 0,
            "bri": 0,
            "bni": 0,
            "mandiri": 0,
            "btn": 0,
            "pos": 2,
        }
    finally:
        server.stop()
