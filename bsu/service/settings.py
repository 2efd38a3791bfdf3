"""Settings read from the environment (prefix ``BSU_``), once, at the edge.

The one module that reads the environment: the CLI commands, the API's app factory and the
worker build a ``Settings`` and pass its values down as arguments, so the library below
them does what it is told and a test can tell it anything without touching ``os.environ``
(``tests/architecture/test_settings.py`` holds every other module to that).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bsu"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BSU_")

    # The folder of rule sets; empty: the ones shipped with bsu (``ruleset.rules_dir()``).
    rules_dir: Path | None = None
    ruleset: str = "bsu-2025"
    lang: Literal["id", "en"] = "id"

    # Where uploads, results and the embedded SQLite database live.
    data_dir: Path = _default_data_dir()
    # Empty means the embedded SQLite file in data_dir; e.g. postgresql+psycopg://host/db.
    database_url: str = ""
    # Largest roster upload accepted, in bytes.
    max_upload_bytes: int = 50 * 1024 * 1024
    # Reading one roster (bsu/rosters/sandbox.py, a child process): memory it may map beyond the
    # libraries, in MB (a 1M-row .xlsx needs 2.7 GB), and seconds until it is stopped.
    parse_memory_mb: int = Field(default=4096, gt=0)
    parse_timeout_seconds: float = Field(default=300.0, gt=0)
    # Most workers in one POST /v1/check/batch; larger lists go through an upload.
    max_batch_workers: int = 10_000
    # Largest request body on every other route, in bytes (bsu/api/limits/body.py). An upload
    # may be max_upload_bytes plus the multipart framing; POST /v1/check/batch
    # max_batch_workers x batch_bytes_per_worker: a worker is 250-470 bytes of JSON
    # (compact to pretty-printed with long names), so 10.000 fit in 10 MB with room.
    max_request_bytes: int = 1024 * 1024
    batch_bytes_per_worker: int = 1024
    # A multipart form (the upload) may have this many parts, and each part that is not a
    # file (e.g. ``ruleset``) this many bytes.
    max_form_parts: int = 16
    max_form_field_bytes: int = 64 * 1024
    # Requests per minute per API key (per client address without one), in bursts of up to
    # ``*_burst``; uploads (POST /v1/batches) have their own, smaller budget. /healthz and
    # /readyz are never limited. 0 turns a limit off.
    rate_limit_per_minute: float = 6000
    rate_limit_burst: int = 500
    upload_rate_limit_per_minute: float = 30
    upload_rate_limit_burst: int = 20
    # A running batch whose worker stops renewing its lease this long is taken over.
    worker_lease_seconds: float = 30.0
    worker_poll_seconds: float = 0.5
    # While the database or the disk fails, the worker tries again after a pause that
    # doubles each time, up to this many seconds.
    worker_backoff_max_seconds: float = Field(default=30.0, gt=0)
    # Uploads, result files and checked rows are deleted this many days after a batch
    # finishes (UU 27/2022: keep personal data no longer than needed), by the server's
    # worker and by ``bsu purge``. The summary and the audit trail stay.
    retention_days: float = 30
    # The key of the pseudonyms that stand for NIKs and account numbers in logs; empty:
    # one generated once and kept in data_dir (log.key, mode 0600).
    log_key: SecretStr | None = None
    # Logging level (DEBUG, INFO, WARNING, ERROR); empty: INFO for the server, WARNING
    # for the other commands.
    log_level: Literal["", "DEBUG", "INFO", "WARNING", "ERROR"] = ""
    # API keys: required when true (``bsu serve`` sets it for any address but loopback) or
    # once any active key exists; otherwise the server is the embedded single-user install.
    require_keys: bool = False
    # How long a verified key (and "do keys exist?") is remembered: a revoked key stops
    # working within this time.
    auth_cache_seconds: float = 5.0
    # Concurrent POST /v1/check requests are judged together, at most this many at a time.
    check_coalesce_max: int = 256
    # Judge coalesced checks in a worker thread (default) rather than on the event loop:
    # about the same throughput in benchmarks/api_load.py (within run-to-run noise), but
    # the loop keeps reading requests and answering /healthz while the engine works, so
    # the p99 is several times lower.
    check_in_thread: bool = True
    # /readyz answers 503 when the data folder has less free space than this (0: never).
    # 256 MB holds a largest upload (50 MB) with its result workbook and CSV and the
    # SQLite rows of its check, with room to spare: below it the next batch may not fit.
    min_free_bytes: int = Field(default=256 * 1024 * 1024, ge=0)
    # Slow clients (bsu/api/timeouts.py): a request's line and headers must arrive within
    # header_timeout_seconds; its body may pause at most body_timeout_seconds and must
    # average body_min_bytes_per_second after that grace (a trickle holds a connection
    # forever otherwise); an idle keep-alive connection is closed after
    # keep_alive_seconds. Too slow: 408 and the connection closed.
    header_timeout_seconds: float = Field(default=20.0, gt=0)
    body_timeout_seconds: float = Field(default=30.0, gt=0)
    body_min_bytes_per_second: float = Field(default=500.0, ge=0)
    keep_alive_seconds: int = Field(default=5, gt=0)
    # Benchmarks only (benchmarks/api_load.py): mount POST /_bench/echo, a minimal endpoint
    # that measures what the framework alone costs. Never set in production.
    bench_endpoint: bool = False
    # Which library writes result workbooks (``report.xlsx_writer``): ``auto`` (the Rust
    # rustpy-xlsxwriter when installed, else XlsxWriter), ``rustpy`` or ``xlsxwriter``.
    # Checked when a workbook is written (a command that writes none never fails on it).
    xlsx_writer: str = "auto"
    # Arrears (``bsu coverage --registry``, the staff page): a participant whose last paid
    # contribution month is more than this many months before the registry's date is on
    # the account officer's call list. 3 is a product choice (a quarter unpaid), not a
    # rule of BPJS Ketenagakerjaan; a branch sets its own.
    arrears_months: int = Field(default=3, ge=1, le=120)

    @field_validator("rules_dir", mode="before")
    @classmethod
    def _empty_is_shipped(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'bsu.db'}"
