"""Batches in the store: submit, claim with a lease, finish exactly once, read back.

A batch is claimed by one worker at a time with a lease it keeps renewing. A worker that
dies stops renewing; once the lease runs out any process claims the batch again. Results
are written in one transaction that also marks the batch done, and only by the holder of
the current claim, so a result is complete or absent, never partial or doubled.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from bsu.privacy.access import Principal, Role
from bsu.store import claims
from bsu.store.audit import audit as audit  # batches.audit: the API records with it
from bsu.store.models import AuditRecord, Batch, BatchRow, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# The audit action of an attempt given back to the queue (see ``release``).
INTERRUPTED = "batch.interrupted"


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
    employer_id: str | None = None,
    branch: str | None = None,
    request_id: str | None = None,
    read_options: dict[str, Any] | None = None,
) -> Batch:
    """A new queued batch. ``read_options``: what the uploader asked of the reading
    (``{"mapping": {field: header}}``), None for the automatic reading."""
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
        employer_id=employer_id,
        branch=branch,
        read_options=read_options,
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
        # Only the file's type: a filename can name a person ("gaji-budi.xlsx"), and the
        # audit log outlives the retention period.
        {"suffix": Path(filename).suffix.lower(), "sha256": content_sha256, "bytes": size_bytes},
        request_id=request_id,
    )
    return batch


def claim(sessions: sessionmaker[Session], lease_seconds: float) -> tuple[str, int] | None:
    """Take the oldest queued batch, or one whose worker's lease ran out.

    Returns (batch id, attempt number) or None. On PostgreSQL the batch's row is locked with
    ``SELECT ... FOR UPDATE SKIP LOCKED``: workers claiming at once each get a different
    batch, and none waits for another's transaction. SQLite has neither row locks nor SKIP
    LOCKED (one writer at a time); there a conditional UPDATE makes the claim atomic: of two
    workers, only one changes the row.
    """
    now = utcnow()
    claimable = or_(
        Batch.status == QUEUED,
        (Batch.status == RUNNING) & (Batch.lease_until < now),
    )
    with sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            return _claim_locked(session, claimable, now, lease_seconds)
        candidates = session.scalars(
            select(Batch.id).where(claimable).order_by(Batch.created_at).limit(5)
        ).all()
        for batch_id in candidates:
            attempt = session.scalar(select(Batch.attempts).where(Batch.id == batch_id)) or 0
            changed = rows_changed(
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


def _claim_locked(
    session: Session, claimable: Any, now: dt.datetime, lease_seconds: float
) -> tuple[str, int] | None:
    """The claim on PostgreSQL: lock the oldest claimable row no one else holds, take it."""
    with session.begin():
        found = session.execute(
            select(Batch.id, Batch.attempts)
            .where(claimable)
            .order_by(Batch.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if found is None:
            return None
        attempt = (found.attempts or 0) + 1
        session.execute(
            update(Batch)
            .where(Batch.id == found.id)
            .values(
                status=RUNNING,
                attempts=attempt,
                started_at=now,
                lease_until=now + dt.timedelta(seconds=lease_seconds),
                progress=0,
            )
        )
    return found.id, attempt


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
    payment: dict[str, Any] | None = None,
    employer: tuple[str | None, str | None, str | None] = (None, None, None),
    settle: claims.ToSettle | None = None,
    actor: str = "worker",
) -> bool:
    """Store every row and mark the batch done, in one transaction, if still ours; the
    audit names ``actor``, the worker that checked it. ``payment``: the payment
    pre-check's counts (None when no row was pre-checked). ``employer``: the roster's
    employer (NPP, company name, basis: ``bsu.coverage.employers``). ``settle``: the
    batch's NIKs for the paid-once rule across uploads (``bsu.store.claims.settle``);
    raises ``claims.Stale`` (nothing kept) when another upload of the round finished
    while it was judged."""
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
            payment=payment,
            employer_npp=employer[0],
            employer_name=employer[1],
            employer_basis=employer[2],
        )
        if held != 1:
            session.rollback()
            return False
        if settle is not None:
            settled = claims.settle(session, batch_id, settle, actor)
            if settled is claims.Settled.STALE:
                session.rollback()
                raise claims.Stale(batch_id)
        session.execute(delete(BatchRow).where(BatchRow.batch_id == batch_id))
        if rows:
            if session.get_bind().dialect.name == "postgresql":
                rows = [_without_nul(r) for r in rows]
            session.execute(insert(BatchRow), [{**r, "batch_id": batch_id} for r in rows])
        batch = session.get(Batch, batch_id)
        audit(
            session,
            actor,
            "batch.checked",
            batch_id,
            batch.ruleset_id if batch else None,
            ruleset_version,
            summary,
        )
    return True


_TEXT_FIELDS = ("source", "sheet", "nik", "name")


def _without_nul(row: dict[str, Any]) -> dict[str, Any]:
    """PostgreSQL text cannot hold NUL, which a CSV cell can: it is stored as U+FFFD
    (the result files keep the cell as it was)."""
    texts = {k: row[k] for k in _TEXT_FIELDS if isinstance(row.get(k), str) and "\x00" in row[k]}
    if not texts:
        return row
    return {**row, **{k: v.replace("\x00", "\ufffd") for k, v in texts.items()}}


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


def release(
    sessions: sessionmaker[Session],
    batch_id: str,
    attempt: int,
    cause: str,
    actor: str = "worker",
) -> bool:
    """Give a batch back to the queue: its check was interrupted by a stop, a database
    outage or a full disk, none of them the file's fault. The attempt is recorded as
    interrupted (``batch.interrupted``), so it is not counted among the deaths that
    abandon a batch; that is recorded even when another worker took the batch over while
    this one could not reach the database. True if the batch went back to the queue."""
    with sessions() as session, session.begin():
        held = _if_held(session, batch_id, attempt, status=QUEUED, lease_until=None, progress=0)
        pending = held == 1 or (
            session.scalar(
                select(func.count())
                .select_from(Batch)
                .where(
                    Batch.id == batch_id,
                    Batch.attempts > attempt,
                    Batch.status.in_([QUEUED, RUNNING]),
                )
            )
            == 1
        )
        if pending:
            detail = {"attempt": attempt, "cause": cause}
            audit(session, actor, INTERRUPTED, batch_id, None, None, detail)
    return held == 1


def deaths(sessions: sessionmaker[Session], batch_id: str, attempt: int) -> int:
    """How many attempts before ``attempt`` ended without a word: their process died (the
    OS killed it, or a file killed its checker). Interrupted attempts are not counted, nor
    those that ended done before the batch was sent back to be checked again
    (``claims.RECHECKED``)."""
    with sessions() as session:
        interrupted = session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(
                AuditRecord.batch_id == batch_id,
                AuditRecord.action.in_([INTERRUPTED, claims.RECHECKED]),
            )
        )
    return max(0, attempt - 1 - int(interrupted or 0))


def _if_held(session: Session, batch_id: str, attempt: int, **values: Any) -> int:
    """Update the batch only if this attempt still holds its claim; rows changed (0 or 1)."""
    return rows_changed(
        session,
        update(Batch)
        .where(Batch.id == batch_id, Batch.attempts == attempt, Batch.status == RUNNING)
        .values(**values),
    )


def rows_changed(session: Session, statement: Any) -> int:
    """Run an UPDATE and say how many rows it changed."""
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)


def by_idempotency_key(session: Session, key: str) -> Batch | None:
    return session.scalar(select(Batch).where(Batch.idempotency_key == key))


def get(session: Session, batch_id: str) -> Batch | None:
    return session.get(Batch, batch_id)


def rows(
    session: Session,
    batch_id: str,
    status: str | None,
    offset: int,
    limit: int,
    payment_findings: bool = False,
) -> tuple[list[BatchRow], int]:
    """One page of a batch's rows in roster order, and how many rows match in all; with
    ``payment_findings`` only the rows the payment pre-check found something in."""
    query = select(BatchRow).where(BatchRow.batch_id == batch_id)
    counted = select(func.count()).select_from(BatchRow).where(BatchRow.batch_id == batch_id)
    if status:
        query = query.where(BatchRow.status == status)
        counted = counted.where(BatchRow.status == status)
    if payment_findings:
        query = query.where(BatchRow.payment_findings > 0)
        counted = counted.where(BatchRow.payment_findings > 0)
    page = session.scalars(query.order_by(BatchRow.position).offset(offset).limit(limit)).all()
    return list(page), int(session.scalar(counted) or 0)


def visible_to(principal: Principal) -> Any:
    """The condition on ``batches`` that keeps a caller to its own tenant."""
    if principal.role is Role.LOCAL:
        return true()
    if principal.role is Role.EMPLOYER:
        return Batch.employer_id == principal.employer_id
    return Batch.branch == principal.branch


# How every batch id is written (str(uuid4())): anything else names no batch, and is
# answered without a query (a NUL or a stray byte never reaches the database).
_BATCH_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_batch_id(text: str) -> bool:
    """Whether ``text`` could name a batch at all."""
    return _BATCH_ID.fullmatch(text) is not None


def visible(session: Session, batch_id: str, principal: Principal) -> Batch | None:
    """The batch if it exists and the caller may see it; None either way otherwise."""
    if not is_batch_id(batch_id):
        return None
    return session.scalar(select(Batch).where(Batch.id == batch_id, visible_to(principal)))


def listed(
    session: Session, principal: Principal, status: str | None, offset: int, limit: int
) -> tuple[list[Batch], int]:
    """One page of the caller's batches, newest first, and how many there are."""
    where = [visible_to(principal)]
    if status:
        where.append(Batch.status == status)
    found = session.scalars(
        select(Batch).where(*where).order_by(Batch.created_at.desc()).offset(offset).limit(limit)
    ).all()
    count = session.scalar(select(func.count()).select_from(Batch).where(*where))
    return list(found), int(count or 0)


def audit_trail(
    session: Session, principal: Principal, batch_id: str | None, offset: int, limit: int
) -> tuple[list[AuditRecord], int]:
    """Audit records of the batches the caller may see (all of them for the local user)."""
    if batch_id and not is_batch_id(batch_id):
        return [], 0  # no batch has that id
    where: list[Any] = []
    if principal.role is not Role.LOCAL:
        where.append(AuditRecord.batch_id.in_(select(Batch.id).where(visible_to(principal))))
    if batch_id:
        where.append(AuditRecord.batch_id == batch_id)
    found = session.scalars(
        select(AuditRecord)
        .where(*where)
        .order_by(AuditRecord.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    count = session.scalar(select(func.count()).select_from(AuditRecord).where(*where))
    return list(found), int(count or 0)
