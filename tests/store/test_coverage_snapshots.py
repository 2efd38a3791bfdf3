"""Each registry import is a dated snapshot of the whole registry (per region, category and
status), and the registry counted per employer for arrears: the three sample extracts of
``samples/coverage`` imported in order, the figures counted by hand. On a database of
each kind.

Who is who in the samples (numbers are the last four digits of the NIK):
- PT Singkawang Karya Contoh (NPP 61720001), Kota Singkawang 61.72, PU: 1-8. Citra (3) is
  non-active from the June extract (last paid 2025-04); Hendra (8) always (2024-10); Gita
  (7) joins in June; Dedi (4) last paid 2025-05 in September.
- CV Sambas Sawit Lestari Contoh (61010002), Kabupaten Sambas 61.01, PU: 9-16.
  Nurhayati (14) always non-active (2024-12); Oki (15) joins in September; Kurniadi (11)
  last paid 2025-04 and Putri (16) 2025-06 in September.
- PT Pontianak Bangun Contoh (61710003), Kota Pontianak 61.71: PU 17, 18, 20, 21, 30 and
  Taufik (19), JAKON, non-active in September (2025-07). Vivi (21) joins in June, Firman
  (30) in September; Umar (20) last paid 2025-02 in September.
- BPU, no NPP: Wawan (22), Ani (25, June; last paid 2025-06 in September), Erna (29,
  always non-active, 2024-07) in Kota Singkawang; Yanti (23, non-active from June,
  2025-04), Bambang (26, September) in Kabupaten Sambas; Zainal (24) in Kota Pontianak;
  Cahaya (27) in Kabupaten Serdang Bedagai 12.18; Darman (28), Kalimantan Barat with no
  regency and no last paid month.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bsu.errors import BsuError
from bsu.rosters import extracts
from bsu.store import coverage
from bsu.store.imports import import_registry
from bsu.store.models import RegistrySnapshot

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "coverage"
EXTRACTS = (
    ("registry-2025-03.csv", dt.date(2025, 3, 31)),
    ("registry-2025-06.csv", dt.date(2025, 6, 30)),
    ("registry-2025-09.csv", dt.date(2025, 9, 30)),
)
MARCH, JUNE, SEPTEMBER = (day for _, day in EXTRACTS)

# (region, category, status) -> participants, counted by hand from the extracts.
COUNTS = {
    MARCH: {  # 24 participants
        ("61.72", "PU", "active"): 6,  # 1-6
        ("61.72", "PU", "inactive"): 1,  # 8
        ("61.72", "BPU", "active"): 1,  # 22
        ("61.72", "BPU", "inactive"): 1,  # 29
        ("61.01", "PU", "active"): 6,  # 9-13, 16
        ("61.01", "PU", "inactive"): 1,  # 14
        ("61.01", "BPU", "active"): 1,  # 23
        ("61", "BPU", "active"): 1,  # 28
        ("61.71", "PU", "active"): 3,  # 17, 18, 20
        ("61.71", "JAKON", "active"): 1,  # 19
        ("61.71", "BPU", "active"): 1,  # 24
        ("12.18", "BPU", "active"): 1,  # 27
    },
    JUNE: {  # 27: Gita, Vivi, Ani join; Citra and Yanti become non-active
        ("61.72", "PU", "active"): 6,  # 1, 2, 4-7
        ("61.72", "PU", "inactive"): 2,  # 3, 8
        ("61.72", "BPU", "active"): 2,  # 22, 25
        ("61.72", "BPU", "inactive"): 1,  # 29
        ("61.01", "PU", "active"): 6,
        ("61.01", "PU", "inactive"): 1,
        ("61.01", "BPU", "inactive"): 1,  # 23
        ("61", "BPU", "active"): 1,
        ("61.71", "PU", "active"): 4,  # 17, 18, 20, 21
        ("61.71", "JAKON", "active"): 1,
        ("61.71", "BPU", "active"): 1,
        ("12.18", "BPU", "active"): 1,
    },
    SEPTEMBER: {  # 30: Oki, Bambang, Firman join; Taufik becomes non-active
        ("61.72", "PU", "active"): 6,
        ("61.72", "PU", "inactive"): 2,
        ("61.72", "BPU", "active"): 2,
        ("61.72", "BPU", "inactive"): 1,
        ("61.01", "PU", "active"): 7,  # 9-13, 15, 16
        ("61.01", "PU", "inactive"): 1,
        ("61.01", "BPU", "active"): 1,  # 26
        ("61.01", "BPU", "inactive"): 1,
        ("61", "BPU", "active"): 1,
        ("61.71", "PU", "active"): 5,  # 17, 18, 20, 21, 30
        ("61.71", "JAKON", "inactive"): 1,  # 19
        ("61.71", "BPU", "active"): 1,
        ("12.18", "BPU", "active"): 1,
    },
}


def load(engine: Engine, count: int = 3) -> None:
    for name, day in EXTRACTS[:count]:
        import_registry(engine, extracts.registry(SAMPLES / name), day, "petugas")


def test_each_import_is_a_snapshot_of_the_whole_registry(engine: Engine) -> None:
    load(engine)
    table = coverage.snapshots(engine)
    assert list(table.columns) == list(coverage.SNAPSHOT_COLUMNS)
    assert table["as_of"].tolist() == sorted(table["as_of"].tolist())
    for day, expected in COUNTS.items():
        taken = table[table["as_of"] == day]
        got = {(r.region_code, r.category, r.status): r.participants for r in taken.itertuples()}
        assert got == expected, day
    files = table.drop_duplicates("import_id")[["as_of", "filename"]].values.tolist()
    assert files == [[day, name] for name, day in EXTRACTS]
    assert table.groupby("as_of")["participants"].sum().tolist() == [24, 27, 30]


def test_importing_the_same_extract_again_takes_no_snapshot(engine: Engine) -> None:
    load(engine, 2)
    before = coverage.snapshots(engine)
    name, day = EXTRACTS[1]
    again = import_registry(engine, extracts.registry(SAMPLES / name), day, "petugas")
    assert again.already
    assert coverage.snapshots(engine).equals(before)
    with Session(engine) as session:
        imports = session.scalar(select(func.count(func.distinct(RegistrySnapshot.import_id))))
    assert imports == 2


def test_without_any_import_there_is_no_snapshot_and_no_arrears(engine: Engine) -> None:
    assert coverage.snapshots(engine).empty
    assert coverage.employer_arrears(engine, 3).empty
    assert coverage.arrears_workers(engine, 3).empty
    assert list(coverage.employer_arrears(engine, 3).columns) == list(coverage.ARREARS_COLUMNS)


# September 2025, 3 months: a last paid month before 2025-06 is in arrears.
ARREARS_3 = [
    # NPP, name, registered, active, inactive (non-active), arrears
    ("61720001", "PT Singkawang Karya Contoh", 8, 6, 2, 3),  # Citra, Hendra, Dedi
    ("", None, 8, 6, 2, 2),  # Yanti, Erna (Darman has no month: not in arrears)
    ("61010002", "CV Sambas Sawit Lestari Contoh", 8, 7, 1, 2),  # Nurhayati, Kurniadi
    ("61710003", "PT Pontianak Bangun Contoh", 6, 5, 1, 1),  # Umar (Taufik paid 2025-07)
]


def test_arrears_per_employer_most_first(engine: Engine) -> None:
    load(engine)
    table = coverage.employer_arrears(engine, 3)
    assert list(table.columns) == list(coverage.ARREARS_COLUMNS)
    rows = table.drop(columns="as_of").itertuples(index=False, name=None)
    assert list(rows) == ARREARS_3
    assert set(table["as_of"]) == {SEPTEMBER}


@pytest.mark.parametrize(
    ("months", "threshold", "arrears"),
    [
        # Last paid before the threshold, by hand (numbers as in the module's docstring):
        # 2025-09: 3, 4, 5, 8 | 23, 25, 29 | 11, 14, 16 | 19, 20
        (0, "2025-09", {"61720001": 4, "": 3, "61010002": 3, "61710003": 2}),
        # 2025-06: 3, 4, 8 | 23, 29 | 11, 14 | 20
        (3, "2025-06", {"61720001": 3, "": 2, "61010002": 2, "61710003": 1}),
        # 2025-05: 3, 8 (Dedi paid 2025-05) | 23, 29 | 11, 14 | 20
        (4, "2025-05", {"61720001": 2, "": 2, "61010002": 2, "61710003": 1}),
        # 2024-09: Erna alone (2024-07); Hendra paid 2024-10
        (12, "2024-09", {"61720001": 0, "": 1, "61010002": 0, "61710003": 0}),
    ],
)
def test_the_arrears_threshold_is_months_before_the_latest_extract(
    engine: Engine, months: int, threshold: str, arrears: dict[str, int]
) -> None:
    assert coverage.threshold(SEPTEMBER, months) == threshold
    load(engine)
    got = dict(coverage.employer_arrears(engine, months)[["employer_id", "arrears"]].values)
    assert got == arrears


def test_the_call_list_names_each_worker_once_grouped_by_employer(engine: Engine) -> None:
    load(engine)
    table = coverage.arrears_workers(engine, 3)
    assert list(table.columns) == list(coverage.ARREARS_WORKER_COLUMNS)
    got = table[["employer_id", "name", "last_contribution", "why"]].values.tolist()
    assert got == [
        ["", "Erna Wati", "2024-07", "inactive"],
        ["", "Yanti Susanti", "2025-04", "inactive"],
        ["61010002", "Kurniadi Saleh", "2025-04", "arrears"],
        ["61010002", "Nurhayati Siregar", "2024-12", "inactive"],
        ["61710003", "Taufik Ismail", "2025-07", "inactive"],
        ["61710003", "Umar Bakri", "2025-02", "arrears"],
        ["61720001", "Citra Lestari", "2025-04", "inactive"],
        ["61720001", "Dedi Kurniawan", "2025-05", "arrears"],
        ["61720001", "Hendra Wijaya", "2024-10", "inactive"],
    ]
    citra = table[table["name"] == "Citra Lestari"].iloc[0]
    assert (citra["nik"], citra["region_code"], citra["category"]) == (
        "6172034405920003",
        "61.72",
        "PU",
    )
    assert (citra["phone"], citra["email"]) == ("0812-0000-0003", "citra.lestari@example.com")
    assert (citra["nonactive_since"], citra["kpj"]) == ("2025-05", "25000000003")


@pytest.mark.parametrize(
    ("employer", "names"),
    [
        ("61710003", ["Taufik Ismail", "Umar Bakri"]),
        ("", ["Erna Wati", "Yanti Susanti"]),  # the participants with no NPP
        ("99999999", []),
    ],
)
def test_the_call_list_of_one_employer(engine: Engine, employer: str, names: list[str]) -> None:
    load(engine)
    assert coverage.arrears_workers(engine, 3, employer)["name"].tolist() == names


def test_a_negative_number_of_months_is_refused(engine: Engine) -> None:
    load(engine, 1)
    with pytest.raises(BsuError) as refused:
        coverage.employer_arrears(engine, -1)
    assert refused.value.code == "months_invalid"
