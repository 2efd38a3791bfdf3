"""Regional coverage (UCJ) from registry snapshots, figures computed by hand.

The frames are written here as the store's loaders return them (``bsu.store.coverage``
columns); the regions are the shipped rule set's Kemendagri table: Kalimantan Barat (61)
with Kabupaten Sambas 61.01, Kota Pontianak 61.71, Kota Singkawang 61.72; Sumatera Utara
(12) with Kabupaten Serdang Bedagai 12.18.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest

from bsu import load_ruleset
from bsu.coverage import regional as reg
from bsu.store import coverage as store

REGIONS = load_ruleset("bsu-2025").regions
MARCH, JUNE, SEPTEMBER = dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)
UNIVERSE_AS_OF = dt.date(2024, 8, 1)


def snapshots(*rows: tuple[int, dt.date, str | None, str | None, str | None, int]) -> pd.DataFrame:
    """(import_id, as_of, region_code, category, status, participants) per row."""
    frame = pd.DataFrame(
        rows, columns=["import_id", "as_of", "region_code", "category", "status", "participants"]
    )
    frame.insert(2, "filename", "registry-" + frame["as_of"].astype(str) + ".csv")
    return frame[list(store.SNAPSHOT_COLUMNS)]


def universe(*rows: tuple[str, int | None, int | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["region_code", "potential_pu", "potential_bpu"])
    frame["source"] = "BPS Sakernas 2024 (contoh sintetis)"
    frame["as_of"] = UNIVERSE_AS_OF
    frame["filename"] = "semesta.csv"
    return frame[list(store.UNIVERSE_COLUMNS)]


def targets(*rows: tuple[str, int, float, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(store.TARGET_COLUMNS))


NO_UNIVERSE = universe()
NO_TARGETS = targets()

# Three registry imports. The latest (30 Sep) holds, per region (active unless said):
#   61.72 Singkawang  PU 150, BPU 70, JAKON 5 (+ 10 PU inactive)  -> protected 225
#   61.01 Sambas      PU 45                                       -> 45
#   61.71 Pontianak   PU 9 (no universe row)                      -> 9
#   61    (province only) PU 4                                    -> 4, in no regency
#   None  (no region)     PU 2                                    -> 2, in no province
#   12.18 Serdang Bedagai PU 400, BPU 80 (+ 6 PMI active: not PU/BPU) -> 480
SNAPSHOTS = snapshots(
    (1, MARCH, "61.72", "PU", "active", 100),
    (1, MARCH, "61.72", "BPU", "active", 50),
    (1, MARCH, "61.01", "PU", "active", 30),
    (1, MARCH, "12.18", "PU", "active", 300),
    (2, JUNE, "61.72", "PU", "active", 120),
    (2, JUNE, "61.72", "BPU", "active", 60),
    (2, JUNE, "61.72", "JAKON", "active", 5),
    (2, JUNE, "61.72", "PU", "inactive", 7),
    (2, JUNE, "61.01", "PU", "active", 40),
    (2, JUNE, "61.71", "PU", "active", 9),
    (2, JUNE, "61", "PU", "active", 4),
    (2, JUNE, None, "PU", "active", 2),
    (2, JUNE, "12.18", "PU", "active", 390),
    (2, JUNE, "12.18", "BPU", "active", 78),
    (3, SEPTEMBER, "61.72", "PU", "active", 150),
    (3, SEPTEMBER, "61.72", "BPU", "active", 70),
    (3, SEPTEMBER, "61.72", "JAKON", "active", 5),
    (3, SEPTEMBER, "61.72", "PU", "inactive", 10),
    (3, SEPTEMBER, "61.01", "PU", "active", 45),
    (3, SEPTEMBER, "61.71", "PU", "active", 9),
    (3, SEPTEMBER, "61", "PU", "active", 4),
    (3, SEPTEMBER, None, "PU", "active", 2),
    (3, SEPTEMBER, "12.18", "PU", "active", 400),
    (3, SEPTEMBER, "12.18", "BPU", "active", 80),
    (3, SEPTEMBER, "12.18", "PMI", "active", 6),
)
# Universe (no province rows: each province is the sum of its regencies'):
#   61.72: 600 + 400 = 1.000; 61.01: 150 + (none) = 150; 12.18: 1.000 + 250 = 1.250.
UNIVERSE = universe(("61.72", 600, 400), ("61.01", 150, None), ("12.18", 1000, 250))
TARGETS = targets(
    ("ID", 2025, 32.15, "RPJMN 2025-2029"),
    ("ID", 2024, 30.0, "older year"),
    ("12.18", 2025, 46.80, "Pemkab Serdang Bedagai"),
    ("61", 2025, 40.0, "Pemprov Kalimantan Barat (sintetis)"),
)


@pytest.fixture(scope="module")
def report() -> reg.RegionalReport:
    return reg.regional(SNAPSHOTS, UNIVERSE, TARGETS, REGIONS, 2025, "id")


def by(frame: pd.DataFrame, column: str, key: Any) -> dict[str, Any]:
    rows = reg.records(frame[frame[column].isna()] if key is None else frame[frame[column] == key])
    assert len(rows) == 1, (column, key, rows)
    return rows[0]


REGENCY_FIGURES = [
    # code, protected, universe, coverage, not protected, target, target level, gap, change
    # 12.18: 480 / 1.250 = 38,4%; ceil(46,80% x 1.250 = 585) - 480 = 105;
    #        June 468 / 1.250 = 37,44 -> 37,4: change 1,0.
    ("12.18", 480, 1250, 38.4, 770, 46.8, "region", 105, 1.0),
    # 61.01: 45 / 150 = 30,0%; province target 40% x 150 = 60 - 45 = 15; June 40/150 = 26,6.
    ("61.01", 45, 150, 30.0, 105, 40.0, "province", 15, 3.4),
    # 61.71: no universe row: no percentage, no gap; the province's target is shown.
    ("61.71", 9, None, None, None, 40.0, "province", None, None),
    # 61.72: 225 / 1.000 = 22,5%; 400 - 225 = 175; June 185 / 1.000 = 18,5: change 4,0.
    ("61.72", 225, 1000, 22.5, 775, 40.0, "province", 175, 4.0),
]


@pytest.mark.parametrize(
    ("code", "protected", "universe_", "pct", "not_protected", "target", "level", "gap", "change"),
    REGENCY_FIGURES,
)
def test_each_regency_against_its_universe_and_target(
    report: reg.RegionalReport,
    code: str,
    protected: int,
    universe_: int | None,
    pct: float | None,
    not_protected: int | None,
    target: float,
    level: str,
    gap: int | None,
    change: float | None,
) -> None:
    row = by(report.regencies, "region_code", code)
    assert (row["protected"], row["universe"], row["coverage_pct"]) == (protected, universe_, pct)
    assert (row["not_protected"], row["target_pct"], row["target_level"]) == (
        not_protected,
        target,
        level,
    )
    assert (row["gap"], row["change_pct"]) == (gap, change)


def test_singkawang_counts_pu_bpu_and_jakon_apart(report: reg.RegionalReport) -> None:
    row = by(report.regencies, "region_code", "61.72")
    assert row["region"] == "Kota Singkawang" and row["province"] == "Kalimantan Barat"
    assert (row["active_pu"], row["active_bpu"], row["active_jakon"]) == (150, 70, 5)
    assert (row["universe_pu"], row["universe_bpu"], row["inactive"]) == (600, 400, 10)
    assert "Jakon" in report.denominator  # the extract holds Jakon: said to be added


def test_nobody_is_dropped_province_only_and_unknown_rows(report: reg.RegionalReport) -> None:
    regencies = report.regencies
    only = regencies[regencies["region"].eq("(kabupaten/kota tidak diketahui)")]
    assert list(only["province"]) == ["Kalimantan Barat"]
    assert list(only["protected"]) == [4] and only["region_code"].isna().all()
    unknown = by(regencies, "province_code", None)
    assert (unknown["region"], unknown["protected"]) == ("(wilayah tidak diketahui)", 2)
    # Last rows: the province-only row after its province's regencies, unknown at the end.
    assert list(regencies["region_code"].fillna("-")) == [
        "12.18",
        "61.01",
        "61.71",
        "61.72",
        "-",
        "-",
    ]
    # 225 + 45 + 9 + 4 + 2 + 480 = 765 protected; none lost.
    assert int(regencies["protected"].sum()) == 765 == report.totals["protected"]
    assert int(report.provinces["protected"].sum()) == 765
    assert any("4 peserta aktif hanya dengan kode provinsi" in m for m in report.missing)
    assert any("2 peserta aktif tanpa wilayah" in m for m in report.missing)
    assert any("6 peserta aktif berkategori lain" in m for m in report.missing)  # the PMI


def test_provinces_sum_their_regencies_universe_and_say_so(report: reg.RegionalReport) -> None:
    kalbar = by(report.provinces, "province_code", "61")
    # Protected 225 + 45 + 9 + 4 = 283; the universe is 61.72 + 61.01 = 1.150 (PU 750, BPU
    # 400), so only their 270 protected are in the percentage: 270 / 1.150 = 23,47 -> 23,4;
    # not protected 880; ceil(40% x 1.150) = 460 - 270 = 190. June: 225 / 1.150 = 19,5.
    assert (kalbar["protected"], kalbar["universe_pu"], kalbar["universe_bpu"]) == (283, 750, 400)
    assert (kalbar["universe"], kalbar["coverage_pct"], kalbar["not_protected"]) == (
        1150,
        23.4,
        880,
    )
    assert (kalbar["target_pct"], kalbar["target_level"], kalbar["gap"]) == (40.0, "province", 190)
    assert (kalbar["universe_basis"], kalbar["change_pct"]) == ("summed", 3.9)
    assert kalbar["note"] == (
        "semesta = jumlah 2 kab/kota; 13 terlindungi di kab/kota tanpa semesta tidak masuk "
        "persentase"
    )
    sumut = by(report.provinces, "province_code", "12")
    # 480 / 1.250 = 38,4%; no province target: the national 32,15% -> 402 needed: met, gap 0.
    assert (sumut["coverage_pct"], sumut["target_level"], sumut["gap"]) == (38.4, "national", 0)


def test_totals_are_national_over_the_regions_with_a_universe(report: reg.RegionalReport) -> None:
    totals = report.totals
    # Universe 1.250 + 1.150 = 2.400; counted 480 + 270 = 750: 31,25 -> 31,2%;
    # ceil(32,15% x 2.400 = 771,6) = 772 - 750 = 22. June 693 / 2.400 = 28,875 -> 28,8.
    assert (totals["universe"], totals["protected_in_universe"]) == (2400, 750)
    assert (totals["coverage_pct"], totals["not_protected"], totals["gap"]) == (31.2, 1650, 22)
    assert (totals["target_pct"], totals["target_source"]) == (32.15, "RPJMN 2025-2029")
    assert (totals["change_pct"], totals["universe_basis"], totals["snapshots"]) == (
        2.4,
        "summed",
        3,
    )
    assert (totals["protected"], totals["active_other"], totals["inactive"]) == (765, 6, 10)


def test_the_denominator_names_its_source_and_dates(report: reg.RegionalReport) -> None:
    words = report.denominator
    assert "÷ semesta pekerja (potensi PU + potensi BPU)" in words
    assert "BPS Sakernas 2024 (contoh sintetis), per 1 Agustus 2024 (berkas semesta.csv)" in words
    assert "per 30 September 2025" in words
    english = reg.regional(SNAPSHOTS, UNIVERSE, TARGETS, REGIONS, 2025, "en").denominator
    assert "÷ workforce universe (potential PU + potential BPU)" in english
    assert "as of 1 August 2024" in english


def test_three_snapshots_make_the_trend(report: reg.RegionalReport) -> None:
    trend = report.trend
    assert list(trend.columns) == list(reg.TREND_COLUMNS)
    assert sorted(set(trend["as_of"])) == [MARCH, JUNE, SEPTEMBER]

    def line(code: str) -> list[tuple[int, float | None]]:
        rows = reg.records(trend[trend["code"].eq(code)])
        return [(r["protected"], r["coverage_pct"]) for r in rows]

    # 61.72: 150, 185, 225 of 1.000.
    assert line("61.72") == [(150, 15.0), (185, 18.5), (225, 22.5)]
    # 61.71 is in no snapshot of March: 0 then, and never a percentage (no universe).
    assert line("61.71") == [(0, None), (9, None), (9, None)]
    # Kalimantan Barat counts 61.72 + 61.01 of 1.150: 180 -> 15,6; 225 -> 19,5; 270 -> 23,4;
    # its protected column holds every participant of the province.
    assert line("61") == [(180, 15.6), (238, 19.5), (283, 23.4)]
    # The nation counts 480, 693, 750 of 2.400: 20,0, 28,8, 31,2; protected: all of them.
    assert line("ID") == [(480, 20.0), (708, 28.8), (765, 31.2)]


def test_one_snapshot_has_no_change_and_says_why() -> None:
    first = SNAPSHOTS[SNAPSHOTS["import_id"].eq(1)]
    report = reg.regional(first, UNIVERSE, TARGETS, REGIONS, 2025, "id")
    assert report.regencies["change_pct"].isna().all()
    assert report.totals["change_pct"] is None
    assert any("Baru ada satu snapshot" in m for m in report.missing)


def test_two_imports_of_one_day_are_one_snapshot_the_later() -> None:
    later = snapshots(
        (1, MARCH, "61.72", "PU", "active", 100), (2, MARCH, "61.72", "PU", "active", 110)
    )
    report = reg.regional(later, UNIVERSE, TARGETS, REGIONS, 2025, "id")
    assert report.totals["snapshots"] == 1
    assert by(report.regencies, "region_code", "61.72")["protected"] == 110


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # The province's own row: 5.000 (PU 3.000 + BPU 2.000), every protected of it counted:
        # 283 / 5.000 = 5,66 -> 5,6%; ceil(40% x 5.000) = 2.000 - 283 = 1.717.
        ((("61", 3000, 2000),), ("imported", 5000, 5.6, 1717, 4717)),
        # Summed (no province row): 1.150, 270 counted -> 23,4%; 460 - 270 = 190.
        ((), ("summed", 1150, 23.4, 190, 880)),
    ],
    ids=["province-row-imported", "summed-from-regencies"],
)
def test_a_province_universe_given_or_summed(
    rows: tuple[tuple[str, int, int], ...], expected: tuple[str, int, float, int, int]
) -> None:
    given = pd.concat([UNIVERSE, universe(*rows)], ignore_index=True)
    report = reg.regional(SNAPSHOTS, given, TARGETS, REGIONS, 2025, "id")
    kalbar = by(report.provinces, "province_code", "61")
    got = (
        kalbar["universe_basis"],
        kalbar["universe"],
        kalbar["coverage_pct"],
        kalbar["gap"],
        kalbar["not_protected"],
    )
    assert got == expected
    # The regencies keep their own rows either way.
    assert by(report.regencies, "region_code", "61.72")["coverage_pct"] == 22.5


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # region's own, else its province's, else national; none: no target, no gap.
        (
            (("61.72", 2025, 35.5, "kota"), ("61", 2025, 40.0, "prov"), ("ID", 2025, 32.15, "nas")),
            (35.5, "kota", "region", 130),
        ),  # ceil(35,5% x 1.000) = 355 - 225
        ((("61", 2025, 40.0, "prov"), ("ID", 2025, 32.15, "nas")), (40.0, "prov", "province", 175)),
        ((("ID", 2025, 32.15, "nas"),), (32.15, "nas", "national", 97)),  # 322 - 225
        ((("61.72", 2024, 35.5, "kota"),), (None, None, None, None)),  # another year's
        ((), (None, None, None, None)),
    ],
    ids=["region", "province", "national", "other-year", "none"],
)
def test_the_target_falls_back_region_province_national(
    given: tuple[tuple[str, int, float, str], ...], expected: tuple[Any, ...]
) -> None:
    report = reg.regional(SNAPSHOTS, UNIVERSE, targets(*given), REGIONS, 2025, "id")
    row = by(report.regencies, "region_code", "61.72")
    assert (row["target_pct"], row["target_source"], row["target_level"], row["gap"]) == expected
    said = any("Tidak ada target cakupan untuk tahun 2025" in m for m in report.missing)
    assert said == (expected[0] is None and not any(g[1] == 2025 for g in given))


@pytest.mark.parametrize(
    ("universe_", "target", "protected", "gap"),
    [
        (1000, 46.80, 0, 468),  # 0,468 x 1.000 is 468,00000000000006 in floats: not 469
        (1000, 46.80, 468, 0),
        (1000, 46.80, 467, 1),
        (1250, 32.15, 0, 402),  # 401,875 -> 402
        (3, 33.33, 0, 1),  # 0,9999 -> 1
        (73920, 22.77, 16684, 148),  # ceil(16.831,584) = 16.832 - 16.684
    ],
)
def test_the_gap_is_whole_workers_rounded_up(
    universe_: int, target: float, protected: int, gap: int
) -> None:
    rows = snapshots((1, JUNE, "61.72", "PU", "active", protected))
    report = reg.regional(
        rows,
        universe(("61.72", universe_, 0)),
        targets(("61.72", 2025, target, "t")),
        REGIONS,
        2025,
    )
    assert by(report.regencies, "region_code", "61.72")["gap"] == gap


def test_protected_above_the_universe_is_shown_and_warned() -> None:
    rows = snapshots((1, JUNE, "12.18", "BPU", "active", 20))
    report = reg.regional(rows, universe(("12.18", 10, 5)), NO_TARGETS, REGIONS, 2025, "id")
    row = by(report.regencies, "region_code", "12.18")
    # 20 / 15 = 133,33 -> 133,3%: shown above 100%, not clipped; not protected never < 0.
    assert (row["coverage_pct"], row["not_protected"]) == (133.3, 0)
    assert row["note"] == "terlindungi melebihi semesta"
    warned = [m for m in report.missing if m.startswith("Peringatan: Kabupaten Serdang Bedagai")]
    assert warned and "20 terlindungi, lebih dari semestanya (15)" in warned[0]
    assert "133,3%" in warned[0]


def _percentages(doc: Any) -> list[Any]:
    """Every value of a ``*_pct`` key but targets, anywhere in a JSON document."""
    found = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key.endswith("_pct") and key != "target_pct":
                found.append(value)
            found += _percentages(value)
    elif isinstance(doc, list):
        for value in doc:
            found += _percentages(value)
    return found


def test_without_a_universe_there_is_no_percentage_anywhere() -> None:
    report = reg.regional(SNAPSHOTS, NO_UNIVERSE, TARGETS, REGIONS, 2025, "id")
    doc = report.to_json()
    values = _percentages(doc)
    assert values and all(v is None for v in values)
    for table in ("regencies", "provinces"):
        for row in doc[table]:
            assert (row["universe"], row["not_protected"], row["gap"]) == (None, None, None)
    assert "Cakupan (%) tidak dihitung" in doc["denominator"] and "%)" in doc["denominator"]
    assert any("bsu coverage import-universe BERKAS --source" in m for m in doc["missing"])
    # Counts stay: protected per region and its trend.
    assert by(report.regencies, "region_code", "61.72")["protected"] == 225


def test_without_a_snapshot_missing_says_to_import_a_registry() -> None:
    empty = SNAPSHOTS.iloc[:0]
    report = reg.regional(empty, UNIVERSE, TARGETS, REGIONS, 2025, "en")
    assert report.as_of is None and report.regencies.empty and report.trend.empty
    assert any("bsu registry import FILE --as-of DATE" in m for m in report.missing)
    json.dumps(report.to_json(), allow_nan=False)


def test_to_json_is_plain_json(report: reg.RegionalReport) -> None:
    doc = report.to_json()
    text = json.dumps(doc, allow_nan=False)  # no NaN, no numpy, no dates
    assert json.loads(text) == doc
    assert set(doc) >= {"regencies", "provinces", "trend", "totals", "denominator", "missing"}
    assert (doc["as_of"], doc["year"]) == ("2025-09-30", 2025)
    assert doc["totals"]["universe_as_of"] == "2024-08-01"
    assert list(doc["regencies"][0])[: len(reg.REGION_COLUMNS)] == list(reg.REGION_COLUMNS)
    assert doc["trend"][0] == {
        "as_of": "2025-03-31",
        "level": "national",
        "code": "ID",
        "name": "Indonesia (seluruh data)",
        "protected": 480,
        "universe": 2400,
        "coverage_pct": 20.0,
    }


def test_the_national_code_is_the_stores() -> None:
    assert reg.NATIONAL == store.NATIONAL


# --- arrears ------------------------------------------------------------------------------

EMPLOYERS = pd.DataFrame(
    [
        ("NPP001", "PT Alfa", 40, 28, 12, 9, JUNE),
        ("NPP002", "PT Beta", 10, 10, 0, 2, JUNE),
        ("NPP003", "PT Gamma", 5, 5, 0, 0, JUNE),
    ],
    columns=list(store.ARREARS_COLUMNS),
)
WORKERS = pd.DataFrame(
    [
        (
            "NPP001",
            "PT Alfa",
            "6172014101900001",
            "21010000001",
            "Ani",
            "61.72",
            "PU",
            "inactive",
            "2025-01",
            "2025-02",
            "081234567890",
            "ani@contoh.id",
            "inactive",
        ),
        (
            "NPP001",
            "PT Alfa",
            "6172014101900002",
            "21010000002",
            "Budi",
            "61",
            "PU",
            "inactive",
            None,
            None,
            None,
            None,
            "inactive",
        ),
        (
            "NPP002",
            "PT Beta",
            "6101014101900003",
            "21010000003",
            "Citra",
            None,
            "BPU",
            "active",
            "2024-12",
            None,
            None,
            None,
            "arrears",
        ),
    ],
    columns=list(store.ARREARS_WORKER_COLUMNS),
)


@pytest.mark.parametrize(
    ("lang", "messages"),
    [
        (
            "id",
            [
                "12 pekerja nonaktif; 9 pekerja dengan iuran terakhir lebih dari 3 bulan "
                "sebelum 30 Juni 2025",
                "2 pekerja dengan iuran terakhir lebih dari 3 bulan sebelum 30 Juni 2025",
                "tidak ada pekerja nonaktif atau dengan iuran terakhir terlalu lama",
            ],
        ),
        (
            "en",
            [
                "12 workers non-active; 9 workers whose last contribution is more than 3 "
                "months before 30 June 2025",
                "2 workers whose last contribution is more than 3 months before 30 June 2025",
                "no non-active workers and no contribution too old",
            ],
        ),
    ],
)
def test_each_employers_arrears_in_words(lang: Any, messages: list[str]) -> None:
    owed = reg.arrears(EMPLOYERS, WORKERS, REGIONS, 3, lang)
    assert list(owed.employers["message"]) == messages
    assert owed.as_of == JUNE


@pytest.mark.parametrize(
    ("lang", "regions", "why"),
    [
        (
            "id",
            [
                "Kota Singkawang",
                "Kalimantan Barat (kabupaten/kota tidak diketahui)",
                "(wilayah tidak diketahui)",
            ],
            [
                "Status kepesertaan nonaktif, sejak Februari 2025, iuran terakhir Januari 2025",
                "Status kepesertaan nonaktif",
                "Iuran terakhir Desember 2024, lebih dari 3 bulan sebelum 30 Juni 2025",
            ],
        ),
        (
            "en",
            ["Kota Singkawang", "Kalimantan Barat (regency/city unknown)", "(region unknown)"],
            [
                "Participation non-active, since February 2025, last contribution January 2025",
                "Participation non-active",
                "Last contribution December 2024, more than 3 months before 30 June 2025",
            ],
        ),
    ],
)
def test_the_call_list_names_region_and_why(lang: Any, regions: list[str], why: list[str]) -> None:
    owed = reg.arrears(EMPLOYERS, WORKERS, REGIONS, 3, lang)
    assert list(owed.workers.columns) == list(reg.WORKER_COLUMNS)
    assert list(owed.workers["region"]) == regions
    assert list(owed.workers["why_text"]) == why


def test_arrears_json_with_and_without_the_workers() -> None:
    owed = reg.arrears(EMPLOYERS, WORKERS, REGIONS, 3, "id")
    full = owed.to_json()
    assert full["totals"] == {"employers": 3, "registered": 55, "inactive": 12, "arrears": 11}
    assert (full["months"], full["as_of"]) == (3, "2025-06-30")
    assert [w["nik"] for w in full["workers"]] == list(WORKERS["nik"])
    assert full["workers"][1]["phone"] is None
    short = owed.to_json(with_workers=False)
    assert "workers" not in short and "6172014101900001" not in json.dumps(short)


def test_arrears_without_a_registry_is_empty() -> None:
    owed = reg.arrears(EMPLOYERS.iloc[:0], WORKERS.iloc[:0], REGIONS, 3, "id")
    assert owed.as_of is None
    assert owed.to_json()["totals"] == {
        "employers": 0,
        "registered": 0,
        "inactive": 0,
        "arrears": 0,
    }
