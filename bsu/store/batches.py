"""Batches in the store: submit, claim with a lease, finish exactly once, read back.

A batch is claimed by one worker at a time with a lease it keeps renewing. A worker that
dies stops renewing; once the lease runs out any process claims the batch again. Results
are written in one transaction that also marks the batch done, and only by the holder of
the current claim, so a result is complete or absent, never partial or doubled.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bsu.store.models import AuditRecord, Batch, BatchRow, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def submit(
    session: Session,
    *,
    batch_id: str | None = None,
    filename: str,
    content_sha256: str,
    stored_path: str,
    size_bytes: int,
    ruleset_id: str,
    ruleset_version: str | None = None,
    submitted_by: str,
    lang: str = "id",
    idempotency_key: str | None = None,
) -> Batch:
    batch = Batch(
        id=batch_id or str(uuid.uuid4()),
        status=QUEUED,
        filename=filename,
        content_sha256=content_sha256,
        stored_path=stored_path,
        size_bytes=size_bytes,
        ruleset_id=ruleset_id,
        ruleset_version=ruleset_version,
        submitted_by=submitted_by,
        lang=lang,
        idempotency_key=idempotency_key,
        attempts=0,
        progress=0,
        created_at=utcnow(),
    )
    session.add(batch)
    audit(
        session,
        submitted_by,
        "batch.submitted",
        batch.id,
        ruleset_id,
        ruleset_version,
        {"filename": filename, "sha256": content_sha256, "bytes": size_bytes},
    )
    return batch


def audit(
    session: Session,
    actor: str,
    action: str,
    batch_id: str | None,
    ruleset_id: str | None,
    ruleset_version: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditRecord(
            at=utcnow(),
            actor=actor,
            action=action,
            batch_id=batch_id,
            ruleset_id=ruleset_id,
            ruleset_version=ruleset_version,
            detail=detail,
        )
    )


def claim(sessions: sessionmaker[Session], lease_seconds: float) -> tuple[str, int] | None:
    """Take the oldest queued batch, or one whose worker's lease ran out.

    Returns (batch id, attempt number) or None. The conditional UPDATE makes the claim
    atomic on SQLite and PostgreSQL alike: of two workers, only one changes the row.
    """
    now = utcnow()
    claimable = or_(
        Batch.status == QUEUED,
        (Batch.status == RUNNING) & (Batch.lease_until < now),
    )
    with sessions() as session:
        candidates = session.scalars(
            select(Batch.id).where(claimable).order_by(Batch.created_at).limit(5)
        ).all()
        for batch_id in candidates:
            attempt = session.scalar(select(Batch.attempts).where(Batch.id == batch_id)) or 0
            changed = _changed(
                session,
                update(Batch)
                .where(Batch.id == batch_id, Batch.attempts == attempt, claimable)
                .values(
                    status=RUNNING,
                    attempts=attempt + 1,
                    started_at=now,
                    lease_until=now + dt.timedelta(seconds=lease_seconds),
                    progress=0,
                ),
            )
            session.commit()
            if changed == 1:
                return batch_id, attempt + 1
    return None


def renew(
    sessions: sessionmaker[Session],
    batch_id: str,
    attempt: int,
    lease_seconds: float,
    progress: int | None = None,
) -> bool:
    """Extend the lease (and record progress); False if the claim was lost."""
    values: dict[str, Any] = {"lease_until": utcnow() + dt.timedelta(seconds=lease_seconds)}
    if progress is not None:
        values["progress"] = progress
    with sessions() as session:
        changed = _if_held(session, batch_id, attempt, **values)
        session.commit()
    return changed == 1


def finish(
    sessions: sessionmaker[Session],
    batch_id: str,
    attempt: int,
    *,
    rows: Sequence[dict[str, Any]],
    summary: dict[str, Any],
    sheets: list[Any],
    ruleset_version: str,
    result_xlsx: str,
    result_csv: str,
    coverage: dict[str, Any] | None = None,
    result_coverage: str | None = None,
) -> bool:
    """Store every row and mark the batch done, in one transaction, if still ours."""
    with sessions() as session, session.begin():
        held = _if_held(
            session,
            batch_id,
            attempt,
            status=DONE,
            progress=100,
            finished_at=utcnow(),
            lease_until=None,
            summary=summary,
            sheets=sheets,
            ruleset_version=ruleset_version,
            result_xlsx=result_xlsx,
            result_csv=result_csv,
            coverage=coverage,
            result_coverage=result_coverage,
        )
        if held != 1:
            session.rollback()
            return False
        session.execute(delete(BatchRow).where(BatchRow.batch_id == batch_id))
        if rows:
            session.execute(insert(BatchRow), [{**r, "batch_id": batch_id} for r in rows])
        batch = session.get(Batch, batch_id)
        audit(
            session,
            "worker",
            "batch.checked",
            batch_id,
            batch.ruleset_id if batch else None,
            ruleset_version,
            summary,
        )
    return True


def fail(
    sessions: sessionmaker[Session],
    batch_id: str,
    attempt: int,
    code: str,
    message_id: str,
    message_en: str,
) -> bool:
    with sessions() as session, session.begin():
        held = _if_held(
            session,
            batch_id,
            attempt,
            status=FAILED,
            finished_at=utcnow(),
            lease_until=None,
            error_code=code,
            error_id=message_id,
            error_en=message_en,
        )
        if held == 1:
            audit(session, "worker", "batch.failed", batch_id, None, None, {"code": code})
    return held == 1


def _if_held(session: Session, batch_id: str, attempt: int, **values: Any) -> int:
    """Update the batch only if this attempt still holds its claim; rows changed (0 or 1)."""
    return _changed(
        session,
        update(Batch)
        .where(Batch.id == batch_id, Batch.attempts == attempt, Batch.status == RUNNING)
        .values(**values),
    )


def _changed(session: Session, statement: Any) -> int:
    """Run an UPDATE and say how many rows it changed."""
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)


def expired(sessions: sessionmaker[Session], before: dt.datetime) -> list[Batch]:
    """Finished batches (done or failed) older than ``before`` whose files are still kept."""
    with sessions() as session:
        return list(
            session.scalars(
                select(Batch).where(
                    Batch.status.in_([DONE, FAILED]),
                    Batch.finished_at < before,
                    Batch.purged_at.is_(None),
                )
            ).all()
        )


def purged(sessions: sessionmaker[Session], batch_id: str) -> None:
    """Record that a batch's personal data is gone: rows deleted, file paths cleared."""
    with sessions() as session, session.begin():
        session.execute(delete(BatchRow).where(BatchRow.batch_id == batch_id))
        session.execute(
            update(Batch)
            .where(Batch.id == batch_id)
            .values(
                purged_at=utcnow(),
                result_xlsx=None,
                result_csv=None,
                coverage=None,  # its outreach list names workers
                result_coverage=None,
            )
        )
        audit(session, "worker", "batch.purged", batch_id, None, None)


def by_idempotency_key(session: Session, key: str) -> Batch | None:
    return session.scalar(select(Batch).where(Batch.idempotency_key == key))


def get(session: Session, batch_id: str) -> Batch | None:
    return session.get(Batch, batch_id)


def rows(
    session: Session, batch_id: str, status: str | None, offset: int, limit: int
) -> tuple[list[BatchRow], int]:
    """One page of a batch's rows in roster order, and how many rows match in all."""
    query = select(BatchRow).where(BatchRow.batch_id == batch_id)
    counted = select(func.count()).select_from(BatchRow).where(BatchRow.batch_id == batch_id)
    if status:
        query = query.where(BatchRow.status == status)
        counted = counted.where(BatchRow.status == status)
    page = session.scalars(query.order_by(BatchRow.position).offset(offset).limit(limit)).all()
    return list(page), int(session.scalar(counted) or 0)
