"""``GET /v1/batches/{id}/duplicates`` on a real server: the NIKs another employer's upload
of the round also holds as eligible. Branch staff see which batch and employer; an
employer's key sees only that another employer submitted the worker, nothing about whom
(UU 27/2022); another tenant's batch answers like a missing one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.access.conftest import create_key, env_for
from tests.servers import Server, database, start_server, wait_for
from tests.support import write_xlsx

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
HEADERS = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Kategori", "Tanggal Terdaftar"]
SHARED = "6172014101900001"


def _roster(path: Path, niks: list[str]) -> Path:
    rows: list[list[Any]] = [HEADERS]
    rows += [[n, f"Pekerja {i}", 3000000, "Aktif", "PU", "2024-01-15"] for i, n in enumerate(niks)]
    return write_xlsx(path, {"Pekerja": rows})


@dataclass
class Two:
    server: Server
    keys: dict[str, str]
    first: dict[str, Any]  # employer A's upload
    second: dict[str, Any]  # employer B's, sharing one NIK

    def get(self, who: str, batch: dict[str, Any]) -> httpx.Response:
        token = self.keys[who]
        with self.server.client(headers={"Authorization": f"Bearer {token}"}) as c:
            return c.get(f"/v1/batches/{batch['id']}/duplicates")


def _upload(server: Server, token: str, path: Path) -> dict[str, Any]:
    with server.client(headers={"Authorization": f"Bearer {token}"}) as c:
        sent = c.post("/v1/batches", files={"file": (path.name, path.read_bytes())})
        assert sent.status_code == 202, sent.text
        return wait_for(c, sent.headers["location"], {"done", "failed"})


@pytest.fixture(scope="module", params=DATABASES)
def two(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Two]:
    tmp = tmp_path_factory.mktemp(f"dup-{request.param}")
    with database(request.param, tmp) as url:
        data = tmp / "data"
        env = env_for(data, url)
        keys = {
            "a": create_key(env, "--role", "employer", "--employer", "61720001", "--branch", "SKW",
                            "--label", "PT Satu HRD"),
            "b": create_key(env, "--role", "employer", "--employer", "61010002", "--branch", "SKW",
                            "--label", "CV Dua HRD"),
            "staff": create_key(env, "--role", "staff", "--branch", "SKW", "--label", "Cabang"),
        }  # fmt: skip
        first = _roster(tmp / "pt-satu-gaji.xlsx", [SHARED, "6172014101900002"])
        second = _roster(tmp / "cv-dua-gaji.xlsx", [SHARED, "6101014101900003"])
        server = start_server(data, url, BSU_AUTH_CACHE_SECONDS="0")
        try:
            a = _upload(server, keys["a"], first)
            b = _upload(server, keys["b"], second)
            # B's upload sent A's back to be checked again: wait until it is done again.
            with server.client(headers={"Authorization": f"Bearer {keys['a']}"}) as c:
                a = wait_for(c, f"/v1/batches/{a['id']}", {"done"})
            yield Two(server, keys, a, b)
        finally:
            server.stop()


def test_an_employer_is_told_only_that_another_employer_submitted_the_worker(two: Two) -> None:
    for who, batch, other in (("b", two.second, two.first), ("a", two.first, two.second)):
        got = two.get(who, batch)
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["count"] == 1
        [shared] = body["data"]
        assert shared["nik"] == SHARED and shared["rows"] == [2]
        assert shared["elsewhere"] == [
            {"batch_id": None, "employer": None, "filename": None, "finished_at": None}
        ]
        text = json.dumps(body)
        for secret in (other["id"], "61720001", "61010002", "pt-satu", "cv-dua"):
            assert secret not in text.replace(batch["id"], "")


def test_branch_staff_see_which_batch_and_employer(two: Two) -> None:
    got = two.get("staff", two.second)
    assert got.status_code == 200, got.text
    [shared] = got.json()["data"]
    [upload] = shared["elsewhere"]
    assert upload["batch_id"] == two.first["id"]
    assert upload["employer"] == "NPP 61720001"
    assert upload["filename"] == "pt-satu-gaji.xlsx"


def test_another_employers_batch_answers_like_a_missing_one(two: Two) -> None:
    assert two.get("b", two.first).status_code == 404


def test_both_uploads_carry_the_reason_on_the_shared_worker_only(two: Two) -> None:
    for who, batch in (("a", two.first), ("b", two.second)):
        token = two.keys[who]
        with two.server.client(headers={"Authorization": f"Bearer {token}"}) as c:
            rows = c.get(f"/v1/batches/{batch['id']}/rows").json()["data"]
        by_nik = {r["nik"]: r for r in rows}
        codes = [x["code"] for x in by_nik[SHARED]["reasons"]]
        assert (by_nik[SHARED]["status"], codes) == ("review", ["NIK_DUPLICATE_ACROSS_EMPLOYERS"])
        others = [r for n, r in by_nik.items() if n != SHARED]
        assert [r["status"] for r in others] == ["eligible"]
