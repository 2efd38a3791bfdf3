"""GET /v1/batches/{id}/coverage and coverage.xlsx on a real server of each database kind.

The worker fills ``Batch.coverage`` and ``Batch.result_coverage``; here the batches are put
in the server's store as the worker leaves them, with the JSON and workbook made by
``coverage.compute(...).to_json()`` and ``coverage_report.write_xlsx``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bsu import load_ruleset
from bsu.core.engine import evaluate
from bsu.coverage import compute as coverage
from bsu.coverage import workbook as coverage_report
from bsu.store import batches
from bsu.store.db import make_engine
from bsu.store.models import AuditRecord
from tests.api.conftest import EN, XLSX, error_of
from tests.coverage import known
from tests.servers import Server, database, start_server

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(f"cov-api-{request.param}")
    with database(request.param, tmp) as url:
        running = start_server(tmp / "data", url)
        try:
            yield running
        finally:
            running.stop()


def _put(server: Server, status: str, **values: Any) -> str:
    """A batch in the server's store, in the state the worker leaves it."""
    engine = make_engine(server.env["BSU_DATABASE_URL"])
    try:
        with Session(engine) as session:
            batch = batches.submit(
                session,
                filename="roster-a.csv",
                content_sha256="0" * 64,
                stored_path="/nonexistent",
                size_bytes=1,
                ruleset_id="bsu-2025",
                ruleset_version="2025.1",
                submitted_by="test",
            )
            batch.status = status
            batch.progress = 100 if status == batches.DONE else 0
            if status == batches.DONE:
                batch.finished_at = dt.datetime.now(dt.UTC)
            for name, value in values.items():
                setattr(batch, name, value)
            session.commit()
            return batch.id
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def covered(server: Server) -> tuple[str, dict[str, Any], Path]:
    decisions = evaluate(known.roster_records(), load_ruleset("bsu-2025"), known.evidence())
    result = coverage.compute(decisions, "id")
    path = Path(server.env["BSU_DATA_DIR"]) / "results" / "cov-test.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    coverage_report.write_xlsx(result, path)
    doc = result.to_json()
    return _put(server, batches.DONE, coverage=doc, result_coverage=str(path)), doc, path


def test_coverage_is_served_as_the_worker_stored_it(
    server: Server, covered: tuple[str, dict[str, Any], Path]
) -> None:
    batch_id, doc, _ = covered
    with server.client() as c:
        response = c.get(f"/v1/batches/{batch_id}/coverage")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == doc
    assert body["totals"] == known.TOTALS
    assert body["by_employer"] == known.BY_EMPLOYER
    assert body["outreach"][0]["nik"] == "3275014101900003"


def test_the_coverage_workbook_downloads_and_is_audited(
    server: Server, covered: tuple[str, dict[str, Any], Path]
) -> None:
    batch_id, _, path = covered
    with server.client() as c:
        response = c.get(f"/v1/batches/{batch_id}/coverage.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert "cakupan-roster-a.xlsx" in response.headers["content-disposition"]
    assert response.content == path.read_bytes()
    engine = make_engine(server.env["BSU_DATABASE_URL"])
    try:
        with Session(engine) as session:
            actions = session.scalars(
                select(AuditRecord.action).where(AuditRecord.batch_id == batch_id)
            ).all()
    finally:
        engine.dispose()
    assert "batch.download.coverage" in actions


def test_a_batch_checked_without_a_registry_has_no_coverage(server: Server) -> None:
    batch_id = _put(server, batches.DONE)
    with server.client() as c:
        for suffix in ("coverage", "coverage.xlsx"):
            message = error_of(c.get(f"/v1/batches/{batch_id}/{suffix}"), 409, "registry_missing")
            assert "data peserta" in message
        english = error_of(
            c.get(f"/v1/batches/{batch_id}/coverage", headers=EN), 409, "registry_missing"
        )
    assert "registry" in english


def test_not_found_not_ready_and_gone(server: Server, tmp_path: Path) -> None:
    # Running under another worker's lease: this server's worker leaves it alone (a queued
    # batch would be claimed, and fail on its missing file, before the request).
    queued = _put(
        server,
        batches.RUNNING,
        attempts=1,
        lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    missing_file = _put(
        server,
        batches.DONE,
        coverage={"totals": {}},
        result_coverage=str(tmp_path / "deleted.xlsx"),
    )
    with server.client() as c:
        error_of(c.get("/v1/batches/no-such-batch/coverage"), 404, "batch_not_found")
        error_of(c.get("/v1/batches/no-such-batch/coverage.xlsx"), 404, "batch_not_found")
        error_of(c.get(f"/v1/batches/{queued}/coverage"), 409, "batch_not_ready")
        error_of(c.get(f"/v1/batches/{missing_file}/coverage.xlsx"), 410, "result_gone")


def test_openapi_documents_the_coverage_routes(server: Server) -> None:
    with server.client() as c:
        openapi = c.get("/openapi.json").json()
    route = openapi["paths"]["/v1/batches/{batch_id}/coverage"]["get"]
    assert {"200", "404", "409"} <= set(route["responses"])
    assert openapi["components"]["schemas"]["CoveragePublic"]["examples"]
    assert "/v1/batches/{batch_id}/coverage.xlsx" in openapi["paths"]


def test_the_worker_computes_coverage_when_a_registry_is_loaded(
    server: Server, tmp_path: Path
) -> None:
    """End to end: branch staff load the sample extract into the server's store, upload
    PT Sinar Contoh's roster, and the batch carries its coverage report."""
    from bsu.rosters import extracts
    from bsu.store import imports as stored_evidence
    from tests.api.conftest import SAMPLES
    from tests.servers import wait_for

    engine = make_engine(server.env["BSU_DATABASE_URL"])
    try:
        stored_evidence.import_registry(
            engine, extracts.registry(SAMPLES / "registry-extract.csv"), dt.date(2025, 5, 2), "test"
        )
    finally:
        engine.dispose()
    roster = SAMPLES / "roster-clean.xlsx"
    with server.client() as c:
        submitted = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
        url = submitted.headers["location"]
        assert wait_for(c, url, {"done", "failed"})["status"] == "done"
        doc = c.get(url + "/coverage").json()
        totals = doc["totals"]
        # 12 workers: Eko is not registered, Bunga and Hesti are not active.
        assert totals["workers"] == 12
        assert (totals["active"], totals["inactive"], totals["not_registered"]) == (9, 2, 1)
        assert totals["coverage_pct"] == 75.0
        assert {r["nik"] for r in doc["outreach"]} == {
            "3171012309910005",
            "3275016502920002",
            "3275016907960008",
        }
        workbook = c.get(url + "/coverage.xlsx")
        assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
