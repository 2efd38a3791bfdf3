"""Every row's decision criterion by criterion, where people read it: ``checks`` in
``--format json``, the result workbook's *Jejak Keputusan* sheet(s) and the *Ringkasan*'s
line per criterion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bsu import evaluate, load_ruleset
from bsu.results import trail_sheet
from bsu.results.model import Result
from bsu.results.xlsx import write_xlsx
from bsu.rosters import readers
from tests.cli.conftest import run
from tests.support import write_xlsx as write_roster

RULES = load_ruleset("bsu-2025")
CRITERIA = [c.id for c in RULES.criteria()]
HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tgl Daftar", "Kab/Kota", "Kategori"]
ROWS = [
    ["3275014101900001", "Adi", "Rp 3.650.000", "Aktif", "15/01/2024", "Kab. Morowali", "PU"],
    ["3275014101900002", "Budi", "Rp 3.800.001", "Aktif", "15/01/2024", "Morowali", ""],
    ["3275014101900003", "Cici", "", "Nonaktif", "15/01/2024", "Kota Bekasi", "BPU"],
]
TRAIL = ["Berkas", "Sheet", "Baris", "NIK Pekerja", "Kriteria", "Hasil"]


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return write_roster(tmp_path / "roster.xlsx", {"Pekerja": [HEADER, *ROWS]})


def test_json_rows_carry_their_checks_eligible_rows_included(roster: Path) -> None:
    done = run("check", roster, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert [r["status"] for r in rows] == ["eligible", "ineligible", "ineligible"]
    for row in rows:
        assert [c["criterion"] for c in row["checks"]] == CRITERIA
    adi = {c["criterion"]: c for c in rows[0]["checks"]}
    assert {c["outcome"] for c in adi.values()} == {"pass"}
    wage = adi["wage_within_cap"]
    assert wage["values"]["wage"] == 3_650_000
    assert wage["values"]["cap"] == 3_800_000
    assert wage["values"]["cap_source"] == "UMK Kabupaten Morowali 2025"
    assert wage["evidence"] == "roster"
    assert "Pasal 4" in wage["citation"]
    budi = {c["criterion"]: c for c in rows[1]["checks"]}
    assert (budi["wage_within_cap"]["outcome"], budi["wage_within_cap"]["reasons"]) == (
        "fail",
        ["WAGE_ABOVE_CAP"],
    )
    assert budi["wage_earner_category"]["default"] == "category_blank_is_pu"
    cici = {c["criterion"]: c for c in rows[2]["checks"]}
    assert cici["active_participant"]["outcome"] == "fail"
    assert cici["wage_within_cap"]["outcome"] == "review"
    assert cici["wage_earner_category"]["values"] == {"category": "BPU", "required": "PU"}


def _trail(book: Any, name: str = "Jejak Keputusan") -> list[tuple[Any, ...]]:
    return list(book[name].iter_rows(values_only=True))


@pytest.mark.parametrize("writer", ["rustpy", "xlsxwriter"])
@pytest.mark.parametrize(
    ("lang", "header", "met", "title"),
    [
        ("id", TRAIL, "Memenuhi", "Peserta aktif BPJS Ketenagakerjaan sampai dengan 30 April 2025"),
        (
            "en",
            ["File", "Sheet", "Row", "Worker NIK", "Criterion", "Outcome"],
            "Met",
            "Active BPJS Ketenagakerjaan participant up to 30 April 2025",
        ),
    ],
)
def test_the_trail_sheet_has_a_line_per_row_and_criterion(
    roster: Path, tmp_path: Path, writer: str, lang: Any, header: list[str], met: str, title: str
) -> None:
    read = readers.read(roster)
    result = Result.of(read, evaluate(read.records, RULES), lang)
    write_xlsx(result, tmp_path / "hasil.xlsx", writer=writer)
    book = load_workbook(tmp_path / "hasil.xlsx")
    assert book.sheetnames[-1] == "Jejak Keputusan"
    sheet = book["Jejak Keputusan"]
    lines = _trail(book)
    assert list(lines[0][:6]) == header
    assert len(lines) == 1 + len(ROWS) * len(CRITERIA)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    # Row by row, in the rule set's order; the NIK is text with every digit.
    assert [line[2] for line in lines[1:]] == [r for r in (2, 3, 4) for _ in CRITERIA]
    assert [line[3] for line in lines[1:7]] == ["3275014101900001"] * 6
    assert all(sheet.cell(row=i, column=4).data_type == "s" for i in range(2, 8))
    adi = lines[1:7]
    assert [line[5] for line in adi] == [met] * 6
    assert adi[1][4] == title
    values = adi[3][6]
    assert "wage=Rp3.650.000" in values and "cap_source=UMK Kabupaten Morowali 2025" in values
    citation = next(c.citation for c in RULES.criteria() if c.id == "wage_within_cap")
    assert adi[3][-1] == f"{RULES.spec.citation_prefix}, {citation}"
    budi_category = lines[7 + CRITERIA.index("wage_earner_category")]
    assert budi_category[-2] == RULES.spec.defaults["category_blank_is_pu"].assumed.in_(lang)


@pytest.mark.parametrize("writer", ["rustpy", "xlsxwriter"])
def test_a_trail_longer_than_a_sheet_goes_on_in_the_next(
    roster: Path, tmp_path: Path, writer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond Excel's 1,048,576 rows (here made 14: a header and two workers' lines), the
    trail goes on in "Jejak Keputusan (2)", a worker's lines never split between two."""
    monkeypatch.setattr(trail_sheet, "EXCEL_ROWS", 14)
    read = readers.read(roster)
    write_xlsx(Result.of(read, evaluate(read.records, RULES)), tmp_path / "h.xlsx", writer=writer)
    book = load_workbook(tmp_path / "h.xlsx")
    assert book.sheetnames[-2:] == ["Jejak Keputusan", "Jejak Keputusan (2)"]
    first, second = _trail(book), _trail(book, "Jejak Keputusan (2)")
    assert first[0] == second[0] and list(first[0][:6]) == TRAIL
    assert [line[2] for line in first[1:]] == [2] * 6 + [3] * 6
    assert [line[2] for line in second[1:]] == [4] * 6


def test_ringkasan_has_a_line_per_criterion(roster: Path, tmp_path: Path) -> None:
    read = readers.read(roster)
    write_xlsx(Result.of(read, evaluate(read.records, RULES)), tmp_path / "h.xlsx")
    summary = list(load_workbook(tmp_path / "h.xlsx")["Ringkasan"].iter_rows(values_only=True))
    at = summary.index(("Kriteria", "Dinilai", "Hasil per baris"))
    lines = {line[0]: line[1:] for line in summary[at + 1 : at + 1 + len(CRITERIA)]}
    assert lines["Kategori Pekerja Penerima Upah (PU)"] == (
        3,
        "memenuhi 2 · tidak memenuhi 1 · perlu perbaikan data 0 · tidak berlaku 0",
    )
    wage = next(v for k, v in lines.items() if k.startswith("Gaji/upah paling banyak"))
    assert wage == (3, "memenuhi 1 · tidak memenuhi 1 · perlu perbaikan data 1 · tidak berlaku 0")


def test_a_result_workbook_read_again_is_read_from_its_status_sheets_only(
    roster: Path, tmp_path: Path
) -> None:
    """Fix and re-upload: the trail (a line per criterion, with the NIK) is never taken for
    a roster of six times the workers."""
    out = tmp_path / "hasil.xlsx"
    assert run("check", roster, "--out", out).returncode == 0
    again = readers.read(out)
    assert sorted(str(n) for n in again.records["nik"]) == [r[0] for r in ROWS]
    trail = next(s for s in again.sheets if s.sheet == "Jejak Keputusan")
    assert not trail.read
