"""The regional workbook, the arrears workbook and the trend chart, opened as a branch
would open them (openpyxl reads what XlsxWriter wrote)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from bsu.coverage import regional as reg
from bsu.coverage import regional_workbook as book
from tests.coverage.test_regional import (
    EMPLOYERS,
    NO_UNIVERSE,
    REGIONS,
    SNAPSHOTS,
    TARGETS,
    UNIVERSE,
    WORKERS,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report() -> reg.RegionalReport:
    return reg.regional(SNAPSHOTS, UNIVERSE, TARGETS, REGIONS, 2025, "id")


@pytest.fixture(scope="module")
def written(report: reg.RegionalReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("regional") / "cakupan-wilayah.xlsx"
    book.write_regional_xlsx(report, path)
    return path


def rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(load_workbook(path)[sheet].iter_rows(values_only=True))


def test_the_regional_workbook_has_its_sheets_and_chart(written: Path) -> None:
    opened = load_workbook(written)
    assert opened.sheetnames == ["Ringkasan", "Per Kabupaten-Kota", "Per Provinsi", "Tren"]
    assert len(opened["Ringkasan"]._images) == 1
    for name in opened.sheetnames[1:]:
        assert opened[name].freeze_panes == "A2"
        assert opened[name].auto_filter.ref.startswith("A1:")
    assert not list(written.parent.glob(".*"))  # no temporary file left beside it


def test_the_summary_shows_the_denominator_and_what_is_missing(
    written: Path, report: reg.RegionalReport
) -> None:
    cells = [c for row in rows(written, "Ringkasan") for c in row if c is not None]
    assert report.denominator in cells
    for line in report.missing:
        assert line in cells
    assert "Kota Pontianak" in " ".join(report.missing)  # participants, no universe row
    at = cells.index("Cakupan (%)")
    assert cells[at + 1] == pytest.approx(0.312)  # 31,2% as an Excel percent
    assert cells[cells.index("Kekurangan menuju target (pekerja)") + 1] == 22


def test_the_regency_sheet_holds_the_figures(written: Path) -> None:
    table = rows(written, "Per Kabupaten-Kota")
    header = table[0]
    assert header[:4] == ("Kode provinsi", "Provinsi", "Kode kab/kota", "Kabupaten/kota")
    named = [dict(zip(header, row, strict=True)) for row in table[1:]]
    singkawang = next(r for r in named if r["Kode kab/kota"] == "61.72")
    assert singkawang["Terlindungi"] == 225 and singkawang["Semesta (PU + BPU)"] == 1000
    assert singkawang["Cakupan (%)"] == pytest.approx(0.225)
    assert singkawang["Target (%)"] == pytest.approx(0.40)
    assert singkawang["Target dari"] == "provinsi"
    assert singkawang["Kekurangan menuju target (pekerja)"] == 175
    assert singkawang["Perubahan sejak snapshot sebelumnya (poin %)"] == pytest.approx(4.0)
    pontianak = next(r for r in named if r["Kode kab/kota"] == "61.71")
    assert pontianak["Cakupan (%)"] is None and pontianak["Catatan"] == "tidak ada di tabel semesta"
    assert [r["Kabupaten/kota"] for r in named][-2:] == [
        "(kabupaten/kota tidak diketahui)",
        "(wilayah tidak diketahui)",
    ]


def test_the_province_and_trend_sheets(written: Path) -> None:
    provinces = rows(written, "Per Provinsi")
    named = [dict(zip(provinces[0], row, strict=True)) for row in provinces[1:]]
    kalbar = next(r for r in named if r["Kode provinsi"] == "61")
    assert kalbar["Asal semesta"] == "jumlah baris kabupaten/kota"
    assert kalbar["Cakupan (%)"] == pytest.approx(0.234)
    trend = rows(written, "Tren")
    assert trend[0] == (
        "Data per",
        "Tingkat",
        "Kode",
        "Wilayah",
        "Terlindungi",
        "Semesta (PU + BPU)",
        "Cakupan (%)",
    )
    assert len(trend) - 1 == len(reg.regional(SNAPSHOTS, UNIVERSE, TARGETS, REGIONS, 2025).trend)
    assert trend[1][1:5] == ("nasional", "ID", "Indonesia (seluruh data)", 480)


def test_the_arrears_workbook_groups_the_call_list_by_employer(tmp_path: Path) -> None:
    owed = reg.arrears(EMPLOYERS, WORKERS, REGIONS, 3, "id")
    path = tmp_path / "cakupan-tunggakan.xlsx"
    book.write_arrears_xlsx(owed, path)
    opened = load_workbook(path)
    assert opened.sheetnames == ["Per Pemberi Kerja", "Daftar Tunggakan"]
    firms = rows(path, "Per Pemberi Kerja")
    assert firms[0] == (
        "NPP",
        "Pemberi kerja",
        "Terdaftar",
        "Aktif",
        "Terdaftar, tidak aktif",
        "Iuran terakhir terlalu lama",
        "Keterangan",
    )
    assert firms[1][:6] == ("NPP001", "PT Alfa", 40, 28, 12, 9)
    assert firms[1][6].startswith("12 pekerja nonaktif; 9 pekerja")
    calls = rows(path, "Daftar Tunggakan")
    named = [dict(zip(calls[0], row, strict=True)) for row in calls[1:]]
    assert [r["NPP"] for r in named] == ["NPP001", "NPP001", "NPP002"]
    assert named[0]["NIK"] == "6172014101900001"  # text: all 16 digits
    assert named[0]["No HP"] == "081234567890"  # text: the leading 0 kept
    assert named[0]["Status"] == "Nonaktif" and named[0]["Kabupaten/kota"] == "Kota Singkawang"
    assert named[2]["Alasan dihubungi"].startswith("Iuran terakhir Desember 2024")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_trend_chart_is_a_png(report: reg.RegionalReport, lang: reg.Lang) -> None:
    localised = reg.regional(SNAPSHOTS, UNIVERSE, TARGETS, REGIONS, 2025, lang)
    png = book.trend_png(localised)
    assert png.startswith(PNG_MAGIC)
    assert Image.open(io.BytesIO(png)).size[0] >= 1000


@pytest.mark.parametrize(
    ("universe", "has_universe"), [(UNIVERSE, True), (NO_UNIVERSE, False)], ids=["pct", "counts"]
)
def test_the_chart_plots_counts_without_a_universe(
    universe: object, has_universe: bool, tmp_path: Path
) -> None:
    report = reg.regional(SNAPSHOTS, universe, TARGETS, REGIONS, 2025, "id")  # type: ignore[arg-type]
    assert report.has_universe is has_universe
    assert book.trend_png(report).startswith(PNG_MAGIC)
    path = tmp_path / "w.xlsx"
    book.write_regional_xlsx(report, path)
    regencies = rows(path, "Per Kabupaten-Kota")
    coverage = regencies[0].index("Cakupan (%)")
    assert all(r[coverage] is None for r in regencies[1:]) is not has_universe


def test_an_empty_report_still_writes(tmp_path: Path) -> None:
    report = reg.regional(SNAPSHOTS.iloc[:0], NO_UNIVERSE, TARGETS, REGIONS, 2025, "en")
    path = tmp_path / "empty.xlsx"
    book.write_regional_xlsx(report, path)
    assert rows(path, "Per Kabupaten-Kota")[0][0] == "Province code"
    assert book.trend_png(report).startswith(PNG_MAGIC)
