"""Real ``bsu serve`` processes on loopback, shared by the tests of this folder.

Starting a server costs a second or two, so each kind of server is started once per
database kind for the whole folder:

- ``api``: default settings; its worker checks uploads as they arrive.
- ``held``: small limits (5 workers per JSON batch, 1000-byte uploads) and a worker that,
  having found nothing at start, sleeps for an hour, so an upload stays ``queued``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine

from tests.cli.conftest import ROOT
from tests.servers import Server, database, start_server, wait_for

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
SAMPLES = ROOT / "samples"
CLEAN = SAMPLES / "roster-clean.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EN = {"Accept-Language": "en"}


@pytest.fixture(scope="package", params=DATABASES)
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(f"api-{request.param}")
    with database(request.param, tmp) as url:
        running = start_server(tmp / "data", url)
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture(scope="package", params=DATABASES)
def held(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(f"held-{request.param}")
    with database(request.param, tmp) as url:
        running = start_server(
            tmp / "data",
            url,
            BSU_MAX_BATCH_WORKERS="5",
            BSU_MAX_UPLOAD_BYTES="1000",
            BSU_WORKER_POLL_SECONDS="3600",
        )
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture
def client(api: Server) -> Iterator[httpx.Client]:
    with api.client() as c:
        yield c


@dataclass
class Uploaded:
    """A roster uploaded to a server: the 202 answer and, once checked, the batch."""

    server: Server
    content: bytes
    submitted: httpx.Response
    batch: dict[str, Any]

    @property
    def url(self) -> str:
        return str(self.submitted.headers["location"])

    @property
    def id(self) -> str:
        return str(self.batch["id"])

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def upload(server: Server, path: Path, name: str | None = None) -> Uploaded:
    content = path.read_bytes()
    with server.client() as c:
        submitted = c.post("/v1/batches", files={"file": (name or path.name, content)})
        assert submitted.status_code == 202, submitted.text
        batch = wait_for(c, submitted.headers["location"], {"done", "failed"})
    return Uploaded(server, content, submitted, batch)


@pytest.fixture(scope="package")
def clean(api: Server) -> Uploaded:
    """samples/roster-clean.xlsx, uploaded once per server and checked."""
    return upload(api, CLEAN)


@pytest.fixture
def store(api: Server) -> Iterator[Engine]:
    """The server's own database, read directly."""
    engine = create_engine(api.env["BSU_DATABASE_URL"])
    try:
        yield engine
    finally:
        engine.dispose()


def error_of(response: httpx.Response, status: int, code: str) -> str:
    """Assert the one error shape, with this status and code; the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    message = body["error"]["message"]
    assert isinstance(message, str) and message.strip(), body
    return message


def uploads_of(server: Server) -> set[str]:
    folder = Path(server.env["BSU_DATA_DIR"]) / "uploads"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()
