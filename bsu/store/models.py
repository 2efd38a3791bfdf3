"""Tables: batches, their per-row results, and an audit record of who ran what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class Batch(Base):
    """One uploaded roster and the state of its check."""

    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued/running/done/failed
    filename: Mapped[str] = mapped_column(String(255))
    content_sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    ruleset_id: Mapped[str] = mapped_column(String(64))
    ruleset_version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    submitted_by: Mapped[str] = mapped_column(String(128))
    # The tenant: the employer whose key uploaded it (None for branch staff and local use),
    # and the BPJS Ketenagakerjaan branch whose staff may see it.
    employer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    branch: Mapped[str | None] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(2), default="id")  # language of the result files
    # The client's Idempotency-Key: a retried upload finds the batch it created.
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_id: Mapped[str | None] = mapped_column(Text)
    error_en: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # How each file and sheet was read (``bsu.rosters.reading.to_store``, one per sheet;
    # batches from before it keep only source, sheet, header_row and rows).
    sheets: Mapped[list[Any] | None] = mapped_column(JSON)
    # What the uploader asked of the reading: {"mapping": {field: header as written}}.
    read_options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_xlsx: Mapped[str | None] = mapped_column(Text)
    result_csv: Mapped[str | None] = mapped_column(Text)
    # Coverage (Universal Coverage Jamsostek) when a registry was loaded: JSON and workbook.
    coverage: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_coverage: Mapped[str | None] = mapped_column(Text)
    # The payment pre-check in numbers (``bsu.service.batch_results.payment_summary``):
    # counts and channel labels, no worker's data; None when no row was pre-checked.
    payment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Who the roster's employer is (``bsu.coverage.employers``): its NPP and company name,
    # and how that was found ("registry": the NPP most of its workers have there;
    # "column": the roster's NPP column; "key": the uploading key's employer id; "file":
    # none of these, the file name stands in). None for batches checked before it.
    employer_npp: Mapped[str | None] = mapped_column(String(64))
    employer_name: Mapped[str | None] = mapped_column(Text)
    employer_basis: Mapped[str | None] = mapped_column(String(16))
    # When the upload, result files and rows were deleted under the retention setting.
    purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class BatchRow(Base):
    """The decision for one roster row, with its reasons worded in both languages."""

    __tablename__ = "batch_rows"

    batch_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str | None] = mapped_column(Text)
    sheet: Mapped[str | None] = mapped_column(Text)
    row: Mapped[int | None] = mapped_column(Integer)
    nik: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reasons_id: Mapped[list[Any]] = mapped_column(JSON)
    reasons_en: Mapped[list[Any]] = mapped_column(JSON)
    wage: Mapped[float | None] = mapped_column()
    wage_cap: Mapped[float | None] = mapped_column()
    benefit: Mapped[int] = mapped_column(BigInteger)
    # {"id": {criterion: evidence}, "en": {...}} when registry or list data decided it.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The whole decision, one entry per criterion (``bsu.core.trail``; no words of one
    # language); None for rows checked before it was kept.
    checks: Mapped[list[Any] | None] = mapped_column(JSON)
    # The payment pre-check (``bsu.core.payment``): channel, findings worded in both
    # languages, and the account as given (personal data, purged with the row); None when
    # the roster gave no account data. ``payment_findings``: its ``PaymentCode`` bits, so
    # that the rows with a finding are found without reading the JSON.
    payment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    payment_findings: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_batch_rows_batch_status", "batch_id", "status", "position"),)


class AuditRecord(Base):
    """Who did what to which batch, under which rule set version. Append-only."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[str | None] = mapped_column(String(36), index=True)
    ruleset_id: Mapped[str | None] = mapped_column(String(64))
    ruleset_version: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The X-Request-ID of the API request that did it, to match the audit with logs.
    request_id: Mapped[str | None] = mapped_column(String(64))


class ApiKey(Base):
    """An API key: only its SHA-256 is kept; the key itself is shown once, at creation."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # public part of the key
    secret_sha256: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # employer / staff
    employer_id: Mapped[str | None] = mapped_column(String(64))
    branch: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AccessState(Base):
    """Whether a loopback server whose keys were all revoked is open to the local user
    again: only when an operator said so (``bsu keys open-local``); creating a key closes
    it. One row (id 1), absent until the first decision."""

    __tablename__ = "access_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_local: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(128))


class RegistryImport(Base):
    """One participant registry extract loaded by branch staff."""

    __tablename__ = "registry_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    as_of: Mapped[dt.date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(128))


class RegistryParticipant(Base):
    """The latest known state of one participant (one row per NIK)."""

    __tablename__ = "registry_participants"

    nik: Mapped[str] = mapped_column(String(16), primary_key=True)
    kpj: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(16))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    # Months as "YYYY-MM": the last one whose contribution was paid, and the one the
    # participant became non-active (BLTH NA); None when the extract does not say.
    last_contribution: Mapped[str | None] = mapped_column(String(16))
    nonactive_since: Mapped[str | None] = mapped_column(String(16))
    nationality: Mapped[str | None] = mapped_column(String(8))  # "wni" / "wna"
    # The participant's name and contact fields as the extract gives them (personal data:
    # shown to branch staff only, on the outreach and arrears lists), and the work region
    # resolved to a Kemendagri regency code ("61.72"; a province code when only the
    # province is given; None when the extract names none or it cannot be resolved).
    name: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(8), index=True)
    reported_wage: Mapped[float | None] = mapped_column()
    employer_id: Mapped[str | None] = mapped_column(String(64))
    employer_name: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    import_id: Mapped[int] = mapped_column(Integer, ForeignKey("registry_imports.id"))


class RegistrySnapshot(Base):
    """The whole registry counted right after one import, per region, category and status:
    the points of the coverage trend (``bsu.store.coverage``). Counts only, no NIK."""

    __tablename__ = "registry_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("registry_imports.id", ondelete="CASCADE"), index=True
    )
    as_of: Mapped[dt.date] = mapped_column(Date)
    region_code: Mapped[str | None] = mapped_column(String(8))
    category: Mapped[str | None] = mapped_column(String(16))  # PU / BPU / JAKON / PMI / None
    status: Mapped[str | None] = mapped_column(String(16))  # active / inactive / None
    participants: Mapped[int] = mapped_column(Integer)


class UniverseImport(Base):
    """One table of the workforce universe ("semesta": potential PU and BPU workers per
    region) loaded by branch staff, with the source every coverage output names."""

    __tablename__ = "coverage_universe_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(128))


class UniverseEntry(Base):
    """A region's workforce universe in one import (the latest import is the one used)."""

    __tablename__ = "coverage_universe"

    import_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("coverage_universe_imports.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    potential_pu: Mapped[int | None] = mapped_column(BigInteger)
    potential_bpu: Mapped[int | None] = mapped_column(BigInteger)


class TargetImport(Base):
    """One table of coverage targets loaded by branch staff."""

    __tablename__ = "coverage_target_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(128))


class TargetEntry(Base):
    """A coverage target: region ("ID" for the national one), year, percent, and its
    source (the row's own, else the import's). A later import wins per region and year."""

    __tablename__ = "coverage_targets"

    import_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("coverage_target_imports.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_pct: Mapped[float] = mapped_column()
    source: Mapped[str] = mapped_column(Text)


class NikClaim(Base):
    """A NIK a done batch holds, for the rule that BSU is paid once per worker across every
    upload of a round (``bsu.store.claims``). ``claimed``: the NIK was eligible there, but
    for a duplicate across uploads itself. ``owner``: whose roster it is (the key's
    employer id, else the file's name): one owner's uploads are versions of one roster and
    are not compared with each other. Deleted with the batch's rows at purge."""

    __tablename__ = "nik_claims"

    batch_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True
    )
    nik: Mapped[str] = mapped_column(String(16), primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(255))
    claimed: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_nik_claims_round", "ruleset_id", "nik"),)


class ClaimSeen(Base):
    """``batch_id`` was judged knowing ``other_batch_id``'s claims: a batch finishing later
    that shares a claimed NIK with a batch that did not know it sends that batch back to be
    checked again (``bsu.store.claims``)."""

    __tablename__ = "claims_seen"

    batch_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True
    )
    other_batch_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True
    )


class ExclusionImport(Base):
    """One exclusion list (ASN, TNI, Polri, PKH) loaded with its source and date."""

    __tablename__ = "exclusion_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list: Mapped[str] = mapped_column(String(16), index=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(128))


class ExclusionEntry(Base):
    """A NIK on an exclusion list (the list's latest import replaces its entries)."""

    __tablename__ = "exclusion_entries"

    list: Mapped[str] = mapped_column(String(16), primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int] = mapped_column(Integer, ForeignKey("exclusion_imports.id"))
