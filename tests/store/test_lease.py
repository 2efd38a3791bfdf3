"""Leases: an abandoned batch is taken over, the old holder writes nothing, and a result is
stored exactly once by the current holder; failures keep their code and both messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bsu.store import batches
from bsu.store.models import AuditRecord, Batch, utcnow
from tests.store.conftest import actions, fetch, queue, stored_rows

LEASE = 60.0


def _row(position: int, status: str = "eligible") -> dict[str, Any]:
    reason = {"code": "WAGE_ABOVE_CAP", "message": "m", "citation": "Pasal 3"}
    return {
        "position": position,
        "source": "roster.xlsx",
        "sheet": "Pekerja",
        "row": position + 2,
        "nik": f"32750141019000{position:02d}",
        "name": f"Pekerja {position}",
        "status": status,
        "reasons_id": [] if status == "eligible" else [reason],
        "reasons_en": [] if status == "eligible" else [{**reason, "message": "en"}],
        "wage": 3_000_000.0,
        "wage_cap": 3_500_000.0,
        "benefit": 600_000 if status == "eligible" else 0,
    }


def _finish(factory: sessionmaker[Session], batch_id: str, attempt: int, n: int) -> bool:
    rows = [_row(i, "eligible" if i % 2 == 0 else "ineligible") for i in range(n)]
    eligible = sum(1 for r in rows if r["status"] == "eligible")
    return batches.finish(
        factory,
        batch_id,
        attempt,
        rows=rows,
        summary={
            "total": n,
            "eligible": eligible,
            "ineligible": n - eligible,
            "review": 0,
            "benefit_total": eligible * 600_000,
        },
        sheets=[{"source": "roster.xlsx", "sheet": "Pekerja", "header_row": 1, "rows": n}],
        ruleset_version="2025.1",
        result_xlsx=f"/results/{batch_id}-{attempt}.xlsx",
        result_csv=f"/results/{batch_id}-{attempt}.csv",
    )


def _expire(factory: sessionmaker[Session], batch_id: str) -> None:
    """The holder stopped renewing: its lease ran out a minute ago."""
    with factory() as session:
        session.execute(
            update(Batch)
            .where(Batch.id == batch_id)
            .values(lease_until=utcnow() - dt.timedelta(minutes=1))
        )
        session.commit()


def _lease(batch: Batch) -> dt.datetime:
    """The lease end as naive UTC (SQLite hands back naive UTC, PostgreSQL an aware time)."""
    moment = batch.lease_until
    assert moment is not None
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def test_an_expired_lease_is_claimed_again_and_the_old_holder_is_shut_out(
    factory: sessionmaker[Session],
) -> None:
    [batch_id] = queue(factory, 1)
    assert batches.claim(factory, LEASE) == (batch_id, 1)
    assert batches.renew(factory, batch_id, 1, LEASE, progress=40)
    assert fetch(factory, batch_id).progress == 40

    _expire(factory, batch_id)
    assert batches.claim(factory, LEASE) == (batch_id, 2)
    taken = fetch(factory, batch_id)
    assert (taken.status, taken.attempts, taken.progress) == (batches.RUNNING, 2, 0)
    assert _lease(taken) > dt.datetime.now(dt.UTC).replace(tzinfo=None)

    # The first worker wakes up: its renew and finish change nothing.
    assert batches.renew(factory, batch_id, 1, 3600, progress=85) is False
    assert _finish(factory, batch_id, 1, 3) is False
    after = fetch(factory, batch_id)
    assert (after.status, after.attempts, after.progress) == (batches.RUNNING, 2, 0)
    assert _lease(after) == _lease(taken), "the lost renew did not extend the lease"
    assert after.summary is None and after.result_xlsx is None
    assert stored_rows(factory, batch_id) == []
    assert "batch.checked" not in actions(factory, batch_id)

    # The current holder renews and finishes.
    assert batches.renew(factory, batch_id, 2, LEASE, progress=60)
    assert _finish(factory, batch_id, 2, 5) is True
    done = fetch(factory, batch_id)
    assert (done.status, done.progress, done.lease_until) == (batches.DONE, 100, None)
    assert done.result_xlsx == f"/results/{batch_id}-2.xlsx"
    assert done.summary == {
        "total": 5,
        "eligible": 3,
        "ineligible": 2,
        "review": 0,
        "benefit_total": 1_800_000,
    }
    assert done.ruleset_version == "2025.1"
    assert done.finished_at is not None
    rows = stored_rows(factory, batch_id)
    assert [r.position for r in rows] == [0, 1, 2, 3, 4]
    assert [r.status for r in rows] == ["eligible", "ineligible"] * 2 + ["eligible"]
    assert rows[1].reasons_id[0]["code"] == "WAGE_ABOVE_CAP"
    assert rows[1].reasons_en[0]["message"] == "en"
    assert actions(factory, batch_id) == ["batch.submitted", "batch.checked"]

    # A done batch is never claimed again, however old its lease.
    assert batches.claim(factory, LEASE) is None
    assert batches.renew(factory, batch_id, 2, LEASE) is False


def test_finish_twice_stores_the_rows_once(factory: sessionmaker[Session]) -> None:
    [batch_id] = queue(factory, 1)
    assert batches.claim(factory, LEASE) == (batch_id, 1)
    assert _finish(factory, batch_id, 1, 4) is True
    first = fetch(factory, batch_id)

    assert _finish(factory, batch_id, 1, 7) is False
    again = fetch(factory, batch_id)
    assert len(stored_rows(factory, batch_id)) == 4
    assert again.summary == first.summary and again.finished_at == first.finished_at
    with factory() as session:
        checked = session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.batch_id == batch_id, AuditRecord.action == "batch.checked")
        )
    assert checked == 1


def test_an_unclaimed_batch_cannot_be_finished(factory: sessionmaker[Session]) -> None:
    [batch_id] = queue(factory, 1)
    assert _finish(factory, batch_id, 0, 2) is False
    assert _finish(factory, batch_id, 1, 2) is False
    assert fetch(factory, batch_id).status == batches.QUEUED
    assert stored_rows(factory, batch_id) == []


def test_fail_records_the_code_and_both_messages(factory: sessionmaker[Session]) -> None:
    [batch_id] = queue(factory, 1)
    assert batches.claim(factory, LEASE) == (batch_id, 1)
    assert batches.fail(
        factory, batch_id, 1, "xlsx_invalid", "Berkas ini bukan workbook.", "Not a workbook."
    )
    failed = fetch(factory, batch_id)
    assert failed.status == batches.FAILED
    assert (failed.error_code, failed.error_id, failed.error_en) == (
        "xlsx_invalid",
        "Berkas ini bukan workbook.",
        "Not a workbook.",
    )
    assert failed.finished_at is not None and failed.lease_until is None
    assert actions(factory, batch_id) == ["batch.submitted", "batch.failed"]

    # Failed is final: no second failure, no result, no claim.
    assert batches.fail(factory, batch_id, 1, "other", "x", "y") is False
    assert _finish(factory, batch_id, 1, 2) is False
    assert batches.claim(factory, LEASE) is None
    assert fetch(factory, batch_id).error_code == "xlsx_invalid"
    assert stored_rows(factory, batch_id) == []


def test_a_stale_holder_cannot_fail_the_batch(factory: sessionmaker[Session]) -> None:
    [batch_id] = queue(factory, 1)
    assert batches.claim(factory, LEASE) == (batch_id, 1)
    _expire(factory, batch_id)
    assert batches.claim(factory, LEASE) == (batch_id, 2)
    assert batches.fail(factory, batch_id, 1, "internal_error", "x", "y") is False
    still = fetch(factory, batch_id)
    assert (still.status, still.error_code) == (batches.RUNNING, None)
    assert "batch.failed" not in actions(factory, batch_id)


def test_rows_are_read_back_a_page_at_a_time(factory: sessionmaker[Session]) -> None:
    [batch_id] = queue(factory, 1)
    assert batches.claim(factory, LEASE) == (batch_id, 1)
    assert _finish(factory, batch_id, 1, 7) is True
    with factory() as session:
        page, count = batches.rows(session, batch_id, None, 5, 5)
        assert ([r.position for r in page], count) == ([5, 6], 7)
        page, count = batches.rows(session, batch_id, "ineligible", 0, 100)
        assert ([r.position for r in page], count) == ([1, 3, 5], 3)
        assert batches.rows(session, batch_id, "review", 0, 100) == ([], 0)
        assert batches.get(session, "no-such-batch") is None
