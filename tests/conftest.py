from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Server, database, start_server

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test that takes this runs once on SQLite and once on PostgreSQL."""
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """A real ``bsu serve`` on loopback, on a fresh database of each kind."""
    running = start_server(tmp_path / "data", database_url)
    try:
        yield running
    finally:
        running.stop()
