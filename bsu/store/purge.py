"""Purging a batch past the retention period: its rows and whatever on its record could
name a person go; an audit tombstone stays (``bsu.service.retention`` decides when)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bsu.store import claims
from bsu.store.batches import DONE, FAILED, rows_changed
from bsu.store.models import AuditRecord, Batch, BatchRow

# What a purged batch's filename becomes (with the original suffix).
PURGED_NAME = "purged"


def expired(sessions: sessionmaker[Session], before: dt.datetime) -> list[Batch]:
    """Finished batches (done or failed) older than ``before`` whose files are still kept."""
    with sessions() as session:
        return list(
            session.scalars(
                select(Batch)
                .where(
                    Batch.status.in_([DONE, FAILED]),
                    Batch.finished_at < before,
                    Batch.purged_at.is_(None),
                )
                .order_by(Batch.finished_at)
            ).all()
        )


def purged(
    sessions: sessionmaker[Session],
    batch_id: str,
    *,
    at: dt.datetime,
    actor: str,
    files_deleted: int,
    retention_days: float,
) -> int | None:
    """Delete a batch's rows and whatever on its record could name a person, and leave
    an audit tombstone; the rows deleted, or None if another process purged it first.

    What stays is what the audit needs and names nobody: status, counts, rule set, times,
    the file's hash and size. The filename goes too ("gaji-budi.xlsx" names a person): it
    becomes ``purged`` with the original suffix. (Audit records are append-only, so what
    they hold is never purged: they must not be given personal data in the first place.)
    """
    with sessions() as session, session.begin():
        batch = session.get(Batch, batch_id)
        if batch is None or batch.purged_at is not None:
            return None
        neutral = PURGED_NAME + Path(batch.filename).suffix.lower()[:16]
        changed = rows_changed(
            session,
            update(Batch)
            .where(Batch.id == batch_id, Batch.purged_at.is_(None))
            .values(
                purged_at=at,
                filename=neutral,
                stored_path="",
                idempotency_key=None,  # chosen by the client: it may carry anything
                result_xlsx=None,
                result_csv=None,
                coverage=None,  # its outreach list names workers
                result_coverage=None,
                sheets=[
                    {"header_row": s.get("header_row"), "rows": s.get("rows")}
                    for s in batch.sheets or []
                    if isinstance(s, dict)
                ]
                or None,
                error_id=None,  # a reader's message may quote the file
                error_en=None,
            ),
        )
        if changed != 1:
            return None
        rows = rows_changed(session, delete(BatchRow).where(BatchRow.batch_id == batch_id))
        claims.purge(session, batch_id)
        session.add(
            AuditRecord(
                at=at,
                actor=actor,
                action="batch.purged",
                batch_id=batch_id,
                ruleset_id=batch.ruleset_id,
                ruleset_version=batch.ruleset_version,
                detail={
                    "rows_deleted": rows,
                    "files_deleted": files_deleted,
                    "retention_days": retention_days,
                },
            )
        )
    return rows
