"""Liveness (the process answers) and readiness (the database answers)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bsu.store.db import ping

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    if ping(request.app.state.engine):
        return JSONResponse({"status": "ready"})
    return JSONResponse(
        {"error": {"code": "database_unavailable", "message": "Basis data tidak dapat dihubungi."}},
        status_code=503,
    )
