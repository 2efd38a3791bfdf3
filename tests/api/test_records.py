"""What an upload leaves behind: the audit trail, and files safely on disk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

from tests.api.conftest import SAMPLES, Uploaded, error_of, upload
from tests.servers import Server


def test_upload_check_and_download_are_audited_with_the_rule_set(
    client: httpx.Client, clean: Uploaded, store: Engine
) -> None:
    assert client.get(f"{clean.url}/result.xlsx").status_code == 200
    assert client.get(f"{clean.url}/result.csv").status_code == 200
    with store.connect() as connection:
        records = connection.execute(
            text(
                "SELECT action, actor, ruleset_id, ruleset_version, detail FROM audit_records "
                "WHERE batch_id = :id ORDER BY id"
            ),
            {"id": clean.id},
        ).all()
    actions = [r.action for r in records]
    assert actions[:2] == ["batch.submitted", "batch.checked"]
    assert {"batch.download.xlsx", "batch.download.csv"} <= set(actions[2:])
    assert set(actions[2:]) <= {"batch.download.xlsx", "batch.download.csv"}
    assert {(r.ruleset_id, r.ruleset_version) for r in records} == {("bsu-2025", "2025.1")}

    submitted, checked = records[0], records[1]
    detail = submitted.detail
    if isinstance(detail, str):  # SQLite hands JSON back as text through a plain query
        detail = json.loads(detail)
    assert detail == {
        "suffix": ".xlsx",
        "sha256": clean.sha256,
        "bytes": len(clean.content),
    }
    assert checked.actor == "worker"


def test_the_upload_and_the_results_are_on_disk(
    client: httpx.Client, clean: Uploaded, store: Engine
) -> None:
    data = Path(clean.server.env["BSU_DATA_DIR"])
    with store.connect() as connection:
        row = connection.execute(
            text(
                "SELECT content_sha256, stored_path, size_bytes, result_xlsx, result_csv "
                "FROM batches WHERE id = :id"
            ),
            {"id": clean.id},
        ).one()
    stored = Path(row.stored_path)
    assert stored == data / "uploads" / f"{clean.id}.xlsx"
    assert stored.read_bytes() == clean.content
    assert row.content_sha256 == clean.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert row.size_bytes == len(clean.content)
    leftovers = [p.name for p in (data / "uploads").iterdir() if p.name.startswith(".")]
    assert not leftovers, "no partial upload is left"

    assert Path(row.result_xlsx) == data / "results" / f"{clean.id}.xlsx"
    assert Path(row.result_csv) == data / "results" / f"{clean.id}.csv"
    assert client.get(f"{clean.url}/result.xlsx").content == Path(row.result_xlsx).read_bytes()
    assert client.get(f"{clean.url}/result.csv").content == Path(row.result_csv).read_bytes()


def test_a_result_file_gone_from_disk_is_410_and_not_audited(
    client: httpx.Client, api: Server, store: Engine
) -> None:
    batch = upload(api, SAMPLES / "roster-semicolon.csv")
    assert batch.batch["status"] == "done"
    results = Path(api.env["BSU_DATA_DIR"]) / "results"
    (results / f"{batch.id}.csv").unlink()
    assert "tidak tersedia" in error_of(client.get(f"{batch.url}/result.csv"), 410, "result_gone")
    assert client.get(f"{batch.url}/result.xlsx").status_code == 200
    with store.connect() as connection:
        actions = connection.scalars(
            text("SELECT action FROM audit_records WHERE batch_id = :id ORDER BY id"),
            {"id": batch.id},
        ).all()
    assert actions == ["batch.submitted", "batch.checked", "batch.download.xlsx"]
