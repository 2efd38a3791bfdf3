"""``bsu check`` on a payroll export that gives the wage in parts, through the real CLI:
the wage judged is the basic wage plus the fixed allowances (a daily wage x25), which is
what the regulation judges. The issue's first wrong answer: Gaji Pokok 3.400.000 and
Tunjangan Tetap 300.000 in a Rp3.500.000 region was judged Layak on 3.400.000."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run
from tests.support import write_xlsx

NIKS = [f"327501410190{i:04d}" for i in range(1, 7)]
HEADER = [
    "NIK",
    "Nama",
    "Kab/Kota",
    "Gaji Pokok",
    "Upah Harian",
    "Tunjangan Tetap",
    "Tunjangan Jabatan",
    "Lembur",
    "Uang Makan",
    "Status Kepesertaan",
    "Tgl Daftar",
]
# (basic, daily, fixed allowance, position allowance) -> what is judged, in Kota Semarang
# (cap Rp3.500.000); overtime 500.000 and meals 400.000 on every row are never added.
WORKERS: list[tuple[Any, Any, Any, Any, str, list[str], float | None]] = [
    (3_400_000, None, 300_000, 0, "ineligible", ["WAGE_ABOVE_CAP"], 3_700_000),  # answer #1
    (3_000_000, None, 500_000, 0, "eligible", [], 3_500_000),  # the sum at the cap
    (3_400_000, None, None, 0, "review", ["WAGE_ALLOWANCES_UNKNOWN"], 3_400_000),
    (2_500_000, None, None, 0, "eligible", [], 2_500_000),  # far below: no allowance can
    (None, 140_000, None, 0, "eligible", [], 3_500_000),  # x25, at the cap
    (None, 120_000, "tiga ratus", 0, "review", ["WAGE_INVALID"], None),
]


OTHER_PAY = (500_000, 400_000)  # Lembur, Uang Makan
ACTIVE = ("Aktif", "15/01/2024")  # Status Kepesertaan, Tgl Daftar


def payroll(path: Path) -> Path:
    rows = [
        [nik, f"Pekerja {i}", "Kota Semarang", basic, daily, fixed, position, *OTHER_PAY, *ACTIVE]
        for i, (nik, (basic, daily, fixed, position, *_)) in enumerate(
            zip(NIKS, WORKERS, strict=True), start=1
        )
    ]
    return write_xlsx(path, {"Gaji April": [["REKAP GAJI APRIL 2025"], HEADER, *rows]})


# A worker active since before the cutoff, in Kota Semarang, for the smaller rosters.
HEADS = ["NIK", "Kota", "Status Kepesertaan", "Tgl Daftar"]
SEMARANG = ("Kota Semarang", *ACTIVE)


def check_json(*args: str | Path) -> dict[str, Any]:
    done = run("check", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return payroll(tmp_path_factory.mktemp("payroll") / "gaji-april.xlsx")


def test_the_wage_judged_is_the_basic_wage_plus_the_fixed_allowances(roster: Path) -> None:
    doc = check_json(roster)
    got = [(r["status"], [x["code"] for x in r["reasons"]], r["wage"]) for r in doc["rows"]]
    assert got == [(status, codes, wage) for *_, status, codes, wage in WORKERS]
    first = doc["rows"][0]["reasons"][0]["message"]
    assert "upah pokok Rp3.400.000 + tunjangan tetap Rp300.000 = Rp3.700.000" in first
    assert "melebihi batas Rp3.500.000" in first
    daily = doc["rows"][5]["reasons"][0]["message"]
    assert 'Tunjangan Tetap "tiga ratus" tidak dapat dibaca' in daily


def test_the_sources_report_says_what_was_added_and_what_was_not(roster: Path) -> None:
    (source,) = check_json(roster)["sources"]
    assert source["columns"]["basic_wage"] == ["Gaji Pokok"]
    assert source["columns"]["daily_wage"] == ["Upah Harian"]
    assert source["columns"]["fixed_allowance"] == ["Tunjangan Tetap"]
    ignored = {c["header"]: c["code"] for c in source["ignored_columns"]}
    assert ignored == {
        "Tunjangan Jabatan": "allowance_kind_unknown",
        "Lembur": "other_pay",
        "Uang Makan": "other_pay",
    }
    notices = {n["code"]: n["message"] for n in source["notices"]}
    assert "'Tunjangan Jabatan'" in notices["allowances_not_added"]
    assert '--map fixed_allowance="Tunjangan Jabatan"' in notices["allowances_not_added"]


def test_the_english_messages_say_how_the_wage_was_built(roster: Path) -> None:
    doc = check_json(roster, "--lang", "en")
    first = doc["rows"][0]["reasons"][0]["message"]
    assert "basic wage Rp3.400.000 + fixed allowances Rp300.000 = Rp3.700.000" in first
    review = doc["rows"][2]["reasons"][0]["message"]
    assert "less than 10% below the cap of Rp3.500.000" in review


def test_map_adds_allowances_the_headers_do_not_mark_as_fixed(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "gaji.xlsx",
        {
            "Gaji": [
                [*HEADS, "Gaji Pokok", "Tunjangan Jabatan", "Tunjangan Keluarga"],
                [NIKS[0], *SEMARANG, 3_200_000, 300_000, 250_000],
                [NIKS[1], *SEMARANG, 2_600_000, 300_000, 250_000],
            ]
        },
    )
    unmapped = check_json(path)
    assert [r["wage"] for r in unmapped["rows"]] == [3_200_000, 2_600_000]
    assert [r["status"] for r in unmapped["rows"]] == ["review", "eligible"]  # basic alone
    mapped = check_json(
        path,
        "--map",
        "fixed_allowance=Tunjangan Jabatan",
        "--map",
        'fixed_allowance="Tunjangan Keluarga"',
    )
    assert [r["wage"] for r in mapped["rows"]] == [3_750_000, 3_150_000]
    assert [r["status"] for r in mapped["rows"]] == ["ineligible", "eligible"]
    (source,) = mapped["sources"]
    assert source["columns"]["fixed_allowance"] == ["Tunjangan Jabatan", "Tunjangan Keluarga"]
    assert [n["code"] for n in source["notices"]] == ["fixed_allowance_summed"]


def test_a_total_beside_the_parts_is_judged_as_it_is(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "gaji.xlsx",
        {
            "Gaji": [
                [*HEADS, "Gaji Pokok", "Tunjangan Tetap", "Total Upah"],
                [NIKS[0], *SEMARANG, 3_400_000, 300_000, 3_450_000],
            ]
        },
    )
    doc = check_json(path)
    assert [(r["status"], r["wage"]) for r in doc["rows"]] == [("eligible", 3_450_000)]
    ignored = {c["header"]: c["code"] for c in doc["sources"][0]["ignored_columns"]}
    assert ignored == {
        "Gaji Pokok": "basic_wage",
        "Tunjangan Tetap": "fixed_allowance_beside_total",
    }
