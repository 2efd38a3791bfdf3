"""A retried submission never creates a second batch (Idempotency-Key)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from bsu.store.models import Batch
from tests.api.conftest import SAMPLES, error_of
from tests.servers import Server

CLEAN = SAMPLES / "roster-clean.xlsx"
MESSY = SAMPLES / "roster-messy.xlsx"


def _post(server: Server, path: Path, key: str) -> httpx.Response:
    with server.client() as c:
        return c.post(
            "/v1/batches",
            files={"file": (path.name, path.read_bytes())},
            headers={"Idempotency-Key": key},
        )


def _batches(server: Server) -> int:
    engine = create_engine(server.env["BSU_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(Batch)) or 0)
    finally:
        engine.dispose()


def _uploads(server: Server) -> list[str]:
    folder = Path(server.env["BSU_DATA_DIR"]) / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_retry_with_the_same_key_returns_the_same_batch(server: Server) -> None:
    first = _post(server, CLEAN, "kunci-1")
    again = _post(server, CLEAN, "kunci-1")
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["location"] == first.headers["location"]
    assert _batches(server) == 1
    assert len(_uploads(server)) == 1, "the retry's copy of the file is not kept"


def test_the_same_key_with_another_file_is_refused(server: Server) -> None:
    assert _post(server, CLEAN, "kunci-2").status_code == 202
    refused = _post(server, MESSY, "kunci-2")
    assert "berkas lain" in error_of(refused, 422, "idempotency_key_reused")
    assert _batches(server) == 1


def test_ten_concurrent_posts_with_one_key_create_one_batch(server: Server) -> None:
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: _post(server, CLEAN, "kunci-serentak"), range(10)))
    assert [a.status_code for a in answers] == [202] * 10, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert _batches(server) == 1
    assert len(_uploads(server)) == 1


def test_without_a_key_every_post_is_a_new_batch(server: Server) -> None:
    with server.client() as c:
        ids = {
            c.post("/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())}).json()["id"]
            for _ in range(2)
        }
    assert len(ids) == 2
