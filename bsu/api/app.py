"""Building the app: store, schema migration, worker, routes, error handlers."""

from __future__ import annotations

import gc
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool

from bsu import __version__
from bsu.api import errors, limits, timeouts
from bsu.api.auth import Gate
from bsu.api.lang import language_of
from bsu.api.plain import PlainText
from bsu.api.request_id import RequestId
from bsu.api.routes import (
    audit,
    batch_results,
    batches,
    check,
    coverage,
    coverage_regions,
    duplicates,
    health,
    page,
    rulesets,
)
from bsu.api.routes.check import Checker
from bsu.api.schemas import CITATION_PLACEHOLDER, ErrorPublic
from bsu.core.reasons import ReasonCode
from bsu.core.ruleset import load_ruleset
from bsu.errors import Unavailable
from bsu.privacy import logs
from bsu.rosters import preflight
from bsu.service import storage
from bsu.service.jobs import Worker
from bsu.service.settings import Settings
from bsu.store import schema
from bsu.store.db import make_engine, sessions
from bsu.store.keys import Access

log = logging.getLogger("bsu.api")


def create_app(settings: Settings | None = None, run_worker: bool = True) -> FastAPI:
    preflight.require_defused_xml()  # no serving uploads with an unguarded XML parser
    settings = settings or Settings()
    # Pseudonyms for long numbers on every handler, uvicorn's included (set up by now).
    logs.install("INFO", settings)
    storage.make_folder(settings.data_dir)  # 0700; /readyz checks it can be written
    engine = make_engine(settings.resolved_database_url())
    session_factory = sessions(engine)
    worker = Worker.configured(settings, session_factory, engine)
    checker = Checker(settings, engine)
    gate = Gate(session_factory, settings.require_keys, settings.auth_cache_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        schema.upgrade(engine)
        await run_in_threadpool(checker.warm)
        access = await run_in_threadpool(gate.access)
        if access is Access.OPEN:
            log.warning(
                "tanpa kunci API: siapa pun yang dapat menghubungi server ini memakai semua "
                "fitur (hanya untuk 127.0.0.1) / no API keys: anyone who can reach this server "
                "may use everything (loopback only); create one with 'bsu keys create'"
            )
        elif access is Access.CLOSED:
            log.warning(
                "semua kunci dicabut: tertutup bagi panggilan tanpa kunci sampai ada kunci baru "
                "atau 'bsu keys open-local' / every key is revoked: closed to calls without a "
                "key until a new key is created or 'bsu keys open-local' is run"
            )
        # Everything loaded so far (libraries, rule sets, region index) lives as long as
        # the process: keep it out of the garbage collector's full passes, which otherwise
        # walk it all and pause every request for ~100 ms each time.
        gc.collect()
        gc.freeze()
        if run_worker:
            worker.start()
        try:
            yield
        finally:
            await checker.close()
            worker.stop()
            engine.dispose()

    app = FastAPI(
        title="bsu: pemeriksa kelayakan BSU / BSU eligibility checker",
        version=__version__,
        description=(
            "Checks workers against the rules of Indonesia's wage subsidy (BSU). Messages are "
            "in Bahasa Indonesia; send `Accept-Language: en` for English. Every error has "
            'the shape `{"error": {"code", "message"}}`.'
        ),
        lifespan=lifespan,
        responses={
            401: {"model": ErrorPublic, "description": "Kunci API / API key needed"},
            413: {"model": ErrorPublic, "description": "Terlalu besar / too large"},
            422: {"model": ErrorPublic, "description": "Permintaan tidak sah / invalid"},
            429: {"model": ErrorPublic, "description": "Terlalu sering / rate limited"},
        },
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory
    app.state.worker = worker
    app.state.checker = checker
    app.state.gate = gate
    errors.install(app)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.add_middleware(PlainText)  # inside the limits: a bad request still counts and is bounded
    timeouts.install(app, settings)  # innermost: its 408 goes out through the others
    limits.install(app, settings)
    app.add_middleware(RequestId)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    routers = (
        page.router,
        check.router,
        batches.router,
        batch_results.router,
        duplicates.router,
        coverage.router,
        coverage_regions.router,
        audit.router,
        rulesets.router,
        health.router,
    )
    for router in routers:
        app.include_router(router)
    if settings.bench_endpoint:
        app.include_router(_bench_router())
    return app


# Said once a minute at most, not a traceback per request: while the database is down,
# every request that needs it fails the same way. (When it was last said.)
_outage_said = [-60.0]


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database cannot be reached (stopped, restarting, out of connections): a typed
    503 the client may retry, not a 500. The worker waits the outage out by itself."""
    if time.monotonic() - _outage_said[0] >= 60.0:
        _outage_said[0] = time.monotonic()
        log.warning(
            "database unavailable (%s) on %s %s: answering 503",
            type(exc).__name__,
            request.method,
            request.url.path,
        )
    unavailable = Unavailable(
        "Basis data tidak dapat dihubungi. Coba lagi sebentar lagi.",
        "The database cannot be reached. Try again in a moment.",
        "database_unavailable",
        headers={"Retry-After": "30"},
    )
    return errors.answer(unavailable, language_of(request))


def _bench_router() -> APIRouter:
    """``POST /_bench/echo``: the least an endpoint of this app can do (read the body,
    answer a tiny JSON). Mounted only with ``BSU_BENCH_ENDPOINT=1``, so that
    ``benchmarks/api_load.py`` can compare ``/v1/check`` with it in the same process."""
    router = APIRouter(include_in_schema=False)

    @router.post("/_bench/echo")
    async def echo(request: Request) -> dict[str, bool]:
        await request.body()
        return {"ok": True}

    return router


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema, with an example for the upload form too."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        for name, body in schema.get("components", {}).get("schemas", {}).items():
            if name.startswith("Body_submit"):
                body["examples"] = [{"file": "roster.xlsx", "ruleset": "bsu-2025"}]
        settings: Settings = app.state.settings
        cited = load_ruleset(settings.ruleset, settings.rules_dir).reason(ReasonCode.WAGE_ABOVE_CAP)
        text = json.dumps(schema).replace(CITATION_PLACEHOLDER, cited.citation)
        app.openapi_schema = json.loads(text)
    return app.openapi_schema


def app_factory(settings: Settings | None = None) -> FastAPI:
    """Entry point for uvicorn (``bsu serve`` passes the settings it read and decided on,
    e.g. keys required off loopback; none: read from the environment here, at the edge);
    what the process writes is 0600 in 0700 folders (not set by ``create_app``: a test or
    host process that builds the app keeps its own umask)."""
    storage.private()
    return create_app(settings)
