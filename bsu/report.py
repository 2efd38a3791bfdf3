"""Results for people and programs: the result workbook, CSV and JSON.

Writers take the decisions and their explanation and know nothing of the rules beyond
what those carry. Files are written to a temporary name and renamed into place, so a
failed run never leaves a half-written result behind.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import pandas as pd

from bsu.engine import Decisions
from bsu.explain import Explanation, explain
from bsu.reasons import STATUS_LABELS, ReasonCode, Status
from bsu.roster import Roster
from bsu.ruleset import Lang
from bsu.text import as_text

SHEETS = {
    Status.ELIGIBLE: "Layak",
    Status.INELIGIBLE: "Tidak Layak",
    Status.REVIEW: "Perlu Perbaikan",
}
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
    """Every cell as the text a person typed: 3200000, not 3200000.0; a NIK keeps its digits."""
    table = result.table().apply(as_text).apply(neutralise)
    if isinstance(out, Path):
        with atomic(out) as tmp:
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
    else:
        table.to_csv(out, index=False)


_FORMULA_START = r"^[=+\-@\t\r\n]"
_PLAIN_NUMBER = r"-?[0-9]+(?:[.,][0-9]+)*"


def neutralise(cells: pd.Series) -> pd.Series:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR, LF first) gets a
    leading apostrophe (OWASP CSV injection); a plain negative number stays as it is."""
    risky = cells.str.match(_FORMULA_START).fillna(False) & ~cells.str.fullmatch(
        _PLAIN_NUMBER
    ).fillna(False)
    return cells.where(~risky, "'" + cells)


# --- xlsx --------------------------------------------------------------------------------


def write_xlsx(result: Result, path: Path) -> None:
    """The workbook an employer works from: a summary, then one sheet per status."""
    import xlsxwriter

    table = result.table()
    status = result.decisions.frame["status"]
    nik_columns = result.nik_columns()
    with atomic(path) as tmp:
        book = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        fmt = _Formats(book)
        _write_summary(book, fmt, result)
        for s, title in SHEETS.items():
            _write_rows(book, fmt, title, table[status.eq(s.value).to_numpy()], nik_columns)
        book.close()


class _Formats:
    def __init__(self, book: Any) -> None:
        self.header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.money = book.add_format({"num_format": "#,##0"})
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})
        self.text = book.add_format({"num_format": "@"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _write_rows(
    book: Any, fmt: _Formats, title: str, table: pd.DataFrame, nik_columns: set[str]
) -> None:
    sheet = book.add_worksheet(title)
    columns = list(table.columns)
    money = {
        HEADERS["id"]["wage_cap"],
        HEADERS["id"]["benefit"],
        HEADERS["en"]["wage_cap"],
        HEADERS["en"]["benefit"],
    }
    messages = {HEADERS["id"]["messages"], HEADERS["en"]["messages"]}
    for j, name in enumerate(columns):
        sheet.write_string(0, j, str(name), fmt.header)
        width = min(max(len(str(name)) + 2, 12), 60)
        if name in messages:
            width = 80
        cell_format = fmt.text if name in nik_columns else None
        sheet.set_column(j, j, width, cell_format)
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, max(len(table), 1), len(columns) - 1)
    for i, values in enumerate(table.itertuples(index=False, name=None), start=1):
        for j, value in enumerate(values):
            name = columns[j]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if name in nik_columns:
                sheet.write_string(i, j, _nik_text(value), fmt.text)
            elif isinstance(value, bool):
                sheet.write_boolean(i, j, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(i, j, value, fmt.money if name in money else None)
            elif isinstance(value, (dt.date, dt.datetime)):
                sheet.write_datetime(i, j, value, fmt.date)
            elif name in messages:
                sheet.write_string(i, j, str(value), fmt.wrap)
            else:
                sheet.write_string(i, j, str(value))


def _nik_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _write_summary(book: Any, fmt: _Formats, result: Result) -> None:
    en = result.lang == "en"
    rules = result.decisions.ruleset
    sheet = book.add_worksheet("Ringkasan")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 90)
    sheet.write_string(0, 0, rules.spec.title.in_(result.lang), fmt.title)
    lines: list[tuple[str, Any]] = [
        ("Rule set" if en else "Aturan", f"{rules.id} (versi {rules.version})"),
        (
            "Legal basis" if en else "Dasar hukum",
            "; ".join(b.short for b in rules.spec.legal_basis),
        ),
        ("Checked at" if en else "Diperiksa pada", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
    ]
    row = 2
    for label, value in lines:
        sheet.write_string(row, 0, label, fmt.bold)
        sheet.write_string(row, 1, str(value))
        row += 1
    row += 1
    summary = result.summary()
    sheet.write_string(row, 0, "Status", fmt.header)
    sheet.write_string(row, 1, "Workers" if en else "Jumlah pekerja", fmt.header)
    row += 1
    for s in Status:
        sheet.write_string(row, 0, STATUS_LABELS[s][result.lang])
        sheet.write_number(row, 1, summary[s.value])
        row += 1
    sheet.write_string(row, 0, "Total", fmt.bold)
    sheet.write_number(row, 1, summary["total"])
    row += 1
    sheet.write_string(row, 0, "Total benefit (Rp)" if en else "Total bantuan (Rp)", fmt.bold)
    sheet.write_number(row, 1, summary["benefit_total"], fmt.money)
    row += 2
    sheet.write_string(row, 0, "Reason" if en else "Alasan", fmt.header)
    sheet.write_string(row, 1, "Rows" if en else "Jumlah baris", fmt.header)
    sheet.write_string(row, 2, "Citation" if en else "Dasar hukum", fmt.header)
    row += 1
    for code, n in result.reason_counts():
        sheet.write_string(row, 0, code.value)
        sheet.write_number(row, 1, n)
        sheet.write_string(row, 2, rules.reason(code).citation)
        row += 1
    row += 1
    sheet.write_string(row, 0, "Files read" if en else "Berkas dibaca", fmt.header)
    sheet.write_string(row, 1, "Header row" if en else "Baris judul", fmt.header)
    sheet.write_string(row, 2, "Rows" if en else "Jumlah baris", fmt.header)
    row += 1
    for read in result.roster.sheets:
        place = read.source if read.sheet is None else f"{read.source} ({read.sheet})"
        sheet.write_string(row, 0, place)
        sheet.write_number(row, 1, read.header_row)
        sheet.write_number(row, 2, read.rows)
        row += 1


@contextmanager
def atomic(path: Path) -> Iterator[Path]:  # shared by the other writers
    """Write to a temporary file beside ``path`` and move it into place only on success."""
    path = path.resolve()
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=path.suffix or ".tmp", dir=path.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)  # mkstemp makes 0600; a result is an ordinary file
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
