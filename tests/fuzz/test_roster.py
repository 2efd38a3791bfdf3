"""The roster reader on hostile bytes: whatever is written to a .csv or .xlsx file,
``roster.read`` gives a Roster or a RosterError (what, where, how to fix it), never another
exception. Inputs: raw bytes; text shaped like a roster (header words, delimiters, quotes,
encodings); real workbooks with bytes flipped, cut or inserted; real workbooks with one
part replaced by arbitrary XML-ish text."""

from __future__ import annotations

import io
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsu.errors import RosterError
from bsu.rosters import readers as roster
from tests.support import write_xlsx

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HEADERS = ["NIK", "Nama", "Upah", "Gaji", "Status Kepesertaan", "Kab/Kota", "KPJ", "PKH", ""]
CELLS = ["3275014101900001", "3,5 juta", "Rp3.500.000", "Aktif", "Kota Bekasi", "=1+1", '"', ""]


def read(content: bytes, suffix: str) -> roster.Roster | None:
    """``roster.read`` of ``content``: the Roster, or None for a RosterError; any other
    exception fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"roster{suffix}"
        path.write_bytes(content)
        try:
            found = roster.read(path)
        except RosterError as error:
            assert error.code and error.problem[0] and error.fix[1]
            return None
    assert len(found.records) == len(found.original)
    return found


@cache
def workbook() -> bytes:
    """A small real roster workbook, as Excel would save it."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(
            Path(folder) / "r.xlsx",
            {
                "Data": [
                    ["Daftar pekerja"],
                    ["NIK", "Nama", "Upah", "Status Kepesertaan"],
                    ["3275014101900001", "Adi", 3500000, "Aktif"],
                    [3275014101900002, "Budi", "Rp3.500.000", None],
                ]
            },
        )
        return path.read_bytes()


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_are_a_roster_or_a_roster_error(content: bytes, suffix: str) -> None:
    read(content, suffix)


@FUZZ
@given(
    st.lists(
        st.lists(st.one_of(st.sampled_from(HEADERS + CELLS), st.text(max_size=12)), max_size=8),
        max_size=12,
    ),
    st.sampled_from([";", ",", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_roster_shaped_text_is_a_roster_or_a_roster_error(
    rows: list[list[str]], delimiter: str, encoding: str, newline: str
) -> None:
    text = newline.join(delimiter.join(row) for row in rows)
    read(text.encode(encoding, errors="replace"), ".csv")


@FUZZ
@given(st.data())
def test_a_damaged_workbook_is_a_roster_or_a_roster_error(data: st.DataObject) -> None:
    content = bytearray(workbook())
    for _ in range(data.draw(st.integers(1, 8), label="damages")):
        at = data.draw(st.integers(0, len(content) - 1), label="at")
        how = data.draw(st.sampled_from(["flip", "cut", "insert"]), label="how")
        if how == "flip":
            content[at] ^= data.draw(st.integers(1, 255), label="mask")
        elif how == "cut":
            del content[at : at + data.draw(st.integers(1, 64), label="length")]
        else:
            content[at:at] = data.draw(st.binary(min_size=1, max_size=64), label="bytes")
        if not content:
            break
    read(bytes(content), ".xlsx")


XMLISH = st.lists(
    st.one_of(
        st.sampled_from(["<row>", "</row>", '<c r="A1" t="s">', "<v>", "</v>", "<sheetData>"]),
        st.text(alphabet="<>/=\"' abcdrstv0123456789:AB\n&;#x", max_size=20),
    ),
    max_size=40,
).map("".join)


@FUZZ
@given(st.data())
def test_a_workbook_with_a_part_replaced_is_a_roster_or_a_roster_error(
    data: st.DataObject,
) -> None:
    original = zipfile.ZipFile(io.BytesIO(workbook()))
    names = original.namelist()
    victim = data.draw(st.sampled_from(names), label="part")
    replacement = data.draw(st.one_of(XMLISH.map(str.encode), st.binary(max_size=400)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, replacement if name == victim else original.read(name))
    read(out.getvalue(), ".xlsx")


def test_the_undamaged_workbook_reads() -> None:
    """The fuzzing starts from a workbook that is a roster: damage is what changes."""
    found = read(workbook(), ".xlsx")
    assert found is not None and len(found) == 2


def _with_sheet_stream(content: bytes, stream: bytes) -> bytes:
    """``content`` (a workbook) with its first sheet's compressed bytes replaced."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    entry = next(e for e in archive.infolist() if e.filename.startswith("xl/worksheets/"))
    local = entry.header_offset
    name_length = int.from_bytes(content[local + 26 : local + 28], "little")
    extra_length = int.from_bytes(content[local + 28 : local + 30], "little")
    start = local + 30 + name_length + extra_length
    garbage = (stream * entry.compress_size)[: entry.compress_size]
    return content[:start] + garbage + content[start + entry.compress_size :]


def test_a_corrupt_sheet_stream_is_a_roster_error(tmp_path: Path) -> None:
    """A deflate stream that is not one (block type 3 does not exist): a damaged file, not
    a zlib.error (which the fuzzing above found escaping the preflight)."""
    path = tmp_path / "roster.xlsx"
    path.write_bytes(_with_sheet_stream(workbook(), b"\xff"))
    with pytest.raises(RosterError) as refused:
        roster.read(path)
    assert refused.value.code.startswith("xlsx_")
