"""Liveness (the process answers) and readiness (the database answers, and the process's
background worker is alive)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bsu.api.data_folder import not_ready
from bsu.errors import Unavailable
from bsu.store.db import ping

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    storage = not_ready(request.app.state.settings)  # data folder unwritable or nearly full
    if storage is not None:
        raise storage
    if not ping(request.app.state.engine):
        raise Unavailable(
            "Basis data tidak dapat dihubungi.",
            "The database cannot be reached.",
            "database_unavailable",
        )
    worker = request.app.state.worker
    if worker.started and not worker.live():
        # Uploads would be accepted and never checked. (A server started without its own
        # worker, whose batches ``bsu worker`` processes check, does not answer for them.)
        raise Unavailable(
            "Pemeriksa latar belakang tidak berjalan: unggahan tidak sedang diperiksa.",
            "The background checker is not running: uploads are not being checked.",
            "worker_unavailable",
        )
    return JSONResponse({"status": "ready"})
