"""The result files as a user's spreadsheet and our own reader see them: the workbook from
rustpy-xlsxwriter and from the XlsxWriter fallback alike, and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from bsu import evaluate, load_ruleset
from bsu.results.columns import SHEETS
from bsu.results.csv import _neutralised, _quoted, neutralise, write_csv
from bsu.results.model import Result
from bsu.results.xlsx import write_xlsx, xlsx_writer
from bsu.rosters import readers as roster
from bsu.service.settings import Settings
from bsu.values.text import as_text
from tests.support import VALID_WORKER
from tests.support import write_csv as write_csv_roster
from tests.support import write_xlsx as write_xlsx_roster

RULES = load_ruleset("bsu-2025")
WRITERS = ["rustpy", "xlsxwriter"]
SHEET_NAMES = ["Ringkasan", "Layak", "Tidak Layak", "Perlu Perbaikan", "Jejak Keputusan"]
HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tgl Daftar", "Catatan"]
FORMULAS = ["=1+1", "+62 812", "-x", "@SUM(A1)", '=HYPERLINK("http://x")']
CONTROL = ["a\x00b", "x\x0by", "_x0041_ stays as typed", "dua\nbaris"]
ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """What Excel shows for a stored string: XML-illegal characters are stored as _xHHHH_
    (and a literal "_x" as _x005F_x), which openpyxl does not decode."""
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def check(*paths: Path) -> Result:
    parts = [roster.read(p) for p in paths]
    read = parts[0] if len(parts) == 1 else roster.combine(parts)
    return Result.of(read, evaluate(read.records, RULES))


def worker(nik: Any, wage: Any = 3000000, **extra: Any) -> list[Any]:
    row = dict(zip(HEADER, [nik, "Adi", wage, "Aktif", "15/01/2024", None], strict=True))
    return list({**row, **extra}.values())


def widths(sheet: Worksheet) -> dict[int, float | None]:
    """Column widths by column number (openpyxl keeps a run of equal columns as one)."""
    return {
        n: d.width
        for d in sheet.column_dimensions.values()
        for n in range(d.min or 0, (d.max or 0) + 1)
    }


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    """An xlsx roster (a NIK typed as a number, a date cell, formula-like and empty cells)
    and a CSV roster with control characters, checked together."""
    folder = tmp_path_factory.mktemp("rosters")
    rows = [
        worker("3275014101900001", Catatan=FORMULAS[0]),
        worker(3275014101900002, 9800000, Catatan=FORMULAS[1]),
        worker("3275014101900003", None, Catatan=FORMULAS[2]),
        worker("3275014101900004", **{"Tgl Daftar": dt.datetime(2024, 2, 1)}),
        worker("3275014101900005", Nama=FORMULAS[3], Catatan=FORMULAS[4]),
        worker("3275014101900006", 12500000),
    ]
    workbook = write_xlsx_roster(folder / "pt-a.xlsx", {"Karyawan": [HEADER, *rows]})
    lines = [";".join(HEADER)] + [
        f"32750141019000{10 + i};Budi;3100000;Aktif;15/01/2024;{text}"
        for i, text in enumerate(CONTROL[:3])
    ]
    lines.append('3275014101900020;Cici;3100000;Aktif;15/01/2024;"dua\nbaris"')
    table = write_csv_roster(folder / "cv-b.csv", lines)
    return check(workbook, table)


@pytest.fixture(params=WRITERS)
def writer(request: pytest.FixtureRequest) -> str:
    assert xlsx_writer(request.param) == request.param
    return str(request.param)


@pytest.fixture
def book(result: Result, writer: str, tmp_path: Path) -> Any:
    write_xlsx(result, tmp_path / "hasil.xlsx", writer=writer)
    return load_workbook(tmp_path / "hasil.xlsx")


def header(sheet: Worksheet) -> list[Any]:
    return [c.value for c in sheet[1]]


def column(sheet: Worksheet, name: str) -> list[Any]:
    """The cells of one column below the header."""
    j = header(sheet).index(name)
    return [row[j] for row in sheet.iter_rows(min_row=2, max_col=sheet.max_column)]


def data_sheets(book: Any) -> list[Worksheet]:
    return [book[name] for name in SHEETS.values()]


# --- the workbook, from either writer ----------------------------------------------------


def test_sheets_come_in_order_with_a_bold_frozen_filtered_header(book: Any, result: Result) -> None:
    assert book.sheetnames == SHEET_NAMES
    columns = [str(c) for c in result.table().columns]
    for sheet in data_sheets(book):
        assert header(sheet) == columns
        assert all(c.font.b for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        last = sheet.cell(row=1, column=len(columns)).column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
        assert widths(sheet)[columns.index("Keterangan") + 1] == pytest.approx(80, abs=1)
        assert widths(sheet)[columns.index("NIK") + 1] == pytest.approx(12, abs=1)


def test_each_status_sheet_holds_its_decisions(book: Any, result: Result) -> None:
    counts = result.decisions.counts()
    for status, name in SHEETS.items():
        rows = list(book[name].iter_rows(min_row=2, values_only=True))
        assert len(rows) == counts[status]
    assert [counts[s] for s in SHEETS] == [7, 2, 1]
    summary = [r for r in book["Ringkasan"].iter_rows(values_only=True) if any(r)]
    assert ("Layak", counts[next(iter(SHEETS))], None) in summary


def test_a_nik_is_text_with_every_digit_even_when_typed_as_a_number(book: Any) -> None:
    niks = [c for sheet in data_sheets(book) for c in column(sheet, "NIK")]
    assert len(niks) == 10
    assert all(c.data_type == "s" and c.number_format == "@" for c in niks)
    assert {"3275014101900001", "3275014101900002", "3275014101900020"} <= {c.value for c in niks}


def test_money_is_a_number_with_thousands(book: Any) -> None:
    for sheet in data_sheets(book):
        for name in ("Batas Upah", "Bantuan"):
            cells = column(sheet, name)
            assert cells and all(c.data_type == "n" and c.number_format == "#,##0" for c in cells)
    assert {c.value for c in column(book["Layak"], "Bantuan")} == {600000}


def test_a_date_cell_stays_a_date(book: Any) -> None:
    dates = [c for s in data_sheets(book) for c in column(s, "Tgl Daftar") if c.is_date]
    assert [(c.value, c.number_format) for c in dates] == [(dt.datetime(2024, 2, 1), "dd/mm/yyyy")]


def test_formula_like_text_is_stored_as_text(book: Any) -> None:
    cells = [
        c
        for sheet in data_sheets(book)
        for name in ("Nama", "Catatan")
        for c in column(sheet, name)
        if c.value in FORMULAS
    ]
    assert sorted(c.value for c in cells) == sorted(FORMULAS)
    assert all(c.data_type == "s" for c in cells)


def test_control_characters_are_escaped_not_fatal(
    result: Result, writer: str, tmp_path: Path
) -> None:
    path = tmp_path / "hasil.xlsx"
    write_xlsx(result, path, writer=writer)
    xml = "".join(
        zipfile.ZipFile(path).read(n).decode("utf-8")
        for n in zipfile.ZipFile(path).namelist()
        if n.endswith(".xml")
    )
    assert ILLEGAL_CHARACTERS_RE.search(xml) is None
    stored = [c.value for c in column(load_workbook(path)["Layak"], "Catatan")]
    assert "a_x0000_b" in stored and "x_x000B_y" in stored
    assert "_x005F_x0041_ stays as typed" in stored
    assert {unescape(v) for v in stored if v} >= set(CONTROL)
    # Our own reader (and Excel) decode the escapes back to the text as typed.
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Layak").to_python()
    assert set(CONTROL) <= {cell for row in grid for cell in row}


def test_missing_values_are_empty_cells(book: Any) -> None:
    layak = book["Layak"]
    assert {c.value for c in column(layak, "Kode Alasan")} == {None}
    assert {c.value for c in column(layak, "Keterangan")} == {None}
    review = book["Perlu Perbaikan"]
    assert [c.value for c in column(review, "Upah")] == [None]
    sheets = [c.value for s in data_sheets(book) for c in column(s, "Sheet")]
    assert sheets.count("Karyawan") == 6 and sheets.count(None) == 4


def test_both_writers_write_the_same_cells(result: Result, tmp_path: Path) -> None:
    books = {}
    for name in WRITERS:
        write_xlsx(result, tmp_path / f"{name}.xlsx", writer=name)
        books[name] = load_workbook(tmp_path / f"{name}.xlsx")
    fast, slow = books.values()
    assert fast.sheetnames == slow.sheetnames == SHEET_NAMES
    for name in [*SHEETS.values(), "Jejak Keputusan"]:
        a, b = fast[name], slow[name]
        assert (a.max_row, a.max_column) == (b.max_row, b.max_column)
        assert a.auto_filter.ref == b.auto_filter.ref and a.freeze_panes == b.freeze_panes
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
            for x, y in zip(row_a, row_b, strict=True):
                assert (x.value, x.font.b) == (y.value, y.font.b), x.coordinate
                if x.value is not None:
                    assert x.data_type == y.data_type
                    # rustpy-xlsxwriter gives text in a column with a date the date format
                    # too, which Excel does not apply to text.
                    if x.data_type != "s" or "@" in (x.number_format, y.number_format):
                        assert x.number_format == y.number_format, x.coordinate
        assert widths(a) == widths(b)
    summary = [list(s["Ringkasan"].iter_rows(values_only=True)) for s in (fast, slow)]
    checked_at = 4  # the clock may tick between the two writes
    assert summary[0][:checked_at] == summary[1][:checked_at]
    assert summary[0][checked_at + 1 :] == summary[1][checked_at + 1 :]


def test_awkward_cells_are_written_as_excel_can_hold_them(writer: str, tmp_path: Path) -> None:
    """Missing dates, dates before 1900, timezones, times, long numbers and long text:
    the values a DataFrame-fed writer crashed on."""
    frame = pd.DataFrame(
        {
            "NIK": ["3275014101900001", "3275014101900002", "3275014101900003"],
            "Nama": ["Adi", "x" * 40_000, None],
            "Upah": [3000000, 3100000, 3200000],
            "Status Kepesertaan": ["Aktif"] * 3,
            "Tgl Daftar": pd.to_datetime(["2024-01-15", "2024-01-16", None]),
            "Lahir": pd.to_datetime(["1850-01-02", None, "1990-05-06"]),
            "Masuk": pd.to_datetime(["2024-01-15 10:00", None, None]).tz_localize("Asia/Jakarta"),
            "Jam": [dt.time(8, 30), None, None],
            "Kartu": pd.array([12345678901234567, 5, None], dtype="Int64"),
        }
    )
    frame.to_parquet(tmp_path / "odd.parquet")
    result = check(tmp_path / "odd.parquet")
    write_xlsx(result, tmp_path / "hasil.xlsx", writer=writer)
    sheets = data_sheets(load_workbook(tmp_path / "hasil.xlsx"))
    cells = {
        h: [c for s in sheets for c in column(s, h)] for h in ("Nama", "Lahir", "Masuk", "Jam")
    }
    cells["Kartu"] = [c for s in sheets for c in column(s, "Kartu")]
    cells["Tgl Daftar"] = [c for s in sheets for c in column(s, "Tgl Daftar")]
    assert sorted(len(c.value or "") for c in cells["Nama"]) == [0, 3, 32_767]
    assert "02/01/1850" in [c.value for c in cells["Lahir"]]
    assert dt.datetime(1990, 5, 6) in [c.value for c in cells["Lahir"]]
    assert dt.datetime(2024, 1, 15, 10) in [c.value for c in cells["Masuk"]]
    assert "08:30:00" in [c.value for c in cells["Jam"]]
    assert "12345678901234567" in [c.value for c in cells["Kartu"]]
    assert sorted(c.value is None for c in cells["Tgl Daftar"]) == [False, False, True]


def test_a_number_beside_a_date_stays_a_number(writer: str, tmp_path: Path) -> None:
    """rustpy-xlsxwriter would give the number the column's date format; such a workbook
    is written by XlsxWriter."""
    rows = [
        worker("3275014101900001", Catatan=dt.datetime(2024, 2, 1)),
        worker("3275014101900002", Catatan=20240115),
        worker("3275014101900003", Catatan="teks"),
    ]
    roster_file = write_xlsx_roster(tmp_path / "tanggal.xlsx", {"Data": [HEADER, *rows]})
    write_xlsx(check(roster_file), tmp_path / "hasil.xlsx", writer=writer)
    cells = column(load_workbook(tmp_path / "hasil.xlsx")["Layak"], "Catatan")
    assert [(c.value, c.is_date) for c in cells] == [
        (dt.datetime(2024, 2, 1), True),
        (20240115, False),
        ("teks", False),
    ]
    assert cells[1].number_format == "General"


def test_an_empty_status_sheet_keeps_its_header(writer: str, tmp_path: Path) -> None:
    rows = [HEADER, worker("3275014101900001")]
    write_xlsx(
        check(write_xlsx_roster(tmp_path / "baik.xlsx", {"Data": rows})),
        tmp_path / "h.xlsx",
        writer=writer,
    )
    book = load_workbook(tmp_path / "h.xlsx")
    review = book["Perlu Perbaikan"]
    assert review.max_row == 1 and header(review) == header(book["Layak"])
    assert all(c.font.b for c in review[1])
    assert review.freeze_panes == "A2"
    assert review.auto_filter.ref == f"A1:{review.cell(1, review.max_column).column_letter}1"


def test_a_failed_write_leaves_no_file_behind(
    result: Result, writer: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "hasil.xlsx"
    path.write_bytes(b"the previous result")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    if writer == "rustpy":
        import rustpy_xlsxwriter

        monkeypatch.setattr(rustpy_xlsxwriter, "write_worksheets", fail)
    else:
        import xlsxwriter

        monkeypatch.setattr(xlsxwriter.Workbook, "close", fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_xlsx(result, path, writer=writer)
    assert path.read_bytes() == b"the previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["hasil.xlsx"]


def test_the_writer_is_chosen_by_the_setting_and_what_is_installed(
    result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``BSU_XLSX_WRITER``, read into ``Settings.xlsx_writer`` and passed down."""

    def chosen() -> str:
        return xlsx_writer(Settings().xlsx_writer)

    monkeypatch.delenv("BSU_XLSX_WRITER", raising=False)
    assert chosen() == "rustpy"
    monkeypatch.setenv("BSU_XLSX_WRITER", "XlsxWriter")
    assert chosen() == "xlsxwriter"
    monkeypatch.setenv("BSU_XLSX_WRITER", "openpyxl")
    with pytest.raises(ValueError, match="BSU_XLSX_WRITER"):
        chosen()
    monkeypatch.setitem(sys.modules, "rustpy_xlsxwriter", None)  # not importable
    monkeypatch.setenv("BSU_XLSX_WRITER", "rustpy")
    with pytest.raises(ImportError):
        chosen()
    monkeypatch.delenv("BSU_XLSX_WRITER")
    assert chosen() == "xlsxwriter"
    write_xlsx(result, tmp_path / "hasil.xlsx", writer=Settings().xlsx_writer)
    assert load_workbook(tmp_path / "hasil.xlsx").sheetnames == SHEET_NAMES


# --- CSV ---------------------------------------------------------------------------------


def reference_csv(result: Result) -> str:
    """What write_csv wrote before it was made fast, through pandas."""
    buffer = io.StringIO()
    result.table().apply(as_text).apply(neutralise).to_csv(buffer, index=False)
    return buffer.getvalue()


def test_the_csv_is_the_text_that_as_text_and_neutralise_give(
    result: Result, tmp_path: Path
) -> None:
    write_csv(result, tmp_path / "hasil.csv")
    raw = (tmp_path / "hasil.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig") == reference_csv(result)
    stream = io.StringIO()
    write_csv(result, stream)
    assert stream.getvalue() == reference_csv(result)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    second = rows[1]
    assert (second["NIK"], second["Upah"]) == ("3275014101900002", "9800000")
    assert re.fullmatch("[0-9]+", second["Batas Upah"]) and second["Bantuan"] == "0"
    typed = {r["Catatan"] for r in rows} | {r["Nama"] for r in rows}
    assert typed >= {"'" + f for f in FORMULAS} | {"a\x00b", "x\x0by"}


def test_a_carriage_return_inside_a_cell_is_quoted(tmp_path: Path) -> None:
    """The csv module leaves a bare CR unquoted, which ends the row for every reader."""
    path = write_csv_roster(
        tmp_path / "cr.csv",
        ["NIK;Nama;Catatan", '3275014101900001;Adi;"baris satu\rbaris dua"'],
    )
    stream = io.StringIO()
    write_csv(check(path), stream)
    assert '"baris satu\rbaris dua"' in stream.getvalue()
    [row] = list(csv.DictReader(io.StringIO(stream.getvalue(), newline="")))
    assert row["Catatan"] == "baris satu\rbaris dua"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=8))
def test_the_fast_csv_cells_match_neutralise_and_the_csv_module(texts: list[str]) -> None:
    assert _neutralised(texts) == neutralise(pd.Series(texts, dtype=object)).tolist()
    if texts and not any("\r" in t for t in texts):
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow(texts)
        assert ",".join(_quoted(texts)) + "\n" == line.getvalue() or texts == [""]


# --- any text, end to end ----------------------------------------------------------------

FORMULA_START = tuple("=+-@\t\r\n")


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=30))
def test_any_text_in_a_roster_cell_comes_back_as_text(text: str) -> None:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)  # openpyxl cannot write them into the roster
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        rows = [list(VALID_WORKER), [VALID_WORKER["nik"], text, *list(VALID_WORKER.values())[2:]]]
        result = check(write_xlsx_roster(work / "roster.xlsx", {"Data": rows}))
        [held] = result.table()["name"].tolist()  # what the roster reader made of it
        held = None if held in (None, "") else held
        (status,) = {s for s in result.decisions.frame["status"]}
        sheet = dict(zip([s.value for s in SHEETS], SHEETS.values(), strict=True))[status]
        for name in WRITERS:
            write_xlsx(result, work / f"{name}.xlsx", writer=name)
            [cell] = column(load_workbook(work / f"{name}.xlsx")[sheet], "name")
            if held is None:
                assert cell.value is None
            else:
                assert cell.data_type == "s" and unescape(cell.value) == held
        stream = io.StringIO()
        write_csv(result, stream)
        [row] = list(csv.DictReader(io.StringIO(stream.getvalue(), newline="")))
        shown = as_text(pd.Series([held], dtype=object)).iloc[0]
        plain_number = re.fullmatch(r"-?[0-9]+(?:[.,][0-9]+)*", shown) is not None
        if shown.startswith(FORMULA_START) and not plain_number:
            assert row["name"] == "'" + shown
        else:
            assert row["name"] == shown


def test_a_roster_header_that_looks_like_a_formula_is_neutralised_in_csv(tmp_path: Path) -> None:
    """Headers are the uploader's text too (OWASP CSV injection)."""
    roster_path = write_csv_roster(
        tmp_path / "roster.csv", ['NIK;Nama;=HYPERLINK("http://x")', "3275014101900001;Ani;a"]
    )
    read = roster.read(roster_path)
    out = tmp_path / "hasil.csv"
    write_csv(Result.of(read, evaluate(read.records, RULES)), out)
    header = next(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert '\'=HYPERLINK("http://x")' in header
    assert '=HYPERLINK("http://x")' not in header
