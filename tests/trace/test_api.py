"""``GET /v1/batches/{id}/trace``: the upload worker keeps each batch's trace beside its
result files, served like them (the batch's owner and its branch's staff only, audited).
Real ``bsu serve`` processes; the same roster gives the same trace as ``bsu check``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select

from bsu.store.models import AuditRecord
from tests.access.conftest import create_key, env_for
from tests.evidence.conftest import NPP_A, SAMPLES, load_evidence
from tests.servers import Server, database, start_server, wait_for
from tests.trace.conftest import Run, without_created_at


def _uploaded(c: httpx.Client, roster: Path) -> dict[str, Any]:
    sent = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
    assert sent.status_code == 202, sent.text
    assert sent.json()["links"]["trace"] == f"/v1/batches/{sent.json()['id']}/trace"
    batch = wait_for(c, sent.headers["location"], {"done", "failed"})
    assert batch["status"] == "done", batch
    return batch


def _trace(c: httpx.Client, batch: dict[str, Any]) -> str:
    answer = c.get(batch["links"]["trace"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert "jejak-" in answer.headers["content-disposition"]
    return answer.content.decode("utf-8")


def test_a_batch_has_the_same_trace_as_the_command_on_the_same_file(
    server: Server, rosters: list[Path], cli: Run
) -> None:
    roster = rosters[0]
    with server.client() as c:
        first, second = _uploaded(c, roster), _uploaded(c, roster)
        one, two = _trace(c, first), _trace(c, second)
    assert without_created_at(one) == without_created_at(two)
    doc = json.loads(one)
    assert doc["inputs"][0]["file"] == roster.name
    assert doc["inputs"][0]["sha256"] == hashlib.sha256(roster.read_bytes()).hexdigest()
    assert first["id"] not in one, "nothing of the batch but what it was judged from"
    command = cli("check", roster, "--format", "trace")
    assert command.returncode == 0, command.stderr
    assert without_created_at(command.stdout) == without_created_at(one)

    engine = create_engine(server.env["BSU_DATABASE_URL"])
    try:
        with engine.connect() as db:
            actions = db.scalars(
                select(AuditRecord.action).where(AuditRecord.batch_id == first["id"])
            ).all()
    finally:
        engine.dispose()
    assert "batch.download.trace" in actions


def test_a_batch_checked_before_traces_existed_answers_that_the_file_is_gone(
    server: Server, rosters: list[Path]
) -> None:
    with server.client() as c:
        batch = _uploaded(c, rosters[1])
        trace = Path(server.env["BSU_DATA_DIR"]) / "results" / f"{batch['id']}-trace.json"
        assert trace.is_file(), "written beside the batch's result files"
        trace.unlink()
        answer = c.get(batch["links"]["trace"])
    assert answer.status_code == 410, answer.text
    assert answer.json()["error"]["code"] == "result_gone"


def test_an_employers_trace_names_the_evidence_by_hash_not_by_the_branchs_file_names(
    tmp_path: Path,
) -> None:
    with database("sqlite", tmp_path) as url:
        data = tmp_path / "data"
        env = env_for(data, url)
        load_evidence(url)
        keys = {
            "employer": create_key(
                env, "--role", "employer", "--branch", "JKT01", "--employer", NPP_A, "--label", "A"
            ),
            "staff": create_key(env, "--role", "staff", "--branch", "JKT01", "--label", "Cabang"),
        }
        running = start_server(data, url, BSU_AUTH_CACHE_SECONDS="0")
        try:
            traces = {}
            for who, key in keys.items():
                with running.client(headers={"Authorization": f"Bearer {key}"}) as c:
                    batch = _uploaded(c, SAMPLES / "roster-clean.xlsx")
                    traces[who] = json.loads(_trace(c, batch))
        finally:
            running.stop()
    extract = SAMPLES / "registry-extract.csv"
    digest = hashlib.sha256(extract.read_bytes()).hexdigest()
    for who, scope in (("employer", "employer"), ("staff", "all")):
        [registry] = [e for e in traces[who]["evidence"] if e["kind"] == "registry"]
        assert registry["sha256"] == digest and registry["scope"] == scope
        assert registry["as_of"] == "2025-05-02"
        assert registry["file"] == (None if who == "employer" else extract.name)
    assert {e["kind"] for e in traces["staff"]["evidence"]} == {"registry", "list:pkh", "list:asn"}
