"""``bsu coverage --registry``: regional coverage (Universal Coverage Jamsostek) from the
store alone, no rosters: per regency/city and province against the imported universe and
targets, the trend over the registry snapshots, and the arrears per employer.

The figures come from ``bsu.service.coverage_report`` (as for the API and the staff
page); this module only prints them (Rich tables, or ``--format json``) and writes the
files of ``--out F.xlsx``: ``F.xlsx`` (the regional workbook), ``F-tunggakan.xlsx`` (the
arrears workbook with the call list: personal data) and ``F-chart.png`` (the trend).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from rich.markup import escape
from rich.table import Table

from bsu.cli.common import chosen_ruleset, fail, out, write_failed
from bsu.cli.evidence import store_engine
from bsu.core.explain import format_date
from bsu.core.ruleset import Lang
from bsu.core.words import both, say
from bsu.coverage.regional import Arrears, RegionalReport
from bsu.errors import BsuError
from bsu.service import coverage_report
from bsu.service.settings import Settings
from bsu.values.numbers import count, percent

TOP_ARREARS = 10  # employers shown on screen; the workbook holds all


def arrears_path(path: Path) -> Path:
    """Where the arrears workbook of ``--out F.xlsx`` goes: ``F-tunggakan.xlsx``."""
    return path.with_name(f"{path.stem}-tunggakan.xlsx")


def chart_path(path: Path) -> Path:
    """Where the trend chart of ``--out F.xlsx`` goes: ``F-chart.png`` (as ``bsu coverage
    ROSTER --out`` names its chart)."""
    from bsu.coverage.workbook import chart_path as beside

    return beside(path)


def registry_report(
    settings: Settings,
    rosters_given: bool,
    rules: str | None,
    year: int | None,
    months: int | None,
    out_path: Path | None,
    fmt: str,
    lang: Lang,
) -> None:
    """Print the regional report and the arrears; write the files of ``out_path``."""
    try:
        if rosters_given:
            raise BsuError(*both("regional_cli_rosters_and_registry"))
        if out_path is not None and out_path.suffix.lower() != ".xlsx":
            raise BsuError(*both("cli_coverage_out_suffix", suffix=out_path.suffix))
        ruleset = chosen_ruleset(rules, settings)
        engine = store_engine(settings, create=False)  # asking creates no store
        if engine is None:
            raise coverage_report.registry_needed()
        try:
            report = coverage_report.regional_report(engine, ruleset, year, lang)
            owed = coverage_report.arrears_report(
                engine, ruleset, settings.arrears_months if months is None else months, lang
            )
        finally:
            engine.dispose()
        if out_path is not None:
            _write(report, owed, out_path)
    except BsuError as error:
        raise fail(error) from None

    if fmt == "json":
        doc = {**report.to_json(), "arrears": owed.to_json(with_workers=False)}
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    _print(report, owed, out_path)


def _write(report: RegionalReport, owed: Arrears, path: Path) -> None:
    from bsu.coverage.regional_workbook import trend_png, write_arrears_xlsx, write_regional_xlsx
    from bsu.results.durable import atomic

    target = path
    try:
        write_regional_xlsx(report, path)
        target = arrears_path(path)
        write_arrears_xlsx(owed, target)
        target = chart_path(path)
        with atomic(target) as tmp:
            tmp.write_bytes(trend_png(report))
    except OSError as exc:
        raise write_failed(target, exc) from exc


def _print(report: RegionalReport, owed: Arrears, path: Path | None) -> None:
    lang = report.lang
    totals = report.totals
    jakon = bool(totals["jakon_in_extract"] or totals["active_jakon"])
    as_of = format_date(report.as_of, lang)
    # A narrow terminal cannot show thirteen columns: the key figures only, and where the
    # rest is (the workbook, JSON), rather than columns squeezed to nothing.
    compact = out.width < WIDE
    figures = COMPACT if compact else _keys(jakon)

    regencies = Table(title=say("regional_cli_regencies", lang, year=report.year, as_of=as_of))
    if not compact:
        regencies.add_column(say("regional_short_province", lang), overflow="fold")
    regencies.add_column(say("regional_short_region", lang), overflow="fold", min_width=12)
    _add_figures(regencies, lang, figures)
    for record in report.regencies.to_dict("records"):
        names = (escape(str(record["province"])), escape(str(record["region"])))
        regencies.add_row(*names[compact:], *_figures(record, lang, figures))
    out.print(regencies)

    provinces = Table(title=say("regional_cli_provinces", lang))
    provinces.add_column(say("regional_short_province", lang), overflow="fold", min_width=12)
    _add_figures(provinces, lang, figures)
    for record in report.provinces.to_dict("records"):
        provinces.add_row(escape(str(record["province"])), *_figures(record, lang, figures))
    total = {**totals, "note": None}
    row = _figures(total, lang, figures)
    provinces.add_row(say("regional_cli_total", lang), *row, style="bold")
    out.print(provinces)
    if compact:
        out.print(f"[dim]{say('regional_cli_compact', lang)}[/]")

    out.print(f"[dim]{escape(report.denominator)}[/]")
    for line in report.missing:
        out.print(f"[yellow]![/] {escape(line)}")
    _print_trend(report)
    _print_arrears(owed)
    if path is None:
        out.print(f"[dim]{say('regional_cli_hint', lang)}[/]")
    else:
        out.print(
            say(
                "regional_cli_written",
                lang,
                path=path,
                arrears=arrears_path(path).name,
                chart=chart_path(path).name,
            )
        )


WIDE = 150  # terminal columns the full tables need
COMPACT = ("protected", "universe", "coverage", "target", "gap")


def _keys(jakon: bool) -> tuple[str, ...]:
    return (
        *("pu", "bpu", *(["jakon"] if jakon else []), "protected", "universe"),
        *("not_protected", "coverage", "target", "gap", "change"),
    )


def _add_figures(table: Table, lang: Lang, keys: tuple[str, ...]) -> None:
    for key in keys:
        table.add_column(say(f"regional_short_{key}", lang), justify="right", no_wrap=True)
    table.add_column(say("regional_short_note", lang), overflow="fold")


def _figures(record: Mapping[Any, Any], lang: Lang, keys: tuple[str, ...]) -> list[str]:
    """One row's figures as shown (``keys``): counts, percentages, "-" where none."""
    change = _number(record.get("change_pct"))
    shown = {
        "pu": lambda: _count(record.get("active_pu"), lang),
        "bpu": lambda: _count(record.get("active_bpu"), lang),
        "jakon": lambda: _count(record.get("active_jakon"), lang),
        "protected": lambda: _count(record.get("protected"), lang),
        "universe": lambda: _count(record.get("universe"), lang),
        "not_protected": lambda: _count(record.get("not_protected"), lang),
        "coverage": lambda: _pct(record.get("coverage_pct"), lang),
        "target": lambda: _pct(record.get("target_pct"), lang, 2),
        "gap": lambda: _count(record.get("gap"), lang),
        "change": lambda: "-" if change is None else f"{change:+.1f}".replace(".", _decimal(lang)),
    }
    note = record.get("note")
    return [shown[k]() for k in keys] + [escape(note) if isinstance(note, str) else ""]


def _print_trend(report: RegionalReport) -> None:
    """Provinces (and the nation) down, snapshots across: coverage %, or protected
    counts without a universe."""
    lang = report.lang
    trend = report.trend
    rows = trend[trend["level"].isin(["national", "province"])]
    if rows.empty:
        return
    as_pct = report.has_universe
    value = "coverage_pct" if as_pct else "protected"
    # Unstacked, not pivoted: a province without a universe keeps its row ("-").
    wide = rows.set_index(["level", "code", "name", "as_of"])[value].unstack("as_of")
    wide = wide.reindex(
        sorted(wide.index, key=lambda k: (k[0] != "national", k[1]))
    )  # the nation first
    table = Table(title=say("regional_cli_trend" if as_pct else "regional_cli_trend_counts", lang))
    table.add_column(say("regional_short_province", lang), overflow="fold")
    for stamp in wide.columns:
        table.add_column(str(stamp), justify="right", no_wrap=True)
    names = [str(key[2]) for key in wide.index]
    for name, values in zip(names, wide.to_numpy(dtype=object).tolist(), strict=True):
        shown = [_pct(v, lang) if as_pct else _count(v, lang) for v in values]
        table.add_row(escape(name), *shown)
    out.print(table)


def _print_arrears(owed: Arrears) -> None:
    lang = owed.lang
    firms = owed.employers
    flagged = firms[firms["inactive"].gt(0) | firms["arrears"].gt(0)]
    if flagged.empty:
        out.print(say("regional_cli_no_arrears", lang))
        return
    ranked = flagged.sort_values(
        ["inactive", "arrears", "employer_id"], ascending=[False, False, True], kind="stable"
    ).head(TOP_ARREARS)
    table = Table(
        title=say(
            "regional_cli_arrears", lang, months=owed.months, shown=len(ranked), total=len(flagged)
        )
    )
    table.add_column("NPP", no_wrap=True)
    table.add_column(say("regional_short_employer", lang), overflow="fold")
    for key in ("registered", "inactive", "arrears"):
        table.add_column(say(f"regional_short_{key}", lang), justify="right", no_wrap=True)
    table.add_column(say("regional_short_note", lang), overflow="fold")
    for record in ranked.to_dict("records"):
        table.add_row(
            escape(str(record["employer_id"] or "")),
            escape(str(record["employer_name"] or "")),
            *(_count(record[k], lang) for k in ("registered", "inactive", "arrears")),
            escape(str(record["message"])),
        )
    out.print(table)


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA or isinstance(value, str):
        return None
    number = float(value)
    return None if number != number else number  # NaN


def _count(value: Any, lang: Lang) -> str:
    number = _number(value)
    return "-" if number is None else count(round(number), lang)


def _pct(value: Any, lang: Lang, decimals: int = 1) -> str:
    number = _number(value)
    return "-" if number is None else percent(number, lang, decimals)


def _decimal(lang: Lang) -> str:
    """The decimal mark of ``lang``: the one ``percent`` writes."""
    return percent(0.5, lang)[1]
