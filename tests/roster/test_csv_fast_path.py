"""CSV files take a fast path (Arrow's parser) when they are plain; what it reads must be
exactly what the careful path reads: text as typed, nothing guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bsu.rosters import readers as roster

HEADER = "NIK;Nama;Upah;No Rekening;Penerima PKH"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Leading zeros, "NA" and "null" stay text; nothing is turned into a number.
        (
            "3275014101900001;NA;3000000;0012345678;null",
            ["3275014101900001", "NA", "3000000", "0012345678", "null"],
        ),
        # A quoted delimiter and a quoted line break stay inside their cell.
        (
            '3275014101900001;"Sari; S.E.";"3.000.000";"01\n23";Tidak',
            ["3275014101900001", "Sari; S.E.", "3.000.000", "01\n23", "Tidak"],
        ),
        # An empty cell is empty text, as in the careful path.
        ("3275014101900001;;;;", ["3275014101900001", "", "", "", ""]),
        ("3.27501E+15;Budi;3e6;1e3;-", ["3.27501E+15", "Budi", "3e6", "1e3", "-"]),
    ],
)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_plain_csv_cells_are_read_as_typed(
    tmp_path: Path, line: str, expected: list[str], bom: bytes
) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(bom + f"{HEADER}\n{line}\n".encode())
    read = roster.read(path)
    original = read.original.iloc[0].tolist()
    assert original == expected
    assert read.records["row"].tolist() == [2]
    assert read.sheets[0].matched["nik"] == "NIK"


def test_fast_and_careful_paths_agree_on_a_roster_with_a_blank_line(tmp_path: Path) -> None:
    """A blank line sends the file down the careful path; the rows read are the same
    apart from the numbering, which follows the file's lines."""
    plain = tmp_path / "plain.csv"
    plain.write_text(f"{HEADER}\n3275014101900001;Ani;3000000;001;Tidak\n", encoding="utf-8")
    gapped = tmp_path / "gapped.csv"
    gapped.write_text(f"{HEADER}\n\n3275014101900001;Ani;3000000;001;Tidak\n", encoding="utf-8")
    a, b = roster.read(plain), roster.read(gapped)
    assert a.original.astype(object).values.tolist() == b.original.astype(object).values.tolist()
    assert (a.records["row"].tolist(), b.records["row"].tolist()) == ([2], [3])
