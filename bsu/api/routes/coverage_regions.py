"""Regional coverage (Universal Coverage Jamsostek) for branch staff: per regency/city and
province from the participant registry alone, against the imported workforce universe and
targets, over the registry snapshots; and the employers in arrears.

Every figure comes from ``bsu.service.coverage_report`` (the one function the CLI calls
too); these routes only serve it: as JSON, as a workbook (written to a private temporary
folder in the data folder, streamed and removed) and as the trend chart. Branch staff
only (an employer's key gets 403 ``staff_only``); every read is in the audit log, which
names the caller, the route and the rule set, never a worker.

Without a registry import the report has nothing to count: 409 ``registry_missing``,
saying what to import. Without a universe the report still comes (200) with ``missing``
filled in and no percentage anywhere.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from bsu.api import request_id
from bsu.api.auth import StaffDep
from bsu.api.data_folder import upload_refused
from bsu.api.deps import LangDep, SessionDep, SettingsDep
from bsu.api.schemas import ErrorPublic
from bsu.core.ruleset import Lang, RuleSet
from bsu.coverage import regional_workbook
from bsu.coverage.regional import Arrears, RegionalReport
from bsu.privacy.access import Principal
from bsu.results import formats
from bsu.service import coverage_report, storage
from bsu.service.settings import Settings
from bsu.store import batches

router = APIRouter(prefix="/v1/coverage", tags=["coverage"])

CHUNK = 1024 * 1024
# Staff data, some of it personal (the arrears list): never kept by a cache on the way.
NO_STORE = {"Cache-Control": "no-store"}

_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorPublic, "description": "Hanya petugas / staff only (`staff_only`)"},
    409: {
        "model": ErrorPublic,
        "description": "Belum ada data peserta / no registry imported (`registry_missing`)",
    },
}

_WORKBOOK: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    200: {"description": "Buku kerja / the workbook", "content": {formats.media_type("xlsx"): {}}},
}
_CHART: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    200: {"description": "Grafik / the chart", "content": {"image/png": {}}},
}

# The examples' figures: Kota Singkawang as its branch reported it (16.684 protected,
# 73.236 not yet), against the national RPJMN target for 2025.
_FIGURES: dict[str, Any] = {
    "active_pu": 12000,
    "active_bpu": 4684,
    "active_jakon": 0,
    "protected": 16684,
    "inactive": 2100,
    "universe_pu": 60000,
    "universe_bpu": 29920,
    "universe": 89920,
    "not_protected": 73236,
    "coverage_pct": 18.5,
    "target_pct": 32.15,
    "target_source": "RPJMN 2025-2029",
    "gap": 12226,
    "change_pct": 0.7,
}
_PROVINCE = {"province_code": "61", "province": "Kalimantan Barat"}
REGIONS_EXAMPLE: dict[str, Any] = {
    "lang": "id",
    "year": 2025,
    "as_of": "2025-09-30",
    "denominator": (
        "Cakupan (%) = peserta aktif PU + BPU ÷ semesta pekerja (potensi PU + potensi BPU) "
        "× 100, dibulatkan ke bawah ke satu desimal. Semesta: BPS Sakernas 2024, per 1 "
        "Agustus 2024 (berkas semesta.xlsx). Data peserta BPJS Ketenagakerjaan per 30 "
        "September 2025."
    ),
    "missing": [],
    "totals": {
        "snapshots": 3,
        "regencies": 1,
        "provinces": 1,
        **{k: v for k, v in _FIGURES.items() if k != "target_source"},
        "active_other": 0,
        "jakon_in_extract": False,
        "universe_basis": "summed",
        "protected_in_universe": 16684,
        "target_source": "RPJMN 2025-2029",
        "universe_source": "BPS Sakernas 2024",
        "universe_as_of": "2024-08-01",
        "universe_filename": "semesta.xlsx",
    },
    "regencies": [
        {
            **_PROVINCE,
            "region_code": "61.72",
            "region": "Kota Singkawang",
            **_FIGURES,
            "target_level": "national",
            "note": None,
        }
    ],
    "provinces": [
        {
            **_PROVINCE,
            **_FIGURES,
            "universe_basis": "summed",
            "target_level": "national",
            "note": "semesta = jumlah 1 kab/kota",
        }
    ],
    "trend": [
        {
            "as_of": "2025-09-30",
            "level": "regency",
            "code": "61.72",
            "name": "Kota Singkawang",
            "protected": 16684,
            "universe": 89920,
            "coverage_pct": 18.5,
        }
    ],
}
ARREARS_EXAMPLE: dict[str, Any] = {
    "lang": "id",
    "months": 3,
    "as_of": "2025-09-30",
    "totals": {"employers": 1, "registered": 40, "inactive": 12, "arrears": 9},
    "employers": [
        {
            "employer_id": "61720001",
            "employer_name": "PT Sawit Contoh",
            "registered": 40,
            "active": 28,
            "inactive": 12,
            "arrears": 9,
            "message": (
                "12 pekerja nonaktif; 9 pekerja dengan iuran terakhir lebih dari 3 bulan "
                "sebelum 30 September 2025"
            ),
        }
    ],
    "workers": [
        {
            "employer_id": "61720001",
            "employer_name": "PT Sawit Contoh",
            "nik": "6172014101900001",
            "kpj": "21010000101",
            "name": "Contoh Pekerja",
            "region_code": "61.72",
            "region": "Kota Singkawang",
            "category": "PU",
            "status": "inactive",
            "last_contribution": "2025-04",
            "nonactive_since": "2025-05",
            "phone": "0812-0000-0001",
            "email": "pekerja@contoh.invalid",
            "why": "inactive",
            "why_text": "Status kepesertaan nonaktif, sejak Mei 2025, iuran terakhir April 2025",
        }
    ],
}


class RegionsPublic(BaseModel):
    """Coverage per regency/city (``regencies``) and province (``provinces``) from the
    registry alone: protected (active PU + BPU, JAKON apart), the universe (potential PU +
    BPU) and ``coverage_pct`` = protected ÷ universe × 100, the target of ``year`` and the
    ``gap`` in workers to reach it, ``change_pct`` since the previous snapshot; ``trend``
    over every registry snapshot; ``denominator`` in words (which table, which source, as
    of when). Without a universe: ``missing`` says what to import and every percentage
    is null."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [REGIONS_EXAMPLE]})

    lang: str
    year: int
    as_of: str | None = Field(description="The latest registry snapshot's date.")
    denominator: str
    missing: list[str]
    totals: dict[str, Any]
    regencies: list[dict[str, Any]]
    provinces: list[dict[str, Any]]
    trend: list[dict[str, Any]]


class ArrearsPublic(BaseModel):
    """Per employer (NPP): participants registered, active, non-active, and those whose
    last paid contribution is older than ``months`` before the latest registry import
    (``arrears``), with a ``message`` in words; ``workers``: the list an account officer
    calls about, with the full NIK and contact fields (personal data)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [ARREARS_EXAMPLE]})

    lang: str
    months: int
    as_of: str | None
    totals: dict[str, Any]
    employers: list[dict[str, Any]]
    workers: list[dict[str, Any]] = Field(default_factory=list)


class CoverageLinks(BaseModel):
    """What a staff caller may read here (no data: the page asks it to know its caller)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "regions": "/v1/coverage/regions",
                    "regions_xlsx": "/v1/coverage/regions.xlsx",
                    "trend_png": "/v1/coverage/trend.png",
                    "arrears": "/v1/coverage/arrears",
                    "arrears_xlsx": "/v1/coverage/arrears.xlsx",
                }
            ]
        }
    )

    regions: str
    regions_xlsx: str
    trend_png: str
    arrears: str
    arrears_xlsx: str


YearQuery = Annotated[
    int | None,
    Query(ge=2000, le=2100, description="The target year (default: the latest snapshot's)."),
]
MonthsQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=120,
        description="Arrears: last paid month older than this many months (default: the "
        "server's BSU_ARREARS_MONTHS).",
    ),
]
LangQuery = Annotated[
    Lang | None,
    Query(description="id or en; without it, Accept-Language decides."),
]


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _ruleset(request: Request) -> RuleSet:
    """The server's default rule set (its region table names the regions), loaded once."""
    ruleset: RuleSet = request.app.state.checker.ruleset(None)
    return ruleset


def _audit(
    session: SessionDep,
    request: Request,
    principal: Principal,
    ruleset: RuleSet,
    action: str,
    detail: dict[str, Any],
) -> None:
    """Record a staff read: who, which route, under which rule set; no worker named."""
    batches.audit(
        session,
        principal.actor,
        action,
        None,
        ruleset.id,
        ruleset.version,
        detail,
        request_id=request_id.of(request.state),
    )
    session.commit()


def _regional(request: Request, year: int | None, lang: Lang) -> tuple[RuleSet, RegionalReport]:
    """The report, or 409 ``registry_missing`` (what to import) without a registry."""
    ruleset = _ruleset(request)
    report = coverage_report.regional_report(_engine(request), ruleset, year=year, lang=lang)
    if report.as_of is None:  # no registry snapshot: nothing counted
        raise coverage_report.registry_needed()
    return ruleset, report


def _arrears(
    request: Request, settings: Settings, months: int | None, lang: Lang
) -> tuple[RuleSet, Arrears]:
    """Arrears over ``months`` (default: the server's ``arrears_months``), or 409."""
    ruleset = _ruleset(request)
    months = months or settings.arrears_months
    found = coverage_report.arrears_report(_engine(request), ruleset, months=months, lang=lang)
    if found.as_of is None:
        raise coverage_report.registry_needed()
    return ruleset, found


def _json(doc: dict[str, Any]) -> JSONResponse:
    return JSONResponse(doc, headers=NO_STORE)


def _workbook(data_dir: Path, name: str, write: Callable[[Path], None]) -> StreamingResponse:
    """Write a workbook in a private temporary folder of the data folder, open it, remove
    it (the open file is still read to the end), and stream it: nothing stays on disk,
    even when the client goes away mid-download. A data folder that is full or cannot be
    written is a typed 507 naming what the operator should do, as for an upload."""
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".coverage-", dir=data_dir) as folder:
            path = Path(folder) / name
            write(path)
            size = path.stat().st_size
            handle = path.open("rb")
    except Exception as error:
        problem = _disk_problem(error)
        if problem is None:
            raise
        raise upload_refused(problem) from error
    return StreamingResponse(
        _chunks(handle),
        media_type=formats.media_type("xlsx"),
        headers={
            **NO_STORE,
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(size),
        },
    )


def _disk_problem(error: BaseException) -> storage.Problem | None:
    """Whether ``error``, or an error that led to it, is the data folder being full or
    unwritable (a workbook writer wraps the OSError in its own error)."""
    seen: BaseException | None = error
    for _ in range(8):  # the chain of causes, bounded
        if seen is None:
            return None
        if isinstance(seen, OSError) and (problem := storage.problem_of(seen)):
            return problem
        seen = seen.__cause__ or seen.__context__
    return None


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while block := handle.read(CHUNK):
            yield block


@router.get("", response_model=CoverageLinks, responses=_ERRORS)
def links(principal: StaffDep) -> CoverageLinks:
    """The regional coverage routes. Staff only: the upload page asks it to know whether
    to show its coverage section (reads nothing, so it is not audited)."""
    base = router.prefix
    return CoverageLinks(
        regions=f"{base}/regions",
        regions_xlsx=f"{base}/regions.xlsx",
        trend_png=f"{base}/trend.png",
        arrears=f"{base}/arrears",
        arrears_xlsx=f"{base}/arrears.xlsx",
    )


@router.get("/regions", response_model=RegionsPublic, responses=_ERRORS)
def regions(
    request: Request,
    session: SessionDep,
    principal: StaffDep,
    accepted: LangDep,
    year: YearQuery = None,
    lang: LangQuery = None,
) -> JSONResponse:
    """Coverage per regency/city and province, with targets, gap and trend."""
    ruleset, report = _regional(request, year, lang or accepted)
    _audit(session, request, principal, ruleset, "coverage.read.regions", {"year": report.year})
    return _json(report.to_json())


@router.get("/regions.xlsx", response_class=StreamingResponse, responses=_WORKBOOK)
def regions_xlsx(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: StaffDep,
    accepted: LangDep,
    year: YearQuery = None,
    lang: LangQuery = None,
) -> StreamingResponse:
    """The regional workbook: summary with the denominator and chart, per regency/city,
    per province, trend."""
    ruleset, report = _regional(request, year, lang or accepted)
    name = f"cakupan-wilayah-{report.as_of.isoformat()}.xlsx"
    answer = _workbook(
        settings.data_dir, name, lambda path: regional_workbook.write_regional_xlsx(report, path)
    )
    _audit(session, request, principal, ruleset, "coverage.download.regions", {"year": report.year})
    return answer


@router.get(
    "/trend.png",
    response_class=Response,
    responses=_CHART,
)
def trend_png(
    request: Request,
    session: SessionDep,
    principal: StaffDep,
    accepted: LangDep,
    year: YearQuery = None,
    lang: LangQuery = None,
) -> Response:
    """The coverage trend as a line chart (PNG): coverage % per province over the registry
    snapshots (participants when no universe is loaded, as its title says)."""
    ruleset, report = _regional(request, year, lang or accepted)
    png = regional_workbook.trend_png(report)
    _audit(session, request, principal, ruleset, "coverage.read.trend", {"year": report.year})
    return Response(png, media_type="image/png", headers=NO_STORE)


@router.get("/arrears", response_model=ArrearsPublic, responses=_ERRORS)
def arrears(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: StaffDep,
    accepted: LangDep,
    months: MonthsQuery = None,
    lang: LangQuery = None,
    workers: Annotated[
        bool,
        Query(description="false: the employers only, without the workers' personal data."),
    ] = True,
) -> JSONResponse:
    """Employers in arrears, with the workers to call about (full NIK, phone, e-mail)."""
    ruleset, found = _arrears(request, settings, months, lang or accepted)
    detail = {"months": found.months, "employers": len(found.employers), "workers": workers}
    _audit(session, request, principal, ruleset, "coverage.read.arrears", detail)
    return _json(found.to_json(with_workers=workers))


@router.get("/arrears.xlsx", response_class=StreamingResponse, responses=_WORKBOOK)
def arrears_xlsx(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: StaffDep,
    accepted: LangDep,
    months: MonthsQuery = None,
    lang: LangQuery = None,
) -> StreamingResponse:
    """The arrears workbook: per employer, and the list of workers to call about."""
    ruleset, found = _arrears(request, settings, months, lang or accepted)
    name = f"tunggakan-iuran-{found.as_of.isoformat()}.xlsx"
    answer = _workbook(
        settings.data_dir, name, lambda path: regional_workbook.write_arrears_xlsx(found, path)
    )
    detail = {"months": found.months, "employers": len(found.employers)}
    _audit(session, request, principal, ruleset, "coverage.download.arrears", detail)
    return answer
