"""Where a batch's workers were also submitted: the NIKs another done upload of the same
round holds as eligible (BSU is paid once per worker; ``bsu.store.claims``).

Branch staff see each other upload's batch, employer and file; an employer's key sees its
own batch's NIKs with each other upload only as "another employer" (UU 27/2022: nothing
about whom). One owner's uploads (a corrected roster) are not compared with each other.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from bsu.api.auth import CallerDep
from bsu.api.deps import SessionDep
from bsu.api.routes.batch_results import done
from bsu.api.routes.batches import audit_read
from bsu.api.schemas import ErrorPublic
from bsu.privacy.access import Role
from bsu.store import claims
from bsu.store.models import Batch, BatchRow

router = APIRouter(prefix="/v1/batches", tags=["batches"])


class UploadPublic(BaseModel):
    """Another upload holding the NIK as eligible; for an employer's key all is empty
    but the fact."""

    batch_id: str | None = None
    employer: str | None = Field(None, description="Staff only: company (NPP), or file.")
    filename: str | None = Field(None, description="Staff only.")
    finished_at: str | None = None


class SharedNikPublic(BaseModel):
    nik: str
    rows: list[int] = Field(description="This batch's roster rows holding the NIK.")
    elsewhere: list[UploadPublic]


class DuplicatesPublic(BaseModel):
    batch_id: str
    count: int
    data: list[SharedNikPublic]


@router.get(
    "/{batch_id}/duplicates",
    response_model=DuplicatesPublic,
    responses={404: {"model": ErrorPublic}, 409: {"model": ErrorPublic}},
)
def duplicates(
    batch_id: str, request: Request, session: SessionDep, principal: CallerDep
) -> DuplicatesPublic:
    """The NIKs of this batch that another done upload of the same round holds as
    eligible, with this batch's rows and the other uploads."""
    batch = done(session, batch_id, principal)
    shared = claims.shared_with(session, batch.id)
    others = {b for _n, b, _s in shared}
    uploads = (
        {b.id: b for b in session.scalars(select(Batch).where(Batch.id.in_(others))).all()}
        if others
        else {}
    )
    niks = sorted({n for n, _b, _s in shared})
    held: dict[str, list[int]] = {}
    if niks:
        found = session.execute(
            select(BatchRow.nik, BatchRow.row)
            .where(BatchRow.batch_id == batch.id, BatchRow.nik.in_(niks))
            .order_by(BatchRow.position)
        ).all()
        for nik, row in found:
            if nik is not None and row is not None:
                held.setdefault(nik, []).append(row)
    viewer = claims.Viewer(principal.evidence_scope)
    grouped: dict[str, list[UploadPublic]] = {}
    for nik, other_id, _status in shared:
        other = uploads.get(other_id)
        if other is None:
            continue
        grouped.setdefault(nik, []).append(_upload(other, viewer))
    data = [SharedNikPublic(nik=n, rows=held.get(n, []), elsewhere=grouped[n]) for n in niks]
    if principal.role is Role.STAFF:
        detail: dict[str, Any] = {"niks": len(data)}
        audit_read(session, request, principal, batch, "batch.read.duplicates", detail)
    return DuplicatesPublic(batch_id=batch.id, count=len(data), data=data)


def _upload(other: Batch, viewer: claims.Viewer) -> UploadPublic:
    employer = viewer.label(other)
    if employer is None:
        return UploadPublic()
    finished = other.finished_at.isoformat() if other.finished_at else None
    return UploadPublic(
        batch_id=other.id, employer=employer, filename=other.filename, finished_at=finished
    )
