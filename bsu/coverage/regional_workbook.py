"""The regional coverage workbook, the arrears workbook and the trend chart, for a branch.

``write_regional_xlsx(report, path)``: sheets *Ringkasan* (the denominator, what is
missing, the totals and the trend chart), *Per Kabupaten-Kota*, *Per Provinsi*, *Tren*.
``write_arrears_xlsx(arrears, path)``: *Per Pemberi Kerja* and *Daftar Tunggakan* (the
account officer's call list: personal data, staff only). ``trend_png(report)``: coverage %
per province (per regency/city when the report holds two provinces or fewer) over the
snapshots; protected counts when there is no universe, and the title says so.

Each file is written to a temporary name and moved into place once complete
(``bsu.results.durable.atomic``); the formats are those of ``bsu.coverage.workbook``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from bsu.core.explain import format_date
from bsu.core.ruleset import Lang
from bsu.core.words import say
from bsu.coverage.regional import (
    EMPLOYER_COLUMNS,
    PROVINCE_COLUMNS,
    REGENCY_COLUMNS,
    TREND_COLUMNS,
    WORKER_COLUMNS,
    Arrears,
    RegionalReport,
)
from bsu.coverage.workbook import _Formats, _pct_text, _short
from bsu.results.durable import atomic
from bsu.values.numbers import count, percent

SUMMARY = "Ringkasan"
BY_REGENCY = "Per Kabupaten-Kota"
BY_PROVINCE = "Per Provinsi"
TREND = "Tren"
BY_EMPLOYER = "Per Pemberi Kerja"
CALL_LIST = "Daftar Tunggakan"
CHART_LINES = 8  # most lines in the chart: the regions with the most protected

_COUNTS = (
    "active_pu",
    "active_bpu",
    "active_jakon",
    "protected",
    "inactive",
    "universe_pu",
    "universe_bpu",
    "universe",
    "not_protected",
    "gap",
    "registered",
    "active",
    "arrears",
)
_TEXT = ("nik", "kpj", "phone", "employer_id", "province_code", "region_code", "code")
_WIDTHS = {
    "province": 22,
    "region": 30,
    "name": 28,
    "note": 48,
    "target_source": 30,
    "message": 70,
    "employer_name": 30,
    "why_text": 60,
    "email": 26,
    "nik": 20,
}
_LEVELS = {
    "regency": "regional_level_regency",
    "region": "regional_level_regency",
    "province": "regional_level_province",
    "national": "regional_level_national",
}
_BASES = {"imported": "regional_basis_imported", "summed": "regional_basis_summed"}
_STATUSES = {"active": "regional_status_active", "inactive": "regional_status_inactive"}
_WHY = {"inactive": "regional_why_code_inactive", "arrears": "regional_why_code_arrears"}


def labels(lang: Lang, columns: tuple[str, ...], person: bool = False) -> dict[str, str]:
    """Column headings (``regional_column_*``); ``person``: "name" is a worker's."""
    shown = {c: say(f"regional_column_{c}", lang) for c in columns if c != "name"}
    if "name" in columns:
        shown["name"] = say(
            "regional_column_name_worker" if person else "regional_column_name", lang
        )
    return shown


def write_regional_xlsx(report: RegionalReport, path: Path) -> None:
    """The regional workbook at ``path``, with the trend chart on its first sheet."""
    png = trend_png(report)
    lang = report.lang
    with atomic(path) as tmp:
        book = _book(tmp)
        fmt = _More(book)
        _write_summary(book, fmt, report, png)
        words = _value_words(lang)
        _write_table(book, fmt, BY_REGENCY, report.regencies, REGENCY_COLUMNS, lang, words)
        _write_table(book, fmt, BY_PROVINCE, report.provinces, PROVINCE_COLUMNS, lang, words)
        _write_table(book, fmt, TREND, report.trend, TREND_COLUMNS, lang, words)
        book.close()


def write_arrears_xlsx(arrears: Arrears, path: Path) -> None:
    """The arrears workbook at ``path``: per employer, and the call list by employer."""
    lang = arrears.lang
    with atomic(path) as tmp:
        book = _book(tmp)
        fmt = _More(book)
        words = _value_words(lang)
        _write_table(book, fmt, BY_EMPLOYER, arrears.employers, EMPLOYER_COLUMNS, lang, words)
        _write_table(
            book, fmt, CALL_LIST, arrears.workers, WORKER_COLUMNS, lang, words, person=True
        )
        book.close()


def _book(tmp: Path) -> Any:
    import xlsxwriter

    return xlsxwriter.Workbook(
        str(tmp),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )


class _More(_Formats):
    """The coverage workbook's formats, and a target's two decimals and a change's sign."""

    def __init__(self, book: Any) -> None:
        super().__init__(book)
        self.pct2 = book.add_format({"num_format": "0.00%"})
        self.change = book.add_format({"num_format": "+0.0;-0.0;0.0"})


def _value_words(lang: Lang) -> dict[str, dict[str, str]]:
    """Codes in cells shown as words: levels, universe bases, statuses, reasons."""
    return {
        "level": {k: say(v, lang) for k, v in _LEVELS.items()},
        "target_level": {k: say(v, lang) for k, v in _LEVELS.items()},
        "universe_basis": {k: say(v, lang) for k, v in _BASES.items()},
        "status": {k: say(v, lang) for k, v in _STATUSES.items()},
        "why": {k: say(v, lang) for k, v in _WHY.items()},
    }


def _write_table(
    book: Any,
    fmt: _More,
    title: str,
    table: pd.DataFrame,
    columns: tuple[str, ...],
    lang: Lang,
    words: Mapping[str, Mapping[str, str]],
    person: bool = False,
) -> None:
    """One table per sheet: header frozen, autofilter, codes as text, % as Excel percent."""
    sheet = book.add_worksheet(title)
    heading = labels(lang, columns, person)
    formats = {
        "coverage_pct": fmt.pct,
        "target_pct": fmt.pct2,
        "change_pct": fmt.change,
        **dict.fromkeys(_COUNTS, fmt.count),
        **dict.fromkeys(_TEXT, fmt.text),
    }
    for j, name in enumerate(columns):
        sheet.write_string(0, j, heading[name], fmt.header)
        width = _WIDTHS.get(name, max(11, min(len(heading[name]) + 2, 20)))
        sheet.set_column(j, j, width, formats.get(name))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(table), 1), len(columns) - 1)
    values = table.reindex(columns=list(columns)).astype(object)
    for name in ("coverage_pct", "target_pct"):
        if name in values:
            values[name] = table[name].astype(float) / 100  # Excel's percent is a fraction
    for name, shown in words.items():
        if name in values:
            values[name] = values[name].replace(dict(shown))
    for name in _TEXT:
        if name in values:
            cells = values[name]
            values[name] = cells.where(cells.isna(), cells.astype(str))
    values = values.astype(object)
    boxed = values.where(values.notna(), None)  # blank cells; NaN is no number Excel knows
    for i, row in enumerate(boxed.itertuples(index=False, name=None), start=1):
        sheet.write_row(i, 0, row)


def _write_summary(book: Any, fmt: _More, report: RegionalReport, png: bytes) -> None:
    """Title, dates, the denominator, what is missing, the totals; the chart to the right.
    Written top to bottom (the workbook streams rows)."""
    lang = report.lang
    sheet = book.add_worksheet(SUMMARY)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 5, 14)
    sheet.insert_image(
        0, 7, "trend.png", {"image_data": io.BytesIO(png), "x_scale": 0.7, "y_scale": 0.7}
    )
    sheet.write_string(0, 0, say("regional_workbook_title", lang), fmt.title)
    as_of = report.as_of
    meta = [
        (say("regional_workbook_year", lang), str(report.year)),
        (
            say("regional_workbook_as_of", lang),
            format_date(as_of, lang) if isinstance(as_of, dt.date) else "-",
        ),
        (say("regional_workbook_made", lang), dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
    ]
    row = 2
    for label, value in meta:
        sheet.write_string(row, 0, label, fmt.bold)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    sheet.write_string(row, 0, say("regional_workbook_denominator", lang), fmt.bold)
    row += 1
    sheet.set_row(row, 96)
    sheet.merge_range(row, 0, row, 5, report.denominator, fmt.wrap)
    row += 2
    sheet.write_string(row, 0, say("regional_workbook_missing", lang), fmt.bold)
    row += 1
    for line in report.missing or [say("regional_workbook_none", lang)]:
        sheet.set_row(row, 15 * max(1, len(line) // 95 + 1))
        sheet.merge_range(row, 0, row, 5, line, fmt.wrap)
        row += 1
    row += 1
    sheet.write_string(row, 0, say("regional_workbook_totals", lang), fmt.header)
    sheet.write_blank(row, 1, None, fmt.header)
    row += 1
    totals = report.totals
    shown: list[tuple[str, Any, Any]] = [
        (say(f"regional_column_{k}", lang), totals.get(k), fmt.count)
        for k in ("active_pu", "active_bpu", "active_jakon", "protected", "inactive")
    ]
    shown += [
        (say("regional_column_universe", lang), totals.get("universe"), fmt.count),
        (
            say("regional_total_protected_in_universe", lang),
            totals.get("protected_in_universe"),
            fmt.count,
        ),
        (say("regional_column_not_protected", lang), totals.get("not_protected"), fmt.count),
        (say("regional_column_coverage_pct", lang), _fraction(totals.get("coverage_pct")), fmt.pct),
        (say("regional_column_target_pct", lang), _fraction(totals.get("target_pct")), fmt.pct2),
        (say("regional_column_target_source", lang), totals.get("target_source"), None),
        (say("regional_column_gap", lang), totals.get("gap"), fmt.count),
        (say("regional_column_change_pct", lang), totals.get("change_pct"), fmt.change),
    ]
    for label, value, style in shown:
        sheet.write_string(row, 0, label)
        if isinstance(value, int | float):
            sheet.write_number(row, 1, value, style)
        elif value is not None:
            sheet.write_string(row, 1, str(value))
        else:
            sheet.write_string(row, 1, "-")
        row += 1


def _fraction(pct: Any) -> float | None:
    return None if pct is None else float(pct) / 100


# --- the chart ---------------------------------------------------------------------------


def trend_png(report: RegionalReport) -> bytes:
    """A line chart over the snapshots, as PNG bytes: coverage % per province (per
    regency/city with two provinces or fewer), the regions with the most protected when
    there are many; protected counts when there is no universe."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    lang = report.lang
    trend = report.trend
    figure = Figure(figsize=(10, 5.2), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    provinces = trend[trend["level"].eq("province")]
    regencies = trend[trend["level"].eq("regency")]
    level = "regency" if provinces["code"].nunique() <= 2 and len(regencies) else "province"
    lines = trend[trend["level"].eq(level)]
    as_pct = bool(report.has_universe and lines["coverage_pct"].notna().any())
    value = "coverage_pct" if as_pct else "protected"
    level_words = say(_LEVELS[level], lang)
    title = "regional_chart_title" if as_pct else "regional_chart_title_counts"
    figure.suptitle(say(title, lang, level=level_words), fontsize=12, fontweight="bold")
    if lines.empty:
        ax.text(0.5, 0.5, say("regional_chart_none", lang), ha="center", va="center")
        ax.set_axis_off()
        return _png(figure)
    if as_pct:
        lines = lines[lines["coverage_pct"].notna()]
    latest = lines[lines["as_of"].eq(lines["as_of"].max())]
    ranked = latest.sort_values(["protected", "code"], ascending=[False, True], kind="stable")
    codes = list(ranked["code"])
    chosen = codes[:CHART_LINES]
    if len(codes) > len(chosen):
        ax.set_title(
            say("regional_chart_top", lang, shown=len(chosen), total=len(codes)),
            fontsize=9,
            loc="left",
        )
    stamps = sorted(set(trend["as_of"]))
    for code in chosen:
        one = lines[lines["code"].eq(code)].sort_values("as_of")
        ax.plot(
            list(one["as_of"]),
            list(one[value].astype(float)),
            marker="o",
            linewidth=1.6,
            label=_short(str(one["name"].iloc[-1]), 34),
        )
        last = one.iloc[-1]
        shown = _pct_text(float(last[value]), lang) if as_pct else count(int(last[value]), lang)
        ax.annotate(
            shown,
            (last["as_of"], float(last[value])),
            fontsize=8,
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    if as_pct:
        nation = trend[trend["level"].eq("national") & trend["coverage_pct"].notna()]
        if len(nation):
            ax.plot(
                list(nation["as_of"]),
                list(nation["coverage_pct"].astype(float)),
                linestyle="--",
                color="#333333",
                linewidth=1.2,
                label=str(nation["name"].iloc[-1]),
            )
        target = report.totals.get("target_pct")
        if target is not None:
            ax.axhline(
                float(target),
                color="#c62828",
                linestyle=":",
                linewidth=1.0,
                label=say("regional_chart_target", lang, pct=percent(float(target), lang, 2)),
            )
        ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
        ax.set_ylim(bottom=0)
        ax.set_ylabel(say("regional_chart_y_pct", lang))
    else:
        ax.set_ylim(bottom=0)
        ax.set_ylabel(say("regional_chart_y_counts", lang))
    ax.set_xticks(stamps, labels=[s.isoformat() for s in stamps], fontsize=8)
    ax.set_xlabel(say("regional_chart_x", lang))
    ax.grid(color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return _png(figure)


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
