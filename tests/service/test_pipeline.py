"""Every entry point checks through the one pipeline (``bsu.service.pipeline``): ``bsu check``,
``bsu coverage``, the upload worker, ``/v1/check`` and ``/v1/check/batch``.

A hostile workbook is refused by ``bsu coverage`` exactly as by ``bsu check`` (both read
in the sandbox); the worker and the batch route give the statuses ``bsu check`` gives on
the same roster, with the same stored evidence; and each check cleans its NIKs once.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bsu.api import app as api_app
from bsu.core.explain import explain
from bsu.core.ruleset import load_ruleset
from bsu.errors import RosterError
from bsu.rosters import sandbox
from bsu.service import pipeline
from bsu.service.jobs import Worker
from bsu.service.settings import Settings
from bsu.store import batches
from bsu.store.db import make_engine
from bsu.values import nik
from tests.evidence.conftest import load_evidence
from tests.hostile.corpus import far_corners
from tests.servers import BSU
from tests.support import submit_file

HEADERS = "NIK,Nama,Upah,Status Kepesertaan,Tanggal Terdaftar,Wilayah"
# Each a different outcome; Bunga and Citra are overruled by the samples' registry.
WORKERS = [
    ("3275014101900001", "Adi", "3000000", "Aktif", "2024-01-15", "Kota Bekasi"),
    ("3275016502920002", "Bunga", "3000000", "Aktif", "2024-01-15", "Kota Bekasi"),
    ("3275014101900003", "Citra", "9000000", "Aktif", "2024-01-15", "Kota Bekasi"),
    ("32750141019", "Dodi", "3000000", "Aktif", "2024-01-15", "Kota Bekasi"),
    ("3275014101900001", "Adi lagi", "3000000", "Aktif", "2024-01-15", "Kota Bekasi"),
    ("3275014101900005", "Eka", "", "Nonaktif", "2025-09-01", "Kota Bekasi"),
    ("3275011504850010", "Joko", "3100000", "Aktif", "2016-06-01", "Kota Bekasi"),
]
FIELDS = ("nik", "name", "wage", "participant_status", "registered_on", "region")


@pytest.fixture
def data(tmp_path: Path) -> Settings:
    """A store holding the samples' registry extract and exclusion lists."""
    folder = tmp_path / "data"
    url = f"sqlite:///{folder / 'bsu.db'}"
    load_evidence(url)
    return Settings(data_dir=folder, database_url=url)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADERS, *(",".join(w) for w in WORKERS)]) + "\n")
    return path


def _cli(settings: Settings, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "COLUMNS": "200",
        "BSU_DATA_DIR": str(settings.data_dir),
        "BSU_DATABASE_URL": settings.resolved_database_url(),
    }
    return subprocess.run(
        [str(BSU), *map(str, args)], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_hostile_workbook_is_refused_by_coverage_as_by_check(
    data: Settings, tmp_path: Path
) -> None:
    """The far-corner cells would make calamine allocate hundreds of GB: ``bsu coverage``
    reads in the sandbox as ``bsu check`` does, with the same error, and exit code 2."""
    path = far_corners(tmp_path / "jauh.xlsx")
    with pytest.raises(RosterError) as refused:
        pipeline.check_files([path], load_ruleset("bsu-2025"), budget=sandbox.Budget())
    assert refused.value.code == "sheet_too_large"
    check = _cli(data, "check", path, "--format", "json")
    coverage = _cli(data, "coverage", path, "--format", "json")
    for done in (check, coverage):
        assert done.returncode == 2, done.stderr
        said = " ".join(done.stderr.split())
        assert f"Galat: {refused.value.message('id')}" in said
        assert f"Error: {refused.value.message('en')}" in said
        assert done.stdout == ""
    assert coverage.stderr == check.stderr


def test_a_workbook_past_screening_that_aborts_its_parser_fails_coverage_as_check(
    data: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With screening off (a trap it does not know yet), the far-corner cells make
    calamine allocate 549 GB and abort its process: in the sandbox's child, for both
    commands; read in this process, as ``bsu coverage`` once did, it would abort here."""
    from bsu.cli.app import app
    from bsu.rosters import preflight

    path = far_corners(tmp_path / "jauh.xlsx")
    monkeypatch.setattr(preflight, "check_xlsx", lambda *_a, **_k: None)
    budget = sandbox.Budget(memory_mb=512, timeout_seconds=20)
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, budget=budget)
    assert refused.value.code == "file_too_complex"
    monkeypatch.setenv("BSU_DATA_DIR", str(data.data_dir))
    monkeypatch.setenv("BSU_DATABASE_URL", data.resolved_database_url())
    monkeypatch.setenv("BSU_PARSE_MEMORY_MB", "512")
    for command in ("check", "coverage"):
        done = CliRunner().invoke(app, [command, str(path), "--format", "json"])
        assert done.exit_code == 2, done.output
        assert refused.value.message("en") in " ".join(done.output.split())


def _statuses_of_check(settings: Settings, roster: Path) -> list[str]:
    done = _cli(settings, "check", roster, "--format", "json")
    assert done.returncode == 0, done.stderr
    return [row["status"] for row in json.loads(done.stdout)["rows"]]


def _statuses_of_worker(settings: Settings, roster: Path) -> list[str]:
    engine = make_engine(settings.resolved_database_url())
    sessions = sessionmaker(engine)
    try:
        with Session(engine) as session:
            batch_id = submit_file(session, roster)
        claimed = batches.claim(sessions, 60)
        assert claimed == (batch_id, 1)
        Worker.configured(settings, sessions, engine).run_one(*claimed)
        with Session(engine) as session:
            assert batches.get(session, batch_id).status == batches.DONE  # type: ignore[union-attr]
            rows, _ = batches.rows(session, batch_id, None, 0, 100)
            return [row.status for row in rows]
    finally:
        engine.dispose()


def _statuses_of_batch_route(settings: Settings) -> list[str]:
    body = [dict(zip(FIELDS, worker, strict=True)) for worker in WORKERS]

    async def post() -> httpx.Response:
        app = api_app.create_app(settings, run_worker=False)
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://bsu") as client:
                return await client.post("/v1/check/batch", json=body)
        finally:
            await app.state.checker.close()
            app.state.engine.dispose()

    response = asyncio.run(post())
    assert response.status_code == 200, response.text
    return [row["status"] for row in response.json()["data"]]


def test_the_worker_and_the_batch_route_give_the_statuses_of_bsu_check(
    data: Settings, roster: Path
) -> None:
    expected = _statuses_of_check(data, roster)
    assert len(set(expected)) == 3, expected  # eligible, ineligible and review all met
    assert expected[1] != "eligible", "the registry overrules the roster's Aktif"
    assert _statuses_of_worker(data, roster) == expected
    assert _statuses_of_batch_route(data) == expected


@pytest.fixture
def cleanings(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of rows of each call of ``bsu.values.nik.clean`` in this process."""
    calls: list[int] = []
    real = nik.clean

    def counted(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
        calls.append(len(raw))
        return real(raw)

    monkeypatch.setattr(nik, "clean", counted)
    yield calls


def _in_process_check(settings: Settings, roster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bsu.cli.app import app

    monkeypatch.setenv("BSU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BSU_DATABASE_URL", settings.resolved_database_url())
    done = CliRunner().invoke(app, ["check", str(roster), "--format", "json"])
    assert done.exit_code == 0, done.output


def _in_process_coverage(settings: Settings, roster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bsu.cli.app import app

    monkeypatch.setenv("BSU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BSU_DATABASE_URL", settings.resolved_database_url())
    done = CliRunner().invoke(app, ["coverage", str(roster), "--format", "json"])
    assert done.exit_code == 0, done.output


ENTRY_POINTS: dict[str, Callable[[Settings, Path, pytest.MonkeyPatch], Any]] = {
    "bsu check": _in_process_check,
    "bsu coverage": _in_process_coverage,
    "upload worker": lambda settings, roster, _: _statuses_of_worker(settings, roster),
    "/v1/check/batch": lambda settings, _roster, _m: _statuses_of_batch_route(settings),
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_each_check_cleans_its_niks_once(
    entry: str,
    data: Settings,
    roster: Path,
    cleanings: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With evidence in the store, so that the lookup needs the NIKs too."""
    ENTRY_POINTS[entry](data, roster, monkeypatch)
    assert cleanings == [len(WORKERS)]


def test_the_worker_cleans_once_for_an_employers_coverage_too(
    data: Settings, roster: Path, cleanings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An employer's upload is judged twice (its share, and the whole registry for its
    coverage report) on NIKs cleaned once, and explained once per language (its result
    files and the stored rows share the explanation)."""
    explained: list[str] = []
    real = explain

    def counted(decisions: Any, lang: Any) -> Any:
        explained.append(lang)
        return real(decisions, lang)

    monkeypatch.setattr(pipeline, "explain", counted)
    engine = make_engine(data.resolved_database_url())
    sessions = sessionmaker(engine)
    try:
        with Session(engine) as session:
            batch_id = submit_file(session, roster, employer_id="NPP-32750001")
        claimed = batches.claim(sessions, 60)
        assert claimed is not None
        Worker.configured(data, sessions, engine).run_one(*claimed)
        with Session(engine) as session:
            done = batches.get(session, batch_id)
            assert done is not None and done.status == batches.DONE
            assert done.coverage is not None
    finally:
        engine.dispose()
    assert cleanings == [len(WORKERS)]
    assert sorted(explained) == ["en", "id"]
