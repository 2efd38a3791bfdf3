"""``bsu check``: check rosters against a rule set, show the summary and write the result.

Thin: reads the arguments, calls the one pipeline (``bsu.service.pipeline``), and formats
what it returns; a roster that cannot be read is skipped with its reason (exit code 3).
``--map field="Header"`` overrides the column the reader chose for a field: a roster
without that header is skipped with its reason, and when no roster is left (one file
given) the command ends with the reason, listing the headers present (exit code 2).
``--actions FILE.csv`` writes the payment pre-check's action list (``bsu.results.actions``),
one per employer too when several rosters were checked, as ``--out`` does.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bsu.cli.common import (
    EXIT_SKIPPED,
    Language,
    MapOption,
    chosen_ruleset,
    err,
    expand_reporting,
    fail,
    lang_of,
    out,
    write_failed,
)
from bsu.cli.evidence import evidence_for, evidence_notice
from bsu.core.reasons import STATUS_LABELS, Status
from bsu.core.ruleset import Lang, RuleSet
from bsu.core.words import both, say
from bsu.errors import BsuError, RosterError
from bsu.results import formats
from bsu.results.csv import write_csv
from bsu.results.model import Result, draft_banner, to_json
from bsu.results.reading import told
from bsu.results.trace import write_trace
from bsu.rosters import sandbox
from bsu.rosters.readers import Roster
from bsu.rosters.reading import DEFAULT, ReadOptions, SheetRead, parse_mapping
from bsu.service import pipeline
from bsu.service.runtime import paused_gc
from bsu.service.settings import Settings
from bsu.values.nik import mask
from bsu.values.numbers import count, rupiah

out_console, err_console = out, err
SKIPPED_SHOWN = 15  # skipped-row lines a sheet on the screen
BANNER = "bold white on red"  # a draft rule set's banner


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    trace = "trace"  # the run's audit record (bsu.results.trace), to --out or stdout


def check(
    rosters: Annotated[
        list[Path],
        typer.Argument(help="Roster .xlsx / .csv (satu atau lebih).", show_default=False),
    ],
    rules: Annotated[
        str | None,
        typer.Option(
            "--rules", help="Id aturan (mis. bsu-2025) atau jalur berkas .yaml Anda sendiri."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Tulis hasil ke .xlsx atau .csv (dengan --format trace: jejak audit .json).",
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", help="Keluaran di layar; trace: jejak audit (bsu.trace.v1)."),
    ] = Format.table,
    lang: Annotated[Language | None, typer.Option("--lang", help="Bahasa pesan: id / en.")] = None,
    mapping: MapOption = None,
    actions: Annotated[
        Path | None,
        typer.Option(
            "--actions",
            help="Tulis daftar tindak lanjut rekening (pra-periksa pembayaran) ke .csv.",
        ),
    ] = None,
) -> None:
    """Periksa roster pekerja. / Check worker rosters."""
    settings = Settings()
    language: Lang = lang_of(lang, settings)
    try:
        options = parse_mapping(mapping or [])
        ruleset = chosen_ruleset(rules, settings)
        tracing = fmt is Format.trace
        if (
            out is not None
            and not tracing
            and out.suffix.lower().removeprefix(".") not in formats.FORMATS
        ):
            raise BsuError(*both("cli_check_out_suffix", suffix=out.suffix))
        if actions is not None and actions.suffix.lower() != ".csv":
            raise BsuError(*both("cli_check_actions_suffix", suffix=actions.suffix))
        # With --format trace, --out names the trace: no workbook is written.
        written = None if tracing else out
        result, skipped = _run(
            rosters,
            ruleset,
            language,
            written,
            quiet=fmt is not Format.table,
            options=options,
            actions=actions,
        )
        if tracing:
            _trace(result, out)
    except BsuError as error:
        raise fail(error) from None

    if fmt is not Format.table and ruleset.draft:
        # Machine-readable output stays as it is on stdout; a person still sees the banner.
        err_console.print(
            draft_banner(ruleset, language), style=BANNER, soft_wrap=True, markup=False
        )
    notice = evidence_notice(result.decisions.evidence, language)
    if fmt is Format.json:
        doc = to_json(result) if notice is None else {**to_json(result), "evidence": notice}
        _write_json(doc)
    elif fmt is Format.csv:
        write_csv(result, sys.stdout)
    elif fmt is Format.table:
        _print_summary(result, out)
    if actions is not None:
        # On the screen's summary, or beside machine-readable output on stderr.
        _actions_written(result, actions, out_console if fmt is Format.table else err_console)
    if skipped:
        for problem in skipped:
            err_console.print(f"[bold yellow]Dilewati:[/] {problem.message('id')}", markup=True)
            err_console.print(f"[dim]Skipped: {problem.message('en')}[/]", markup=True)
        err_console.print(
            f"{len(skipped)} berkas dilewati; berkas lain sudah diperiksa. / {len(skipped)} "
            "file(s) skipped; the others were checked."
        )
        raise typer.Exit(EXIT_SKIPPED)


def _write_json(doc: dict[str, object]) -> None:
    """``doc`` on stdout, indented, a megabyte at a time: ``json.dump`` writes each of its
    many small pieces on its own (slow on a pipe once every row carries its checks), and
    ``json.dumps`` would hold the whole text (hundreds of megabytes) at once."""
    pieces: list[str] = []
    held = 0
    for piece in json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(doc):
        pieces.append(piece)
        held += len(piece)
        if held >= _JSON_AT_ONCE:
            sys.stdout.write("".join(pieces))
            pieces.clear()
            held = 0
    sys.stdout.write("".join(pieces) + "\n")


_JSON_AT_ONCE = 1 << 20  # characters of --format json written at a time


def _run(
    paths: list[Path],
    ruleset: RuleSet,
    lang: Lang,
    out: Path | None,
    quiet: bool,
    options: ReadOptions = DEFAULT,
    actions: Path | None = None,
) -> tuple[Result, list[RosterError]]:
    """Read every roster (skipping, with its reason, any that cannot be read), check them
    together against the store's evidence (``bsu.service.pipeline``), and write the results
    (``out``) and the payment pre-check's action list (``actions``)."""
    # A folder's files that are no roster are skipped with their reason, as unreadable ones.
    files, not_rosters = expand_reporting(paths)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet,
    )
    settings = Settings()
    with progress:
        overall = progress.add_task("Semua berkas / all files", total=len(files))
        task = progress.add_task("Membaca / reading", total=None)

        def read(roster: Roster) -> None:
            progress.update(task, description=f"Memeriksa / checking {len(roster):,} baris")

        checked = pipeline.check_files(
            files,
            ruleset,
            lambda _records, niks: evidence_for(settings, niks.tolist),
            budget=sandbox.Budget.of(settings),
            skip_unreadable=True,
            watch=pipeline.Watch(lambda _path: progress.advance(overall), read),
            options=options,
        )
        result = checked.result(lang)
        progress.update(task, description="Menulis hasil / writing result")
        written = [(out, None), (actions, "actions")]
        for path, kind in written:
            if path is None:
                continue
            with paused_gc():
                _write(result, path, settings.xlsx_writer, kind)
                sources = result.sources()
                if len(sources) > 1:
                    for source in sources:
                        _write(
                            result.only(source),
                            _per_employer(path, source),
                            settings.xlsx_writer,
                            kind,
                        )
    return result, [*not_rosters, *checked.skipped]


def _actions_written(result: Result, path: Path, console: Console) -> None:
    """Where the action list went and how many lines it holds; or why it holds only its
    header (no ``payment:`` section in the round, or no roster gave account data)."""
    lang = result.lang
    rules = result.decisions.ruleset
    eligible = result.eligible_payments()
    if rules.spec.payment is None:
        line = say("cli_check_actions_no_payment", lang, ruleset=rules.id, path=path)
    elif eligible is None:
        line = say("cli_check_actions_no_accounts", lang, path=path)
    else:
        lines = sum(eligible.finding_counts().values())
        line = say("cli_check_actions_written", lang, path=path, count=count(lines, lang))
    console.print(line, markup=False)


def _trace(result: Result, out: Path | None) -> None:
    """The run's trace (``bsu.results.trace``) to ``out``, or to stdout."""
    if out is None:
        write_trace(result, sys.stdout)
        return
    _write(result, out, "auto", kind="trace")
    err_console.print(say("cli_check_written", result.lang, path=out))


def _per_employer(out: Path, source: str) -> Path:
    return out.with_name(f"{out.stem}-{Path(source).stem}{out.suffix}")


def _write(result: Result, out: Path, writer: str, kind: str | None = None) -> None:
    """``writer``: the xlsx library wanted (``Settings.xlsx_writer``); ``kind``: the
    format, when not the one the suffix names."""
    try:
        formats.write(result, out, kind, writer=writer)
    except OSError as exc:
        raise write_failed(out, exc) from exc


def _print_reading(reading: list[SheetRead], lang: Lang) -> None:
    """How each sheet was read, notices first and in colour; at most ``SKIPPED_SHOWN``
    skipped rows a sheet (the result workbook and ``--format json`` list them all)."""
    for read in reading:
        head, *notices = read.lines(lang)[: 1 + len(read.notices)]
        out_console.print(head, markup=False)
        for notice in notices:
            out_console.print(f"[yellow]! {escape(notice)}[/]")
        shown = replace(read, notices=(), skipped=read.skipped[:SKIPPED_SHOWN])
        for line in shown.lines(lang)[1:]:
            out_console.print(f"[dim]  {escape(line)}[/]")
        more = len(read.skipped) - SKIPPED_SHOWN
        if more > 0:
            line = say("results_summary_more_skipped", lang, count=count(more, lang))
            out_console.print(f"[dim]  {escape(line)}[/]")


def _print_defaults(result: Result) -> None:
    """The data-gap defaults applied ("12 baris: kategori kosong, dianggap PU"), and with
    several rosters how many rows of each; the rule set says why (``bsu rules show``)."""
    lang = result.lang
    applied = result.defaults()
    if not applied:
        return
    out_console.print(say("cli_check_defaults", lang))
    for default in applied:
        out_console.print(f"  {escape(default.message(lang))}")
        if len(default.by_source) > 1:
            for source, rows in default.by_source.items():
                out_console.print(f"[dim]    {escape(source)}: {count(rows, lang)}[/]")


def _print_payment(result: Result) -> None:
    """The payment pre-check in two lines, over the eligible rows: how many each channel
    would pay ("BRI 3, BNI 1, PT Pos Indonesia 2") and each finding's count. Nothing when
    no roster gave account data. No account number is shown here (were one ever shown, it
    would be ``bsu.values.account.masked``)."""
    eligible = result.eligible_payments()
    if eligible is None:
        return
    lang = result.lang
    spec = eligible.spec
    status = STATUS_LABELS[Status.ELIGIBLE][lang]
    channels = ", ".join(
        f"{spec.channels[name].label} {count(n, lang)}"
        for name, n in eligible.channel_counts().items()
        if n
    )
    findings = ", ".join(
        f"{code.value} {count(n, lang)}" for code, n in eligible.finding_counts().items() if n
    )
    out_console.print(say("cli_check_payment", lang, title=spec.title.in_(lang)), markup=False)
    out_console.print(
        "  " + say("cli_check_payment_channels", lang, status=status, channels=channels or "-"),
        markup=False,
    )
    if findings:
        line = say("cli_check_payment_findings", lang, status=status, findings=findings)
    else:
        line = say("cli_check_payment_no_findings", lang, status=status)
    out_console.print(f"  {line}", markup=False)
    out_console.print(f"[dim]  {escape(say('cli_check_payment_hint', lang))}[/]")


def _print_summary(result: Result, out: Path | None) -> None:
    lang = result.lang
    rules = result.decisions.ruleset
    reading = result.reading()
    if rules.draft:  # first, above everything else the run says
        out_console.print(draft_banner(rules, lang), style=BANNER, markup=False)
    _print_reading(reading, lang)
    summary = result.summary()
    table = Table(title=f"{rules.spec.title.in_(lang)} ({rules.id} v{rules.version})")
    table.add_column("Status")
    table.add_column(say("cli_check_workers", lang), justify="right")
    styles = {Status.ELIGIBLE: "green", Status.INELIGIBLE: "red", Status.REVIEW: "yellow"}
    for s in Status:
        table.add_row(f"[{styles[s]}]{STATUS_LABELS[s][lang]}[/]", f"{summary[s.value]:,}")
    table.add_row("Total", f"{summary['total']:,}", end_section=True)
    table.add_row(say("cli_check_benefit_total", lang), rupiah(float(summary["benefit_total"])))
    out_console.print(table)
    _print_defaults(result)
    _print_payment(result)

    frame = result.decisions.frame
    attention = frame["status"].ne(Status.ELIGIBLE.value).to_numpy(copy=True)
    # Rows whose every reason a notice above already says are counted, not listed.
    said = attention & told(reading, frame)
    attention &= ~said
    if said.any():
        out_console.print(say("cli_check_rows_told", lang, count=count(int(said.sum()), lang)))
    if attention.any():
        rows = Table(title=say("cli_check_attention", lang), show_lines=False)
        for name in (
            say("results_column_source", lang),
            say("results_column_row", lang),
            "NIK",
            "Status",
            say("results_column_codes", lang),
        ):
            rows.add_column(name, overflow="fold")
        f = result.decisions.frame[attention].head(20)
        messages = result.explanation.codes_text()[attention].head(20)
        for (source, row, nik, status), text in zip(
            f[["source", "row", "nik_display", "status"]].itertuples(index=False),
            messages,
            strict=True,
        ):
            rows.add_row(
                str(source),
                str(row),
                mask(str(nik)),
                STATUS_LABELS[Status(status)][lang],
                text,
            )
        out_console.print(rows)
        more = int(attention.sum()) - len(f)
        if more > 0:
            out_console.print(say("cli_check_more_rows", lang, count=count(more, lang)))
        out_console.print(f"[dim]{say('cli_check_hint', lang)}[/]")
    if out is not None:
        out_console.print(say("cli_check_written", lang, path=out))
