"""``/readyz`` sees the worker: 503 ``worker_unavailable`` (typed, Indonesian unless asked
otherwise) when this process's worker thread is dead or has shown no sign of life for too
long, so that a load balancer or systemd stops sending uploads that nobody would check.
An app started without its own worker (``bsu worker`` processes check the batches) is
ready on the database alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from bsu.api.app import create_app
from bsu.service.settings import Settings


@contextmanager
def _app(
    tmp_path: Path, database_url: str, run_worker: bool = True, poll: float = 0.1
) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "data", database_url=database_url, worker_poll_seconds=poll
    )
    with TestClient(create_app(settings, run_worker=run_worker)) as client:
        yield client


def test_readyz_is_503_once_the_worker_thread_is_gone(tmp_path: Path, database_url: str) -> None:
    with _app(tmp_path, database_url) as client:
        assert client.get("/readyz").status_code == 200
        client.app.state.worker.stop()  # type: ignore[attr-defined]
        gone = client.get("/readyz")
        assert gone.status_code == 503
        assert gone.json()["error"]["code"] == "worker_unavailable"
        assert "Pemeriksa" in gone.json()["error"]["message"]
        english = client.get("/readyz", headers={"Accept-Language": "en"})
        assert "checker is not running" in english.json()["error"]["message"]


def test_readyz_is_503_when_the_worker_shows_no_sign_of_life(
    tmp_path: Path, database_url: str
) -> None:
    # A worker that found the queue empty and sleeps until its next poll, an hour away.
    with _app(tmp_path, database_url, poll=3600) as client:
        worker = client.app.state.worker  # type: ignore[attr-defined]
        assert client.get("/readyz").status_code == 200
        worker._beat -= worker.stale_after + 1  # as if it had hung that long since
        hung = client.get("/readyz")
        assert hung.status_code == 503, hung.text
        assert hung.json()["error"]["code"] == "worker_unavailable"


def test_without_its_own_worker_the_app_is_ready_on_the_database(
    tmp_path: Path, database_url: str
) -> None:
    with _app(tmp_path, database_url, run_worker=False) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
