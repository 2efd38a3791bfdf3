"""A real server with API keys: two employers and the staff of two branches.

Keys are made with the real ``bsu keys create`` before the server starts, so the server
requires them from its first request. Employer A's keys belong to branch JKT01.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import BSU, Server, database, start_server, wait_for

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
ROOT = Path(__file__).resolve().parents[2]
CLEAN = ROOT / "samples" / "roster-clean.xlsx"


def bsu(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BSU), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def create_key(env: dict[str, str], *args: str) -> str:
    made = bsu(env, "keys", "create", *args)
    assert made.returncode == 0, made.stderr + made.stdout
    token = made.stdout.splitlines()[0].strip()
    assert token.startswith("bsu_"), made.stdout
    return token


@dataclass
class Tenants:
    server: Server
    env: dict[str, str]
    keys: dict[str, str]  # employer_a, employer_a2, employer_b, staff_jkt, staff_sby
    batch_a: dict[str, Any]  # checked batch uploaded by employer A

    def client(self, who: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[who]}"} if who else {}
        return self.server.client(headers=headers)


def env_for(data: Path, url: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(data),
        "LANG": "C.UTF-8",
        "BSU_DATA_DIR": str(data),
        "BSU_DATABASE_URL": url,
    }


@pytest.fixture(scope="package", params=DATABASES)
def tenants(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tenants]:
    tmp = tmp_path_factory.mktemp(f"tenants-{request.param}")
    with database(request.param, tmp) as url:
        data = tmp / "data"
        env = env_for(data, url)
        keys = {
            "employer_a": create_key(
                env,
                "--role",
                "employer",
                "--employer",
                "EMP-A",
                "--branch",
                "JKT01",
                "--label",
                "PT Alfa HRD",
            ),
            "employer_a2": create_key(
                env,
                "--role",
                "employer",
                "--employer",
                "EMP-A",
                "--branch",
                "JKT01",
                "--label",
                "PT Alfa finance",
            ),
            "employer_b": create_key(
                env,
                "--role",
                "employer",
                "--employer",
                "EMP-B",
                "--branch",
                "SBY01",
                "--label",
                "PT Beta HRD",
            ),
            "staff_jkt": create_key(
                env, "--role", "staff", "--branch", "JKT01", "--label", "Cabang Jakarta"
            ),
            "staff_sby": create_key(
                env, "--role", "staff", "--branch", "SBY01", "--label", "Cabang Surabaya"
            ),
        }
        server = start_server(data, url, BSU_AUTH_CACHE_SECONDS="0")
        try:
            owner = {"Authorization": f"Bearer {keys['employer_a']}"}
            with server.client(headers=owner) as c:
                sent = c.post("/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())})
                assert sent.status_code == 202, sent.text
                batch = wait_for(c, sent.headers["location"], {"done"})
            yield Tenants(server, env, keys, batch)
        finally:
            server.stop()
