"""A store with the samples' registry extract and PKH and ASN lists; API keys for the two
employers the extract names (by NPP), an employer it does not name, and branch staff; a
real ``bsu serve`` on it, and a second one on an empty store: the answers on the caller's
data alone, to compare bytes with.

Who is who in ``samples/registry-extract.csv``: Adi, Bunga (Nonaktif there, last paid in
November 2024), Fitri (also on the PKH list) work at NPP-32750001; Nia (also on the ASN
list) at NPP-32160002; Eko is in no registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bsu.rosters import extracts
from bsu.store import schema
from bsu.store.db import make_engine
from bsu.store.imports import import_exclusions, import_registry
from tests.access.conftest import create_key, env_for
from tests.servers import Server, database, start_server

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
NPP_A, NPP_B = "NPP-32750001", "NPP-32160002"


def load_evidence(url: str) -> None:
    """The samples' extract and lists, imported with the store's own functions."""
    engine = make_engine(url)
    schema.upgrade(engine)
    try:
        extract = SAMPLES / "registry-extract.csv"
        import_registry(engine, extracts.registry(extract), dt.date(2025, 5, 2), "petugas")
        for kind, source in (("pkh", "Kemensos"), ("asn", "BKN")):
            path = SAMPLES / f"exclusions-{kind}.csv"
            import_exclusions(
                engine, kind, extracts.exclusion_list(path), source, dt.date(2025, 6, 1), "petugas"
            )
    finally:
        engine.dispose()


@dataclass
class Scoped:
    server: Server  # evidence loaded, keys required
    bare: Server  # an empty store: no evidence at all
    url: str
    data: Path
    keys: dict[str, str]  # employer_a, employer_b, employer_c, staff

    def client(self, who: str, **headers: str) -> httpx.Client:
        return self.server.client(headers={"Authorization": f"Bearer {self.keys[who]}", **headers})


@pytest.fixture(scope="package", params=DATABASES)
def scoped(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scoped]:
    tmp = tmp_path_factory.mktemp(f"scoped-{request.param}")
    with database(request.param, tmp) as url, database(request.param, tmp / "bare") as bare_url:
        data = tmp / "data"
        env = env_for(data, url)
        load_evidence(url)
        employer = ("--role", "employer", "--branch", "JKT01")
        keys = {
            "employer_a": create_key(env, *employer, "--employer", NPP_A, "--label", "PT Sinar"),
            "employer_b": create_key(env, *employer, "--employer", NPP_B, "--label", "PT Dua"),
            "employer_c": create_key(env, *employer, "--employer", "NPP-9", "--label", "PT Lain"),
            "staff": create_key(env, "--role", "staff", "--branch", "JKT01", "--label", "Cabang"),
        }
        (tmp / "bare").mkdir(exist_ok=True)
        server = start_server(data, url, BSU_AUTH_CACHE_SECONDS="0")
        try:
            bare = start_server(tmp / "bare" / "data", bare_url)
            try:
                yield Scoped(server, bare, url, data, keys)
            finally:
                bare.stop()
        finally:
            server.stop()
