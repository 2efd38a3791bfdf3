"""Checking workers sent as JSON: one (``/v1/check``) or a list (``/v1/check/batch``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from sqlalchemy import Engine

from bsu.api.deps import LangDep, SettingsDep
from bsu.api.errors import ApiError
from bsu.api.schemas import WORKER_EXAMPLE, CheckPublic, ChecksPublic, ErrorPublic, WorkerCheck
from bsu.engine import evaluate
from bsu.explain import explain
from bsu.nik import clean as clean_nik
from bsu.records import frame
from bsu.report import plain
from bsu.ruleset import Lang, load_ruleset
from bsu.settings import Settings
from bsu.store import evidence

router = APIRouter(prefix="/v1/check", tags=["check"])
RulesQuery = Annotated[str | None, Query(description="Rule set id, e.g. bsu-2025.")]


def _check(
    workers: list[WorkerCheck], settings: Settings, lang: Lang, rules: str | None, store: Engine
) -> list[CheckPublic]:
    ruleset = load_ruleset(rules or settings.ruleset, settings.rules_dir)
    records = frame(
        [{**w.record(), "source": "request", "row": i + 1} for i, w in enumerate(workers)]
    )
    niks, _ = clean_nik(records["nik"])
    decisions = evaluate(records, ruleset, evidence.load(store, niks.tolist()))
    explained = explain(decisions, lang)
    reasons = explained.rows()
    sources = explained.evidence_rows() if not explained.evidence.empty else None
    f = decisions.frame
    ref: dict[str, Any] = {"id": ruleset.id, "version": ruleset.version}
    return [
        CheckPublic(
            status=status,
            reasons=reasons[i],
            wage=plain(wage),
            wage_cap=plain(cap),
            benefit=int(benefit),
            ruleset=ref,
            evidence=sources[i] if sources else None,
        )
        for i, (status, wage, cap, benefit) in enumerate(
            zip(f["status"], f["wage"], f["wage_cap"], f["benefit"], strict=True)
        )
    ]


def _id_number(n: int) -> str:
    """10.000 the Indonesian way (dots between thousands)."""
    return f"{n:,}".replace(",", ".")


@router.post("", response_model=CheckPublic, responses={422: {"model": ErrorPublic}})
def check_one(
    request: Request,
    worker: Annotated[WorkerCheck, Body(examples=[WORKER_EXAMPLE])],
    settings: SettingsDep,
    lang: LangDep,
    rules: RulesQuery = None,
) -> CheckPublic:
    """Check one worker. A malformed NIK or wage is a result (``review``), not an error."""
    return _check([worker], settings, lang, rules, request.app.state.engine)[0]


@router.post(
    "/batch",
    response_model=ChecksPublic,
    responses={413: {"model": ErrorPublic}, 422: {"model": ErrorPublic}},
)
def check_many(
    request: Request,
    workers: Annotated[list[WorkerCheck], Body(examples=[[WORKER_EXAMPLE]])],
    settings: SettingsDep,
    lang: LangDep,
    rules: RulesQuery = None,
) -> ChecksPublic:
    """Check a list of workers (at most ``BSU_MAX_BATCH_WORKERS``, 10.000 by default), in
    order, with duplicate NIKs found across the list. Larger rosters: ``POST /v1/batches``."""
    limit = settings.max_batch_workers
    if len(workers) > limit:
        got = len(workers)
        raise ApiError(
            413,
            "too_many_workers",
            f"Paling banyak {_id_number(limit)} pekerja per permintaan; kiriman ini berisi "
            f"{_id_number(got)}. Untuk roster besar, unggah berkasnya ke POST /v1/batches.",
            f"At most {limit:,} workers per request; this one has {got:,}. For large rosters, "
            "upload the file to POST /v1/batches.",
        )
    data = _check(workers, settings, lang, rules, request.app.state.engine) if workers else []
    return ChecksPublic(data=data, count=len(data))
