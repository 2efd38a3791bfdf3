"""``bsu.service.coverage_report`` on a real store of each kind: registry extracts, a
universe and targets imported from files as branch staff import them, then the report and
the arrears, figures computed by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bsu import load_ruleset
from bsu.errors import BsuError, Conflict
from bsu.rosters import extracts
from bsu.service import coverage_report
from bsu.store import coverage as store
from bsu.store import imports
from bsu.store.db import make_engine
from bsu.store.schema import upgrade

RULES = load_ruleset("bsu-2025")
HEADER = "NIK;Nama;Status Kepesertaan;Kategori;Kota/Kab;Provinsi;NPP;Nama Perusahaan;Iuran Terakhir"


def worker(i: int, status: str, category: str, region: str, npp: str, last: str) -> str:
    """One extract line; NIKs 6172014101900001... (Kota Singkawang, born 1 Jan 1990)."""
    province = "Kalimantan Barat" if region else ""
    company = {"NPP001": "PT Alfa", "NPP002": "PT Beta"}.get(npp, "")
    cells = [f"61720141019{i:05d}", f"Pekerja {i}", status, category, region, province, npp]
    return ";".join([*cells, company, last])


def extract(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


# March: Singkawang 3 PU active + 1 BPU active; Sambas 1 PU active.
MARCH = [
    worker(1, "Aktif", "PU", "Kota Singkawang", "NPP001", "2025-03"),
    worker(2, "Aktif", "PU", "Kota Singkawang", "NPP001", "2025-03"),
    worker(3, "Aktif", "PU", "Kota Singkawang", "NPP001", "2025-03"),
    worker(4, "Aktif", "BPU", "Kota Singkawang", "", "2025-03"),
    worker(5, "Aktif", "PU", "Kabupaten Sambas", "NPP002", "2025-03"),
]
# June (the registry keeps March's rows for NIKs June does not hold): worker 3 non-active
# since May, worker 6 new in Sambas, worker 7 with only the province, worker 8 no region.
JUNE = [
    worker(3, "Nonaktif", "PU", "Kota Singkawang", "NPP001", "2025-02"),
    worker(6, "Aktif", "PU", "Kabupaten Sambas", "NPP002", "2025-06"),
    "6172014101900007;Pekerja 7;Aktif;PU;;Kalimantan Barat;NPP002;PT Beta;2025-06",
    worker(8, "Aktif", "BPU", "", "", "2025-06"),
]
# September: worker 2's last paid month is old (arrears), worker 9 active in Singkawang.
SEPTEMBER = [
    worker(2, "Aktif", "PU", "Kota Singkawang", "NPP001", "2025-04"),
    worker(9, "Aktif", "BPU", "Kota Singkawang", "", "2025-09"),
]
UNIVERSE = (
    "Kode Wilayah;Kabupaten/Kota;Potensi PU;Potensi BPU\n"
    "61.72;Kota Singkawang;6;4\n61.01;Kabupaten Sambas;8;2\n"
)
TARGETS = "Wilayah;Tahun;Target (%)\nNasional;2025;32,15\nKota Singkawang;2025;46,80\n"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    upgrade(made)
    try:
        yield made
    finally:
        made.dispose()


def load_registry(engine: Engine, folder: Path, dated: list[tuple[dt.date, list[str]]]) -> None:
    for day, lines in dated:
        path = extract(folder / f"registry-{day}.csv", lines)
        imports.import_registry(engine, extracts.registry(path), day, "test")


def load_universe_and_targets(engine: Engine, folder: Path) -> None:
    (folder / "semesta.csv").write_text(UNIVERSE, encoding="utf-8")
    (folder / "target.csv").write_text(TARGETS, encoding="utf-8")
    store.import_universe(
        engine,
        extracts.universe(folder / "semesta.csv"),
        "contoh sintetis",
        dt.date(2024, 8, 1),
        "t",
    )
    store.import_targets(engine, extracts.targets(folder / "target.csv"), "RPJMN", "test")


DAYS = [dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)]


def test_without_a_registry_the_report_says_to_import_one(engine: Engine) -> None:
    for ask in (coverage_report.regional_report, coverage_report.arrears_report):
        with pytest.raises(Conflict) as raised:
            ask(engine, RULES)
        assert raised.value.code == "registry_missing" and raised.value.status == 409
        assert "bsu registry import BERKAS --as-of TANGGAL" in raised.value.message("id")


def test_three_imports_with_universe_and_targets(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path, list(zip(DAYS, [MARCH, JUNE, SEPTEMBER], strict=True)))
    load_universe_and_targets(engine, tmp_path)
    report = coverage_report.regional_report(engine, RULES, lang="id")
    assert (report.year, report.as_of) == (2025, DAYS[-1])  # the latest snapshot's year

    doc = report.to_json()
    rows = {r["region_code"]: r for r in doc["regencies"]}
    # Singkawang, September: active 1, 2 (PU), 4, 9 (BPU); 3 non-active -> 4 protected of
    # 6 + 4 = 10: 40,0%; not protected 6; ceil(46,80% x 10 = 4,68) = 5 - 4 = 1.
    # June: 1, 2, 4 -> 3 / 10 = 30,0%: change 10,0.
    singkawang = rows["61.72"]
    assert (singkawang["active_pu"], singkawang["active_bpu"], singkawang["inactive"]) == (2, 2, 1)
    assert (singkawang["protected"], singkawang["universe"], singkawang["coverage_pct"]) == (
        4,
        10,
        40.0,
    )
    assert (singkawang["not_protected"], singkawang["gap"], singkawang["change_pct"]) == (
        6,
        1,
        10.0,
    )
    assert (singkawang["target_pct"], singkawang["target_level"]) == (46.8, "region")
    # Sambas: 5, 6 active -> 2 of 8 + 2 = 10: 20,0%; national 32,15% -> 4 - 2 = 2; June 2
    # as well: change 0,0.
    sambas = rows["61.01"]
    assert (sambas["protected"], sambas["coverage_pct"], sambas["gap"]) == (2, 20.0, 2)
    assert (sambas["target_level"], sambas["change_pct"]) == ("national", 0.0)
    # Worker 7 has only the province, worker 8 no region: both counted, neither dropped.
    assert [r["protected"] for r in doc["regencies"] if r["region_code"] is None] == [1, 1]
    kalbar = next(p for p in doc["provinces"] if p["province_code"] == "61")
    # Summed: 20 workers; 4 + 2 = 6 counted: 30,0% (worker 7 is outside the percentage).
    assert (kalbar["protected"], kalbar["universe"], kalbar["coverage_pct"]) == (7, 20, 30.0)
    assert kalbar["universe_basis"] == "summed"
    assert "contoh sintetis" in doc["denominator"] and "1 Agustus 2024" in doc["denominator"]

    trend = [r for r in doc["trend"] if r["code"] == "61.72"]
    # March 1, 2, 3, 4 -> 4 = 40,0%; June 3 non-active -> 3 = 30,0%; September 40,0%.
    assert [(r["as_of"], r["protected"], r["coverage_pct"]) for r in trend] == [
        ("2025-03-31", 4, 40.0),
        ("2025-06-30", 3, 30.0),
        ("2025-09-30", 4, 40.0),
    ]


def test_arrears_per_employer_and_the_call_list(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path, list(zip(DAYS, [MARCH, JUNE, SEPTEMBER], strict=True)))
    owed = coverage_report.arrears_report(engine, RULES, months=3, lang="id")
    assert owed.as_of == DAYS[-1] and owed.months == 3
    firms = {r["employer_id"]: r for r in owed.to_json()["employers"]}
    # NPP001: workers 1, 2, 3; 3 non-active (last paid 2025-02), 2 last paid 2025-04: the
    # limit is June 2025 (September - 3), so both are in arrears, worker 1 (2025-03) too.
    alfa = firms["NPP001"]
    assert (alfa["registered"], alfa["active"], alfa["inactive"], alfa["arrears"]) == (3, 2, 1, 3)
    assert alfa["message"] == (
        "1 pekerja nonaktif; 3 pekerja dengan iuran terakhir lebih dari 3 bulan sebelum "
        "30 September 2025"
    )
    # Workers 4, 8, 9 have no NPP in the extract: one row, named so, worker 4 (2025-03) late.
    unnamed = firms[""]
    assert (unnamed["employer_name"], unnamed["registered"], unnamed["arrears"]) == (
        "(tanpa NPP di ekstrak)",
        3,
        1,
    )
    calls = owed.workers
    alfa_calls = calls[calls["employer_id"].eq("NPP001")]
    assert sorted(alfa_calls["name"]) == ["Pekerja 1", "Pekerja 2", "Pekerja 3"]
    assert set(alfa_calls["region"]) == {"Kota Singkawang"}
    assert all(isinstance(w, str) and w for w in calls["why_text"])


def test_a_year_and_months_out_of_range_are_refused(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path, [(DAYS[0], MARCH)])
    with pytest.raises(BsuError, match="--year 2025"):
        coverage_report.regional_report(engine, RULES, year=25)
    with pytest.raises(BsuError, match="--months 3"):
        coverage_report.arrears_report(engine, RULES, months=0)
    # Another year's targets: the report of 2024 has none, and says so.
    report = coverage_report.regional_report(engine, RULES, year=2024, lang="en")
    assert any("No coverage target for 2024" in m for m in report.missing)
