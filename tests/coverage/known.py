"""A known set: 10 workers on two employers' rosters in two regions, and the registry.

roster-a.csv (6), PT Alfa (NPP001) in the registry: Ani, Budi active; Citra, Fajar
inactive; Dedi not registered; Eka's NIK is malformed. roster-b.csv (4), PT Beta (NPP002):
Gita, Hadi, Indah active; Joko not registered. Kota Bekasi (32.75, Jawa Barat) holds Ani,
Budi, Citra, Indah, Joko; Kota Surabaya (35.78, Jawa Timur) holds Dedi, Eka, Fajar, Gita,
Hadi. Every roster row claims "Aktif": only the registry counts. Rows are numbered as a
CSV with its header on row 1 shows them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from bsu.core import records
from bsu.core.evidence import Evidence, registry_frame

AS_OF = "2025-05-02"
# (file, name, NIK as typed, region, registry status: None = not in the registry)
WORKERS: list[tuple[str, str, str, str, str | None]] = [
    ("roster-a.csv", "Ani", "3275014101900001", "Kota Bekasi", "active"),
    ("roster-a.csv", "Budi", "3275014101900002", "Kota Bekasi", "active"),
    ("roster-a.csv", "Citra", "3275014101900003", "Kota Bekasi", "inactive"),
    ("roster-a.csv", "Dedi", "3578014101900004", "Kota Surabaya", None),
    ("roster-a.csv", "Eka", "12345", "Kota Surabaya", None),
    ("roster-a.csv", "Fajar", "3578014101900006", "Kota Surabaya", "inactive"),
    ("roster-b.csv", "Gita", "3578014101900007", "Kota Surabaya", "active"),
    ("roster-b.csv", "Hadi", "3578014101900008", "Kota Surabaya", "active"),
    ("roster-b.csv", "Indah", "3275014101900009", "Kota Bekasi", "active"),
    ("roster-b.csv", "Joko", "3275014101900010", "Kota Bekasi", None),
]

COUNTS = ("workers", "active", "inactive", "not_registered", "nik_unusable", "coverage_pct")
TOTALS = {
    "workers": 10,
    "active": 5,
    "inactive": 2,
    "not_registered": 2,
    "nik_unusable": 1,
    "coverage_pct": 50.0,
    "employers": 2,
    "outreach": 4,
}
# Each roster's employer is the NPP its workers have in the registry (bsu.coverage.employers).
EMPLOYERS = {
    "roster-a.csv": ("NPP001", "PT Alfa"),
    "roster-b.csv": ("NPP002", "PT Beta"),
}
LABELS = {source: f"{name} (NPP {npp})" for source, (npp, name) in EMPLOYERS.items()}
BY_EMPLOYER = [
    {
        "employer": "PT Alfa (NPP NPP001)",
        "npp": "NPP001",
        "employer_name": "PT Alfa",
        "basis": "registry",
        **dict(zip(COUNTS, (6, 2, 2, 1, 1, 33.3), strict=True)),
    },
    {
        "employer": "PT Beta (NPP NPP002)",
        "npp": "NPP002",
        "employer_name": "PT Beta",
        "basis": "registry",
        **dict(zip(COUNTS, (4, 3, 0, 1, 0, 75.0), strict=True)),
    },
]
BY_REGION = [
    {
        "province_code": "32",
        "province": "Jawa Barat",
        "region_code": "32.75",
        "region": "Kota Bekasi",
        **dict(zip(COUNTS, (5, 3, 1, 1, 0, 60.0), strict=True)),
    },
    {
        "province_code": "35",
        "province": "Jawa Timur",
        "region_code": "35.78",
        "region": "Kota Surabaya",
        **dict(zip(COUNTS, (5, 2, 1, 1, 1, 40.0), strict=True)),
    },
]
BY_PROVINCE = [
    {k: v for k, v in r.items() if k not in ("region_code", "region")} for r in BY_REGION
]
# (file, row, NIK, name, why)
OUTREACH = [
    ("roster-a.csv", 4, "3275014101900003", "Citra", "inactive"),
    ("roster-a.csv", 5, "3578014101900004", "Dedi", "not_registered"),
    ("roster-a.csv", 7, "3578014101900006", "Fajar", "inactive"),
    ("roster-b.csv", 5, "3275014101900010", "Joko", "not_registered"),
]


def _rows() -> list[dict[str, Any]]:
    rows = []
    position: dict[str, int] = {}
    for source, name, nik, region, _ in WORKERS:
        position[source] = position.get(source, 1) + 1
        rows.append(
            {
                "source": source,
                "row": position[source],
                "nik": nik,
                "name": name,
                "wage": 3_000_000,
                "participant_status": "Aktif",
                "participant_category": "PU",
                "registered_on": "2024-01-15",
                "region": region,
            }
        )
    return rows


def roster_records() -> pd.DataFrame:
    return records.frame(_rows())


def registry() -> pd.DataFrame:
    listed = [(nik, status, src) for src, _, nik, _, status in WORKERS if status is not None]
    return registry_frame(
        pd.DataFrame(
            {
                "nik": [n for n, _, _ in listed],
                "status": [s for _, s, _ in listed],
                "employer_id": [EMPLOYERS[src][0] for _, _, src in listed],
                "employer_name": [EMPLOYERS[src][1] for _, _, src in listed],
                "category": "PU",
                "registered_on": "2024-01-15",
                "reported_wage": 3_000_000,
                "label": AS_OF,
            }
        )
    )


def evidence() -> Evidence:
    return Evidence(registry=registry())


def write_rosters(folder: Path) -> list[Path]:
    """roster-a.csv and roster-b.csv as an employer would save them (';', NIK as text)."""
    paths = []
    for source in ("roster-a.csv", "roster-b.csv"):
        lines = ["NIK;Nama;Upah;Status Kepesertaan;Kab/Kota"]
        lines += [
            f"{nik};{name};3000000;Aktif;{region}"
            for file, name, nik, region, _ in WORKERS
            if file == source
        ]
        path = folder / source
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_registry(path: Path) -> Path:
    """The registry extract as branch staff receive it."""
    words = {"active": "Aktif", "inactive": "Nonaktif"}
    lines = [
        "NIK;KPJ;Status Kepesertaan;Kategori;Tanggal Kepesertaan;Upah yang Dilaporkan;NPP;"
        "Nama Perusahaan"
    ]
    for i, (source, _, nik, _, status) in enumerate(WORKERS, start=1):
        if status is None:
            continue
        npp, company = EMPLOYERS[source]
        lines.append(f"{nik};2101{i:07d};{words[status]};PU;2024-01-15;3000000;{npp};{company}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
