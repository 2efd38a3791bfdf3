"""Request and response bodies, with the examples OpenAPI shows at /docs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

WORKER_EXAMPLE: dict[str, JsonValue] = {
    "nik": "3275014101900001",
    "name": "Adi Nugroho",
    "wage": "Rp 3.500.000",
    "participant_status": "Aktif",
    "participant_category": "PU",
    "registered_on": "2024-01-15",
    "region": "Kota Bekasi",
    "employment_status": "Kontrak",
    "pkh_recipient": "Tidak",
    "kpj": "21010000001",
}


class WorkerCheck(BaseModel):
    """One worker, with the fields a roster row has; values may be typed as people type them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [WORKER_EXAMPLE]})

    nik: str | int | float | None = Field(description="NIK, 16 digits, as text.")
    name: str | None = None
    wage: str | int | float | None = Field(default=None, description="3500000 or 'Rp3.500.000'.")
    kpj: str | None = None
    participant_status: str | None = Field(default=None, description="Aktif / Nonaktif.")
    participant_category: str | None = Field(default=None, description="PU / BPU; empty is PU.")
    registered_on: str | dt.date | None = Field(default=None, description="2024-01-15.")
    region: str | None = Field(default=None, description="Kabupaten/kota of work, or its code.")
    province: str | None = None
    employment_status: str | None = Field(default=None, description="e.g. Kontrak, PNS.")
    pkh_recipient: str | bool | None = Field(default=None, description="Ya / Tidak.")

    def record(self) -> dict[str, Any]:
        data = self.model_dump()
        if isinstance(data["pkh_recipient"], bool):
            data["pkh_recipient"] = "Ya" if data["pkh_recipient"] else "Tidak"
        return data


class ReasonPublic(BaseModel):
    code: str
    message: str
    citation: str


class RuleSetRef(BaseModel):
    id: str
    version: str


class CheckPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "ineligible",
                    "reasons": [
                        {
                            "code": "WAGE_ABOVE_CAP",
                            "message": "Upah Rp5.800.000 melebihi batas Rp5.700.000 (UMK Kota "
                            "Bekasi Rp5.690.752,95 dibulatkan ke atas).",
                            "citation": "Permenaker No. 10 Tahun 2022 jo. Permenaker No. 5 "
                            "Tahun 2025, Pasal 3 ayat (2) huruf c dan ayat (3)",
                        }
                    ],
                    "wage": 5800000,
                    "wage_cap": 5700000,
                    "benefit": 0,
                    "ruleset": {"id": "bsu-2025", "version": "2025.1"},
                }
            ]
        }
    )

    status: str = Field(description="eligible, ineligible or review.")
    reasons: list[ReasonPublic]
    wage: float | None
    wage_cap: float | None
    benefit: int
    ruleset: RuleSetRef


class ChecksPublic(BaseModel):
    data: list[CheckPublic]
    count: int


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"error": {"code": "not_found", "message": "Batch tidak ditemukan."}}]
        }
    )

    error: ErrorDetail


class BatchLinks(BaseModel):
    self: str
    rows: str
    result_xlsx: str
    result_csv: str


class BatchPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0b6f3c1e-5d0a-4a59-9f0e-6c1b2a3d4e5f",
                    "status": "done",
                    "filename": "roster.xlsx",
                    "progress": 100,
                    "ruleset": {"id": "bsu-2025", "version": "2025.1"},
                    "summary": {
                        "total": 3,
                        "eligible": 1,
                        "ineligible": 1,
                        "review": 1,
                        "benefit_total": 600000,
                    },
                    "error": None,
                }
            ]
        }
    )

    id: str
    status: str = Field(description="queued, running, done or failed.")
    filename: str
    progress: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    ruleset: dict[str, str | None]
    summary: dict[str, int] | None
    sheets: list[dict[str, Any]] | None
    error: ErrorDetail | None
    links: BatchLinks


class RowPublic(BaseModel):
    position: int
    source: str | None
    sheet: str | None
    row: int | None
    nik: str | None
    name: str | None
    status: str
    reasons: list[ReasonPublic]
    wage: float | None
    wage_cap: float | None
    benefit: int


class RowsPublic(BaseModel):
    data: list[RowPublic]
    count: int
    page: int
    page_size: int


class RuleSetSummary(BaseModel):
    id: str
    version: str
    title: str
    effective_from: dt.date
    effective_to: dt.date


class RuleSetsPublic(BaseModel):
    data: list[RuleSetSummary]
    count: int
