"""Building the app: store, schema migration, worker, routes, error handlers."""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool

from bsu import __version__, logs, preflight
from bsu.api import errors, limits
from bsu.api.auth import Gate
from bsu.api.request_id import RequestId
from bsu.api.routes import audit, batches, check, coverage, health, page, rulesets
from bsu.api.routes.check import Checker
from bsu.api.schemas import CITATION_PLACEHOLDER, ErrorPublic
from bsu.jobs import Worker
from bsu.reasons import ReasonCode
from bsu.ruleset import load_ruleset
from bsu.settings import Settings
from bsu.store import schema
from bsu.store.db import make_engine, sessions

log = logging.getLogger("bsu.api")


def create_app(settings: Settings | None = None, run_worker: bool = True) -> FastAPI:
    preflight.require_defused_xml()  # no serving uploads with an unguarded XML parser
    settings = settings or Settings()
    # Pseudonyms for long numbers on every handler, uvicorn's included (set up by now).
    logs.install("INFO", settings)
    engine = make_engine(settings.resolved_database_url())
    session_factory = sessions(engine)
    worker = Worker.configured(settings, session_factory, engine)
    checker = Checker(settings, engine)
    gate = Gate(session_factory, settings.require_keys, settings.auth_cache_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        schema.upgrade(engine)
        await run_in_threadpool(checker.warm)
        if not await run_in_threadpool(gate.keys_required):
            log.warning(
                "tanpa kunci API: siapa pun yang dapat menghubungi server ini memakai semua "
                "fitur (hanya untuk 127.0.0.1) / no API keys: anyone who can reach this server "
                "may use everything (loopback only); create one with 'bsu keys create'"
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
    limits.install(app, settings)
    app.add_middleware(RequestId)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    routers = (
        page.router,
        check.router,
        batches.router,
        coverage.router,
        audit.router,
        rulesets.router,
        health.router,
    )
    for router in routers:
        app.include_router(router)
    if settings.bench_endpoint:
        app.include_router(_bench_router())
    return app


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


def app_factory() -> FastAPI:
    """Entry point for uvicorn (``bsu serve``): settings from the environment."""
    return create_app()
