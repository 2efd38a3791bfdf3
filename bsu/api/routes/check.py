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
  the thread pool, and records who used it (``check.evidence`` audit records).
- Evidence is scoped to the caller (UU 27/2022): an employer's key gets registry and list
  data only for the workers the registry places at its NPP (``Principal.evidence_scope``).
  Requests of different scopes are never in one group (the coalescer's key holds the
  scope), so no request is judged on evidence loaded for another caller.
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bsu.api import request_id
from bsu.api.auth import caller
from bsu.api.coalesce import Coalescer
from bsu.api.errors import RULESET_NOT_FOUND
from bsu.api.lang import language_of
from bsu.api.schemas import (
    WORKER_EXAMPLE,
    CheckPublic,
    ChecksPublic,
    ErrorPublic,
    RuleSetRef,
    WorkerCheck,
)
from bsu.core import payment
from bsu.core.evidence import Evidence
from bsu.core.fields import PAYMENT
from bsu.core.records import COLUMNS, ROW, SOURCE
from bsu.core.ruleset import Lang, RuleSet, load_ruleset
from bsu.core.trail import row_checks
from bsu.errors import TooLarge
from bsu.privacy.access import LOCAL, Principal
from bsu.privacy.pseudonyms import log_key, pseudonym
from bsu.results.model import plain, ruleset_ref
from bsu.service.pipeline import Checked, EvidenceProvider, check_records, no_evidence
from bsu.service.settings import Settings
from bsu.store import evidence
from bsu.store.models import ExclusionImport, RegistryImport
from bsu.values.nik import usable as usable_nik
from bsu.values.numbers import id_number as _id_number

log = logging.getLogger("bsu.api")
router = APIRouter(
    prefix="/v1/check",
    tags=["check"],
    dependencies=[Depends(caller)],
    responses={401: {"model": ErrorPublic}},
)
# The request fields the payment pre-check reads (bank, account number, holder).
PAYMENT_FIELDS = tuple(f.name for f in PAYMENT)
RulesQuery = Annotated[str | None, Query(description="Rule set id, e.g. bsu-2025.")]

# How stale "is any evidence imported?" may be, in seconds.
EVIDENCE_RECHECK_SECONDS = 2.0
# /v1/check/batch lists longer than this are judged in a worker thread, so that the event
# loop keeps answering other requests meanwhile.
THREAD_ABOVE_WORKERS = 1000
JSON = "application/json"
T = TypeVar("T")


# Who sent a request: the principal and the request's X-Request-ID (for the audit).
Caller = tuple[Principal, str | None]


@dataclass(frozen=True)
class _Pending:
    """One ``/v1/check`` request waiting for its group."""

    record: dict[str, Any]
    ruleset: RuleSet
    lang: Lang
    caller: Caller = (LOCAL, None)

    @property
    def group(self) -> tuple[Path, str | None]:
        """Requests judged together: one rule set and one evidence scope."""
        return self.ruleset.path, self.caller[0].evidence_scope


class Checker:
    """What the check routes share, one per app: rule sets by id, the evidence flag, and
    the coalescer of single checks."""

    def __init__(self, settings: Settings, store: Engine) -> None:
        self.settings = settings
        self.store = store
        self._rulesets: dict[str, RuleSet] = {}
        self._has_evidence = False
        self._evidence_checked = float("-inf")
        self._log_key: bytes | None = None
        self.coalescer: Coalescer[tuple[Path, str | None], _Pending, bytes] = Coalescer(
            self._judge_group,
            key=lambda pending: pending.group,
            max_items=settings.check_coalesce_max,
            split_on=_may_be_one_request,
        )

    def ruleset(self, name: str | None) -> RuleSet:
        """The rule set ``name`` (default: the configured one), loaded once. ``name`` is an
        id of the rules folder, never a path: anything else raises ``RuleSetNotFound`` (404
        ``ruleset_not_found`` naming the valid ids) and is not remembered."""
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
            check_records(_records([example]), ruleset, separate_sources=True)
        except Exception:
            log.warning("warming the checker failed", exc_info=True)

    async def close(self) -> None:
        await self.coalescer.close()

    async def evidence_for(self, callers: Mapping[str, Caller]) -> EvidenceProvider:
        """How the pipeline gets the stored evidence the callers may be judged on
        (``callers``: who sent the rows of each source; one evidence scope for all), with
        each caller's use of it audited; no evidence, without reading the database, when
        nothing has been imported."""
        if not await self._evidence_loaded():
            return no_evidence
        scopes = {principal.evidence_scope for principal, _ in callers.values()}
        if len(scopes) != 1:
            raise RuntimeError("requests of different evidence scopes judged together")
        scope = scopes.pop()

        def found(records: pd.DataFrame, niks: pd.Series) -> Evidence:
            loaded = evidence.load(self.store, niks.tolist(), scope)
            if not loaded.empty:
                uses = self._uses(records, niks, loaded, callers)
                evidence.record_uses(self.store, loaded, uses)
            return loaded

        return found

    async def judged(
        self,
        records: pd.DataFrame,
        ruleset: RuleSet,
        callers: Mapping[str, Caller],
        answer: Callable[[Checked], T],
        *,
        separate_sources: bool = False,
        in_thread: bool,
    ) -> T:
        """The records judged through the pipeline (``bsu.service.pipeline``), and the answer made
        of them; in the thread pool when asked, and whenever the store is read (the event
        loop never waits on the database)."""
        found = await self.evidence_for(callers)

        def judge() -> T:
            checked = check_records(records, ruleset, found, separate_sources=separate_sources)
            return answer(checked)

        if in_thread or found is not no_evidence:
            return await run_in_threadpool(judge)
        return judge()

    def _uses(
        self,
        records: pd.DataFrame,
        niks: pd.Series,
        found: Evidence,
        callers: Mapping[str, Caller],
    ) -> list[evidence.Use]:
        """Per caller, the NIKs whose evidence was consulted, as keyed pseudonyms (as the
        logs name them: an auditor finds a worker by its pseudonym, never by its NIK)."""
        if self._log_key is None:
            secret = self.settings.log_key
            self._log_key = log_key(
                secret.get_secret_value() if secret else "", self.settings.data_dir
            )
        consulted = usable_nik(niks).to_numpy()
        if found.scoped and found.registry is not None:
            consulted = consulted & niks.isin(found.registry.index).to_numpy()
        sources = records[SOURCE].to_numpy()
        uses = []
        for source, (principal, rid) in callers.items():
            mine = sorted(set(niks[consulted & (sources == source)]))
            if mine:
                named = [pseudonym(n, self._log_key) for n in mine]
                uses.append(evidence.Use(principal.actor, len(mine), named, rid))
        return uses

    async def _evidence_loaded(self) -> bool:
        if time.monotonic() - self._evidence_checked >= EVIDENCE_RECHECK_SECONDS:
            self._has_evidence = await run_in_threadpool(_any_evidence, self.store)
            self._evidence_checked = time.monotonic()
        return self._has_evidence

    async def check_one(self, pending: _Pending) -> bytes:
        return await self.coalescer.submit(pending)

    async def _judge_group(
        self, _key: tuple[Path, str | None], group: list[_Pending]
    ) -> list[bytes]:
        """One coalesced group (same rule set, same evidence scope): one evaluation, each
        request its own source; the answers as JSON bytes, each in its caller's language."""
        records = _records(
            {**p.record, SOURCE: f"request-{i}", ROW: 1} for i, p in enumerate(group)
        )
        return await self.judged(
            records,
            group[0].ruleset,
            {f"request-{i}": p.caller for i, p in enumerate(group)},
            partial(
                _judged_json,
                langs=[p.lang for p in group],
                accounts=any(_gives_account(p.record) for p in group),
            ),
            separate_sources=True,
            in_thread=self.settings.check_in_thread,
        )


def _may_be_one_request(error: Exception) -> bool:
    """Whether a failed group is worth judging again in parts (``Coalescer``): a database
    or OS error is the server's, not one request's, and would only repeat."""
    return not isinstance(error, SQLAlchemyError | OSError)


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


def _gives_account(record: Mapping[str, Any]) -> bool:
    """Whether a request names a bank, an account or its holder: without any, there is
    nothing to pre-check and the pre-check's cost is saved (most requests have none)."""
    return any(record.get(name) not in (None, "") for name in PAYMENT_FIELDS)


def _results(checked: Checked, langs: Sequence[Lang], accounts: bool) -> list[CheckPublic]:
    """Every row's answer, row ``i`` worded in ``langs[i]`` (each language explained once);
    with the payment pre-check when some row gave ``accounts`` data."""
    decisions = checked.decisions
    ruleset = decisions.ruleset
    explained = {}
    for lang in sorted(set(langs)):
        words = checked.explained(lang)
        sources = words.evidence_rows() if not words.evidence.empty else None
        explained[lang] = (words.rows(), sources)
    # The payment pre-check, per language (None per row where not checked; each request
    # is its own duplicate scope, so one caller's account never meets another's).
    payments = payment.of(decisions) if accounts else None
    paid: dict[Lang, list[Any]] = {
        lang: payments.rows(lang) if payments is not None else [None] * len(decisions)
        for lang in explained
    }
    f = decisions.frame
    checks = row_checks(decisions)
    # Under a draft rule set each answer says so, in its caller's language.
    refs = {lang: RuleSetRef(**ruleset_ref(ruleset, lang)) for lang in explained}
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
                    "ruleset": refs[langs[i]],
                    "evidence": sources[i] if sources else None,
                    "checks": checks[i],
                    "payment": paid[langs[i]][i],
                }
            )
        )
    return out


def _judged_json(checked: Checked, langs: list[Lang], accounts: bool) -> list[bytes]:
    return [result.model_dump_json().encode() for result in _results(checked, langs, accounts)]


def _checker(request: Request) -> Checker:
    checker: Checker = request.app.state.checker
    return checker


def _caller(request: Request) -> Caller:
    """The request's principal (set by the ``caller`` dependency) and its request id."""
    principal: Principal = getattr(request.state, "principal", LOCAL)
    return principal, request_id.of(request.state)


@router.post(
    "",
    response_model=CheckPublic,
    responses={404: RULESET_NOT_FOUND, 422: {"model": ErrorPublic}},
    response_class=Response,
)
async def check_one(
    request: Request,
    worker: Annotated[WorkerCheck, Body(examples=[WORKER_EXAMPLE])],
    rules: RulesQuery = None,
) -> Response:
    """Check one worker. A malformed NIK or wage is a result (``review``), not an error."""
    checker = _checker(request)
    pending = _Pending(
        worker.record(), checker.ruleset(rules), language_of(request), _caller(request)
    )
    return Response(await checker.check_one(pending), media_type=JSON)


@router.post(
    "/batch",
    response_model=ChecksPublic,
    responses={404: RULESET_NOT_FOUND, 413: {"model": ErrorPublic}, 422: {"model": ErrorPublic}},
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
        raise TooLarge(
            f"Paling banyak {_id_number(limit)} pekerja per permintaan; kiriman ini berisi "
            f"{_id_number(got)}. Untuk roster besar, unggah berkasnya ke POST /v1/batches.",
            f"At most {limit:,} workers per request; this one has {got:,}. For large rosters, "
            "upload the file to POST /v1/batches.",
            "too_many_workers",
        )
    lang = language_of(request)
    data: list[CheckPublic] = []
    if workers:
        ruleset = checker.ruleset(rules)
        given = [w.record() for w in workers]
        records = _records({**r, SOURCE: "request", ROW: i + 1} for i, r in enumerate(given))
        data = await checker.judged(
            records,
            ruleset,
            {"request": _caller(request)},
            partial(_judged, lang=lang, accounts=any(map(_gives_account, given))),
            in_thread=len(workers) > THREAD_ABOVE_WORKERS,
        )
    body = ChecksPublic(data=data, count=len(data))
    return Response(body.model_dump_json(), media_type=JSON)


def _judged(checked: Checked, lang: Lang, accounts: bool) -> list[CheckPublic]:
    return _results(checked, [lang] * len(checked.decisions), accounts)
