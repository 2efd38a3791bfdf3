"""Rows under the header that are not workers (``bsu.rosters.rows``): blank rows, repeated
headers, totals, column numbers, signature and note blocks are listed with a reason and
judged in no status; a row with a name or a NIK is never dropped silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsu.core.words import say
from bsu.rosters import readers
from bsu.rosters.rows import not_workers
from tests.support import write_xlsx

HEADER = ["No", "NIK", "Nama", "Upah", "Tgl Daftar BPJS", "Keterangan"]
MAPPING = {"nik": 1, "name": 2, "wage": 3, "registered_on": 4}
FIRST = 5  # the sheet row of the body's first row


def worker(no: int, nik: Any = None) -> list[Any]:
    nik = f"327305601090{no:04d}" if nik is None else nik
    return [no, nik, f"Pekerja {no}", 3200000, "2024-01-15", None]


def line(*cells: Any) -> list[Any]:
    return [*cells, *[None] * (len(HEADER) - len(cells))]


def body_of(rows: list[list[Any]], first: int = FIRST) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object, index=range(first, first + len(rows)))


BLANK = line()
SIGNED = [
    line(None, None, "Bekasi, 30 April 2025"),
    line(None, None, "Mengetahui,"),
    line(None, None, "HRD Manager"),
    line(None, None, "Budi Santoso"),
    line(None, None, "(nama)"),
]

# (case, rows, the rows skipped with their codes)
SKIPPED: list[tuple[str, list[list[Any]], list[tuple[int, str]]]] = [
    ("a blank row between workers", [worker(1), BLANK, worker(2)], [(6, "row_blank")]),
    (
        "cells of spaces, empty text, NaN and NA are blank",
        [worker(1), ["", "  ", None, np.nan, pd.NA, " \t"], worker(2)],
        [(6, "row_blank")],
    ),
    ("the header repeated", [worker(1), list(HEADER), worker(2)], [(6, "row_repeated_header")]),
    (
        "the header repeated in other case and punctuation",
        [worker(1), ["NO.", "nik", "NAMA", "upah", "tgl. daftar bpjs", None], worker(2)],
        [(6, "row_repeated_header")],
    ),
    (
        "JUMLAH in the No column with sums",
        [worker(1), worker(2), line("JUMLAH", None, None, 6400000)],
        [(7, "row_total")],
    ),
    (
        "TOTAL : in the name column inside the table",
        [worker(1), line(None, None, "TOTAL :", 3200000), worker(2)],
        [(6, "row_total")],
    ),
    (
        "subtotal and grand total",
        [
            worker(1),
            line(None, None, "Sub-Total", 3200000),
            worker(2),
            line(None, None, "SUBTOTAL", 3200000),
            line("GRAND TOTAL", None, None, 6400000),
        ],
        [(6, "row_total"), (8, "row_total"), (9, "row_total")],
    ),
    (
        "Jumlah Karyawan with a count",
        [worker(1), worker(2), line(None, None, "Jumlah Karyawan: 2 orang")],
        [(7, "row_total")],
    ),
    (
        "a totals word in the NIK column",
        [worker(1), line(None, "Total Upah", None, 3200000)],
        [(6, "row_total")],
    ),
    (
        "numbers only, no NIK and no name: sums",
        [worker(1), worker(2), line(None, None, None, 6400000, None, 2)],
        [(7, "row_sums")],
    ),
    (
        "the columns numbered under the header",
        [["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"], worker(1), worker(2)],
        [(5, "row_column_numbers")],
    ),
    (
        "the columns numbered as numbers",
        [[1, 2, 3, 4, 5, 6], worker(1)],
        [(5, "row_column_numbers")],
    ),
    (
        "a template's numbered empty rows",
        [worker(1), line(2), line(3)],
        [(6, "row_number_only"), (7, "row_number_only")],
    ),
    (
        "the signature block below the table",
        [worker(1), worker(2), BLANK, *SIGNED],
        [
            (7, "row_blank"),
            (8, "row_signature"),
            (9, "row_signature"),
            (10, "row_signature"),
            (11, "row_signature"),
            (12, "row_signature"),
        ],
    ),
    (
        "a totals row, then the signature block",
        [worker(1), line("JUMLAH", None, None, 3200000), *SIGNED[:1]],
        [(6, "row_total"), (7, "row_signature")],
    ),
    (
        "the signature typed in the NIK column",
        [worker(1), line(None, "Bekasi, 30 April 2025"), line(None, "Direktur")],
        [(6, "row_signature"), (7, "row_signature")],
    ),
    (
        "notes below the table",
        [
            worker(1),
            line(None, "Catatan:"),
            line(None, None, "* upah dalam rupiah"),
            line(None, None, "Sumber: HRIS, 30/04/2025"),
        ],
        [(6, "row_note"), (7, "row_note"), (8, "row_note")],
    ),
    (
        "other text below the table",
        [worker(1), line(None, None, "Terima kasih")],
        [(6, "row_below_table")],
    ),
    (
        "blank rows after the last filled row end the sheet, unlisted",
        [worker(1), worker(2), BLANK, BLANK],
        [],
    ),
]


@pytest.mark.parametrize(
    ("rows", "expected"), [c[1:] for c in SKIPPED], ids=[c[0] for c in SKIPPED]
)
def test_rows_that_are_not_workers_are_skipped_with_a_reason(
    rows: list[list[Any]], expected: list[tuple[int, str]]
) -> None:
    body = body_of(rows)
    flags, skipped = not_workers(body, MAPPING, HEADER)
    assert [(s.row, s.why.code) for s in skipped] == expected
    listed = {row for row, _ in expected}
    assert all(flags[body.index.get_loc(row)] for row in listed)
    workers = [at for at, row in enumerate(rows) if len(str(row[1])) == 16]
    assert not flags[workers].any()
    # Only blank rows after the last filled row are set aside without being listed.
    unlisted = [
        row for row, flag in zip(body.index, flags, strict=True) if flag and row not in listed
    ]
    assert all(body.loc[row].isna().all() for row in unlisted)


# (case, rows): every row is judged
JUDGED: list[tuple[str, list[list[Any]]]] = [
    ("workers only", [worker(1), worker(2)]),
    (
        "a name without a NIK inside the table",
        [worker(1), line(2, None, "Budi", 3200000, "2024-01-15"), worker(3)],
    ),
    ("a name alone inside the table", [worker(1), line(2, None, "Budi"), worker(3)]),
    (
        "a name without a NIK and a totals word in another column",
        [worker(1), line(2, None, "Budi", 3200000, None, "Total"), worker(3)],
    ),
    ("a name and a wage below the table", [worker(1), line(2, None, "Dedi", "3.500.000")]),
    ("a name and a date below the table", [worker(1), line(2, None, "Dedi", None, "15/01/2024")]),
    (
        "a 16-digit NIK and TOTAL in the name",
        [worker(1), [2, "3275014507850003", "TOTAL", 1, None, None]],
    ),
    (
        "a 16-digit NIK and JUMLAH in the No column",
        [worker(1), ["JUMLAH", "3171012902960001", None, 1, None, None]],
    ),
    ("a NIK typed as a number", [worker(1, 3275014507850003), worker(2, 3171012902960001.0)]),
    ("a NIK with spaces and an apostrophe", [worker(1, "'3275 0145 0785 0003"), worker(2)]),
    ("an employee code in the NIK column", [worker(1, "EMP0001"), worker(2, "EMP0002")]),
    (
        "no NIK anywhere: no table end, every named row judged",
        [line(1, None, "Ani"), line(2, None, "Budi"), line(3, None, "Cici")],
    ),
]


@pytest.mark.parametrize("rows", [c[1] for c in JUDGED], ids=[c[0] for c in JUDGED])
def test_rows_with_a_name_or_a_nik_are_judged(rows: list[list[Any]]) -> None:
    flags, skipped = not_workers(body_of(rows), MAPPING, HEADER)
    assert skipped == ()
    assert not flags.any()


def test_without_a_name_column_a_totals_word_anywhere_marks_a_total() -> None:
    body = body_of([["3273056010900010", 3200000], ["TOTAL", 3200000]])
    flags, skipped = not_workers(body, {"nik": 0, "wage": 1}, ["NIK", "Upah"])
    assert flags.tolist() == [False, True]
    assert [(s.row, s.why.code) for s in skipped] == [(6, "row_total")]


def test_a_string_typed_body_is_read_as_an_object_one() -> None:
    rows = [worker(1), BLANK, line("JUMLAH", None, None, 6400000), *SIGNED[:2]]
    body = body_of([[None if c is None else str(c) for c in row] for row in rows]).astype("str")
    _, skipped = not_workers(body, MAPPING, HEADER)
    assert [s.why.code for s in skipped] == [
        "row_blank",
        "row_total",
        "row_signature",
        "row_signature",
    ]


@pytest.mark.parametrize(
    ("rows", "lang", "words"),
    [
        (
            [worker(1), line("JUMLAH", None, None, 3200000)],
            "id",
            'Baris 6 dilewati: baris jumlah/total ("JUMLAH"), bukan pekerja.',
        ),
        (
            [worker(1), line("JUMLAH", None, None, 3200000)],
            "en",
            'Row 6 skipped: a totals row ("JUMLAH"), not a worker.',
        ),
        (
            [worker(1), *SIGNED[:1]],
            "id",
            'Baris 6 dilewati: blok tanda tangan di bawah tabel ("Bekasi, 30 April 2025"), '
            "bukan pekerja.",
        ),
        ([worker(1), BLANK, worker(2)], "en", "Row 6 skipped: blank row."),
    ],
)
def test_each_reason_is_said_as_a_clause_of_the_report(
    rows: list[list[Any]], lang: str, words: str
) -> None:
    _, skipped = not_workers(body_of(rows), MAPPING, HEADER)
    (first,) = skipped
    said = say("reading_row_skipped", lang, row=first.row, why=first.why.message(lang))  # type: ignore[arg-type]
    assert said == words


NIKS = st.from_regex(r"\A(3[1-6]|61|72)[0-9]{14}\Z")
JUNK = st.sampled_from(
    [None, "", "JUMLAH", "TOTAL :", "Bekasi, 30 April 2025", "HRD Manager", "(nama)", "Catatan:",
     "NIK", "Nama", 1, 3200000, "3.200.000", np.nan]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(NIKS, NIKS.map(int), NIKS.map(float), JUNK),
            st.lists(JUNK, min_size=5, max_size=5),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_no_row_with_a_whole_nik_is_ever_skipped(rows: list[tuple[Any, list[Any]]]) -> None:
    cells = [[others[0], nik, *others[1:]] for nik, others in rows]
    flags, skipped = not_workers(body_of(cells), MAPPING, HEADER)
    whole = [
        at
        for at, (nik, _) in enumerate(rows)
        if isinstance(nik, (str, int, float))
        and len(f"{nik:.0f}" if isinstance(nik, float) else str(nik)) == 16
    ]
    assert not flags[whole].any()
    assert {s.row - FIRST for s in skipped} <= set(np.flatnonzero(flags))


def test_a_real_workbook_gives_its_workers_and_lists_the_rest(tmp_path: Path) -> None:
    workers = [
        [no, f"327305601090{no:04d}", f"Pekerja {no}", 3200000 + no, "2024-01-15"]
        for no in range(1, 11)
    ]
    rows = [
        ["DAFTAR UPAH KARYAWAN"],
        ["PT Contoh Sejahtera, April 2025"],
        [],
        ["No", "NIK", "Nama", "Upah", "Tgl Daftar BPJS"],  # row 4
        *workers[:5],  # rows 5-9
        [],  # row 10
        *workers[5:],  # rows 11-15
        ["JUMLAH", None, None, sum(w[3] for w in workers)],  # row 16
        [],  # row 17
        [None, None, "Bekasi, 30 April 2025"],  # row 18
        [None, None, "HRD Manager"],  # row 19
        [],  # row 20
        [None, None, "(nama)"],  # row 21
    ]
    path = write_xlsx(tmp_path / "upah.xlsx", {"Data": rows})
    roster = readers.read(path)
    assert len(roster.records) == 10
    assert roster.records["nik"].tolist() == [w[1] for w in workers]
    (sheet,) = roster.sheets
    assert sheet.header_row == 4
    assert sheet.rows == 10
    assert [(s.row, s.why.code) for s in sheet.skipped] == [
        (10, "row_blank"),
        (16, "row_total"),
        (17, "row_blank"),
        (18, "row_signature"),
        (19, "row_signature"),
        (20, "row_blank"),
        (21, "row_signature"),
    ]
    assert sheet.to_json("id")["skipped_rows"][1] == {
        "row": 16,
        "code": "row_total",
        "why": 'baris jumlah/total ("JUMLAH"), bukan pekerja.',
    }
