"""Many rosters in one run: a folder, several employers, a file that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.conftest import run
from tests.support import write_csv, write_xlsx

HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tgl Daftar"]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "kawasan"
    folder.mkdir()
    write_xlsx(
        folder / "pt-a.xlsx",
        {
            "Data": [
                HEADER,
                ["3275014101900001", "Adi", 3000000, "Aktif", "15/01/2024"],
                ["3275014101900002", "Budi", 3000000, "Aktif", "15/01/2024"],
            ]
        },
    )
    write_csv(
        folder / "cv-b.csv",
        [
            ";".join(HEADER),
            "3275014101900001;Adi;2000000;Aktif;15/01/2024",
            "3275014101900003;Cici;3000000;Aktif;15/01/2024",
        ],
    )
    (folder / "rusak.xlsx").write_bytes(b"NIK;Nama\n3275014101900009;X\n")
    (folder / "catatan.txt").write_text("bukan roster", encoding="utf-8")
    (folder / "~$pt-a.xlsx").write_bytes(b"lock")
    return folder


def test_a_folder_is_checked_skipping_what_cannot_be_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = tmp_path / "hasil.xlsx"
    done = run("check", folder, "--out", out)
    assert done.returncode == 3, done.stderr
    assert "rusak.xlsx" in done.stderr and "Dilewati" in done.stderr and "Skipped" in done.stderr
    assert "catatan.txt" in done.stderr and "~$" not in done.stderr  # issue 13: every file named
    assert "Traceback" not in done.stderr

    combined = load_workbook(out)
    rows = [
        r
        for name in ("Layak", "Perlu Perbaikan")
        for r in combined[name].iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(r[0] for r in rows) == ["cv-b.csv", "cv-b.csv", "pt-a.xlsx", "pt-a.xlsx"]

    for employer, count in (("pt-a", 2), ("cv-b", 2)):
        book = load_workbook(tmp_path / f"hasil-{employer}.xlsx")
        found = [
            r
            for s in book.sheetnames[1:]
            if not s.startswith("Jejak Keputusan")  # the decision trail: a line per criterion
            for r in book[s].iter_rows(min_row=2, values_only=True)
        ]
        assert len(found) == count
        assert {r[0] for r in found} == {f"{employer}.{'xlsx' if employer == 'pt-a' else 'csv'}"}


def test_a_nik_on_two_employers_rosters_is_flagged_on_both(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "rusak.xlsx").unlink()
    done = run("check", folder / "pt-a.xlsx", folder / "cv-b.csv", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {(r["source"], r["row"]): r for r in json.loads(done.stdout)["rows"]}
    adi_a, adi_b = rows[("pt-a.xlsx", 2)], rows[("cv-b.csv", 2)]
    for row, other in ((adi_a, "cv-b.csv baris 2"), (adi_b, "pt-a.xlsx (Data) baris 2")):
        assert row["status"] == "review"
        assert [r["code"] for r in row["reasons"]] == ["NIK_DUPLICATE_ACROSS_EMPLOYERS"]
        assert other in row["reasons"][0]["message"]
    assert rows[("pt-a.xlsx", 3)]["status"] == "eligible"


def test_a_nik_twice_in_one_roster_and_once_elsewhere_gets_both_reasons(tmp_path: Path) -> None:
    a = write_csv(
        tmp_path / "a.csv",
        [
            ";".join(HEADER),
            "3275014101900001;Adi;3000000;Aktif;15/01/2024",
            "3275014101900001;Adi;3000000;Aktif;15/01/2024",
        ],
    )
    b = write_csv(
        tmp_path / "b.csv", [";".join(HEADER), "3275014101900001;Adi;3000000;Aktif;15/01/2024"]
    )
    doc = json.loads(run("check", a, b, "--format", "json").stdout)
    codes = [[r["code"] for r in row["reasons"]] for row in doc["rows"]]
    assert codes == [
        ["NIK_DUPLICATE", "NIK_DUPLICATE_ACROSS_EMPLOYERS"],
        ["NIK_DUPLICATE", "NIK_DUPLICATE_ACROSS_EMPLOYERS"],
        ["NIK_DUPLICATE_ACROSS_EMPLOYERS"],
    ]


def test_when_no_roster_can_be_read_it_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"junk")
    done = run("check", bad, tmp_path / "tidak-ada.csv")
    assert done.returncode == 2
    assert "rusak.xlsx" in done.stderr and "tidak-ada.csv" in done.stderr


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    done = run("check", tmp_path)
    assert done.returncode == 3 and "tidak berisi roster" in done.stderr  # issue 13: exit 3
