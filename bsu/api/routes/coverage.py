"""Coverage endpoints: placeholder until the coverage routes land."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/batches", tags=["coverage"])
