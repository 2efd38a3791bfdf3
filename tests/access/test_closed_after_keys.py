"""Once keys have been used, a loopback server stays closed to keyless callers after the
last key is revoked, until an operator opens it with ``bsu keys open-local`` (recorded in
the audit log); creating a key closes it again (issue 11, item 8).

The real CLI against a real server on SQLite and PostgreSQL. The server remembers "are
keys required?" for ``BSU_AUTH_CACHE_SECONDS``: 0 here, so each step shows at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.access.conftest import CLEAN, bsu, create_key, env_for
from tests.servers import Server, database, start_server, wait_for

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    with database(request.param, tmp_path) as url:
        yield tmp_path / "data", url


def _serve(data: Path, url: str) -> Server:
    return start_server(data, url, BSU_AUTH_CACHE_SECONDS="0")


def _keyless(server: Server) -> httpx.Response:
    with server.client() as c:
        return c.get("/v1/batches")


def test_revoking_the_last_key_keeps_the_server_closed(store: tuple[Path, str]) -> None:
    data, url = store
    env = env_for(data, url)
    token = create_key(env, "--role", "employer", "--employer", "EMP-A", "--label", "PT Alfa")
    server = _serve(data, url)
    try:
        bearer = {"Authorization": f"Bearer {token}"}
        with server.client(headers=bearer) as c:
            sent = c.post("/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())})
            assert sent.status_code == 202, sent.text
            wait_for(c, sent.headers["location"], {"done"})
        assert _keyless(server).status_code == 401

        revoked = bsu(env, "keys", "revoke", token.split("_")[1])
        assert revoked.returncode == 0, revoked.stderr
        # The tenant's batch stays out of reach: no key, no entry.
        answer = _keyless(server)
        assert answer.status_code == 401, answer.text[:300]
        error = answer.json()["error"]
        assert error["code"] == "api_key_required"
        assert "semua kunci dicabut" in error["message"]
        assert "bsu keys open-local" in error["message"]
        with server.client(headers={"Accept-Language": "en"}) as c:
            english = c.get("/v1/batches").json()["error"]["message"]
        assert "revoked" in english and "bsu keys open-local" in english
    finally:
        server.stop()

    # A restart does not reopen it either, and the server says why when it starts.
    server = _serve(data, url)
    try:
        assert _keyless(server).status_code == 401
        said = " ".join(server.log.read_text().split())  # the console wraps long lines
        assert "Semua kunci dicabut" in said and "Every key is revoked" in said, said[-2000:]

        opened = bsu(env, "keys", "open-local")
        assert opened.returncode == 0, opened.stderr
        assert "terbuka" in opened.stdout and "open" in opened.stdout
        answer = _keyless(server)
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json()["count"] == 1  # the local user sees everything: said so above
        with server.client() as c:
            trail = c.get("/v1/audit").json()["data"]
        assert "access.opened_local" in [r["action"] for r in trail]

        create_key(env, "--role", "staff", "--branch", "JKT01", "--label", "Cabang")
        answer = _keyless(server)
        assert answer.status_code == 401
        assert "open-local" not in answer.json()["error"]["message"]  # a key exists: use it
    finally:
        server.stop()


def test_open_local_is_refused_while_a_key_is_active(store: tuple[Path, str]) -> None:
    data, url = store
    env = env_for(data, url)
    create_key(env, "--role", "staff", "--branch", "JKT01", "--label", "Cabang")
    refused = bsu(env, "keys", "open-local")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "bsu keys revoke" in refused.stderr and "Traceback" not in refused.stderr


def test_a_store_that_never_had_keys_stays_the_local_install(store: tuple[Path, str]) -> None:
    data, url = store
    server = _serve(data, url)
    try:
        assert _keyless(server).status_code == 200
    finally:
        server.stop()
    assert "Tanpa kunci API" in server.log.read_text()
