"""Hostile workbooks are refused before any parser sees them: no abort, no blow-up, a
typed error the user can read, and the server keeps answering."""

from __future__ import annotations

import datetime as dt
import string
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlalchemy.orm import Session

from bsu import roster
from bsu.errors import RosterError
from bsu.report import neutralise
from bsu.store import batches
from bsu.store.db import make_engine
from bsu.store.models import Batch
from tests.cli.conftest import run
from tests.servers import Server, start_server, wait_for

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(path: Path, rows: list[tuple[int, list[tuple[str, str]]]]) -> Path:
    """A minimal .xlsx written by hand, cells exactly where the test puts them."""
    body = "".join(
        f'<row r="{r}">' + "".join(_cell(ref, text) for ref, text in cells) + "</row>"
        for r, cells in rows
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


HEADER = (1, [("A1", "NIK"), ("B1", "Nama")])
WORKER = (2, [("A2", "3275014101900001"), ("B2", "Adi")])


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
    try:
        path = _workbook(tmp_path / "jauh.xlsx", [HEADER, WORKER, (1048576, [("XFD1048576", "x")])])
        with server.client() as c:
            submitted = c.post("/v1/batches", files={"file": (path.name, path.read_bytes())})
            assert submitted.status_code == 202
            batch = wait_for(c, submitted.headers["location"], {"done", "failed"})
            assert batch["status"] == "failed"
            assert batch["error"]["code"] == "sheet_too_large"
            assert c.get("/healthz").json() == {"status": "ok"}
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
