"""The coverage workbook and its chart, for a regional office.

``write_xlsx(coverage, path)`` writes the workbook (sheets *Ringkasan*, *Per Pemberi
Kerja*, *Per Wilayah*, *Daftar Jangkauan*) and, beside it, ``<stem>-chart.png``: coverage %
per employer and per region, also shown on the *Ringkasan* sheet. Both files are written
to temporary names and moved into place only when both are complete.

*Per Pemberi Kerja* names each employer by NPP and company name, and says in words how it
was identified. *Daftar Jangkauan* (the outreach list: full NIKs, phones and e-mails, for
branch staff) has the employer in its first column, sorted, so that staff filter one
employer's workers in Excel. ``write_outreach_csv(coverage, path)`` writes the same list
as CSV (UTF-8 with a BOM, so that Excel opens it as such; headings in the report's
language).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd

from bsu.core.ruleset import Lang
from bsu.core.words import say
from bsu.coverage.compute import (
    COUNTS,
    EMPLOYER_COLUMNS,
    LABELS,
    OUTREACH_COLUMNS,
    PROVINCE_COLUMNS,
    REGION_COLUMNS,
    Coverage,
)
from bsu.coverage.employers import BASES
from bsu.results.csv import write_table
from bsu.results.durable import atomic
from bsu.values.numbers import count, percent

SUMMARY = "Ringkasan"
BY_EMPLOYER = "Per Pemberi Kerja"
BY_REGION = "Per Wilayah"
OUTREACH = "Daftar Jangkauan"
CHART_BARS = 25  # most bars per panel: the lowest coverage first, where outreach is needed


def chart_path(path: Path) -> Path:
    """Where the chart of a workbook goes: ``<stem>-chart.png`` beside it."""
    return path.with_name(f"{path.stem}-chart.png")


def write_xlsx(coverage: Coverage, path: Path) -> None:
    """The workbook at ``path`` and its chart at ``chart_path(path)``, atomically."""
    import xlsxwriter

    png = chart_png(coverage)
    with atomic(chart_path(path)) as tmp_png, atomic(path) as tmp:
        tmp_png.write_bytes(png)
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
        _write_summary(book, fmt, coverage, png)
        lang = coverage.lang
        _write_table(book, fmt, BY_EMPLOYER, coverage.by_employer, EMPLOYER_COLUMNS, lang)
        _write_table(book, fmt, BY_REGION, coverage.by_region, REGION_COLUMNS, lang)
        _write_table(book, fmt, OUTREACH, coverage.outreach, OUTREACH_COLUMNS, lang)
        book.close()


class _Formats:
    def __init__(self, book: Any) -> None:
        self.header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.count = book.add_format({"num_format": "#,##0"})
        self.pct = book.add_format({"num_format": "0.0%"})
        self.bold_pct = book.add_format({"num_format": "0.0%", "bold": True})
        self.text = book.add_format({"num_format": "@"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


_WIDTHS = {
    "employer": 34,
    "province": 24,
    "region": 34,
    "region_raw": 24,
    "nik": 20,
    "name": 28,
    "source": 26,
    "why_text": 40,
    "why": 16,
    "employer_name": 30,
    "basis": 30,
    "npp": 16,
    "status": 22,
    "last_paid_month": 16,
    "phone": 18,
    "email": 28,
}
# Columns written as text whatever they hold: a NIK, an NPP or a phone is no number.
_TEXT_COLUMNS = ("nik", "npp", "phone")


def _write_table(
    book: Any,
    fmt: _Formats,
    title: str,
    table: pd.DataFrame,
    columns: tuple[str, ...],
    lang: Lang,
) -> None:
    """One table per sheet: header frozen, autofilter, NIK as text, % as Excel percent."""
    labels = LABELS[lang]
    sheet = book.add_worksheet(title)
    columns = _shown(table, columns)
    formats = {
        **dict.fromkeys(_TEXT_COLUMNS, fmt.text),
        "coverage_pct": fmt.pct,
        **dict.fromkeys(COUNTS, fmt.count),
    }
    for j, name in enumerate(columns):
        sheet.write_string(0, j, labels[name], fmt.header)
        width = _WIDTHS.get(name, max(12, min(len(labels[name]) + 2, 22)))
        # A cell written without a format takes its column's: NIK as text, % as percent.
        sheet.set_column(j, j, width, formats.get(name))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(table), 1), len(columns) - 1)
    values = table[list(columns)].copy()
    if "coverage_pct" in values:
        values["coverage_pct"] = values["coverage_pct"] / 100  # Excel's percent is a fraction
    for name in _TEXT_COLUMNS:
        if name in values:
            values[name] = (
                values[name].astype(object).where(values[name].isna(), values[name].astype(str))
            )
    if "basis" in values:
        values["basis"] = _basis_words(values["basis"], lang)
    boxed = values.astype(object)
    boxed = boxed.where(boxed.notna(), None)  # blank cells; NaN is no number Excel knows
    # write_row types each value: str as text (strings_to_numbers is off), numbers as numbers.
    for i, row in enumerate(boxed.itertuples(index=False, name=None), start=1):
        sheet.write_row(i, 0, row)


def _basis_words(basis: pd.Series, lang: Lang) -> pd.Series:
    """How each employer was identified, in words (``employers_basis_*``)."""
    words = {b: say(f"employers_basis_{b}", lang) for b in BASES}
    return basis.map(words).astype(object)


def outreach_table(coverage: Coverage) -> pd.DataFrame:
    """The outreach list as its CSV shows it: the sheet's columns, headed in the report's
    language (the sheet column a CSV roster never has is left out, as on the sheet)."""
    columns = _shown(coverage.outreach, OUTREACH_COLUMNS)
    labels = LABELS[coverage.lang]
    table = coverage.outreach[list(columns)]
    return table.set_axis([labels[c] for c in columns], axis=1)


def write_outreach_csv(coverage: Coverage, path: Path) -> None:
    """The outreach list as CSV at ``path``, atomically: UTF-8 with a BOM (Excel then reads
    it as UTF-8), the cells as typed (a NIK keeps its 16 digits), no cell Excel would run
    as a formula (``bsu.results.csv``)."""
    write_table(outreach_table(coverage), path)


def _shown(table: pd.DataFrame, columns: tuple[str, ...]) -> tuple[str, ...]:
    if "sheet" in columns and table["sheet"].isna().all():
        return tuple(c for c in columns if c != "sheet")  # CSV rosters have no sheets
    return columns


def _write_summary(book: Any, fmt: _Formats, coverage: Coverage, png: bytes) -> None:
    """Totals, the definition of the percentage, totals per province, and the chart.

    Written top to bottom (the workbook streams rows); the chart sits to the right."""
    lang = coverage.lang
    labels = LABELS[lang]
    totals = coverage.totals
    sheet = book.add_worksheet(SUMMARY)
    sheet.set_column(0, 0, 38)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, len(PROVINCE_COLUMNS), 14)
    sheet.insert_image(
        0,
        len(PROVINCE_COLUMNS) + 1,
        "coverage-chart.png",
        {"image_data": io.BytesIO(png), "x_scale": 0.75, "y_scale": 0.75},
    )
    sheet.write_string(0, 0, say("coverage_workbook_title", lang), fmt.title)
    rules = coverage.ruleset
    version = f"{say('coverage_workbook_version', lang)} {rules.get('version', '')}"
    meta = [
        (say("rule_set", lang), f"{rules.get('id', '')} ({version})"),
        (say("coverage_workbook_registry", lang), ", ".join(coverage.registry) or "-"),
        (say("coverage_workbook_made", lang), dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
    ]
    row = 2
    for label, value in meta:
        sheet.write_string(row, 0, label, fmt.bold)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    sheet.write_string(row, 0, say("coverage_workbook_total", lang), fmt.header)
    sheet.write_blank(row, 1, None, fmt.header)
    row += 1
    for key in ("employers", *COUNTS, "outreach"):
        sheet.write_string(row, 0, labels[key])
        sheet.write_number(row, 1, int(totals[key]), fmt.count)
        row += 1
    sheet.write_string(row, 0, labels["coverage_pct"], fmt.bold)
    pct = totals.get("coverage_pct")
    if pct is not None:
        sheet.write_number(row, 1, float(pct) / 100, fmt.bold_pct)
    row += 2
    sheet.write_string(row, 0, say("coverage_workbook_definition", lang), fmt.bold)
    row += 1
    sheet.set_row(row, 78)
    sheet.merge_range(row, 0, row, len(PROVINCE_COLUMNS) - 1, coverage.definition, fmt.wrap)
    row += 2
    sheet.write_string(row, 0, say("coverage_workbook_by_province", lang), fmt.bold)
    row += 1
    for j, name in enumerate(PROVINCE_COLUMNS):
        sheet.write_string(row, j, labels[name], fmt.header)
    row += 1
    for values in coverage.by_province[list(PROVINCE_COLUMNS)].itertuples(index=False, name=None):
        for j, value in enumerate(values):
            name = PROVINCE_COLUMNS[j]
            if _blank(value):
                continue
            if name == "coverage_pct":
                sheet.write_number(row, j, float(value) / 100, fmt.pct)
            elif name in COUNTS:
                sheet.write_number(row, j, int(value), fmt.count)
            else:
                sheet.write_string(row, j, str(value))
        row += 1


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


# --- the chart ---------------------------------------------------------------------------


def chart_png(coverage: Coverage) -> bytes:
    """Coverage % per employer and per region as horizontal bars, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    lang = coverage.lang
    employers = _bars(coverage.by_employer, coverage.by_employer["employer"])
    regions = _bars(coverage.by_region, coverage.by_region["region"])
    heights = [max(len(employers[0]), 2), max(len(regions[0]), 2)]
    figure = Figure(figsize=(10, 2.2 + 0.34 * sum(heights)), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(2, 1, gridspec_kw={"height_ratios": heights})
    totals = coverage.totals
    pct = totals.get("coverage_pct")
    figure.suptitle(
        say(
            "coverage_chart_title",
            lang,
            pct=_pct_text(pct, lang),
            active=count(totals["active"], lang),
            workers=count(totals["workers"], lang),
        ),
        fontsize=12,
        fontweight="bold",
    )
    panels = (
        (axes[0], employers, len(coverage.by_employer), say("coverage_chart_employer", lang)),
        (axes[1], regions, len(coverage.by_region), say("coverage_chart_region", lang)),
    )
    for ax, (names, values, notes), total, title in panels:
        shown = len(names)
        scope = (
            say("coverage_chart_all", lang)
            if shown == total
            else say("coverage_chart_lowest", lang, shown=shown, total=total)
        )
        ax.set_title(f"{title} ({scope})", fontsize=10, loc="left")
        ax.set_xlim(0, 100)
        ax.set_xlabel(say("coverage_chart_x", lang), fontsize=9)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        if not shown:
            ax.text(
                50, 0.5, say("coverage_chart_none", lang), ha="center", va="center", color="#666666"
            )
            ax.set_yticks([])
            continue
        positions = list(range(shown))
        colours = [_colour(v) for v in values]
        ax.barh(positions, values, color=colours, height=0.65)
        ax.set_yticks(positions, labels=[_short(n) for n in names], fontsize=9)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(PercentFormatter(100, decimals=0))
        if pct is not None:
            ax.axvline(
                float(pct),
                color="#333333",
                linestyle="--",
                linewidth=0.8,
                label=say("coverage_chart_overall", lang, pct=_pct_text(pct, lang)),
            )
            ax.legend(loc="best", fontsize=8, framealpha=0.9)
        for y, (v, note) in enumerate(zip(values, notes, strict=True)):
            inside = v > 80
            ax.text(
                v - 1 if inside else v + 1,
                y,
                f"{_pct_text(v, lang)} {note}",
                va="center",
                ha="right" if inside else "left",
                fontsize=8,
                color="white" if inside else "#222222",
            )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _bars(table: pd.DataFrame, names: pd.Series) -> tuple[list[str], list[float], list[str]]:
    """The bars of one panel: at most ``CHART_BARS``, lowest coverage first when cut."""
    frame = pd.DataFrame(
        {
            "name": names.astype(str).to_numpy(),
            "pct": table["coverage_pct"].fillna(0.0).astype(float).to_numpy(),
            "note": (
                "(" + table["active"].astype(str) + "/" + table["workers"].astype(str) + ")"
            ).to_numpy(),
        }
    )
    if len(frame) > CHART_BARS:
        frame = frame.sort_values("pct", kind="stable").head(CHART_BARS)
    return list(frame["name"]), list(frame["pct"]), list(frame["note"])


def _colour(pct: float) -> str:
    if pct >= 80:
        return "#2e7d32"
    if pct >= 50:
        return "#f9a825"
    return "#c62828"


def _short(name: str, limit: int = 42) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _pct_text(value: float | None, lang: Lang) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return percent(float(value), lang)
