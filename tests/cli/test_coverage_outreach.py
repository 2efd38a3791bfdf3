"""``bsu coverage ROSTERS --outreach F.csv`` end to end: a registry extract imported with
``bsu registry import``, two employers' rosters, and the outreach list staff call from,
through the real console script on a real store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.cli.conftest import run_with_store

BOM = b"\xef\xbb\xbf"
AS_OF = "2025-05-02"


def nik(i: int) -> str:
    """A synthetic NIK of Kota Singkawang (61.72), born 1 January 1990 (a woman's: 41)."""
    return f"617201410190{i:04d}"


# The registry extract as branch staff receive it: the plantation's workers at NPP 61001,
# the school's at 61002; Citra (3) and Gita (7) are in no registry.
REGISTRY = [
    "NIK;KPJ;Nama;Status Kepesertaan;Kategori;Tanggal Kepesertaan;Upah yang Dilaporkan;"
    "Iuran Terakhir;NPP;Nama Perusahaan;No HP;Email",
    f"{nik(1)};21010000001;Ani;Aktif;PU;2024-01-15;3000000;2025-04;61001;PT Sawit Makmur;;",
    f"{nik(2)};21010000002;Budi;Nonaktif;PU;2024-01-15;3000000;2025-02;61001;PT Sawit Makmur;"
    "0812-9999-0002;budi@contoh.invalid",
    f"{nik(4)};21010000004;Dedi;Aktif;PU;2024-01-15;3000000;2025-04;61002;Yayasan Guru Honorer;;",
    f"{nik(5)};21010000005;Eka;Nonaktif;PU;2024-01-15;3000000;;61002;Yayasan Guru Honorer;"
    "0812-9999-0005;",
]
# The rosters: the school's names no NPP; the plantation's has phones for some workers.
ROSTERS = {
    "sekolah.csv": [
        "NIK;Nama;Upah;Kab/Kota",
        f"{nik(4)};Dedi;3000000;Kota Singkawang",
        f"{nik(5)};Eka;3000000;Kota Singkawang",
        f"{nik(7)};Gita;3000000;Kota Singkawang",
    ],
    "kebun.csv": [
        "NIK;Nama;Upah;Kab/Kota;No HP;NPP",
        f"{nik(1)};Ani;3000000;Kota Singkawang;;61001",
        f"{nik(2)};Budi;3000000;Kota Singkawang;0812-1111-0002;61001",
        f"{nik(3)};Citra;3000000;Kota Singkawang;081211110003;61001",
    ],
}
SAWIT, GURU = "PT Sawit Makmur (NPP 61001)", "Yayasan Guru Honorer (NPP 61002)"


bsu = run_with_store


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A folder with the two rosters, and a store holding the registry extract."""
    work = tmp_path_factory.mktemp("outreach-cli")
    data = work / "data"
    for name, lines in ROSTERS.items():
        (work / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    extract = work / "registry.csv"
    extract.write_text("\n".join(REGISTRY) + "\n", encoding="utf-8")
    done = bsu("registry", "import", extract, "--as-of", AS_OF, data=data, cwd=work)
    assert done.returncode == 0, done.stderr
    extract.unlink()
    return work, data


def _csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(BOM), "Excel reads a CSV as UTF-8 only with a BOM"
    return list(csv.reader(data[len(BOM) :].decode("utf-8").splitlines()))


def test_the_outreach_csv_lists_who_to_reach_by_employer_with_contacts(
    loaded: tuple[Path, Path],
) -> None:
    work, data = loaded
    done = bsu(
        "coverage", "sekolah.csv", "kebun.csv", "--outreach", "jangkauan.csv", data=data, cwd=work
    )
    assert done.returncode == 0, done.stderr
    assert "Daftar jangkauan (4 pekerja, NIK lengkap) ditulis ke jangkauan.csv" in done.stdout
    assert SAWIT in done.stdout and GURU in done.stdout  # employers by name and NPP
    for personal in (nik(2), "0812-1111-0002", "budi@contoh.invalid"):
        assert personal not in done.stdout  # full NIKs and contacts only in the file

    rows = _csv(work / "jangkauan.csv")
    header = rows[0]
    assert header[:2] == ["Pemberi kerja", "NPP"]
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    shown = ["Pemberi kerja", "Berkas", "Nama", "Status", "Iuran terakhir dibayar", "No HP"]
    assert [[r[h] for h in shown] for r in table] == [
        [SAWIT, "kebun.csv", "Budi", "Terdaftar, tidak aktif", "Februari 2025", "0812-1111-0002"],
        [SAWIT, "kebun.csv", "Citra", "Belum terdaftar", "", "081211110003"],
        [GURU, "sekolah.csv", "Eka", "Terdaftar, tidak aktif", "", "0812-9999-0005"],
        [GURU, "sekolah.csv", "Gita", "Belum terdaftar", "", ""],
    ]
    budi = table[0]
    assert budi["NIK"] == nik(2)  # in full: staff register the worker with it
    assert budi["Email"] == "budi@contoh.invalid"  # the roster has none: the registry's
    assert budi["Baris"] == "3" and budi["Wilayah kerja"] == "Kota Singkawang"


def test_in_english_with_json_on_the_screen(loaded: tuple[Path, Path]) -> None:
    work, data = loaded
    done = bsu(
        "coverage",
        "kebun.csv",
        "sekolah.csv",
        "--outreach",
        "outreach.csv",
        "--format",
        "json",
        "--lang",
        "en",
        data=data,
        cwd=work,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)  # nothing but the JSON on stdout
    employers = {
        r["employer"]: (r["npp"], r["employer_name"], r["basis"]) for r in doc["by_employer"]
    }
    assert employers == {
        SAWIT: ("61001", "PT Sawit Makmur", "registry"),
        GURU: ("61002", "Yayasan Guru Honorer", "registry"),
    }
    rows = _csv(work / "outreach.csv")
    assert rows[0][:2] == ["Employer", "NPP"]
    assert {"Status", "Last contribution paid", "Phone", "E-mail"} <= set(rows[0])
    budi = dict(zip(rows[0], rows[1], strict=True))
    assert (budi["Status"], budi["Last contribution paid"]) == (
        "Registered, not active",
        "February 2025",
    )
    assert len(rows) == 1 + len(doc["outreach"]) == 5


def test_an_outreach_file_that_is_not_csv_is_refused_in_both_languages(
    loaded: tuple[Path, Path],
) -> None:
    work, data = loaded
    done = bsu("coverage", "kebun.csv", "--outreach", "jangkauan.xlsx", data=data, cwd=work)
    assert done.returncode == 2
    assert "ditulis sebagai CSV, bukan '.xlsx'" in done.stderr
    assert "is written as CSV, not '.xlsx'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (work / "jangkauan.xlsx").exists()


def test_a_folder_run_again_does_not_read_its_own_outreach_list(
    loaded: tuple[Path, Path], tmp_path: Path
) -> None:
    work, data = loaded
    folder = tmp_path / "rosters"
    folder.mkdir()
    for name in ROSTERS:
        (folder / name).write_bytes((work / name).read_bytes())
    target = folder / "jangkauan.csv"
    for _ in range(2):
        done = bsu(
            "coverage", folder, "--outreach", target, "--format", "json", data=data, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["totals"]["workers"] == 6
