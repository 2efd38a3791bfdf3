"""The employers' upload page (placeholder until the page lands)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index() -> str:
    return "<!doctype html><title>bsu</title><p>bsu</p>"
