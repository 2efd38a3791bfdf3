"""Checking workers sent as JSON: one (``/v1/check``) or a list (``/v1/check/batch``).

How ``/v1/check`` stays fast on one process (see ``benchmarks/api_load.py``):

- The handlers are ``async def`` and take no thread-pool dependencies: the language comes
  from ``Accept-Language`` and the settings from ``app.state`` directly.
- Rule sets are loaded once and kept by id in a ``Checker`` on ``app.state`` (with their
  region index warmed at start-up); no request reads a rule file.
- Evidence (registry extracts, exclusion lists) is read from the database only when some
  has been imported. Whether any has is a cached flag, re-read at most every
  ``EVIDENCE_RECHECK_SECONDS`` (one ``SELECT ... LIMIT 1`` per table). Imports are made
  by ``bsu registry import`` / ``bsu exclusions import`` in another process, so the
  server cannot be told about them: an import is used at most that many seconds after it
  is committed. The embedded default store has no evidence, so the usual request touches
  no database at all. With evidence loaded, each coalesced group makes one
  ``evidence.load`` (a few indexed ``IN`` lookups for all the group's NIKs together) in
  the thread pool.
- Concurrent ``/v1/check`` requests are coalesced (``bsu.api.coalesce``): everything
  pending is judged in one ``evaluate(..., separate_sources=True)`` call per rule set,
  each request its own source, so two requests with the same NIK are never duplicates
  of each other; a request alone is judged at once. The group is judged in a worker
  thread (``BSU_CHECK_IN_THREAD``, default on: as fast as on the event loop, and the loop
  keeps reading the next group's requests meanwhile). Each group is explained once per
  language present, and the answers are serialised straight to JSON bytes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine, select
from starlette.concurrency import run_in_threadpool

from bsu.api.auth import caller
from bsu.api.coalesce import Coalescer
from bsu.api.errors import ApiError
from bsu.api.lang import language_of
from bsu.api.schemas import (
    WORKER_EXAMPLE,
    CheckPublic,
    ChecksPublic,
    ErrorPublic,
    RuleSetRef,
    WorkerCheck,
)
from bsu.engine import Decisions, evaluate
from bsu.evidence import NO_EVIDENCE, Evidence
from bsu.explain import explain
from bsu.nik import clean as clean_nik
from bsu.records import COLUMNS, ROW, SOURCE
from bsu.report import plain
from bsu.ruleset import Lang, RuleSet, load_ruleset
from bsu.settings import Settings
from bsu.store import evidence
from bsu.store.models import ExclusionImport, RegistryImport

log = logging.getLogger("bsu.api")
router = APIRouter(
    prefix="/v1/check",
    tags=["check"],
    dependencies=[Depends(caller)],
    responses={401: {"model": ErrorPublic}},
)
RulesQuery = Annotated[str | None, Query(description="Rule set id, e.g. bsu-2025.")]

# How stale "is any evidence imported?" may be, in seconds.
EVIDENCE_RECHECK_SECONDS = 2.0
# /v1/check/batch lists longer than this are judged in a worker thread, so that the event
# loop keeps answering other requests meanwhile.
THREAD_ABOVE_WORKERS = 1000
JSON = "application/json"


@dataclass(frozen=True)
class _Pending:
    """One ``/v1/check`` request waiting for its group."""

    record: dict[str, Any]
    ruleset: RuleSet
    lang: Lang


class Checker:
    """What the check routes share, one per app: rule sets by id, the evidence flag, and
    the coalescer of single checks."""

    def __init__(self, settings: Settings, store: Engine) -> None:
        self.settings = settings
        self.store = store
        self._rulesets: dict[str, RuleSet] = {}
        self._has_evidence = False
        self._evidence_checked = float("-inf")
        self.coalescer: Coalescer[Path, _Pending, bytes] = Coalescer(
            self._judge_group,
            key=lambda pending: pending.ruleset.path,
            max_items=settings.check_coalesce_max,
        )

    def ruleset(self, name: str | None) -> RuleSet:
        """The rule set ``name`` (default: the configured one), loaded once. An unknown
        name raises ``RuleSetError`` (422 ``ruleset_not_found``) and is not remembered."""
        name = name or self.settings.ruleset
        found = self._rulesets.get(name)
        if found is None:
            found = self._rulesets[name] = load_ruleset(name, self.settings.rules_dir)
        return found

    def warm(self) -> None:
        """Load the default rule set and judge one made-up worker, so that the first real
        request finds every cache (rule set, region index) filled. Failures are left for
        the requests to report."""
        try:
            ruleset = self.ruleset(None)
            example = {**WORKER_EXAMPLE, SOURCE: "warm-up", ROW: 1}
            evaluate(_records([example]), ruleset, separate_sources=True)
        except Exception:
            log.warning("warming the checker failed", exc_info=True)

    async def close(self) -> None:
        await self.coalescer.close()

    async def evidence_for(self, records: pd.DataFrame) -> Evidence:
        """The stored evidence for these records' NIKs; none without reading the database
        when nothing has been imported."""
        if not await self._evidence_loaded():
            return NO_EVIDENCE
        niks, _ = clean_nik(records["nik"])
        return await run_in_threadpool(evidence.load, self.store, niks.tolist())

    async def _evidence_loaded(self) -> bool:
        if time.monotonic() - self._evidence_checked >= EVIDENCE_RECHECK_SECONDS:
            self._has_evidence = await run_in_threadpool(_any_evidence, self.store)
            self._evidence_checked = time.monotonic()
        return self._has_evidence

    async def check_one(self, pending: _Pending) -> bytes:
        return await self.coalescer.submit(pending)

    async def _judge_group(self, _path: Path, group: list[_Pending]) -> list[bytes]:
        """One coalesced group (same rule set): one evaluation, each request its own
        source; the answers as JSON bytes, each in its caller's language."""
        ruleset = group[0].ruleset
        records = _records(
            {**p.record, SOURCE: f"request-{i}", ROW: 1} for i, p in enumerate(group)
        )
        found = await self.evidence_for(records)
        langs = [p.lang for p in group]
        if self.settings.check_in_thread:
            return await run_in_threadpool(_judged_json, records, ruleset, found, langs)
        return _judged_json(records, ruleset, found, langs)


def _any_evidence(store: Engine) -> bool:
    """Whether any registry extract or exclusion list was ever imported."""
    with store.connect() as connection:
        return any(
            connection.execute(select(table.id).limit(1)).first() is not None
            for table in (RegistryImport, ExclusionImport)
        )


def _records(rows: Any) -> pd.DataFrame:
    """The canonical record columns as given; ``evaluate`` conforms them itself."""
    return pd.DataFrame(list(rows), columns=list(COLUMNS), dtype=object)


def _results(decisions: Decisions, langs: Sequence[Lang]) -> list[CheckPublic]:
    """Every row's answer, row ``i`` worded in ``langs[i]``."""
    ruleset = decisions.ruleset
    explained = {}
    for lang in sorted(set(langs)):
        words = explain(decisions, lang)
        sources = words.evidence_rows() if not words.evidence.empty else None
        explained[lang] = (words.rows(), sources)
    f = decisions.frame
    ref = RuleSetRef(id=ruleset.id, version=ruleset.version)
    out = []
    for i, (status, wage, cap, benefit) in enumerate(
        zip(f["status"], f["wage"], f["wage_cap"], f["benefit"], strict=True)
    ):
        reasons, sources = explained[langs[i]]
        out.append(
            CheckPublic.model_validate(
                {
                    "status": status,
                    "reasons": reasons[i],
                    "wage": plain(wage),
                    "wage_cap": plain(cap),
                    "benefit": int(benefit),
                    "ruleset": ref,
                    "evidence": sources[i] if sources else None,
                }
            )
        )
    return out


def _judged_json(
    records: pd.DataFrame, ruleset: RuleSet, found: Evidence, langs: list[Lang]
) -> list[bytes]:
    decisions = evaluate(records, ruleset, found, separate_sources=True)
    return [result.model_dump_json().encode() for result in _results(decisions, langs)]


def _checker(request: Request) -> Checker:
    checker: Checker = request.app.state.checker
    return checker


def _id_number(n: int) -> str:
    """10.000 the Indonesian way (dots between thousands)."""
    return f"{n:,}".replace(",", ".")


@router.post(
    "",
    response_model=CheckPublic,
    responses={422: {"model": ErrorPublic}},
    response_class=Response,
)
async def check_one(
    request: Request,
    worker: Annotated[WorkerCheck, Body(examples=[WORKER_EXAMPLE])],
    rules: RulesQuery = None,
) -> Response:
    """Check one worker. A malformed NIK or wage is a result (``review``), not an error."""
    checker = _checker(request)
    pending = _Pending(worker.record(), checker.ruleset(rules), language_of(request))
    return Response(await checker.check_one(pending), media_type=JSON)


@router.post(
    "/batch",
    response_model=ChecksPublic,
    responses={413: {"model": ErrorPublic}, 422: {"model": ErrorPublic}},
    response_class=Response,
)
async def check_many(
    request: Request,
    workers: Annotated[list[WorkerCheck], Body(examples=[[WORKER_EXAMPLE]])],
    rules: RulesQuery = None,
) -> Response:
    """Check a list of workers (at most ``BSU_MAX_BATCH_WORKERS``, 10.000 by default), in
    order, with duplicate NIKs found across the list. Larger rosters: ``POST /v1/batches``."""
    checker = _checker(request)
    limit = checker.settings.max_batch_workers
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
    lang = language_of(request)
    data: list[CheckPublic] = []
    if workers:
        ruleset = checker.ruleset(rules)
        records = _records(
            {**w.record(), SOURCE: "request", ROW: i + 1} for i, w in enumerate(workers)
        )
        found = await checker.evidence_for(records)
        if len(workers) > THREAD_ABOVE_WORKERS:
            data = await run_in_threadpool(_judged, records, ruleset, found, lang)
        else:
            data = _judged(records, ruleset, found, lang)
    body = ChecksPublic(data=data, count=len(data))
    return Response(body.model_dump_json(), media_type=JSON)


def _judged(records: pd.DataFrame, ruleset: RuleSet, found: Evidence, lang: Lang) -> list[Any]:
    decisions = evaluate(records, ruleset, found)
    return _results(decisions, [lang] * len(records))
