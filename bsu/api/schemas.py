"""Request and response bodies, with the examples OpenAPI shows at /docs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

WORKER_EXAMPLE: dict[str, JsonValue] = {
    "nik": "3275014101900001",
    "name": "Adi Nugroho",
    "wage": "Rp 3.200.000",
    "participant_status": "Aktif",
    "participant_category": "PU",
    "registered_on": "2024-01-15",
    "region": "Kota Bekasi",
    "employment_status": "Kontrak",
    "pkh_recipient": "Tidak",
    "kpj": "21010000001",
}


CITATION_PLACEHOLDER = "<citation of WAGE_ABOVE_CAP>"
REASON_EXAMPLE: dict[str, JsonValue] = {
    "code": "WAGE_ABOVE_CAP",
    "message": "Upah Rp5.800.000 melebihi batas Rp5.700.000 (UMK Kota Bekasi Rp5.690.752,95 "
    "dibulatkan ke atas).",
    # Filled in from the rule set when the OpenAPI document is built (see api/app.py).
    "citation": CITATION_PLACEHOLDER,
}
RULESET_EXAMPLE: dict[str, JsonValue] = {"id": "bsu-2025", "version": "2025.1", "status": "final"}
CRITERION_CHECK_EXAMPLE: dict[str, JsonValue] = {
    "criterion": "wage_within_cap",
    "outcome": "fail",
    "reasons": ["WAGE_ABOVE_CAP"],
    "values": {
        "wage": 5800000,
        "wage_basis": "total",
        "cap": 5700000,
        "cap_source": "UMK Kota Bekasi 2025",
        "region_code": "32.75",
        "region_state": "found",
    },
    "evidence": "roster",
    # The criterion's citation is that of its reason WAGE_ABOVE_CAP (see api/app.py).
    "citation": CITATION_PLACEHOLDER,
}
PAYMENT_FINDING_EXAMPLE: dict[str, JsonValue] = {
    "code": "ACCOUNT_NAME_MISMATCH",
    "severity": "fix",
    "message": 'Nama pemilik rekening "Adi N" tidak sama dengan nama pekerja "Adi Nugroho": '
    "hampir sama, tetapi bank mencocokkan nama secara ketat (ejaan, nama yang hilang, inisial).",
}
PAYMENT_EXAMPLE: dict[str, JsonValue] = {
    "channel": "bri",
    "channel_label": "BRI",
    "findings": [PAYMENT_FINDING_EXAMPLE],
}
PAYMENT_SUMMARY_EXAMPLE: dict[str, JsonValue] = {
    "rows": 12,
    "eligible": 5,
    "with_findings": 2,
    "channels": [
        {"channel": "bri", "label": "BRI", "count": 3},
        {"channel": "pos", "label": "PT Pos Indonesia", "count": 2},
    ],
    "findings": [{"code": "ACCOUNT_NAME_MISMATCH", "severity": "fix", "count": 1}],
}
CHECK_EXAMPLE: dict[str, JsonValue] = {
    "status": "ineligible",
    "reasons": [REASON_EXAMPLE],
    "wage": 5800000,
    "wage_cap": 5700000,
    "benefit": 0,
    "ruleset": RULESET_EXAMPLE,
    "checks": [CRITERION_CHECK_EXAMPLE],
}
ROW_EXAMPLE: dict[str, JsonValue] = {
    "position": 3,
    "source": "roster.xlsx",
    "sheet": "Pekerja",
    "row": 5,
    "nik": "3275014708950004",
    "name": "Dewi Anggraini",
    "status": "ineligible",
    "reasons": [REASON_EXAMPLE],
    "wage": 5800000,
    "wage_cap": 5700000,
    "benefit": 0,
    "checks": [CRITERION_CHECK_EXAMPLE],
}
RULESET_SUMMARY_EXAMPLE: dict[str, JsonValue] = {
    "id": "bsu-2025",
    "version": "2025.1",
    "title": "Bantuan Subsidi Upah (BSU) 2025",
    "effective_from": "2025-06-01",
    "effective_to": "2025-12-31",
}
ERROR_EXAMPLE: dict[str, JsonValue] = {
    "code": "batch_not_found",
    "message": "Batch tidak ditemukan.",
}
BATCH_ID = "0b6f3c1e-5d0a-4a59-9f0e-6c1b2a3d4e5f"
LINKS_EXAMPLE: dict[str, JsonValue] = {
    "self": f"/v1/batches/{BATCH_ID}",
    "rows": f"/v1/batches/{BATCH_ID}/rows",
    "result_xlsx": f"/v1/batches/{BATCH_ID}/result.xlsx",
    "result_csv": f"/v1/batches/{BATCH_ID}/result.csv",
    "trace": f"/v1/batches/{BATCH_ID}/trace",
    "actions": f"/v1/batches/{BATCH_ID}/actions.csv",
}

SOURCE_EXAMPLE: dict[str, JsonValue] = {
    "file": "roster.xlsx",
    "sheet": "Pekerja",
    "header_row": 3,
    "rows": 12,
    "columns": {"nik": ["NIK KTP"], "name": ["Nama"], "wage": ["Total Upah"]},
    "ignored_columns": [
        {
            "header": "NIK",
            "code": "not_nik",
            "why": "berisi kode karyawan, bukan NIK 16 digit.",
        }
    ],
    "skipped_rows": [{"row": 14, "code": "totals_row", "why": "baris jumlah (JUMLAH)."}],
    "notices": [
        {
            "code": "missing_field",
            "message": "Kolom tanggal kepesertaan tidak ada: tambahkan kolom 'Tgl Daftar BPJS'.",
        }
    ],
    "lines": [
        "roster.xlsx / sheet 'Pekerja': 12 baris pekerja dibaca, judul kolom di baris 3.",
        "NIK dibaca dari kolom 'NIK KTP'.",
        "Kolom 'NIK' tidak dipakai: berisi kode karyawan, bukan NIK 16 digit.",
        "Baris 14 dilewati: baris jumlah (JUMLAH).",
    ],
}


def _example(example: JsonValue) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


class WorkerCheck(BaseModel):
    """One worker, with the fields a roster row has; values may be typed as people type them.

    Its fields are the field registry's, in order (``bsu.core.fields``; a test holds them
    together); here each keeps the types and description the OpenAPI document shows."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [WORKER_EXAMPLE]})

    nik: StrictStr | StrictInt | StrictFloat | None = Field(description="NIK, 16 digits, as text.")
    name: str | None = None
    wage: StrictStr | StrictInt | StrictFloat | None = Field(
        default=None, description="3200000 or 'Rp3.200.000'."
    )
    kpj: str | None = None
    participant_status: str | None = Field(default=None, description="Aktif / Nonaktif.")
    participant_category: str | None = Field(default=None, description="PU / BPU; empty is PU.")
    registered_on: str | dt.date | None = Field(default=None, description="2024-01-15.")
    region: str | None = Field(default=None, description="Kabupaten/kota of work, or its code.")
    province: str | None = None
    employment_status: str | None = Field(default=None, description="e.g. Kontrak, PNS.")
    pkh_recipient: StrictStr | StrictBool | None = Field(default=None, description="Ya / Tidak.")
    nationality: str | None = Field(
        default=None, description="WNI / WNA (or the country); empty: not stated."
    )
    # The wage's parts, read only when ``wage`` (the total reported) is empty.
    basic_wage: StrictStr | StrictInt | StrictFloat | None = Field(
        default=None, description="Upah pokok, used when wage is empty: 3400000."
    )
    fixed_allowance: StrictStr | StrictInt | StrictFloat | None = Field(
        default=None, description="Tunjangan tetap, added to basic_wage or daily_wage: 300000."
    )
    daily_wage: StrictStr | StrictInt | StrictFloat | None = Field(
        default=None, description="Upah harian, used when wage and basic_wage are empty."
    )
    # The account the benefit would be paid into: read by the payment pre-check only
    # (``payment`` in the answer), never by the eligibility decision.
    bank: str | None = Field(default=None, description="BRI, Bank Mandiri, or a code: 002.")
    account_number: str | None = Field(
        default=None,
        description="As text, as in the passbook (spaces and dashes allowed); personal data.",
    )
    account_holder: str | None = Field(
        default=None, description="The account holder's name; personal data."
    )
    # Who employs the worker and how to reach them: read by coverage only (the employer's
    # identity, the outreach list), never by the eligibility decision.
    employer_npp: StrictStr | StrictInt | None = Field(
        default=None, description="The employer's NPP (BPJS Ketenagakerjaan registration)."
    )
    phone: str | None = Field(default=None, description="The worker's phone; personal data.")
    email: str | None = Field(default=None, description="The worker's e-mail; personal data.")

    def record(self) -> dict[str, Any]:
        data = self.model_dump()
        if isinstance(data["pkh_recipient"], bool):
            data["pkh_recipient"] = "Ya" if data["pkh_recipient"] else "Tidak"
        return data


class ReasonPublic(BaseModel):
    model_config = _example(REASON_EXAMPLE)

    code: str
    message: str
    citation: str


class CriterionCheckPublic(BaseModel):
    """How one row fared on one criterion of the rule set (``bsu.core.trail``)."""

    model_config = _example(CRITERION_CHECK_EXAMPLE)

    criterion: str = Field(description="The criterion's id in the rule set.")
    outcome: str = Field(description="pass, fail, review or not_applicable.")
    reasons: list[str] = Field(description="The codes of the row's reasons of this criterion.")
    values: dict[str, JsonValue] = Field(
        description="What was read and compared: numbers, ISO dates, months as 2025-03, "
        "null where missing; the keys are fixed per criterion."
    )
    evidence: str = Field(description="roster, registry or list:<kind>: what spoke for it.")
    evidence_label: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="The registry extract's date or the list's name and date, when the "
        "evidence was not the roster.",
    )
    default: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="The data-gap default applied to this row (an id of the rule set's "
        "defaults, e.g. category_blank_is_pu), when one was.",
    )
    citation: str


class PaymentFindingPublic(BaseModel):
    """One finding of the payment pre-check: advice about the account, never a reason."""

    model_config = _example(PAYMENT_FINDING_EXAMPLE)

    code: str = Field(description="A PaymentCode, e.g. ACCOUNT_NAME_MISMATCH, CHANNEL_POS.")
    severity: str = Field(
        description="fix (the payment will likely fail until fixed), warning (worth a "
        "look) or info (something to tell the worker)."
    )
    message: str


class PaymentPublic(BaseModel):
    """The payment pre-check of one worker (``bsu.core.payment``): the channel that would
    pay them and what about their account would stop the money arriving. Advisory: it
    never changes ``status``."""

    model_config = _example(PAYMENT_EXAMPLE)

    channel: str = Field(description="The round's channel id: bri, bni, mandiri, btn, bsi, pos.")
    channel_label: str
    findings: list[PaymentFindingPublic]


class RowPaymentPublic(PaymentPublic):
    """A stored row's pre-check, with the account as the roster gave it: in full for the
    batch's owner, masked for branch staff (``123*******890``; the holder's name by its
    initials), as personal data (UU 27/2022)."""

    bank: str | None = Field(default=None, description="The bank as written in the roster.")
    account_number: str | None = None
    account_holder: str | None = None


class ChannelCount(BaseModel):
    channel: str
    label: str
    count: int


class FindingCount(BaseModel):
    code: str
    severity: str
    count: int


class PaymentSummaryPublic(BaseModel):
    """A batch's payment pre-check in numbers, over its eligible rows (the ones a channel
    would pay); present only when some row was pre-checked."""

    model_config = _example(PAYMENT_SUMMARY_EXAMPLE)

    rows: int = Field(description="Rows pre-checked (their roster gave account data).")
    eligible: int = Field(description="Of them, eligible: what the counts below count.")
    with_findings: int = Field(
        description="Eligible rows with at least one finding: the rows of the action list."
    )
    channels: list[ChannelCount] = Field(description="Eligible rows per channel.")
    findings: list[FindingCount] = Field(description="Eligible rows per finding (0 left out).")


class RuleSetRef(BaseModel):
    model_config = _example(RULESET_EXAMPLE)

    id: str
    version: str
    status: str = Field(
        default="final",
        description="final, or draft: the rule set is not in force yet; results made under "
        "it are estimates (``draft_reason`` says why).",
    )
    draft_reason: str | None = Field(default=None, exclude_if=lambda value: value is None)


class CheckPublic(BaseModel):
    model_config = _example(CHECK_EXAMPLE)

    status: str = Field(description="eligible, ineligible or review.")
    reasons: list[ReasonPublic]
    wage: float | None
    wage_cap: float | None
    benefit: int
    ruleset: RuleSetRef
    evidence: dict[str, str] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Only when registry or exclusion data is loaded: per criterion, the "
        "evidence that decided it.",
    )
    checks: list[CriterionCheckPublic] = Field(
        default_factory=list,
        description="The whole decision: one entry per criterion of the rule set, in its "
        "order, eligible workers included.",
    )
    payment: PaymentPublic | None = Field(
        default=None,
        description="The payment pre-check, when the worker came with a bank, an account "
        "number or a holder name and the rule set has one; null otherwise. Advisory.",
    )


class ChecksPublic(BaseModel):
    model_config = _example({"data": [CHECK_EXAMPLE], "count": 1})

    data: list[CheckPublic]
    count: int


class ErrorDetail(BaseModel):
    model_config = _example(ERROR_EXAMPLE)

    code: str
    message: str


class ErrorPublic(BaseModel):
    model_config = _example({"error": ERROR_EXAMPLE})

    error: ErrorDetail


class BatchLinks(BaseModel):
    model_config = _example(LINKS_EXAMPLE)

    self: str
    rows: str
    result_xlsx: str
    result_csv: str
    trace: str = Field(description="The check's audit record (bsu.trace.v1, JSON).")
    actions: str = Field(
        description="The employer's action list of the payment pre-check (CSV): one line "
        "per finding of each eligible row (only its header when no row was pre-checked)."
    )


class ColumnNotUsed(BaseModel):
    header: str = Field(description="The column's header as written in the roster.")
    code: str
    why: str


class RowSkipped(BaseModel):
    row: int = Field(description="The row number as the spreadsheet shows it.")
    code: str
    why: str


class Notice(BaseModel):
    code: str
    message: str


class SourcePublic(BaseModel):
    """How one file and sheet of the roster was read, worded in the caller's language."""

    model_config = _example(SOURCE_EXAMPLE)

    file: str
    sheet: str | None
    header_row: int | None = Field(
        description="The row holding the headers; null when the sheet was skipped as a whole."
    )
    rows: int = Field(description="Worker rows read (and judged) from this sheet.")
    columns: dict[str, list[str]] = Field(
        description="Per field (nik, name, wage, ...), the column(s) it was read from."
    )
    ignored_columns: list[ColumnNotUsed] = Field(
        description="Columns kept but not judged, each with why (a candidate not chosen, "
        "the checker's own result columns, a date that is not the one a rule asks for)."
    )
    skipped_rows: list[RowSkipped] = Field(
        description="Rows that are not workers (totals, signatures, repeated headers), "
        "counted in no status."
    )
    notices: list[Notice] = Field(description="Notices about the sheet as a whole.")
    lines: list[str] = Field(description="The same in plain words, a line each (the page).")


class BatchPublic(BaseModel):
    model_config = _example(
        {
            "id": BATCH_ID,
            "status": "done",
            "filename": "roster.xlsx",
            "progress": 100,
            "created_at": "2026-11-22T00:44:36Z",
            "started_at": "2026-11-22T00:44:36Z",
            "finished_at": "2026-11-22T00:44:37Z",
            "ruleset": RULESET_EXAMPLE,
            "summary": {
                "total": 12,
                "eligible": 5,
                "ineligible": 7,
                "review": 0,
                "benefit_total": 3000000,
            },
            "sheets": [{"source": "roster.xlsx", "sheet": "Pekerja", "header_row": 3, "rows": 12}],
            "sources": [SOURCE_EXAMPLE],
            "error": None,
            "links": LINKS_EXAMPLE,
        }
    )

    id: str
    status: str = Field(description="queued, running, done or failed.")
    filename: str
    progress: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    ruleset: dict[str, str | None] = Field(
        description="id, version, status (final or draft; null when the rule file has "
        "changed since) and, under a draft, draft_reason and banner."
    )
    summary: dict[str, int] | None
    sheets: list[dict[str, Any]] | None = Field(
        description="Where each sheet's table was found (source, sheet, header_row, rows); "
        "kept for older clients, ``sources`` says more."
    )
    sources: list[SourcePublic] = Field(
        default_factory=list,
        description="How the roster was read, one entry per file and sheet (empty until "
        "the batch is done, and once it is purged).",
    )
    error: ErrorDetail | None = None
    purged_at: dt.datetime | None = Field(
        default=None, description="When the rows and files were deleted (retention period)."
    )
    evidence: dict[str, Any] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Loaded evidence that outranked the roster (registry extracts, lists, "
        "their dates, a message); absent when none was used. Status route only.",
    )
    payment: PaymentSummaryPublic | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="The payment pre-check in numbers; absent when no row was pre-checked.",
    )
    links: BatchLinks


class RowPublic(BaseModel):
    model_config = _example(ROW_EXAMPLE)

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
    evidence: dict[str, str] | None = Field(default=None, exclude_if=lambda value: value is None)
    checks: list[CriterionCheckPublic] | None = Field(
        default=None,
        description="The whole decision, one entry per criterion (as /v1/check gives it); "
        "null for a batch checked before it was kept.",
    )
    payment: RowPaymentPublic | None = Field(
        default=None,
        description="The payment pre-check (as /v1/check gives it, with the account); null "
        "when the roster gave no account data.",
    )


class RowsPublic(BaseModel):
    model_config = _example({"data": [ROW_EXAMPLE], "count": 7, "page": 1, "page_size": 100})

    data: list[RowPublic]
    count: int
    page: int
    page_size: int


class RuleSetSummary(BaseModel):
    model_config = _example(RULESET_SUMMARY_EXAMPLE)

    id: str
    version: str
    title: str
    effective_from: dt.date
    effective_to: dt.date


class RuleSetsPublic(BaseModel):
    model_config = _example({"data": [RULESET_SUMMARY_EXAMPLE], "count": 1})

    data: list[RuleSetSummary]
    count: int


class BatchesPublic(BaseModel):
    """The caller's own batches (an employer's), or its branch's (staff), newest first."""

    data: list[BatchPublic]
    count: int
    page: int
    page_size: int


class AuditPublic(BaseModel):
    model_config = _example(
        {
            "id": 41,
            "at": "2026-11-22T00:45:02Z",
            "actor": "staff:3f2a9c01d4e5 (Cabang Jakarta Salemba)",
            "action": "batch.read.rows",
            "batch_id": BATCH_ID,
            "request_id": "9d2c0a6f1b7e4c3a8f5d2e1b0c9a8d7e",
            "detail": {"page": 1, "status": None},
        }
    )

    id: int
    at: dt.datetime
    actor: str
    action: str
    batch_id: str | None
    request_id: str | None
    ruleset_id: str | None = None
    ruleset_version: str | None = None
    detail: dict[str, Any] | None


class AuditsPublic(BaseModel):
    data: list[AuditPublic]
    count: int
    page: int
    page_size: int
