"""The outreach list staff can use: grouped by employer, with the worker's status, last
paid month and contacts (the roster's, else the registry's), as a sheet and as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from bsu import load_ruleset
from bsu.core import records
from bsu.core.engine import evaluate
from bsu.core.evidence import Evidence, registry_frame
from bsu.core.ruleset import Lang
from bsu.coverage import compute as coverage
from bsu.coverage.workbook import OUTREACH, write_outreach_csv, write_xlsx

RULES = load_ruleset("bsu-2025")
BOM = b"\xef\xbb\xbf"
SAWIT, GURU = "PT Sawit Makmur (NPP 61001)", "Yayasan Guru Honorer (NPP 61002)"


def nik(i: int) -> str:
    """A synthetic NIK of Kota Singkawang (61.72), born 1 January 1990 (a woman's: 41)."""
    return f"617201410190{i:04d}"


# The rosters, in the order given: the school's first, the plantation's second.
# (file, NIK number, name, roster phone, roster e-mail)
ROSTER = [
    ("sekolah.csv", 4, "Dedi", "", ""),
    ("sekolah.csv", 5, "Eka", "", ""),
    ("sekolah.csv", 6, "Fajar", "0813-2222-0006", "fajar@contoh.invalid"),
    ("kebun.csv", 1, "Ani", "", ""),
    ("kebun.csv", 2, "Budi", "0812-1111-0002", ""),
    ("kebun.csv", 3, "Citra", "081211110003", ""),
]
# (NIK number, status, NPP, company, last paid month, registry phone, registry e-mail);
# Citra (3) is not registered.
REGISTRY = [
    (1, "active", "61001", "PT Sawit Makmur", "2025-04", "", ""),
    (2, "inactive", "61001", "PT Sawit Makmur", "2025-02", "0812-9999-0002", "budi@contoh.invalid"),
    (4, "active", "61002", "Yayasan Guru Honorer", "2025-04", "", ""),
    (5, "inactive", "61002", "Yayasan Guru Honorer", None, "0812-9999-0005", None),
    (6, "inactive", "61002", "Yayasan Guru Honorer", "2024-12", "0812-9999-0006", "f@x.invalid"),
]
COLUMNS = ["employer", "source", "name", "status", "last_paid_month"]
CONTACTS = ["phone", "email"]
# Grouped by employer (by name), each employer's workers in roster order.
EXPECTED = {
    "id": [
        (SAWIT, "kebun.csv", "Budi", "Terdaftar, tidak aktif", "Februari 2025"),
        (SAWIT, "kebun.csv", "Citra", "Belum terdaftar", None),
        (GURU, "sekolah.csv", "Eka", "Terdaftar, tidak aktif", None),
        (GURU, "sekolah.csv", "Fajar", "Terdaftar, tidak aktif", "Desember 2024"),
    ],
    "en": [
        (SAWIT, "kebun.csv", "Budi", "Registered, not active", "February 2025"),
        (SAWIT, "kebun.csv", "Citra", "Not registered", None),
        (GURU, "sekolah.csv", "Eka", "Registered, not active", None),
        (GURU, "sekolah.csv", "Fajar", "Registered, not active", "December 2024"),
    ],
}
# The contact the roster gives wins over the registry's, which fills the roster's blanks.
EXPECTED_CONTACTS = [
    ("0812-1111-0002", "budi@contoh.invalid"),  # phone: roster; e-mail: registry
    ("081211110003", None),  # not registered: the roster's only
    ("0812-9999-0005", None),  # phone: registry
    ("0813-2222-0006", "fajar@contoh.invalid"),  # both the roster's
]


def _coverage(lang: Lang) -> coverage.Coverage:
    position: dict[str, int] = {}  # rows as a CSV with its header on row 1 numbers them
    rows = []
    for source, i, name, phone, email in ROSTER:
        position[source] = position.get(source, 1) + 1
        rows.append(
            {
                "source": source,
                "row": position[source],
                "nik": nik(i),
                "name": name,
                "region": "Kota Singkawang",
                "phone": phone,
                "email": email,
            }
        )
    registry = pd.DataFrame(
        REGISTRY,
        columns=[
            "nik",
            "status",
            "employer_id",
            "employer_name",
            "last_contribution",
            "phone",
            "email",
        ],
    ).assign(nik=lambda t: t["nik"].map(nik), label="2025-05-02")
    decisions = evaluate(records.frame(rows), RULES, Evidence(registry=registry_frame(registry)))
    return coverage.compute(decisions, lang)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_list_is_grouped_by_employer_with_status_last_paid_month_and_contacts(
    lang: Lang,
) -> None:
    out = _coverage(lang).outreach
    assert list(out.columns) == list(coverage.OUTREACH_COLUMNS)
    assert list(out[COLUMNS].itertuples(index=False, name=None)) == EXPECTED[lang]
    assert list(out[CONTACTS].itertuples(index=False, name=None)) == EXPECTED_CONTACTS
    assert list(out["npp"]) == ["61001", "61001", "61002", "61002"]
    assert list(out["nik"]) == [nik(2), nik(3), nik(5), nik(6)]  # in full: staff register them
    assert list(out["why"]) == ["inactive", "not_registered", "inactive", "inactive"]


def test_the_json_has_the_new_columns_as_plain_values() -> None:
    doc = _coverage("id").to_json()
    first: dict[str, Any] = doc["outreach"][0]
    assert {k: first[k] for k in ("employer", "npp", "status", "last_paid_month")} == {
        "employer": SAWIT,
        "npp": "61001",
        "status": "Terdaftar, tidak aktif",
        "last_paid_month": "Februari 2025",
    }
    assert doc["outreach"][1]["email"] is None


def test_the_sheet_has_the_employer_first_and_contacts_as_text(tmp_path: Path) -> None:
    write_xlsx(_coverage("id"), tmp_path / "c.xlsx")
    sheet = load_workbook(tmp_path / "c.xlsx")[OUTREACH]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Pemberi kerja", "NPP", "Berkas")
    for label in ("Status", "Iuran terakhir dibayar", "No HP", "Email"):
        assert label in header
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")  # filter by employer
    assert [r[0] for r in rows[1:]] == [SAWIT, SAWIT, GURU, GURU]
    phone = header.index("No HP")
    assert rows[2][phone] == "081211110003"
    assert sheet.cell(row=3, column=phone + 1).data_type == "s"  # a phone is no number
    assert rows[1][header.index("Iuran terakhir dibayar")] == "Februari 2025"


@pytest.mark.parametrize(
    ("lang", "header", "budi"),
    [
        (
            "id",
            "Pemberi kerja,NPP,Berkas,Baris,NIK,Nama,Status,"
            "Iuran terakhir dibayar,No HP,Email,Provinsi,Kode wilayah,Wilayah kerja,"
            "Wilayah di roster,Kode alasan,Alasan",
            f"PT Sawit Makmur (NPP 61001),61001,kebun.csv,3,{nik(2)},Budi,"
            '"Terdaftar, tidak aktif",Februari 2025,0812-1111-0002,budi@contoh.invalid,'
            "Kalimantan Barat,61.72,Kota Singkawang,Kota Singkawang,inactive,"
            '"Terdaftar, tetapi tidak aktif"',
        ),
        (
            "en",
            "Employer,NPP,File,Row,NIK,Name,Status,"
            "Last contribution paid,Phone,E-mail,Province,Region code,Work region,"
            "Region on roster,Reason code,Reason",
            f"PT Sawit Makmur (NPP 61001),61001,kebun.csv,3,{nik(2)},Budi,"
            '"Registered, not active",February 2025,0812-1111-0002,budi@contoh.invalid,'
            "Kalimantan Barat,61.72,Kota Singkawang,Kota Singkawang,inactive,"
            '"Registered, but not active"',
        ),
    ],
)
def test_the_csv_opens_in_excel_with_the_same_columns(
    tmp_path: Path, lang: Lang, header: str, budi: str
) -> None:
    path = tmp_path / "jangkauan.csv"
    write_outreach_csv(_coverage(lang), path)
    data = path.read_bytes()
    assert data.startswith(BOM)  # Excel reads UTF-8 only with it
    lines = data[len(BOM) :].decode("utf-8").splitlines()
    assert lines[0] == header
    assert lines[1] == budi
    assert len(lines) == 1 + 4
    assert [p.name for p in tmp_path.iterdir()] == ["jangkauan.csv"]  # no temporary left


def test_a_failed_csv_write_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_outreach_csv(_coverage("id"), tmp_path / "missing" / "j.csv")
    assert list(tmp_path.iterdir()) == []
