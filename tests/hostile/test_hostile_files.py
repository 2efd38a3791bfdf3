"""Hostile workbooks are refused before any parser sees them: no abort, no blow-up, a
typed error the user can read, and the server keeps answering."""

from __future__ import annotations

import datetime as dt
import os
import string
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlalchemy.orm import Session

from bsu.errors import RosterError
from bsu.results.csv import neutralise
from bsu.rosters import readers as roster
from bsu.store import batches
from bsu.store.db import make_engine
from bsu.store.models import Batch
from tests.cli.conftest import run
from tests.hostile.corpus import HEADER, WORKER, Cells, workbook
from tests.servers import BSU, Server, start_server, wait_for


def _workbook(path: Path, rows: Cells) -> Path:
    return workbook(path, rows)


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        ([HEADER, WORKER, (1048576, [("XFD1048576", "x")])], "sheet_too_large"),
        ([HEADER, WORKER, (5000, [("XFD5000", "x")])], "sheet_too_large"),
        ([(1048576, [("A1048576", "x")]), HEADER, WORKER, (5, [("ZZZ5", "x")])], "sheet_too_large"),
    ],
    ids=["far corners", "a cell in the last column", "rows out of order"],
)
def test_far_away_cells_are_refused_without_parsing(
    tmp_path: Path, cells: list[tuple[int, list[tuple[str, str]]]], code: str
) -> None:
    _refused(tmp_path, cells, code)


@pytest.mark.parametrize(
    "cells",
    [
        [HEADER, WORKER, (999_999, [("Z999999", "x")])],
        [HEADER, WORKER, (99_999, [("B99999", "x")])],
    ],
    ids=["a cell a million rows down", "a cell a hundred thousand rows down"],
)
def test_a_few_rows_far_below_the_table_are_refused(
    tmp_path: Path, cells: list[tuple[int, list[tuple[str, str]]]]
) -> None:
    _refused(tmp_path, cells, "sheet_too_large")


def _refused(tmp_path: Path, cells: list[tuple[int, list[tuple[str, str]]]], code: str) -> None:
    path = _workbook(tmp_path / "jauh.xlsx", cells)
    assert path.stat().st_size < 4096
    with pytest.raises(RosterError) as refused:
        roster.read(path)
    assert refused.value.code == code
    assert "jauh.xlsx" in refused.value.message("id")
    done = run("check", path)
    assert done.returncode == 2, done.stderr  # an abort would be 134
    assert "Traceback" not in done.stderr and "memory allocation" not in done.stderr


def test_a_zip_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bom.xlsx", [HEADER, WORKER])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "A" * (50 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    with pytest.raises(RosterError) as refused:
        roster.read(path)
    assert refused.value.code == "xlsx_zip_bomb"
    assert "11:1" in refused.value.message("en")


def test_ordinary_workbooks_are_not_refused(tmp_path: Path) -> None:
    wide = [(1, [(f"{a}{b}1", f"Kolom {a}{b}") for a in "A" for b in string.ascii_uppercase])]
    wide[0][1][0] = ("AA1", "NIK")
    rows = [
        (r, [("AA" + str(r), f"32750141019{r:05d}"), ("AB" + str(r), "Adi")]) for r in range(2, 200)
    ]
    read = roster.read(_workbook(tmp_path / "lebar.xlsx", [*wide, *rows]))
    assert len(read) == 198
    # Six-digit row numbers in a filled sheet are fine.
    tall = [HEADER, *[(r, [(f"A{r}", f"32750141{r:08d}")]) for r in range(2, 110_002)]]
    assert len(roster.read(_workbook(tmp_path / "tinggi.xlsx", tall))) == 110_000


FORMULA_START = tuple("=+-@\t\r\n")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_no_csv_cell_can_start_a_formula(text: str) -> None:
    import pandas as pd

    [cell] = neutralise(pd.Series([text], dtype=object)).tolist()
    plain_number = text.lstrip("-").replace(",", "").replace(".", "").isdigit() and (
        text[:1].isdigit() or text[:2][1:].isdigit()
    )
    if text.startswith(FORMULA_START) and not plain_number:
        assert cell == "'" + text
    else:
        assert cell == text


def test_a_formula_typed_into_a_roster_is_text_in_the_csv(tmp_path: Path) -> None:
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text(
        "NIK;Nama;Upah;Status Kepesertaan;Tgl Daftar\n"
        '3275014101900001;=HYPERLINK("http://x");3000000;Aktif;15/01/2024\n'
        "3275014101900002;@SUM(A1);-3000000;Aktif;15/01/2024\n",
        encoding="utf-8",
    )
    done = run("check", roster_file, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "'=HYPERLINK" in done.stdout and "'@SUM(A1)" in done.stdout
    assert ";-3000000" not in done.stdout and ",-3000000" in done.stdout


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Server:
    return start_server(tmp_path / "data", database_url, BSU_WORKER_LEASE_SECONDS="1")


def test_the_server_refuses_a_hostile_upload_and_keeps_answering(
    server: Server, tmp_path: Path
) -> None:
    """Refused in the request, before a batch exists: 422 with the code, nothing kept."""
    try:
        path = _workbook(tmp_path / "jauh.xlsx", [HEADER, WORKER, (1048576, [("XFD1048576", "x")])])
        uploads = Path(server.env["BSU_DATA_DIR"]) / "uploads"
        with server.client() as c:
            refused = c.post("/v1/batches", files={"file": (path.name, path.read_bytes())})
            assert refused.status_code == 422, refused.text
            assert refused.json()["error"]["code"] == "sheet_too_large"
            assert refused.json()["error"]["message"].startswith("jauh.xlsx: Sheet")
            english = c.post(
                "/v1/batches",
                files={"file": (path.name, path.read_bytes())},
                headers={"Accept-Language": "en"},
            )
            assert "reaches row 1,048,576" in english.json()["error"]["message"]
            assert c.get("/healthz").json() == {"status": "ok"}
        assert not uploads.is_dir() or list(uploads.iterdir()) == [], "the upload is deleted"
        assert server.process.poll() is None, "the server process is still alive"
    finally:
        server.stop()


def test_a_batch_that_keeps_killing_the_checker_is_given_up(server: Server, tmp_path: Path) -> None:
    """Attempts that died with their process count; after three the batch fails."""
    try:
        engine = make_engine(server.env["BSU_DATABASE_URL"])
        try:
            with Session(engine) as session:
                batch = batches.submit(
                    session,
                    filename="roster.csv",
                    content_sha256="0" * 64,
                    stored_path=str(tmp_path / "nowhere.csv"),
                    size_bytes=1,
                    ruleset_id="bsu-2025",
                    submitted_by="test",
                )
                session.commit()
                batch_id = batch.id
                session.execute(
                    update(Batch)
                    .where(Batch.id == batch_id)
                    .values(
                        status=batches.RUNNING,
                        attempts=3,
                        lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1),
                    )
                )
                session.commit()
        finally:
            engine.dispose()
        with server.client() as c:
            done = wait_for(c, f"/v1/batches/{batch_id}", {"done", "failed"})
        assert done["status"] == "failed" and done["error"]["code"] == "check_abandoned"
    finally:
        server.stop()


# --- the startup guard -------------------------------------------------------------------

BLOCK_DEFUSEDXML = """
import sys


class _Blocked:
    def find_spec(self, name, path=None, target=None):
        if name == "defusedxml" or name.startswith("defusedxml."):
            raise ImportError(f"{name} is blocked by the test")
        return None


sys.meta_path.insert(0, _Blocked())
"""


@pytest.mark.parametrize("how", ["defusedxml-missing", "openpyxl-told-not-to"])
def test_the_server_will_not_start_without_defusedxml(tmp_path: Path, how: str) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(tmp_path),
        "BSU_DATA_DIR": str(tmp_path / "data"),
    }
    if how == "defusedxml-missing":
        (tmp_path / "blocker").mkdir()
        (tmp_path / "blocker" / "sitecustomize.py").write_text(BLOCK_DEFUSEDXML)
        env["PYTHONPATH"] = str(tmp_path / "blocker")
        words = "pip install defusedxml"
    else:
        env["OPENPYXL_DEFUSEDXML"] = "False"
        words = "OPENPYXL_DEFUSEDXML=False"
    done = subprocess.run(
        [str(BSU), "serve", "--port", "1"],  # never listens: it stops before
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    said = " ".join(done.stderr.split())
    assert "bsu tidak dijalankan" in said and "bsu will not start" in said, done.stderr
    assert words in said
    assert "Traceback" not in done.stderr


def test_the_app_is_not_built_without_defusedxml(monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    from bsu.api.app import create_app
    from bsu.errors import BsuError

    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(BsuError) as refused:
        create_app()
    assert refused.value.code == "xml_unprotected"


def test_the_guard_test_really_blocks_defusedxml(tmp_path: Path) -> None:
    """The control for the test above: with the blocker, openpyxl loses defusedxml."""
    (tmp_path / "sitecustomize.py").write_text(BLOCK_DEFUSEDXML)
    code = "import openpyxl; print(openpyxl.DEFUSEDXML)"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
