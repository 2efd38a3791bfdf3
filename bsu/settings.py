"""Settings read from the environment (prefix ``BSU_``), only by the CLI and the API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bsu"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BSU_")

    rules_dir: Path | None = None
    ruleset: str = "bsu-2025"
    lang: Literal["id", "en"] = "id"

    # Where uploads, results and the embedded SQLite database live.
    data_dir: Path = _default_data_dir()
    # Empty means the embedded SQLite file in data_dir; e.g. postgresql+psycopg://host/db.
    database_url: str = ""
    # Largest roster upload accepted, in bytes.
    max_upload_bytes: int = 50 * 1024 * 1024
    # Most workers in one POST /v1/check/batch; larger lists go through an upload.
    max_batch_workers: int = 10_000
    # A running batch whose worker stops renewing its lease this long is taken over.
    worker_lease_seconds: float = 30.0
    worker_poll_seconds: float = 0.5
    # Uploads, result files and checked rows are deleted this long after a batch finishes
    # (UU 27/2022: keep personal data no longer than needed). The summary and audit stay.
    retention_hours: float = 24 * 30
    # Concurrent POST /v1/check requests are judged together, at most this many at a time.
    check_coalesce_max: int = 256
    # Judge coalesced checks in a worker thread (default) rather than on the event loop:
    # about the same throughput in benchmarks/api_load.py (within run-to-run noise), but
    # the loop keeps reading requests and answering /healthz while the engine works, so
    # the p99 is several times lower.
    check_in_thread: bool = True
    # Benchmarks only (benchmarks/api_load.py): mount POST /_bench/echo, a minimal endpoint
    # that measures what the framework alone costs. Never set in production.
    bench_endpoint: bool = False

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'bsu.db'}"
