"""A checked batch's results: its rows a page at a time, its result files, the trace of
its check (``bsu.trace.v1``, an audit record holding the rows' NIKs) and the payment
pre-check's action list (a CSV holding account numbers).

Only a batch that is done has them: a failed, unfinished or purged batch is answered with
why (``done``). Every read of personal data is audited (``audit_read``). Account numbers
and holder names in the rows are shown in full to the batch's owner, masked to branch
staff (``Principal.sees_accounts``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from bsu.api.auth import CallerDep
from bsu.api.deps import LangDep, SessionDep
from bsu.api.routes.batches import audit_read, visible
from bsu.api.schemas import (
    ErrorPublic,
    PaymentFindingPublic,
    RowPaymentPublic,
    RowPublic,
    RowsPublic,
)
from bsu.core.ruleset import Lang
from bsu.core.words import both, say
from bsu.errors import Conflict, Gone
from bsu.privacy.access import Principal, Role
from bsu.privacy.pseudonyms import mask_numbers
from bsu.results import formats
from bsu.service.batch_results import actions_path, trace_path
from bsu.store import batches
from bsu.store.models import Batch
from bsu.values.account import masked

router = APIRouter(prefix="/v1/batches", tags=["batches"])


@router.get(
    "/{batch_id}/rows",
    response_model=RowsPublic,
    responses={404: {"model": ErrorPublic}, 409: {"model": ErrorPublic}},
)
def rows(
    batch_id: str,
    request: Request,
    session: SessionDep,
    lang: LangDep,
    principal: CallerDep,
    status: Literal["eligible", "ineligible", "review"] | None = None,
    payment: Annotated[
        Literal["findings"] | None,
        Query(description="findings: only the rows the payment pre-check found something in."),
    ] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RowsPublic:
    """The checked rows in roster order, optionally of one status (and only those with a
    payment finding), a page at a time."""
    batch = done(session, batch_id, principal)
    offset = (page - 1) * page_size
    found, count = batches.rows(session, batch.id, status, offset, page_size, bool(payment))
    if principal.role is Role.STAFF:
        detail: dict[str, Any] = {
            "status": status,
            "page": page,
            "page_size": page_size,
            "rows": len(found),
        }
        if payment:
            detail["payment"] = payment
        audit_read(session, request, principal, batch, "batch.read.rows", detail)
    data = [
        RowPublic(
            position=r.position,
            source=r.source,
            sheet=r.sheet,
            row=r.row,
            nik=r.nik,
            name=r.name,
            status=r.status,
            reasons=r.reasons_en if lang == "en" else r.reasons_id,
            evidence=(r.evidence or {}).get(lang),
            checks=r.checks,
            wage=r.wage,
            wage_cap=r.wage_cap,
            benefit=r.benefit,
            payment=row_payment(r.payment, lang, principal.sees_accounts),
        )
        for r in found
    ]
    return RowsPublic(data=data, count=count, page=page, page_size=page_size)


def row_payment(stored: dict[str, Any] | None, lang: Lang, full: bool) -> RowPaymentPublic | None:
    """A stored row's pre-check (``batch_results.stored_payments``) worded in ``lang``;
    unless ``full``, its account number masked as the terminal shows it and its holder's
    name by initials, in the messages too (a finding quotes the holder's name)."""
    if not stored:
        return None
    number, holder = stored.get("account_number"), stored.get("account_holder")

    def shown(message: str) -> str:
        if full:
            return message
        if holder:
            message = message.replace(f'"{holder}"', f'"{masked_name(holder)}"')
        return mask_numbers(message)

    return RowPaymentPublic(
        channel=stored["channel"],
        channel_label=stored["channel_label"],
        findings=[
            PaymentFindingPublic(
                code=f["code"], severity=f["severity"], message=shown(f["message"].get(lang, ""))
            )
            for f in stored.get("findings", [])
        ],
        bank=stored.get("bank"),
        account_number=number if full or not number else masked(number),
        account_holder=holder if full or not holder else masked_name(holder),
    )


def masked_name(name: str) -> str:
    """A name shown by its initials, the rest of each word as ``*`` ("A** N******")."""
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in name.split())


def _gone() -> Gone:
    return Gone(*both("api_result_purged"), "result_gone")


def done(session: SessionDep, batch_id: str, principal: Principal) -> Batch:
    batch = visible(session, batch_id, principal)
    if batch.purged_at is not None:
        raise _gone()
    if batch.status == batches.FAILED:
        raise Conflict(
            say("api_batch_failed", "id", error=batch.error_id or ""),
            say("api_batch_failed", "en", error=batch.error_en or ""),
            "batch_failed",
        )
    if batch.status != batches.DONE:
        raise Conflict(*both("api_batch_not_ready", status=batch.status), "batch_not_ready")
    return batch


def _download(
    session: SessionDep,
    request: Request,
    principal: Principal,
    batch_id: str,
    kind: Literal["xlsx", "csv", "trace", "actions"],
) -> FileResponse:
    batch = done(session, batch_id, principal)
    path = _file_of(batch, kind)
    if not path or not Path(path).is_file():
        raise Gone(*both("api_result_file_gone"), "result_gone")
    audit_read(session, request, principal, batch, f"batch.download.{kind}")
    stem = Path(batch.filename).stem
    names = {"trace": f"jejak-{stem}.json", "actions": f"rekening-{stem}.csv"}
    name = names.get(kind, f"hasil-{stem}.{kind}")
    return FileResponse(path, media_type=formats.media_type(kind), filename=name)


def _file_of(batch: Batch, kind: str) -> str | None:
    # The trace and the action list lie beside the workbook; a batch checked before
    # either was written has none.
    beside = {"trace": trace_path, "actions": actions_path}.get(kind)
    if beside is not None:
        folder = Path(batch.result_xlsx).parent if batch.result_xlsx else None
        return str(beside(folder, batch.id)) if folder else None
    return batch.result_xlsx if kind == "xlsx" else batch.result_csv


@router.get(
    "/{batch_id}/result.xlsx",
    response_class=FileResponse,
    responses={404: {"model": ErrorPublic}, 409: {"model": ErrorPublic}},
)
def result_xlsx(
    batch_id: str, request: Request, session: SessionDep, principal: CallerDep
) -> FileResponse:
    """The same workbook ``bsu check --out`` writes."""
    return _download(session, request, principal, batch_id, "xlsx")


@router.get(
    "/{batch_id}/result.csv",
    response_class=FileResponse,
    responses={404: {"model": ErrorPublic}, 409: {"model": ErrorPublic}},
)
def result_csv(
    batch_id: str, request: Request, session: SessionDep, principal: CallerDep
) -> FileResponse:
    return _download(session, request, principal, batch_id, "csv")


@router.get(
    "/{batch_id}/trace",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/json": {}}},
        404: {"model": ErrorPublic},
        409: {"model": ErrorPublic},
        410: {"model": ErrorPublic},
    },
)
def result_trace(
    batch_id: str, request: Request, session: SessionDep, principal: CallerDep
) -> FileResponse:
    """The audit record of the batch's check (``bsu.trace.v1``, what ``bsu check --format
    trace`` writes): the rule set with the hash of its files and every parameter, the
    roster's hash, the evidence imports used, the engine version and every row's checks.
    It holds the rows' NIKs: like the result files, only the batch's owner and its
    branch's staff get it, and every download is audited."""
    return _download(session, request, principal, batch_id, "trace")


@router.get(
    "/{batch_id}/actions.csv",
    response_class=FileResponse,
    responses={
        200: {"content": {"text/csv": {}}},
        404: {"model": ErrorPublic},
        409: {"model": ErrorPublic},
        410: {"model": ErrorPublic},
    },
)
def result_actions(
    batch_id: str, request: Request, session: SessionDep, principal: CallerDep
) -> FileResponse:
    """The payment pre-check's action list (what ``bsu check --actions`` writes): one line
    per finding of each eligible row, with what to do and where. It holds account
    numbers: like the result files, only the batch's owner and its branch's staff get
    it, and every download is audited."""
    return _download(session, request, principal, batch_id, "actions")
