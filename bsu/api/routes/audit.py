"""The audit log, for branch staff: read-only here (no route changes it, and the database
refuses UPDATE and DELETE on it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from bsu.api.auth import StaffDep
from bsu.api.deps import SessionDep
from bsu.api.routes.batches import as_utc
from bsu.api.schemas import AuditPublic, AuditsPublic, ErrorPublic
from bsu.store import batches

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get(
    "",
    response_model=AuditsPublic,
    responses={401: {"model": ErrorPublic}, 403: {"model": ErrorPublic}},
)
def audit_log(
    session: SessionDep,
    principal: StaffDep,
    batch_id: str | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditsPublic:
    """Who did what to which batch, newest first: the batches of the caller's branch."""
    found, count = batches.audit_trail(
        session, principal, batch_id, (page - 1) * page_size, page_size
    )
    data = [
        AuditPublic(
            id=r.id,
            at=as_utc(r.at) or r.at,
            actor=r.actor,
            action=r.action,
            batch_id=r.batch_id,
            request_id=r.request_id,
            ruleset_id=r.ruleset_id,
            ruleset_version=r.ruleset_version,
            detail=r.detail,
        )
        for r in found
    ]
    return AuditsPublic(data=data, count=count, page=page, page_size=page_size)
