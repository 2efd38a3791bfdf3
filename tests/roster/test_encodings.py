"""A CSV in any encoding Excel or a registry writes is read as the same text, or refused
with the line that cannot be read: never mangled (a zero byte after every letter, or
"SÃ¸ren" for "Søren")."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsu.errors import RosterError
from bsu.rosters import readers as roster

LINES = [
    "NIK;Nama;Upah;Kota",
    "3275014101900001;Søren Müller;3000000;Bekasi",
    "3275014101900002;Dewi Ñañez 😀;3.500.000;Jakarta Selatan",
    "3275014101900003;;;Tangerang",
]
ROWS = [line.split(";") for line in LINES[1:]]


def _read(tmp_path: Path, raw: bytes, name: str = "roster.csv") -> roster.Roster:
    path = tmp_path / name
    path.write_bytes(raw)
    return roster.read(path)


def _cells(read: roster.Roster) -> list[list[str]]:
    return [[str(v) for v in row] for row in read.original.astype(object).values.tolist()]


ENCODINGS = {
    "utf-8": "\n".join(LINES).encode("utf-8"),
    "utf-8-bom": "\n".join(LINES).encode("utf-8-sig"),
    "utf-16-le-bom": b"\xff\xfe" + "\r\n".join(LINES).encode("utf-16-le"),
    "utf-16-be-bom": b"\xfe\xff" + "\r\n".join(LINES).encode("utf-16-be"),
    "utf-16-le": "\n".join(LINES).encode("utf-16-le"),  # no byte order mark
    "utf-16-be": "\n".join(LINES).encode("utf-16-be"),
    "utf-32-bom": "\n".join(LINES).encode("utf-32"),
}


@pytest.mark.parametrize("encoding", ENCODINGS, ids=list(ENCODINGS))
def test_each_encoding_reads_as_the_same_text(tmp_path: Path, encoding: str) -> None:
    read = _read(tmp_path, ENCODINGS[encoding])
    assert _cells(read) == ROWS
    assert read.records["nik"].tolist() == [row[0] for row in ROWS]
    assert read.records["row"].tolist() == [2, 3, 4]
    assert list(read.original.columns) == LINES[0].split(";")


def test_excel_unicode_text_is_read(tmp_path: Path) -> None:
    """Excel's "Unicode Text (*.txt)": UTF-16 LE with a BOM, tab-separated, CRLF."""
    text = "\r\n".join(line.replace(";", "\t") for line in LINES) + "\r\n"
    read = _read(tmp_path, text.encode("utf-16"), "roster.txt")
    assert _cells(read) == ROWS


def test_windows_1252_is_still_read(tmp_path: Path) -> None:
    lines = [line.replace(" 😀", "").replace("Ñañez", "Nanez") for line in LINES]
    read = _read(tmp_path, "\n".join(lines).encode("cp1252"))
    assert _cells(read)[0][1] == "Søren Müller"


def test_a_file_mostly_utf8_with_one_other_line_is_refused(tmp_path: Path) -> None:
    """Two exports pasted together: read as Windows-1252, every UTF-8 letter of the file
    would turn into two wrong ones. The error names the line."""
    raw = "\n".join(LINES).encode("utf-8") + "\n3275014101900004;José;1;Bogor\n".encode("cp1252")
    with pytest.raises(RosterError) as refused:
        _read(tmp_path, raw)
    assert refused.value.code == "csv_encoding"
    assert "Line 5" in refused.value.message("en") and "Baris 5" in refused.value.message("id")
    assert "CSV UTF-8" in refused.value.message("en")


def test_broken_utf16_is_refused_with_its_line(tmp_path: Path) -> None:
    raw = b"\xff\xfe" + "\n".join(LINES).encode("utf-16-le") + "\n".encode("utf-16-le")
    raw += b"\x00\xd8" + "x\n".encode("utf-16-le")  # a lone surrogate on line 5
    with pytest.raises(RosterError) as refused:
        _read(tmp_path, raw)
    assert refused.value.code == "csv_encoding"
    assert "Line 5" in refused.value.message("en") and "UTF-16" in refused.value.message("en")


_letters = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Nd"]), min_size=1, max_size=12
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(_letters, min_size=1, max_size=5),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]),
)
def test_any_names_survive_any_unicode_encoding(
    tmp_path: Path, names: list[str], encoding: str
) -> None:
    lines = ["NIK;Nama"] + [f"32750141019{i:05d};{name}" for i, name in enumerate(names)]
    read = _read(tmp_path, "\n".join(lines).encode(encoding))
    assert read.original["Nama"].astype(object).tolist() == names
