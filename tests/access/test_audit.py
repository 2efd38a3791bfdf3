"""Every staff read of personal data is in the audit log, which nothing can change."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from bsu.store.models import AuditRecord
from tests.access.conftest import Tenants
from tests.support import request_id as fresh_request_id

READS = [
    ("/v1/batches/{id}/rows", "batch.read.rows"),
    ("/v1/batches/{id}/result.xlsx", "batch.download.xlsx"),
    ("/v1/batches/{id}/result.csv", "batch.download.csv"),
]


def _records(t: Tenants, request_id: str) -> list[AuditRecord]:
    engine = create_engine(t.env["BSU_DATABASE_URL"])
    try:
        with engine.connect() as c:
            found = c.execute(select(AuditRecord).where(AuditRecord.request_id == request_id))
            return list(found.all())  # type: ignore[arg-type]
    finally:
        engine.dispose()


@pytest.mark.parametrize(("route", "action"), READS)
def test_a_staff_read_records_who_when_which_batch_action_and_request(
    tenants: Tenants, route: str, action: str
) -> None:
    request_id = fresh_request_id()
    batch_id = tenants.batch_a["id"]
    with tenants.client("staff_jkt") as c:
        answer = c.get(route.format(id=batch_id), headers={"X-Request-ID": request_id})
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] == request_id
    [record] = _records(tenants, request_id)
    assert record.action == action
    assert record.batch_id == batch_id
    assert record.actor.startswith("staff:") and "Cabang Jakarta" in record.actor
    assert tenants.keys["staff_jkt"].split("_", 2)[2] not in record.actor
    assert record.at is not None

    with tenants.client("staff_jkt") as c:
        trail = c.get("/v1/audit", params={"batch_id": batch_id, "page_size": 500}).json()
    mine = [r for r in trail["data"] if r["request_id"] == request_id]
    assert [(r["action"], r["batch_id"]) for r in mine] == [(action, batch_id)]


def test_an_employer_reading_its_own_rows_is_not_a_staff_read(tenants: Tenants) -> None:
    request_id = fresh_request_id()
    with tenants.client("employer_a") as c:
        answer = c.get(
            f"/v1/batches/{tenants.batch_a['id']}/rows", headers={"X-Request-ID": request_id}
        )
    assert answer.status_code == 200
    assert _records(tenants, request_id) == []


def test_another_branch_sees_nothing_of_this_batchs_audit(tenants: Tenants) -> None:
    with tenants.client("staff_sby") as c:
        trail = c.get("/v1/audit", params={"batch_id": tenants.batch_a["id"]}).json()
    assert trail["count"] == 0 and trail["data"] == []


def test_a_request_id_carrying_a_nik_is_replaced(tenants: Tenants) -> None:
    with tenants.client("staff_jkt") as c:
        answer = c.get("/healthz", headers={"X-Request-ID": "nik-3275014101900001"})
    assert "3275014101900001" not in answer.headers["x-request-id"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
@pytest.mark.parametrize("path", ["/v1/audit", "/v1/audit/1"])
def test_the_api_cannot_change_the_audit_log(tenants: Tenants, method: str, path: str) -> None:
    before = _count(tenants)
    with tenants.client("staff_jkt") as c:
        answer = c.request(method, path, json={"action": "forged"})
    assert answer.status_code in (404, 405), answer.text
    assert _count(tenants) == before


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_records SET actor = 'forged'", "DELETE FROM audit_records"],
)
def test_the_database_refuses_to_change_the_audit_log(tenants: Tenants, statement: str) -> None:
    before = _count(tenants)
    engine = create_engine(tenants.env["BSU_DATABASE_URL"])
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as c:
            c.execute(text(statement))
    finally:
        engine.dispose()
    assert _count(tenants) == before


def _count(t: Tenants) -> int:
    engine = create_engine(t.env["BSU_DATABASE_URL"])
    try:
        with engine.connect() as c:
            return int(c.scalar(select(func.count()).select_from(AuditRecord)) or 0)
    finally:
        engine.dispose()
