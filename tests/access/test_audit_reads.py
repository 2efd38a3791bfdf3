"""A batch's status and the batch list name a file and an employer: a staff read of either
is audited like a read of rows (actor, action, batch, request id; the list one record per
batch shown). An employer reading its own batches is not (its own data), as for rows, nor
a staff key polling the status of a batch it uploaded itself. On SQLite and PostgreSQL."""

from __future__ import annotations

from tests.access.conftest import CLEAN, Tenants
from tests.access.test_audit import _records
from tests.support import request_id as fresh_request_id


def test_a_staff_read_of_a_batchs_status_is_audited(tenants: Tenants) -> None:
    request_id = fresh_request_id()
    batch_id = tenants.batch_a["id"]
    with tenants.client("staff_jkt") as c:
        answer = c.get(f"/v1/batches/{batch_id}", headers={"X-Request-ID": request_id})
    assert answer.status_code == 200, answer.text
    [record] = _records(tenants, request_id)
    assert (record.action, record.batch_id) == ("batch.read.status", batch_id)
    assert record.actor.startswith("staff:") and "Cabang Jakarta" in record.actor
    assert record.at is not None

    with tenants.client("staff_jkt") as c:
        trail = c.get("/v1/audit", params={"batch_id": batch_id, "page_size": 500}).json()
    mine = [r for r in trail["data"] if r["request_id"] == request_id]
    assert [(r["action"], r["batch_id"]) for r in mine] == [("batch.read.status", batch_id)]


def test_a_staff_read_of_the_list_is_audited_for_every_batch_it_shows(tenants: Tenants) -> None:
    request_id = fresh_request_id()
    with tenants.client("staff_jkt") as c:
        answer = c.get("/v1/batches", headers={"X-Request-ID": request_id})
    assert answer.status_code == 200, answer.text
    shown = [b["id"] for b in answer.json()["data"]]
    assert tenants.batch_a["id"] in shown
    records = _records(tenants, request_id)
    assert sorted(r.batch_id or "" for r in records) == sorted(shown)
    assert {r.action for r in records} == {"batch.read.list"}
    assert all(r.actor.startswith("staff:") and "Cabang Jakarta" in r.actor for r in records)

    # The branch sees the read in its own audit trail, under the batch.
    with tenants.client("staff_jkt") as c:
        trail = c.get(
            "/v1/audit", params={"batch_id": tenants.batch_a["id"], "page_size": 500}
        ).json()
    assert [r["action"] for r in trail["data"] if r["request_id"] == request_id] == [
        "batch.read.list"
    ]


def test_a_staff_list_page_showing_nothing_records_nothing(tenants: Tenants) -> None:
    request_id = fresh_request_id()
    with tenants.client("staff_jkt") as c:
        answer = c.get(
            "/v1/batches", params={"status": "failed"}, headers={"X-Request-ID": request_id}
        )
    assert answer.status_code == 200 and answer.json()["data"] == []
    assert _records(tenants, request_id) == []


def test_an_employer_reading_its_own_status_and_list_is_not_audited(tenants: Tenants) -> None:
    for route in (f"/v1/batches/{tenants.batch_a['id']}", "/v1/batches"):
        request_id = fresh_request_id()
        with tenants.client("employer_a") as c:
            answer = c.get(route, headers={"X-Request-ID": request_id})
        assert answer.status_code == 200, answer.text
        assert _records(tenants, request_id) == []


def test_staff_polling_the_batch_they_uploaded_is_not_a_read_of_anothers_data(
    tenants: Tenants,
) -> None:
    with tenants.client("staff_jkt") as c:
        sent = c.post("/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())})
        assert sent.status_code == 202, sent.text
        request_id = fresh_request_id()
        for _ in range(3):
            polled = c.get(sent.headers["location"], headers={"X-Request-ID": request_id})
            assert polled.status_code == 200
    assert _records(tenants, request_id) == []
