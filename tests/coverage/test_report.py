"""The coverage workbook and its chart, as a regional office opens them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from bsu import load_ruleset
from bsu.core import records
from bsu.core.engine import evaluate
from bsu.core.evidence import Evidence, registry_frame
from bsu.coverage import compute as coverage
from bsu.coverage import workbook as coverage_report
from tests.coverage import known

RULES = load_ruleset("bsu-2025")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    decisions = evaluate(known.roster_records(), RULES, known.evidence())
    path = tmp_path_factory.mktemp("report") / "cakupan.xlsx"
    coverage_report.write_xlsx(coverage.compute(decisions, "id"), path)
    return path


def test_the_workbook_has_its_sheets_with_frozen_filtered_headers(written: Path) -> None:
    book = load_workbook(written)
    assert book.sheetnames == ["Ringkasan", "Per Pemberi Kerja", "Per Wilayah", "Daftar Jangkauan"]
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.column_dimensions["A"].width > 10
    employers = list(book["Per Pemberi Kerja"].iter_rows(values_only=True))
    assert employers[0][:4] == (
        "Pemberi kerja",
        "NPP",
        "Nama perusahaan",
        "Dikenali dari",
    )
    registry = "Data peserta: NPP sebagian besar pekerjanya"
    assert employers[1] == (
        "PT Alfa (NPP NPP001)",
        "NPP001",
        "PT Alfa",
        registry,
        6,
        2,
        2,
        1,
        1,
        pytest.approx(0.333),
    )
    assert employers[2] == (
        "PT Beta (NPP NPP002)",
        "NPP002",
        "PT Beta",
        registry,
        4,
        3,
        0,
        1,
        0,
        pytest.approx(0.75),
    )
    assert book["Per Pemberi Kerja"]["J2"].number_format == "0.0%"
    assert book["Per Pemberi Kerja"]["B2"].number_format == "@"
    regions = list(book["Per Wilayah"].iter_rows(values_only=True))
    assert regions[1][:4] == ("32", "Jawa Barat", "32.75", "Kota Bekasi")
    assert regions[1][4:] == (5, 3, 1, 1, 0, pytest.approx(0.6))


def test_the_summary_states_totals_and_how_the_percentage_is_computed(written: Path) -> None:
    sheet = load_workbook(written)["Ringkasan"]
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert cells["Pekerja di roster"] == 10
    assert cells["Terdaftar & aktif"] == 5
    assert cells["Terdaftar, tidak aktif"] == 2
    assert cells["Belum terdaftar"] == 2
    assert cells["NIK tidak dapat dipakai"] == 1
    assert cells["Perlu dijangkau"] == 4
    assert cells["Cakupan (%)"] == pytest.approx(0.5)
    assert cells["Data peserta per"] == known.AS_OF
    definition = next(t for t in cells if isinstance(t, str) and t.startswith("Cakupan (%) ="))
    assert "terdaftar dan aktif ÷ seluruh pekerja di roster" in definition
    assert len(sheet._images) == 1  # the chart


def test_the_outreach_sheet_holds_full_niks_as_text(written: Path) -> None:
    sheet = load_workbook(written)["Daftar Jangkauan"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "Sheet" not in header  # CSV rosters have no sheets
    nik = header.index("NIK")
    assert [r[nik] for r in rows[1:]] == [n for _, _, n, _, _ in known.OUTREACH]
    for cell in sheet[chr(ord("A") + nik)][1:]:
        assert cell.data_type == "s" and cell.number_format == "@"
    assert rows[1][header.index("Alasan")] == "Terdaftar, tetapi tidak aktif"
    assert rows[1][header.index("Baris")] == 4


def test_the_chart_is_a_png_beside_the_workbook_and_inside_it(written: Path) -> None:
    chart = written.with_name("cakupan-chart.png")
    assert coverage_report.chart_path(written) == chart
    data = chart.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    with zipfile.ZipFile(written) as archive:
        assert archive.read("xl/media/image1.png") == data
    leftovers = [p.name for p in written.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_many_employers_chart_the_lowest_coverage(tmp_path: Path) -> None:
    niks = [f"32750141019{i:05d}" for i in range(40)]
    rows = [
        {"source": f"pt-{i:02d}.csv", "nik": nik, "region": "Kota Bekasi"}
        for i, nik in enumerate(niks)
    ]
    registry = registry_frame(pd.DataFrame({"nik": niks[::2], "status": "active"}))
    decisions = evaluate(records.frame(rows), RULES, Evidence(registry=registry))
    result = coverage.compute(decisions, "en")
    names, values, _ = coverage_report._bars(result.by_employer, result.by_employer["employer"])
    assert len(names) == coverage_report.CHART_BARS
    assert values.count(0.0) == 20  # every employer with no one covered is shown
    assert set(names) >= {f"pt-{i:02d}.csv" for i in range(1, 40, 2)}
    coverage_report.write_xlsx(result, tmp_path / "many.xlsx")
    assert (tmp_path / "many-chart.png").read_bytes().startswith(PNG_MAGIC)


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    decisions = evaluate(known.roster_records(), RULES, known.evidence())
    result = coverage.compute(decisions, "id")
    with pytest.raises(OSError):
        coverage_report.write_xlsx(result, tmp_path / "missing" / "c.xlsx")
    assert list(tmp_path.iterdir()) == []
