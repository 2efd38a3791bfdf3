"""The audit trail's writer: one append-only record per thing done to a batch, a key or
the evidence (who, what, when, under which request). Records name no person: what they
hold is never purged (``bsu.store.purge``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bsu.store.models import AuditRecord, utcnow


def audit(
    session: Session,
    actor: str,
    action: str,
    batch_id: str | None,
    ruleset_id: str | None,
    ruleset_version: str | None,
    detail: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """Add the record to ``session``: it is written with whatever the session commits."""
    session.add(
        AuditRecord(
            at=utcnow(),
            actor=actor,
            action=action,
            batch_id=batch_id,
            ruleset_id=ruleset_id,
            ruleset_version=ruleset_version,
            detail=detail,
            request_id=request_id,
        )
    )
