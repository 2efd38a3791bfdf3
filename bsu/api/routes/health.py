"""Liveness (the process answers) and readiness (the database answers, and the process's
background worker is alive)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bsu.api.data_folder import not_ready
from bsu.api.lang import language_of
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
        return JSONResponse(
            {
                "error": {
                    "code": "database_unavailable",
                    "message": "Basis data tidak dapat dihubungi.",
                }
            },
            status_code=503,
        )
    worker = request.app.state.worker
    if worker.started and not worker.live():
        return _worker_unavailable(request)
    return JSONResponse({"status": "ready"})


def _worker_unavailable(request: Request) -> JSONResponse:
    """The background worker of this process died or stopped showing signs of life:
    uploads would be accepted and never checked. (A server started without its own
    worker, whose batches ``bsu worker`` processes check, does not answer for them.)"""
    words = (
        "The background checker is not running: uploads are not being checked."
        if language_of(request) == "en"
        else "Pemeriksa latar belakang tidak berjalan: unggahan tidak sedang diperiksa."
    )
    return JSONResponse(
        {"error": {"code": "worker_unavailable", "message": words}}, status_code=503
    )
