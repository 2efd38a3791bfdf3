"""``bsu keys``: keys are shown once and kept only as hashes; revoked keys stop working;
a server off loopback refuses to run without keys, and a keyless one says so."""

from __future__ import annotations

import hashlib
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.access.conftest import Tenants, bsu, create_key, env_for
from tests.servers import BSU, free_port, start_server


def test_the_store_keeps_only_a_hash_of_the_secret(tenants: Tenants) -> None:
    token = tenants.keys["employer_b"]
    _, key_id, secret = token.split("_", 2)
    engine = create_engine(tenants.env["BSU_DATABASE_URL"])
    try:
        with engine.connect() as c:
            rows = c.execute(text("SELECT * FROM api_keys")).mappings().all()
    finally:
        engine.dispose()
    stored = " ".join(str(v) for row in rows for v in row.values())
    assert secret not in stored and token not in stored
    [row] = [r for r in rows if r["id"] == key_id]
    assert row["secret_sha256"] == hashlib.sha256(secret.encode()).hexdigest()
    assert (row["role"], row["employer_id"], row["branch"]) == ("employer", "EMP-B", "SBY01")


def test_the_list_names_keys_without_their_secrets(tenants: Tenants) -> None:
    listed = bsu(tenants.env, "keys", "list")
    assert listed.returncode == 0, listed.stderr
    for token in tenants.keys.values():
        _, key_id, secret = token.split("_", 2)
        assert key_id in listed.stdout
        assert secret not in listed.stdout


def test_a_revoked_key_stops_working(tenants: Tenants) -> None:
    token = create_key(
        tenants.env, "--role", "employer", "--employer", "EMP-C", "--label", "PT Gamma"
    )
    with tenants.server.client(headers={"Authorization": f"Bearer {token}"}) as c:
        assert c.get("/v1/batches").status_code == 200
        revoked = bsu(tenants.env, "keys", "revoke", token.split("_")[1])
        assert revoked.returncode == 0, revoked.stderr
        answer = c.get("/v1/batches")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "api_key_invalid"
    again = bsu(tenants.env, "keys", "revoke", token.split("_")[1])
    assert again.returncode == 2 and "Traceback" not in again.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--role", "admin", "--label", "x"], "admin"),
        (["--role", "employer", "--label", "x"], "--employer"),
        (["--role", "staff", "--label", "x"], "--branch"),
    ],
)
def test_a_key_that_cannot_work_is_refused(tmp_path: Path, args: list[str], words: str) -> None:
    made = bsu(env_for(tmp_path, f"sqlite:///{tmp_path / 'bsu.db'}"), "keys", "create", *args)
    assert made.returncode == 2
    assert words in made.stderr and "Traceback" not in made.stderr


def _serve(env: dict[str, str], host: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(BSU), "serve", "--host", host, "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def test_off_loopback_a_server_without_keys_refuses_to_start(tmp_path: Path) -> None:
    env = env_for(tmp_path, f"sqlite:///{tmp_path / 'bsu.db'}")
    log = tmp_path / "serve.log"
    process = _serve(env, "0.0.0.0", free_port(), log)
    assert process.wait(30) == 2
    said = log.read_text()
    assert "bsu keys create" in said and "Traceback" not in said


def test_off_loopback_with_a_key_every_request_needs_one(tmp_path: Path) -> None:
    env = env_for(tmp_path, f"sqlite:///{tmp_path / 'bsu.db'}")
    token = create_key(env, "--role", "staff", "--branch", "JKT01", "--label", "Cabang")
    port = free_port()
    process = _serve(env, "0.0.0.0", port, tmp_path / "serve.log")
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert httpx.get(f"{url}/v1/batches").status_code == 401
        bearer = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/v1/batches", headers=bearer).status_code == 200
        assert "API keys required" in (tmp_path / "serve.log").read_text()
    finally:
        process.terminate()
        process.wait(15)


def test_a_keyless_local_server_says_so(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", f"sqlite:///{tmp_path / 'bsu.db'}")
    try:
        with server.client() as c:
            assert c.get("/v1/batches").status_code == 200
    finally:
        server.stop()
    said = server.log.read_text()
    assert "Tanpa kunci API" in said and "No API keys" in said
