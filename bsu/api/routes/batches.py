"""Roster uploads checked in the background: the upload, the list and each batch's status.

A done batch's rows and result files are read in ``bsu.api.routes.batch_results``, on the
same address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError

from bsu.api import request_id
from bsu.api.auth import CallerDep
from bsu.api.data_folder import upload_refused
from bsu.api.deps import LangDep, SessionDep, SettingsDep
from bsu.api.errors import RULESET_NOT_FOUND
from bsu.api.schemas import (
    BatchesPublic,
    BatchLinks,
    BatchPublic,
    ErrorDetail,
    ErrorPublic,
    PaymentSummaryPublic,
    SourcePublic,
)
from bsu.core.ruleset import LANGS, Lang, load_ruleset
from bsu.core.words import both, say
from bsu.errors import BsuError, NotFound, TooLarge, UnsupportedType
from bsu.privacy.access import Principal, Role
from bsu.results.durable import atomic
from bsu.results.model import draft_banner, ruleset_ref
from bsu.rosters import kinds, preflight, reading
from bsu.service import storage
from bsu.store import batches
from bsu.store.evidence import evidence_notice
from bsu.store.models import Batch

log = logging.getLogger("bsu.api")
router = APIRouter(prefix="/v1/batches", tags=["batches"])
CHUNK = 1024 * 1024


def _not_found(batch_id: str) -> NotFound:
    return NotFound(*both("api_batch_not_found", batch_id=batch_id), "batch_not_found")


def _public(batch: Batch, lang: Lang, rules_dir: Path | None) -> BatchPublic:
    base = f"/v1/batches/{batch.id}"
    error = None
    if batch.error_code:
        error = ErrorDetail(
            code=batch.error_code,
            message=(batch.error_en if lang == "en" else batch.error_id) or batch.error_code,
        )
    return BatchPublic(
        id=batch.id,
        status=batch.status,
        filename=batch.filename,
        progress=batch.progress,
        created_at=as_utc(batch.created_at) or batch.created_at,
        started_at=as_utc(batch.started_at),
        finished_at=as_utc(batch.finished_at),
        ruleset=_ruleset(batch, lang, rules_dir),
        summary=batch.summary,
        sheets=_sheets(batch.sheets),
        sources=sources_public(batch.sheets, lang),
        error=error,
        purged_at=as_utc(batch.purged_at),
        payment=PaymentSummaryPublic.model_validate(batch.payment) if batch.payment else None,
        links=BatchLinks(
            self=base,
            rows=f"{base}/rows",
            result_xlsx=f"{base}/result.xlsx",
            result_csv=f"{base}/result.csv",
            trace=f"{base}/trace",
            actions=f"{base}/actions.csv",
        ),
    )


def _ruleset(batch: Batch, lang: Lang, rules_dir: Path | None) -> dict[str, str | None]:
    """The batch's rule set, with its ``status``: under a draft, every answer about the
    batch says so (``draft_reason``, ``banner``). The status is the rule file's as it is
    now, if it still has the version the batch was checked under; otherwise unknown."""
    ref: dict[str, str | None] = {
        "id": batch.ruleset_id,
        "version": batch.ruleset_version,
        "status": None,
    }
    try:
        rules = load_ruleset(batch.ruleset_id, rules_dir)
    except BsuError:
        return ref
    if rules.version != batch.ruleset_version:
        return ref
    if not rules.draft:
        return {**ref, **ruleset_ref(rules, lang)}
    return {**ref, **ruleset_ref(rules, lang), "banner": draft_banner(rules, lang)}


# What ``sheets`` always answered; a batch's stored reading holds more (``sources``).
_SHEET_KEYS = ("source", "sheet", "header_row", "rows")


def _sheets(stored: list[Any] | None) -> list[dict[str, Any]] | None:
    if stored is None:
        return None
    return [{k: s[k] for k in _SHEET_KEYS if k in s} for s in stored if isinstance(s, dict)]


def sources_public(stored: list[Any] | None, lang: Lang) -> list[SourcePublic]:
    """The stored reading worded in ``lang``. A purged batch keeps only counts: nothing to
    show. A note whose words are gone from the catalogue (a reading stored by an older
    version) does not cost the caller the batch: its sheet is shown without its notes."""
    found = []
    for entry in stored or []:
        if not isinstance(entry, dict) or "source" not in entry:
            continue
        read = reading.from_store(entry)
        try:
            found.append(SourcePublic(**read.to_json(lang), lines=read.lines(lang)))
        except (KeyError, IndexError, ValueError) as error:
            log.warning("a stored reading cannot be worded (%s): shown without its notes", error)
            bare = reading.from_store({k: entry.get(k) for k in _SHEET_KEYS})
            found.append(SourcePublic(**bare.to_json(lang), lines=bare.lines(lang)))
    return found


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive UTC times; answer with the zone either way."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


@router.post(
    "",
    status_code=202,
    response_model=BatchPublic,
    responses={
        404: RULESET_NOT_FOUND,
        413: {"model": ErrorPublic},
        415: {"model": ErrorPublic},
        422: {"model": ErrorPublic},
        507: {
            "model": ErrorPublic,
            "description": "Penyimpanan penuh atau tidak dapat ditulisi; tidak ada yang "
            "tersimpan / Storage full or not writable (`storage_full`, `storage_unwritable`); "
            "nothing was kept",
        },
    },
)
def submit(
    request: Request,
    file: Annotated[
        UploadFile, File(description="The roster: .xlsx, .xlsm, .xls, .ods, .csv or .txt.")
    ],
    session: SessionDep,
    principal: CallerDep,
    settings: SettingsDep,
    lang: LangDep,
    ruleset: Annotated[str | None, Form(description="Rule set id, e.g. bsu-2025.")] = None,
    mapping: Annotated[
        list[str] | None,
        Form(
            alias="map",
            description="Which column to read a field from, over the automatic choice: "
            "field=Header as written in the roster (e.g. wage=Total Upah, nik=NIK KTP). "
            "Repeat the field, or put one pair per line.",
        ),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=128,
            description="Send the same key when retrying: the same batch is returned.",
        ),
    ] = None,
) -> JSONResponse:
    """Upload a roster. Answers 202 once the file is safely stored; the check runs in the
    background. Follow ``links.self`` until ``status`` is ``done`` or ``failed``. With an
    ``Idempotency-Key``, a retry returns the batch the key created (the same key with a
    different file, or with a different ``map``, is 422). A ``map`` that cannot be read
    is 422 ``map_invalid``; one naming a header the roster does not have fails the batch,
    its error listing the headers present."""
    options = reading.parse_mapping(mapping or [])  # before anything is stored
    read_options = options.to_store()
    # No control characters (a NUL cannot even be stored in PostgreSQL), at most 255 long.
    filename = "".join(ch for ch in Path(file.filename or "roster").name if ch.isprintable())
    filename = filename[-255:] or "roster"
    suffix = Path(filename).suffix.lower()
    if suffix not in kinds.UPLOADABLE:
        raise UnsupportedType(
            *(
                say(
                    "api_upload_type_unsupported",
                    language,
                    suffix=suffix or say("api_upload_no_extension", language),
                )
                for language in LANGS
            )
        )
    ruleset_id = ruleset or settings.ruleset
    # By id from the rules folder only (404 ruleset_not_found naming the valid ids).
    version = load_ruleset(ruleset_id, settings.rules_dir).version
    batch_id = str(uuid.uuid4())
    target = settings.data_dir / "uploads" / f"{batch_id}{suffix}"
    digest, size = _stored(file, target, settings.max_upload_bytes)
    if size == 0:
        target.unlink(missing_ok=True)
        raise BsuError(*both("api_upload_empty"), "file_empty")
    refused = preflight.screen(target)  # not a workbook, cut short, hostile: say so now
    if refused is not None:
        target.unlink(missing_ok=True)
        error = refused.error(filename)
        if refused.oversize:
            raise TooLarge(error.message_id, error.message_en, error.code)
        raise error
    idempotency_key = _tenant_key(principal, idempotency_key)
    if idempotency_key:
        earlier = batches.by_idempotency_key(session, idempotency_key)
        if earlier is not None:
            target.unlink(missing_ok=True)
            return _same_or_conflict(earlier, digest, read_options, lang, settings.rules_dir)
    batch = batches.submit(
        session,
        batch_id=batch_id,
        filename=filename,
        content_sha256=digest,
        stored_path=str(target),
        size_bytes=size,
        ruleset_id=ruleset_id,
        ruleset_version=version,
        submitted_by=principal.actor,
        lang=lang,
        idempotency_key=idempotency_key,
        employer_id=principal.employer_id,
        branch=principal.branch,
        request_id=request_id.of(request.state),
        read_options=read_options,
    )
    try:
        session.commit()
    except IntegrityError:
        # Another request with the same key won the race: answer with its batch.
        session.rollback()
        target.unlink(missing_ok=True)
        earlier = batches.by_idempotency_key(session, idempotency_key or "")
        if earlier is None:
            raise
        return _same_or_conflict(earlier, digest, read_options, lang, settings.rules_dir)
    except OperationalError as exc:
        session.rollback()
        target.unlink(missing_ok=True)  # no batch: the file would be a stray
        if _database_full(exc):
            log.error("upload not recorded: the database has no room (%s)", type(exc).__name__)
            raise upload_refused("full") from None
        raise
    public = _public(batch, lang, settings.rules_dir)
    return JSONResponse(
        public.model_dump(mode="json"), status_code=202, headers={"Location": public.links.self}
    )


def _tenant_key(principal: Principal, key: str | None) -> str | None:
    """Idempotency keys are the caller's own: two employers sending the same key must
    not meet each other's batch, so a tenant's key is stored as a hash with its tenant."""
    if not key or principal.role is Role.LOCAL:
        return key
    tenant = (
        f"employer:{principal.employer_id}"
        if principal.role is Role.EMPLOYER
        else f"branch:{principal.branch}"
    )
    return hashlib.sha256(f"{tenant}\n{key}".encode()).hexdigest()


def _same_or_conflict(
    earlier: Batch,
    digest: str,
    read_options: dict[str, Any] | None,
    lang: Lang,
    rules_dir: Path | None,
) -> JSONResponse:
    """A retry answers with the batch its key made; the key sent with another file, or
    with the same file read another way (another ``map``), is refused."""
    if earlier.content_sha256 != digest:
        raise BsuError(*both("api_upload_key_reused"), "idempotency_key_reused")
    if (earlier.read_options or None) != read_options:
        raise BsuError(*both("api_upload_key_reused_map"), "idempotency_key_reused")
    public = _public(earlier, lang, rules_dir)
    return JSONResponse(
        public.model_dump(mode="json"), status_code=202, headers={"Location": public.links.self}
    )


def _size(n: int) -> str:
    """A byte count as people read it: 50 MB, 1,5 MB, 1000 byte."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB".replace(".", ",")
    if n >= 1024:
        return f"{n / 1024:g} KB".replace(".", ",")
    return f"{n} byte"


def _stored(upload: UploadFile, target: Path, limit: int) -> tuple[str, int]:
    """``_store``, with a data folder that is full, read-only or not ours answered 507
    (logged for the operator with the folder, never to the caller) and nothing left."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return _store(upload, target, limit)
    except OSError as exc:
        problem = storage.problem_of(exc)
        if problem is None:
            raise
        target.unlink(missing_ok=True)  # the fsync of its folder may be what failed
        log.error("upload not stored in %s: %s", target.parent, os.strerror(exc.errno or 0))
        raise upload_refused(problem) from None


def _database_full(exc: OperationalError) -> bool:
    """SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100): the store has no room."""
    orig = exc.orig
    return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or (
        getattr(orig, "sqlstate", None) == "53100"
    )


def _store(upload: UploadFile, target: Path, limit: int) -> tuple[str, int]:
    """Copy the upload to its place, hashing it; durable (fsynced) before answering."""
    digest = hashlib.sha256()
    size = 0
    with atomic(target) as partial, partial.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(*both("api_file_too_large", size=_size(limit)), "file_too_large")
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


@router.get("", response_model=BatchesPublic)
def listed(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    principal: CallerDep,
    settings: SettingsDep,
    status: Literal["queued", "running", "done", "failed"] | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> BatchesPublic:
    """Your batches, newest first: an employer's own uploads, or a branch's for its staff."""
    found, count = batches.listed(session, principal, status, (page - 1) * page_size, page_size)
    if principal.role is Role.STAFF and found:
        # Each batch shown names a file and an employer: one record per batch, so that
        # "who saw this batch" is answered from its own audit trail.
        # At most page_size (100) records, inserted in one flush.
        detail = {"status": status, "page": page, "page_size": page_size}
        for batch in found:
            audit_read(session, request, principal, batch, "batch.read.list", detail, False)
        session.commit()
    return BatchesPublic(
        data=[_public(b, lang, settings.rules_dir) for b in found],
        count=count,
        page=page,
        page_size=page_size,
    )


def visible(session: SessionDep, batch_id: str, principal: Principal) -> Batch:
    """The batch, if the caller may see it. Another tenant's batch is answered exactly
    like one that does not exist, so its existence cannot be learned either."""
    batch = batches.visible(session, batch_id, principal)
    if batch is None:
        raise _not_found(batch_id)
    return batch


def audit_read(
    session: SessionDep,
    request: Request,
    principal: Principal,
    batch: Batch,
    action: str,
    detail: dict[str, Any] | None = None,
    commit: bool = True,
) -> None:
    """Record a read of personal data: always for staff, downloads for everyone. Without
    ``commit`` the caller commits (several records in one transaction)."""
    batches.audit(
        session,
        principal.actor,
        action,
        batch.id,
        batch.ruleset_id,
        batch.ruleset_version,
        detail,
        request_id=request_id.of(request.state),
    )
    if commit:
        session.commit()


@router.get("/{batch_id}", response_model=BatchPublic, responses={404: {"model": ErrorPublic}})
def status(
    batch_id: str,
    request: Request,
    session: SessionDep,
    lang: LangDep,
    principal: CallerDep,
    settings: SettingsDep,
) -> BatchPublic:
    """Status, progress (percent) and, once done, the summary."""
    batch = visible(session, batch_id, principal)
    # The filename and employer are the employer's data; a staff key polling the batch it
    # uploaded itself (the upload page asks twice a second) reads nothing it did not send.
    if principal.role is Role.STAFF and batch.submitted_by != principal.actor:
        audit_read(session, request, principal, batch, "batch.read.status")
    public = _public(batch, lang, settings.rules_dir)
    public.evidence = evidence_notice(session, batch.id, lang)  # which data overruled it
    return public
