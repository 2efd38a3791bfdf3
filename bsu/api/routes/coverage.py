"""A batch's coverage (Universal Coverage Jamsostek): JSON and the workbook.

The worker computes coverage when the batch was checked with a participant registry
loaded (``bsu.coverage.compute.compute(...).to_json()`` into ``Batch.coverage``, the workbook of
``bsu.coverage.workbook.write_xlsx`` at ``Batch.result_coverage``); these routes only serve
them. Coverage % = registered and active ÷ workers on the roster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from bsu.api.auth import StaffDep
from bsu.api.deps import SessionDep
from bsu.api.routes.batch_results import done
from bsu.api.routes.batches import audit_read
from bsu.api.schemas import ErrorPublic
from bsu.coverage.compute import registry_missing
from bsu.errors import Conflict, Gone
from bsu.privacy.access import Principal
from bsu.results import formats
from bsu.store.models import Batch

router = APIRouter(prefix="/v1/batches", tags=["coverage"])

_COUNTS_EXAMPLE: dict[str, Any] = {
    "workers": 10,
    "active": 5,
    "inactive": 2,
    "not_registered": 2,
    "nik_unusable": 1,
    "coverage_pct": 50.0,
}
COVERAGE_EXAMPLE: dict[str, Any] = {
    "lang": "id",
    "ruleset": {"id": "bsu-2025", "version": "2025.1"},
    "registry": ["2025-05-02"],
    "definition": "Cakupan (%) = pekerja terdaftar dan aktif ÷ seluruh pekerja di roster × 100.",
    "totals": {**_COUNTS_EXAMPLE, "employers": 1, "outreach": 4},
    "by_employer": [
        {
            "employer": "PT Sinar Contoh (NPP NPP-32750001)",
            "npp": "NPP-32750001",
            "employer_name": "PT Sinar Contoh",
            "basis": "registry",
            **_COUNTS_EXAMPLE,
        }
    ],
    "by_region": [
        {
            "province_code": "32",
            "province": "Jawa Barat",
            "region_code": "32.75",
            "region": "Kota Bekasi",
            **_COUNTS_EXAMPLE,
        }
    ],
    "by_province": [{"province_code": "32", "province": "Jawa Barat", **_COUNTS_EXAMPLE}],
    "outreach": [
        {
            "employer": "PT Sinar Contoh (NPP NPP-32750001)",
            "npp": "NPP-32750001",
            "source": "roster.xlsx",
            "sheet": "Pekerja",
            "row": 5,
            "nik": "3275014708950004",
            "name": "Dewi Anggraini",
            "status": "Terdaftar, tidak aktif",
            "last_paid_month": "November 2024",
            "phone": "081234567890",
            "email": None,
            "province": "Jawa Barat",
            "region_code": "32.75",
            "region": "Kota Bekasi",
            "region_raw": "Kota Bekasi",
            "why": "inactive",
            "why_text": "Terdaftar, tetapi tidak aktif",
        }
    ],
}


class CoveragePublic(BaseModel):
    """Coverage of a batch, in the language the batch was submitted in. Counts per class:
    ``active`` (registered and active), ``inactive`` (registered, not active),
    ``not_registered``, ``nik_unusable`` (cannot be looked up); ``coverage_pct`` = active ÷
    workers × 100. ``by_employer``: each employer by its NPP and company name, and how it
    was identified (``basis``: registry, column, key or file; the file name stands in only
    when no NPP is known). ``outreach``: the workers not yet protected, grouped by
    employer, with their full NIK, status, last paid month and contacts (phone, e-mail:
    the roster's, else the registry's)."""

    model_config = ConfigDict(json_schema_extra={"examples": [COVERAGE_EXAMPLE]})

    lang: str
    ruleset: dict[str, str]
    registry: list[str] = Field(description="The registry extracts (as-of dates) used.")
    definition: str
    totals: dict[str, float | int | None]
    by_employer: list[dict[str, Any]]
    by_region: list[dict[str, Any]]
    by_province: list[dict[str, Any]] = Field(default_factory=list)
    outreach: list[dict[str, Any]]


def _coverage_of(session: SessionDep, batch_id: str, principal: Principal) -> Batch:
    """A checked batch that has coverage; 409 ``registry_missing`` when it was checked
    without a registry (coverage cannot come from the roster's own claims)."""
    batch = done(session, batch_id, principal)
    if batch.coverage is None:
        missing = registry_missing()
        raise Conflict(missing.message_id, missing.message_en, missing.code)
    return batch


_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorPublic},
    404: {"model": ErrorPublic},
    409: {"model": ErrorPublic},
    410: {"model": ErrorPublic},
}


@router.get("/{batch_id}/coverage", response_model=CoveragePublic, responses=_ERRORS)
def coverage(
    batch_id: str, request: Request, session: SessionDep, principal: StaffDep
) -> JSONResponse:
    """Coverage per employer and work region, with the outreach list (full NIKs). Branch
    staff only; every read is in the audit log."""
    batch = _coverage_of(session, batch_id, principal)
    audit_read(session, request, principal, batch, "batch.read.coverage")
    return JSONResponse(batch.coverage)


@router.get("/{batch_id}/coverage.xlsx", response_class=FileResponse, responses=_ERRORS)
def coverage_xlsx(
    batch_id: str, request: Request, session: SessionDep, principal: StaffDep
) -> FileResponse:
    """The coverage workbook: summary with chart, per employer, per region, outreach list."""
    batch = _coverage_of(session, batch_id, principal)
    path = batch.result_coverage
    if not path or not Path(path).is_file():
        raise Gone(
            "Berkas cakupan sudah tidak tersedia.",
            "The coverage file is no longer available.",
            "result_gone",
        )
    audit_read(session, request, principal, batch, "batch.download.coverage")
    stem = Path(batch.filename).stem
    return FileResponse(
        path, media_type=formats.media_type("xlsx"), filename=f"cakupan-{stem}.xlsx"
    )
