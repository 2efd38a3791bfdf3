"""``bsu coverage``: coverage (Universal Coverage Jamsostek) of rosters against the
participant registry in the store, per employer and per work region, with the outreach
list of workers not yet protected.

Coverage % = registered and active ÷ workers on the rosters (see ``bsu.coverage.compute``).

The rosters are the group's callback's arguments (Typer turns a callback into a group);
``allow_interspersed_args`` lets options follow the files (``bsu coverage a.csv --out
c.xlsx``) and an empty ``subcommand_metavar`` keeps ``COMMAND`` out of the usage. The
subcommands ``import-universe`` and ``import-targets`` (``bsu.cli.coverage_imports``) run
when named first (``RostersOrCommand``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from bsu.cli.common import (
    Language,
    MapOption,
    chosen_ruleset,
    expand,
    fail,
    lang_of,
    out,
    write_failed,
)
from bsu.cli.coverage_imports import RostersOrCommand, import_targets, import_universe
from bsu.cli.evidence import evidence_for
from bsu.core.ruleset import Lang
from bsu.core.words import both, say
from bsu.coverage import compute as cov
from bsu.errors import BsuError
from bsu.rosters import sandbox
from bsu.rosters.reading import parse_mapping
from bsu.service import pipeline
from bsu.service.settings import Settings
from bsu.values.numbers import percent

coverage_app = typer.Typer(
    cls=RostersOrCommand,
    no_args_is_help=True,
    add_completion=False,
    subcommand_metavar="",
    context_settings={"allow_interspersed_args": True},
)
coverage_app.command("import-universe")(import_universe)
coverage_app.command("import-targets")(import_targets)


class Format(StrEnum):
    table = "table"
    json = "json"


@coverage_app.callback(invoke_without_command=True)
def coverage(
    rosters: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Roster .xlsx / .xlsm / .csv, atau folder berisi roster (tanpa --registry).",
            show_default=False,
        ),
    ] = None,
    rules: Annotated[str | None, typer.Option("--rules", help="Aturan, mis. bsu-2025.")] = None,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", help="Tulis buku kerja .xlsx (dan grafik <nama>-chart.png)."),
    ] = None,
    outreach_path: Annotated[
        Path | None,
        typer.Option(
            "--outreach",
            help="Tulis daftar jangkauan .csv (NIK lengkap, NPP, status, iuran terakhir, kontak).",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Keluaran di layar.")] = Format.table,
    lang: Annotated[Language | None, typer.Option("--lang", help="Bahasa: id / en.")] = None,
    mapping: MapOption = None,
    registry: Annotated[
        bool,
        typer.Option(
            "--registry",
            help="Cakupan per kabupaten/kota dan provinsi dari data peserta saja (UCJ), "
            "dengan tren dan tunggakan; tanpa roster.",
        ),
    ] = False,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Tahun target (--registry); bawaan: tahun data terakhir."),
    ] = None,
    months: Annotated[
        int | None,
        typer.Option("--months", help="Tunggakan: iuran terakhir lebih dari N bulan (--registry)."),
    ] = None,
) -> None:
    """Cakupan kepesertaan per pemberi kerja dan wilayah. / Coverage per employer and region.

    Cakupan = terdaftar & aktif ÷ pekerja di roster. Perlu data peserta: bsu registry import.

    Coverage = registered & active ÷ workers on the rosters. Needs: bsu registry import.

    --out (.xlsx) dan --outreach (.csv) menulis daftar jangkauan (NIK lengkap, kontak).
    / --out (.xlsx) and --outreach (.csv) write the outreach list (full NIKs, contacts).

    --registry: cakupan wilayah (peserta aktif PU + BPU ÷ semesta), target, tren, tunggakan.
    / regional coverage (active PU + BPU ÷ universe), targets, trend, arrears.
    """
    settings = Settings()
    language: Lang = lang_of(lang, settings)
    if registry:
        from bsu.cli.coverage_registry import registry_report

        given = bool(rosters or mapping or outreach_path)
        registry_report(settings, given, rules, year, months, out_path, fmt.value, language)
        return
    try:
        if year is not None or months is not None:
            raise BsuError(*both("regional_cli_registry_only"))
        if not rosters:
            raise BsuError(*both("regional_cli_nothing"))
        if out_path is not None and out_path.suffix.lower() != ".xlsx":
            raise BsuError(*both("cli_coverage_out_suffix", suffix=out_path.suffix))
        if outreach_path is not None and outreach_path.suffix.lower() != ".csv":
            raise BsuError(*both("cli_coverage_outreach_suffix", suffix=outreach_path.suffix))
        options = parse_mapping(mapping or [])
        ruleset = chosen_ruleset(rules, settings)
        files = expand(rosters, skip=out_path)
        if outreach_path is not None:  # an earlier run's list is no roster
            files = [p for p in files if p.resolve() != outreach_path.resolve()]
        checked = pipeline.check_files(
            files,
            ruleset,
            lambda _records, niks: evidence_for(settings, niks.tolist),
            budget=sandbox.Budget.of(settings),
            options=options,
        )
        if checked.decisions.evidence.registry is None:
            raise cov.registry_missing()
        result = cov.compute(checked.decisions, language)
        if out_path is not None:
            _write(result, out_path)
        if outreach_path is not None:
            _write_outreach(result, outreach_path)
    except BsuError as error:
        raise fail(error) from None

    if fmt is Format.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print(result, out_path)
        if outreach_path is not None:
            reach = f"{int(result.totals['outreach']):,}"
            out.print(
                say("cli_coverage_outreach_written", language, count=reach, path=outreach_path)
            )


def _write(result: cov.Coverage, path: Path) -> None:
    from bsu.coverage.workbook import write_xlsx

    try:
        write_xlsx(result, path)
    except OSError as exc:
        raise write_failed(path, exc) from exc


def _write_outreach(result: cov.Coverage, path: Path) -> None:
    from bsu.coverage.workbook import write_outreach_csv

    try:
        write_outreach_csv(result, path)
    except OSError as exc:
        raise write_failed(path, exc) from exc


def _print(result: cov.Coverage, path: Path | None) -> None:
    lang = result.lang
    labels = cov.LABELS[lang]
    employers = Table(title=say("cli_coverage_by_employer", lang))
    employers.add_column(say("cli_coverage_employer", lang), overflow="fold")
    _add_counts(employers, lang)
    for record in result.by_employer.to_dict("records"):
        employers.add_row(escape(str(record["employer"])), *_cells(record, lang))
    employers.add_row("Total", *_cells(result.totals, lang), style="bold")
    out.print(employers)

    regions = Table(title=say("cli_coverage_by_region", lang))
    regions.add_column(labels["province"], overflow="fold")
    regions.add_column(labels["region"], overflow="fold")
    _add_counts(regions, lang)
    for record in result.by_region.to_dict("records"):
        regions.add_row(str(record["province"]), str(record["region"]), *_cells(record, lang))
    regions.add_row("Total", "", *_cells(result.totals, lang), style="bold")
    out.print(regions)

    out.print(f"[dim]{result.definition}[/]")
    if result.registry:
        out.print(say("cli_coverage_registry_as_of", lang, dates=", ".join(result.registry)))
    reach = int(result.totals["outreach"])
    out.print(say("cli_coverage_outreach", lang, count=f"{reach:,}"))
    if path is None:
        out.print(f"[dim]{say('cli_coverage_hint', lang)}[/]")
    else:
        from bsu.coverage.workbook import chart_path

        out.print(say("cli_coverage_written", lang, path=path, chart=chart_path(path).name))


def _add_counts(table: Table, lang: Lang) -> None:
    """Short headings for a terminal (``cli_coverage_short_*``); the workbook has the long
    ones (``coverage.LABELS``)."""
    for key in (*cov.COUNTS, "coverage_pct"):
        table.add_column(say(f"cli_coverage_short_{key}", lang), justify="right", no_wrap=True)


def _cells(record: Mapping[Any, Any], lang: Lang) -> list[str]:
    """The counts and the percentage of one table row (or the totals), as shown."""
    cells = [f"{int(record[key]):,}" for key in cov.COUNTS]
    pct = record.get("coverage_pct")
    if pct is None or pct != pct:  # None or NaN: no workers
        cells.append("-")
    else:
        cells.append(percent(float(pct), lang))
    return cells
