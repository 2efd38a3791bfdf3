"""A folder check reports every file: each roster in it is checked, every other file is
named with the reason it was not read, and the exit code is 3 when any was skipped
(README, *Exit codes*). Hidden files and Excel's ~$ lock files are passed over silently.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bsu.cli.common import FolderWithoutRosters, exit_code, expand_reporting
from tests.cli.conftest import run
from tests.support import write_csv, write_xlsx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"
HEADER = ("NIK", "Nama", "Upah", "Status Kepesertaan", "Tanggal Kepesertaan")


def _folder(root: Path) -> Path:
    folder = root / "april"
    folder.mkdir()
    write_xlsx(
        folder / "pt-a.xlsx",
        {"Data": [HEADER, ("3273056010900010", "Siti Aminah", 3_500_000, "Aktif", "2024-01-15")]},
    )
    write_csv(
        folder / "pt-b.csv",
        [";".join(HEADER), "3275014507850003;Budi Santoso;4750000;Aktif;2023-06-01"],
    )
    shutil.copyfile(FIXTURES / "roster.ods", folder / "pt-c.ods")
    (folder / "surat-pengantar.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "catatan.docx").write_bytes(b"PK\x03\x04")
    (folder / "catatan.txt").write_text("kirim ulang pt-b\n")
    (folder / "~$pt-a.xlsx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"\x00")
    return folder


SKIPPED = ["catatan.docx", "catatan.txt", "surat-pengantar.pdf"]


def test_expand_reporting_names_every_file_it_does_not_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    files, skipped = expand_reporting([folder])
    assert [f.name for f in files] == ["pt-a.xlsx", "pt-b.csv", "pt-c.ods"]
    assert [e.where.file for e in skipped] == SKIPPED
    assert [e.code for e in skipped] == [
        "file_type_unsupported",
        "folder_file_skipped",
        "file_type_unsupported",
    ]
    assert ".xls, .ods" in skipped[0].message("en")


def test_a_folder_check_checks_the_rosters_and_exits_3_naming_the_rest(tmp_path: Path) -> None:
    done = run("check", _folder(tmp_path), "--format", "json")
    assert done.returncode == 3, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert sorted({r["source"] for r in rows}) == ["pt-a.xlsx", "pt-b.csv", "pt-c.ods"]
    for name in SKIPPED:
        assert name in done.stderr
    assert "~$" not in done.stderr and ".DS_Store" not in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"laporan.pdf": b"%PDF-1.4\n", "surat.docx": b"PK\x03\x04"}, "laporan.pdf, surat.docx"),
        ({}, "The folder is empty"),
    ],
)
def test_a_folder_with_no_roster_exits_3_saying_what_it_holds(
    tmp_path: Path, files: dict[str, bytes], words: str
) -> None:
    folder = tmp_path / "kosong"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    with pytest.raises(FolderWithoutRosters) as raised:
        expand_reporting([folder])
    assert exit_code(raised.value) == 3
    assert words in raised.value.message("en")
    done = run("check", folder)
    assert done.returncode == 3
    assert "holds no roster" in done.stderr and "Traceback" not in done.stderr


def test_a_folder_without_rosters_beside_a_roster_is_skipped_not_fatal(tmp_path: Path) -> None:
    empty = tmp_path / "kosong"
    empty.mkdir()
    roster = write_xlsx(
        tmp_path / "pt-a.xlsx",
        {"Data": [HEADER, ("3273056010900010", "Siti Aminah", 3_500_000, "Aktif", "2024-01-15")]},
    )
    files, skipped = expand_reporting([roster, empty])
    assert files == [roster]
    assert [e.code for e in skipped] == ["cli_folder_without_rosters"]
