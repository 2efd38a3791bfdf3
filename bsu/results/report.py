"""Results for people and programs: the result workbook, CSV and JSON.

Writers take the decisions and their explanation and know nothing of the rules beyond
what those carry. Files are written to a temporary name and renamed into place, so a
failed run never leaves a half-written result behind.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from bsu.core.engine import Decisions
from bsu.core.explain import Explanation, explain
from bsu.core.reasons import STATUS_LABELS, ReasonCode, Status
from bsu.core.ruleset import Lang
from bsu.results.durable import atomic
from bsu.rosters.readers import Roster
from bsu.values.text import as_text, distinct

SHEETS = {s: STATUS_LABELS[s]["sheet"] for s in Status}
HEADERS = {
    "id": {
        "source": "Berkas",
        "sheet": "Sheet",
        "row": "Baris",
        "status": "Status",
        "codes": "Kode Alasan",
        "messages": "Keterangan",
        "evidence": "Bukti",
        "wage_cap": "Batas Upah",
        "benefit": "Bantuan",
    },
    "en": {
        "source": "File",
        "sheet": "Sheet",
        "row": "Row",
        "status": "Status",
        "codes": "Reason codes",
        "messages": "Details",
        "evidence": "Evidence",
        "wage_cap": "Wage cap",
        "benefit": "Benefit",
    },
}


@dataclass(frozen=True)
class Result:
    """A checked roster: what was read, what was decided, and why, in one language."""

    roster: Roster
    decisions: Decisions
    explanation: Explanation

    @classmethod
    def of(cls, roster: Roster, decisions: Decisions, lang: Lang = "id") -> Result:
        return cls(roster, decisions, explain(decisions, lang))

    @property
    def lang(self) -> Lang:
        return self.explanation.lang

    def summary(self) -> dict[str, int]:
        counts = self.decisions.counts()
        return {
            "total": len(self.decisions),
            **{s.value: counts[s] for s in Status},
            "benefit_total": self.decisions.benefit_total(),
        }

    def reason_counts(self) -> list[tuple[ReasonCode, int]]:
        present = self.explanation.messages.notna().sum()
        return [(ReasonCode(str(c)), int(n)) for c, n in present.items() if n]

    def table(self) -> pd.DataFrame:
        """One row per roster row: location, decision, reasons, then the original columns."""
        h = HEADERS[self.lang]
        f = self.decisions.frame
        labels = {s.value: STATUS_LABELS[s][self.lang] for s in Status}
        decided = pd.DataFrame(
            {
                h["source"]: f["source"],
                h["sheet"]: f["sheet"],
                h["row"]: f["row"],
                h["status"]: f["status"].map(labels),
                h["codes"]: self.explanation.codes_text(),
                h["messages"]: self.explanation.messages_text(),
                h["wage_cap"]: f["wage_cap"],
                h["benefit"]: f["benefit"],
            },
            index=f.index,
        )
        if decided[h["sheet"]].isna().all():
            decided = decided.drop(columns=h["sheet"])
        if not self.explanation.evidence.empty:
            decided.insert(
                list(decided.columns).index(h["messages"]) + 1,
                h["evidence"],
                self.explanation.evidence_text(),
            )
        original = self.roster.original.copy()
        original.columns = [
            c if c not in decided.columns else f"{c} (asli)" for c in original.columns
        ]
        return pd.concat([decided, original.set_axis(f.index)], axis=1)

    def sources(self) -> list[str]:
        """The roster files (one per employer) in the order they were read."""
        return list(dict.fromkeys(s.source for s in self.roster.sheets))

    def only(self, source: str) -> Result:
        """The part of the result that came from one roster file."""
        keep = (self.decisions.frame["source"] == source).to_numpy()
        original = self.roster.original[keep].dropna(axis=1, how="all")
        part = Roster(
            records=self.roster.records[keep],
            original=original,
            sheets=[s for s in self.roster.sheets if s.source == source],
        )
        decisions = replace(self.decisions, frame=self.decisions.frame[keep])
        explanation = replace(
            self.explanation,
            messages=self.explanation.messages[keep],
            evidence=self.explanation.evidence[keep],
            masks=self.explanation.masks[keep],
        )
        return Result(part, decisions, explanation)

    def nik_columns(self) -> set[str]:
        """Original headers that held the NIK, to write as text."""
        return {s.matched["nik"] for s in self.roster.sheets if "nik" in s.matched}


# --- JSON --------------------------------------------------------------------------------


def decided_rows(result: Result) -> list[dict[str, Any]]:
    """One plain dict per decision (no reasons): what JSON, the API and the store share."""
    f = result.decisions.frame
    columns = {
        "source": f["source"],
        "sheet": f["sheet"],
        "row": f["row"],
        "nik": f["nik_display"].where(f["nik_display"].ne(""), None),
        "name": f["name_raw"].where(f["name_raw"].ne(""), None),
        "status": f["status"],
        "wage": f["wage"],
        "wage_cap": f["wage_cap"],
        "benefit": f["benefit"].astype(int),
    }
    names = list(columns)
    return [
        dict(zip(names, map(plain, values), strict=True))
        for values in zip(*columns.values(), strict=True)
    ]


def to_json(result: Result) -> dict[str, Any]:
    rules = result.decisions.ruleset
    reasons = result.explanation.rows()
    rows = [{**row, "reasons": reasons[i]} for i, row in enumerate(decided_rows(result))]
    if not result.explanation.evidence.empty:
        for row, evidence in zip(rows, result.explanation.evidence_rows(), strict=True):
            row["evidence"] = evidence
    return {
        "ruleset": {"id": rules.id, "version": rules.version},
        "summary": result.summary(),
        "rows": rows,
    }


def plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):
        return plain(value.item())
    return value


# --- CSV ---------------------------------------------------------------------------------


def write_csv(result: Result, out: Path | IO[str]) -> None:
    """Every cell as the text a person typed: 3200000, not 3200000.0; a NIK keeps its digits.

    The cells are ``as_text`` then ``neutralise``, quoted as the csv module quotes them, and
    joined into lines a column at a time rather than handed to a csv writer row by row.
    One difference from the csv module: a field holding a carriage return is quoted too;
    left bare, it ended the row for every reader.
    """
    table = result.table()
    columns = [_csv_cells(table.iloc[:, j]) for j in range(table.shape[1])]
    # Headers come from the roster too: a header typed as "=cmd" is neutralised like a cell.
    names = pd.Series([str(name) for name in table.columns], dtype=object)
    header = _quoted(neutralise(names).tolist())
    if isinstance(out, Path):
        with atomic(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
            _write_lines(f, header, columns)
    else:
        _write_lines(out, header, columns)


_FORMULA_START = r"^[=+\-@\t\r\n]"
_PLAIN_NUMBER = r"-?[0-9]+(?:[.,][0-9]+)*"


def neutralise(cells: pd.Series) -> pd.Series:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR, LF first) gets a
    leading apostrophe (OWASP CSV injection); a plain negative number stays as it is."""
    risky = cells.str.match(_FORMULA_START).fillna(False) & ~cells.str.fullmatch(
        _PLAIN_NUMBER
    ).fillna(False)
    return cells.where(~risky, "'" + cells)


_CSV_EOL = os.linesep  # what DataFrame.to_csv ended its lines with
_CSV_CHUNK = 1 << 16  # rows joined into one string at a time
_RISKY_FIRST = frozenset("=+-@\t\r\n")  # the characters _FORMULA_START matches
_RISKY_AFTER_NUL = re.compile(r"\x00" + _FORMULA_START.removeprefix("^"))
_IS_PLAIN_NUMBER = re.compile(_PLAIN_NUMBER).fullmatch
_NEEDS_QUOTES = re.compile(r'[,"\r\n]').search
_NUMBERS = frozenset({int, float, type(None)})


def _write_lines(out: IO[str], header: list[str], columns: list[list[str]]) -> None:
    out.write(",".join(header) + _CSV_EOL)
    rows = len(columns[0]) if columns else 0
    for start in range(0, rows, _CSV_CHUNK):
        part = [column[start : start + _CSV_CHUNK] for column in columns]
        out.write(_CSV_EOL.join(map(",".join, zip(*part, strict=True))) + _CSV_EOL)


def _csv_cells(values: pd.Series) -> list[str]:
    return _quoted(_neutralised(_texts(values)))


def _texts(values: pd.Series) -> list[str]:
    """``as_text(values).tolist()``; a column of numbers takes a shortcut to the same text,
    each distinct number turned into text once."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":  # never missing
        return list(map(str, values.tolist()))
    if values.dtype.kind == "f" or (
        values.dtype == object and all(type(v) in _NUMBERS for v in values.tolist())
    ):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = np.array([*map(_number_text, uniques.tolist()), ""], dtype=object)
        return list(texts[codes])  # code -1, a missing number, takes the "" at the end
    return as_text(values).tolist()


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return str(value)
    return "" if value is None or value is pd.NA else str(value)


def _neutralised(texts: list[str]) -> list[str]:
    """``neutralise`` on a list of text, without a regex per cell: most columns have no
    cell that starts like a formula, which one search over the joined column shows."""
    if _RISKY_AFTER_NUL.search("\x00" + "\x00".join(texts)) is None:
        return texts
    return ["'" + t if t[:1] in _RISKY_FIRST and not _IS_PLAIN_NUMBER(t) else t for t in texts]


def _quoted(texts: list[str]) -> list[str]:
    """Fields as csv.QUOTE_MINIMAL writes them (a comma, quote or line break puts the field
    in quotes, a quote doubled), a carriage return counted as a line break."""
    if _NEEDS_QUOTES("".join(texts)) is None:
        return texts
    return [
        '"' + t.replace('"', '""') + '"' if "," in t or '"' in t or "\n" in t or "\r" in t else t
        for t in texts
    ]


# --- xlsx --------------------------------------------------------------------------------

SUMMARY_SHEET = "Ringkasan"
XLSX_WRITER_SETTING = "BSU_XLSX_WRITER"  # Settings.xlsx_writer, named as people set it
_TEXT_LIMIT = 32_767  # characters Excel keeps in a cell; XlsxWriter cuts longer text too
_EXACT_LIMIT = 10**15  # Excel keeps 15 digits: a whole number this large is written as text
_DATE_FORMAT = "dd/mm/yyyy"
_HEADER_FILL = "#DDEBF7"
_SUMMARY_WIDTHS = (34.0, 22.0, 90.0)
_ROWS_AT_ONCE = 1 << 15  # rows turned into cells at a time
_MONEY = {HEADERS[lang][key] for lang in HEADERS for key in ("wage_cap", "benefit")}
_MESSAGES = {HEADERS[lang]["messages"] for lang in HEADERS}

Kind = Literal["nik", "money", "messages", ""]


def xlsx_writer(wanted: str = "auto") -> Literal["rustpy", "xlsxwriter"]:
    """The library that writes result workbooks, for the ``wanted`` one (the caller's
    ``Settings.xlsx_writer``, ``BSU_XLSX_WRITER``).

    rustpy-xlsxwriter (Rust, several times faster) when it can be imported; XlsxWriter
    (pure Python) when it cannot, or when ``xlsxwriter`` is wanted. ``rustpy`` insists on
    the first; empty or ``auto`` is the default.
    """
    wanted = wanted.strip().lower()
    if wanted == "xlsxwriter":
        return "xlsxwriter"
    if wanted not in ("", "auto", "rustpy"):
        raise ValueError(f"{XLSX_WRITER_SETTING}={wanted!r}: expected auto, rustpy or xlsxwriter")
    try:
        import rustpy_xlsxwriter  # noqa: F401
    except ImportError:
        if wanted == "rustpy":
            raise
        return "xlsxwriter"
    return "rustpy"


def write_xlsx(result: Result, path: Path, *, writer: str = "auto") -> None:
    """The workbook an employer works from: a summary, then one sheet per status.

    ``writer``: the library wanted (``Settings.xlsx_writer``; see ``xlsx_writer``). Both
    writers are given the same prepared cells, so their files hold the same values, types
    and formats: a NIK as text, money as ``#,##0``, dates as dates, text never as a formula,
    a missing value as an empty cell. A roster column with dates and numbers side by side
    goes to XlsxWriter (see ``_Sheet.dates_among_numbers``).
    """
    library = xlsx_writer(writer)
    summary = _summary(result)
    sheets = _sheets(result)
    with atomic(path) as tmp:
        if library == "rustpy" and not any(s.dates_among_numbers for s in sheets):
            _write_rustpy(tmp, summary, sheets)
        else:
            _write_xlsxwriter(tmp, summary, sheets)


@dataclass(frozen=True)
class _Sheet:
    """One status sheet: the rows of the table it holds, turned into cells (text, a bool, a
    number or a date; None leaves the cell empty) only as it is written, so that no more
    than one sheet's cells are held at a time."""

    title: str
    headers: list[str]
    kinds: list[Kind]
    table: pd.DataFrame
    rows_here: np.ndarray[Any, np.dtype[np.bool_]]
    # rustpy-xlsxwriter gives every cell of a column the date format once it meets a date
    # there (looking a row ahead), so a number next to a date would show as a date.
    dates_among_numbers: bool

    @property
    def height(self) -> int:
        return int(self.rows_here.sum())

    def widths(self) -> list[float]:
        return [
            80.0 if kind == "messages" else float(min(max(len(name) + 2, 12), 60))
            for name, kind in zip(self.headers, self.kinds, strict=True)
        ]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows as cells, made a slice of rows at a time to hold little memory."""
        here = self.rows_here  # a column at a time: cheaper than filtering the whole table
        columns = [self.table.iloc[:, j][here] for j in range(len(self.kinds))]
        for start in range(0, self.height, _ROWS_AT_ONCE):
            cells = [
                _cells(c.iloc[start : start + _ROWS_AT_ONCE], kind == "nik")
                for c, kind in zip(columns, self.kinds, strict=True)
            ]
            yield from zip(*cells, strict=True)

    def records(self) -> Iterator[dict[str, Any]]:
        """The rows as dicts by header, for rustpy-xlsxwriter; made when first asked for."""
        yield from map(dict, map(zip, repeat(self.headers), self.rows()))


@dataclass(frozen=True)
class _Summary:
    """The summary sheet: the title in A1, then from row 3 (index 2) rows of three cells
    with a style each: "pair" and "bold" (label bold), "money" (label bold, amount
    ``#,##0``), "head" (a table header) or "" (plain)."""

    title: str
    rows: list[tuple[str, tuple[Any, Any, Any]]]


def _sheets(result: Result) -> list[_Sheet]:
    table = result.table()
    status = result.decisions.frame["status"]
    nik = result.nik_columns()
    names = [str(name) for name in table.columns]
    kinds: list[Kind] = [
        "nik" if n in nik else "money" if n in _MONEY else "messages" if n in _MESSAGES else ""
        for n in names
    ]
    headers = distinct([n[:_TEXT_LIMIT] for n in names])
    # Only a column of several kinds of value can hold a date next to a number.
    mixed = [
        c for _, c in table.items() if c.dtype == object and infer_dtype(c).startswith("mixed")
    ]
    sheets = []
    for s, title in SHEETS.items():
        here = status.eq(s.value).to_numpy()
        dates_among_numbers = any(_dates_among_numbers(_cells(c[here], False)) for c in mixed)
        sheets.append(_Sheet(title, headers, kinds, table, here, dates_among_numbers))
    return sheets


def _dates_among_numbers(cells: list[Any]) -> bool:
    types = {type(v) for v in cells}
    return bool(types & {int, float}) and any(issubclass(t, dt.date) for t in types)


def _cells(values: pd.Series, nik: bool) -> list[Any]:
    """A column as cells (see ``_cell``), with shortcuts for the common column types."""
    if nik:
        return [_nik_cell(v) for v in values.tolist()]
    if values.dtype.kind in "iuf":  # row numbers, wage caps, benefits
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(numbers)
        if (np.abs(numbers[~missing]) < _EXACT_LIMIT).all():
            cells: list[Any] = numbers.tolist()
            for i in np.flatnonzero(missing).tolist():
                cells[i] = None
            return cells
    elif infer_dtype(values, skipna=True) in ("string", "empty"):  # text and empty cells
        cells = [v if isinstance(v, str) and v else None for v in values.tolist()]
        if max(map(len, filter(None, cells)), default=0) > _TEXT_LIMIT:
            cells = [_cell(v) for v in cells]
        return cells
    return [_cell(v) for v in values.tolist()]


def _cell(value: Any) -> Any:
    """One value as a cell that both writers store alike, or None for no cell.

    Text is cut to what Excel holds; a whole number too long for Excel's 15 digits, inf,
    and a date Excel cannot show (before 1900) become text; a date keeps its wall-clock
    time without the timezone; anything else (times, decimals) is written as its text.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value[:_TEXT_LIMIT] or None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.datetime64):
        return _cell(pd.Timestamp(value))
    if isinstance(value, np.generic) and not isinstance(value, np.timedelta64):
        return _cell(value.item())
    if isinstance(value, int):
        return value if abs(value) < _EXACT_LIMIT else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value) or (value.is_integer() and abs(value) >= _EXACT_LIMIT):
            return _number_text(value)
        return value
    if isinstance(value, dt.date):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime(warn=False)
        if isinstance(value, dt.datetime):
            value = value.replace(tzinfo=None)
        if 1900 <= value.year <= 9999:
            return value
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return str(value)[:_TEXT_LIMIT] or None


def _nik_cell(value: Any) -> str | None:
    """A NIK as text: a number read from Excel loses its ``.0``, and never its digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    cell = _cell(value)
    return None if cell is None else str(cell)


def _summary(result: Result) -> _Summary:
    en = result.lang == "en"
    rules = result.decisions.ruleset
    counts = result.summary()
    blank = ("", (None, None, None))
    rows: list[tuple[str, tuple[Any, Any, Any]]] = [
        ("pair", ("Rule set" if en else "Aturan", f"{rules.id} (versi {rules.version})", None)),
        (
            "pair",
            (
                "Legal basis" if en else "Dasar hukum",
                "; ".join(b.short for b in rules.spec.legal_basis),
                None,
            ),
        ),
        (
            "pair",
            (
                "Checked at" if en else "Diperiksa pada",
                dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
                None,
            ),
        ),
        blank,
        ("head", ("Status", "Workers" if en else "Jumlah pekerja", None)),
        *(("", (STATUS_LABELS[s][result.lang], counts[s.value], None)) for s in Status),
        ("bold", ("Total", counts["total"], None)),
        (
            "money",
            ("Total benefit (Rp)" if en else "Total bantuan (Rp)", counts["benefit_total"], None),
        ),
        blank,
        (
            "head",
            (
                "Reason" if en else "Alasan",
                "Rows" if en else "Jumlah baris",
                "Citation" if en else "Dasar hukum",
            ),
        ),
        *(("", (code.value, n, rules.reason(code).citation)) for code, n in result.reason_counts()),
        blank,
        (
            "head",
            (
                "Files read" if en else "Berkas dibaca",
                "Header row" if en else "Baris judul",
                "Rows" if en else "Jumlah baris",
            ),
        ),
        *(
            (
                "",
                (
                    read.source if read.sheet is None else f"{read.source} ({read.sheet})",
                    read.header_row,
                    read.rows,
                ),
            )
            for read in result.roster.sheets
        ),
    ]
    cells = [(style, (_cell(a), _cell(b), _cell(c))) for style, (a, b, c) in rows]
    return _Summary(_cell(rules.spec.title.in_(result.lang)) or "", cells)


# rustpy-xlsxwriter 0.8 writes a sheet as a header row and one record (a dict) per row,
# taking each record's values in the order of the first one's keys. Text is stored as text
# (never a formula), XML-illegal characters as _xHHHH_ escapes, as XlsxWriter does. It
# raises on NaT, on dates before 1900 and on text over 32,767 characters, writes pd.NA as
# "<NA>" and inf as an empty cell: ``_cell`` has turned all of these into cells it takes.
# A date gives its whole column the date format (see ``_Sheet.dates_among_numbers``). An
# empty list of records has no header row, so an empty sheet goes as an empty DataFrame.


def _write_rustpy(path: Path, summary: _Summary, sheets: list[_Sheet]) -> None:
    import rustpy_xlsxwriter as rx

    header = (
        rx.Format()
        .set_bold()
        .set_background_color(_HEADER_FILL)
        .set_border("thin")
        .set_text_wrap()
        .set_align("top")
    )
    formats = {
        "nik": rx.Format().set_num_format("@"),
        "money": rx.Format().set_num_format("#,##0"),
        "messages": rx.Format().set_text_wrap().set_align("top"),
    }
    records: list[tuple[str, Any]] = [(SUMMARY_SHEET, _summary_records(summary))]
    for sheet in sheets:
        if sheet.height:
            records.append((sheet.title, sheet.records()))
        else:
            records.append((sheet.title, pd.DataFrame(columns=sheet.headers, dtype=object)))
    # The summary's layout has no header row: its first label and value stand in for one
    # (bold), the title is merged across the three columns above it, and the rows styled
    # in _Summary are bold rows (a row format colours the whole row, so no header fill).
    bold = rx.Format().set_bold()
    row_formats = {
        i: rx.Format().set_bold().set_num_format("#,##0") if style == "money" else bold
        for i, (style, _) in enumerate(summary.rows, start=2)
        if style in ("pair", "bold", "money", "head") and i > 2
    }
    titled = rx.Format().set_bold().set_font_size(14)
    rx.write_worksheets(
        records,
        path,
        datetime_format=_DATE_FORMAT,
        freeze_panes={s.title: {"row": 1, "col": 0} for s in sheets},
        header_format={SUMMARY_SHEET: bold, **{s.title: header for s in sheets}},
        autofilter={s.title: True for s in sheets},
        column_widths={
            SUMMARY_SHEET: list(_SUMMARY_WIDTHS),
            **{s.title: s.widths() for s in sheets},
        },
        column_formats={
            s.title: {h: formats[k] for h, k in zip(s.headers, s.kinds, strict=True) if k}
            for s in sheets
        },
        header_row={SUMMARY_SHEET: 2},
        merge_ranges={SUMMARY_SHEET: [(0, 0, 0, 2, summary.title, titled)]},
        row_formats={SUMMARY_SHEET: row_formats},
    )


def _summary_records(summary: _Summary) -> list[dict[str, Any]]:
    first, *rest = [cells for _, cells in summary.rows]
    keys = distinct(["" if v is None else str(v) for v in first])
    return [dict(zip(keys, cells, strict=True)) for cells in rest]


def _write_xlsxwriter(path: Path, summary: _Summary, sheets: list[_Sheet]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        fmt = _Formats(book)
        _write_summary(book, fmt, summary)
        for sheet in sheets:
            _write_rows(book, fmt, sheet)
        book.close()
    except BaseException:
        # constant_memory keeps each sheet's rows in a temporary file that only a
        # successful close() closes: a failed write would leak one descriptor per sheet.
        for written in book.worksheets():
            handle = getattr(written, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()
        raise


class _Formats:
    def __init__(self, book: Any) -> None:
        self.header = book.add_format(
            {
                "bold": True,
                "bg_color": _HEADER_FILL,
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.money = book.add_format({"num_format": "#,##0"})
        self.date = book.add_format({"num_format": _DATE_FORMAT})
        self.text = book.add_format({"num_format": "@"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _write_rows(book: Any, fmt: _Formats, sheet: _Sheet) -> None:
    out = book.add_worksheet(sheet.title)
    by_kind = {"nik": fmt.text, "money": fmt.money, "messages": fmt.wrap, "": None}
    formats = [by_kind[kind] for kind in sheet.kinds]
    for j, (name, width) in enumerate(zip(sheet.headers, sheet.widths(), strict=True)):
        out.write_string(0, j, name, fmt.header)
        out.set_column(j, j, width, fmt.text if sheet.kinds[j] == "nik" else None)
    out.freeze_panes(1, 0)
    if sheet.headers:
        out.autofilter(0, 0, sheet.height, len(sheet.headers) - 1)
    for i, values in enumerate(sheet.rows(), start=1):
        for j, value in enumerate(values):
            if value is not None:
                _write_cell(out, fmt, i, j, value, formats[j])


def _write_cell(out: Any, fmt: _Formats, i: int, j: int, value: Any, cell_format: Any) -> None:
    if isinstance(value, str):
        out.write_string(i, j, value, cell_format)
    elif isinstance(value, bool):
        out.write_boolean(i, j, value, cell_format)
    elif isinstance(value, int | float):
        out.write_number(i, j, value, cell_format)
    else:
        out.write_datetime(i, j, value, fmt.date)


def _write_summary(book: Any, fmt: _Formats, summary: _Summary) -> None:
    sheet = book.add_worksheet(SUMMARY_SHEET)
    for j, width in enumerate(_SUMMARY_WIDTHS):
        sheet.set_column(j, j, width)
    sheet.write_string(0, 0, summary.title, fmt.title)
    for i, (style, cells) in enumerate(summary.rows, start=2):
        for j, value in enumerate(cells):
            if value is None:
                continue
            if style == "head":
                cell_format = fmt.header
            elif style and j == 0:
                cell_format = fmt.bold
            elif style == "money" and j == 1:
                cell_format = fmt.money
            else:
                cell_format = None
            _write_cell(sheet, fmt, i, j, value, cell_format)
