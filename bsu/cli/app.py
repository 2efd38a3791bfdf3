"""The ``bsu`` command: check rosters, and read the rule sets in plain words.

Thin: parses arguments, calls the library, formats output. A user's mistake ends with a
message in Bahasa Indonesia and English and exit code 2, never a traceback.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
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
    chosen_ruleset,
    err,
    expand,
    fail,
    lang_of,
    out,
)
from bsu.cli.coverage import coverage_app
from bsu.cli.evidence import evidence_for, evidence_notice, exclusions_app, registry_app
from bsu.cli.keys import keys_app
from bsu.cli.purge import purge
from bsu.cli.worker import worker
from bsu.core.explain import format_date, scalar
from bsu.core.reasons import STATUS_LABELS, Status
from bsu.core.ruleset import Lang, RuleSet, available, load_ruleset, rules_dir
from bsu.errors import BsuError, RosterError
from bsu.results.report import Result, to_json, write_csv, write_xlsx
from bsu.rosters import preflight, sandbox
from bsu.rosters.readers import Roster
from bsu.service import pipeline, storage
from bsu.service.runtime import paused_gc
from bsu.service.settings import Settings
from bsu.values.nik import mask
from bsu.values.numbers import rupiah

app = typer.Typer(
    name="bsu",
    help="Pemeriksa kelayakan Bantuan Subsidi Upah (BSU). / BSU eligibility checker.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(
    help="Aturan BSU per tahun, dengan dasar hukumnya. / BSU rule sets.", no_args_is_help=True
)
app.add_typer(rules_app, name="rules")
db_app = typer.Typer(help="Basis data hasil. / The results database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(registry_app, name="registry")
app.add_typer(exclusions_app, name="exclusions")
app.add_typer(coverage_app, name="coverage")
app.add_typer(keys_app, name="keys")
app.command("purge")(purge)
app.command("worker")(worker)

out_console, err_console = out, err


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _ruleset(name: str | None, settings: Settings) -> RuleSet:
    return chosen_ruleset(name, settings)


@app.command()
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
        Path | None, typer.Option("--out", help="Tulis hasil ke .xlsx atau .csv.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Keluaran di layar.")] = Format.table,
    lang: Annotated[Language | None, typer.Option("--lang", help="Bahasa pesan: id / en.")] = None,
) -> None:
    """Periksa roster pekerja. / Check worker rosters."""
    settings = Settings()
    language: Lang = lang_of(lang, settings)
    try:
        ruleset = _ruleset(rules, settings)
        if out is not None and out.suffix.lower() not in (".xlsx", ".csv"):
            raise BsuError(
                f"--out harus berakhiran .xlsx atau .csv, bukan '{out.suffix}'.",
                f"--out must end in .xlsx or .csv, not '{out.suffix}'.",
            )
        result, skipped = _run(rosters, ruleset, language, out, quiet=fmt is not Format.table)
    except BsuError as error:
        raise fail(error) from None

    notice = evidence_notice(result.decisions.evidence, language)
    if fmt is Format.json:
        doc = to_json(result) if notice is None else {**to_json(result), "evidence": notice}
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif fmt is Format.csv:
        write_csv(result, sys.stdout)
    else:
        _print_summary(result, out)
    if skipped:
        for problem in skipped:
            err_console.print(f"[bold yellow]Dilewati:[/] {problem.message('id')}", markup=True)
            err_console.print(f"[dim]Skipped: {problem.message('en')}[/]", markup=True)
        err_console.print(
            f"{len(skipped)} berkas dilewati; berkas lain sudah diperiksa. / {len(skipped)} "
            "file(s) skipped; the others were checked."
        )
        raise typer.Exit(EXIT_SKIPPED)


def _run(
    paths: list[Path], ruleset: RuleSet, lang: Lang, out: Path | None, quiet: bool
) -> tuple[Result, list[RosterError]]:
    """Read every roster (skipping, with its reason, any that cannot be read), check them
    together against the store's evidence (``bsu.service.pipeline``), and write the results."""
    files = expand(paths)
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
        )
        result = checked.result(lang)
        progress.update(task, description="Menulis hasil / writing result")
        if out is not None:
            with paused_gc():
                _write(result, out, settings.xlsx_writer)
                sources = result.sources()
                if len(sources) > 1:
                    for source in sources:
                        _write(
                            result.only(source),
                            _per_employer(out, source),
                            settings.xlsx_writer,
                        )
    return result, checked.skipped


def _per_employer(out: Path, source: str) -> Path:
    return out.with_name(f"{out.stem}-{Path(source).stem}{out.suffix}")


def _write(result: Result, out: Path, writer: str) -> None:
    """``writer``: the xlsx library wanted (``Settings.xlsx_writer``)."""
    try:
        if out.suffix.lower() == ".csv":
            write_csv(result, out)
        else:
            write_xlsx(result, out, writer=writer)
    except OSError as exc:
        raise BsuError(
            f"Hasil tidak dapat ditulis ke {out} ({exc.strerror or exc}). Periksa bahwa folder "
            "itu ada, dapat ditulisi, dan berkasnya tidak sedang dibuka di Excel.",
            f"The result cannot be written to {out} ({exc.strerror or exc}). Check that the "
            "folder exists, is writable, and the file is not open in Excel.",
        ) from exc


def _print_summary(result: Result, out: Path | None) -> None:
    en = result.lang == "en"
    rules = result.decisions.ruleset
    for read in result.roster.sheets:
        place = read.source if read.sheet is None else f"{read.source} / sheet '{read.sheet}'"
        header = "header on row" if en else "judul kolom di baris"
        out_console.print(
            f"{place}: {read.rows} {'rows' if en else 'baris'}, {header} {read.header_row}"
        )
    summary = result.summary()
    table = Table(title=f"{rules.spec.title.in_(result.lang)} ({rules.id} v{rules.version})")
    table.add_column("Status")
    table.add_column("Workers" if en else "Pekerja", justify="right")
    styles = {Status.ELIGIBLE: "green", Status.INELIGIBLE: "red", Status.REVIEW: "yellow"}
    for s in Status:
        table.add_row(f"[{styles[s]}]{STATUS_LABELS[s][result.lang]}[/]", f"{summary[s.value]:,}")
    table.add_row("Total", f"{summary['total']:,}", end_section=True)
    table.add_row(
        "Total bantuan" if not en else "Total benefit", rupiah(float(summary["benefit_total"]))
    )
    out_console.print(table)

    attention = result.decisions.frame["status"].ne(Status.ELIGIBLE.value).to_numpy()
    if attention.any():
        rows = Table(title="Perlu perhatian" if not en else "Needs attention", show_lines=False)
        for name in (
            "Berkas" if not en else "File",
            "Baris" if not en else "Row",
            "NIK",
            "Status",
            "Kode Alasan" if not en else "Reason codes",
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
                STATUS_LABELS[Status(status)][result.lang],
                text,
            )
        out_console.print(rows)
        more = int(attention.sum()) - len(f)
        if more > 0:
            out_console.print(f"... {more:,} {'more rows' if en else 'baris lagi'}")
        hint = (
            "Reasons in words: --out RESULT.xlsx or --format json"
            if en
            else "Penjelasan lengkap: --out HASIL.xlsx atau --format json"
        )
        out_console.print(f"[dim]{hint}[/]")
    if out is not None:
        out_console.print(f"{'Result written to' if en else 'Hasil ditulis ke'}: {out}")


@rules_app.command("list")
def rules_list() -> None:
    """Daftar aturan yang tersedia. / List the rule sets."""
    settings = Settings()
    directory = settings.rules_dir or rules_dir()
    table = Table()
    for column in ("Id", "Versi / version", "Judul / title", "Berlaku / in force"):
        table.add_column(column)
    try:
        for name in available(directory):
            rs = load_ruleset(name, directory)
            table.add_row(
                rs.id,
                rs.version,
                rs.spec.title.id,
                f"{rs.spec.effective.from_} – {rs.spec.effective.to}",
            )
    except BsuError as error:
        raise fail(error) from None
    out_console.print(table)


@rules_app.command("show")
def rules_show(
    name: Annotated[str, typer.Argument(help="Id aturan, mis. bsu-2025.")],
    lang: Annotated[Language | None, typer.Option("--lang", help="Bahasa: id / en.")] = None,
) -> None:
    """Tampilkan aturan dengan dasar hukumnya. / Show a rule set with its citations."""
    settings = Settings()
    language: Lang = lang_of(lang, settings)
    try:
        rs = _ruleset(name, settings)
    except BsuError as error:
        raise fail(error) from None
    en = language == "en"
    spec = rs.spec
    p = out_console.print
    p(f"[bold]{spec.title.in_(language)}[/] ({rs.id}, {'version' if en else 'versi'} {rs.version})")
    for basis in spec.legal_basis:
        p(f"  {basis.name}" + (f" — {basis.note}" if basis.note else ""))
    p(
        f"{'In force' if en else 'Berlaku'}: {format_date(spec.effective.from_, language)} – "
        f"{format_date(spec.effective.to, language)}"
    )
    p("")
    p(f"[bold]{'Parameters' if en else 'Parameter'}[/]")
    for key, param in spec.parameters.items():
        value = (
            scalar(key, rs, language)
            if not isinstance(param.value, list)
            else ", ".join(param.value)
        )
        flag = "" if param.confirmed else (" (belum dikonfirmasi)" if not en else " (unconfirmed)")
        p(f"  {key}: {value} — {spec.citation_prefix}, {param.citation}{flag}")
    p("")
    p(f"[bold]{'Criteria' if en else 'Kriteria'}[/]")
    for i, criterion in enumerate(spec.criteria, start=1):
        title = criterion.title.in_(language)
        for placeholder in ("cutoff", "wage_cap_idr"):
            title = title.replace("{" + placeholder + "}", scalar(placeholder, rs, language))
        flag = (
            "" if criterion.confirmed else (" (belum dikonfirmasi)" if not en else " (unconfirmed)")
        )
        p(f"{i}. {title}")
        p(
            f"   {'Legal basis' if en else 'Dasar hukum'}: {spec.citation_prefix}, "
            f"{criterion.citation}{flag}"
        )
        p(f"   {'Reads' if en else 'Data'}: {', '.join(criterion.evidence)}")
        for code, reason in criterion.reasons.items():
            outcome = STATUS_LABELS[Status(reason.outcome.value)][language]
            p(f"   - {code.value} [{outcome}]")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Alamat / address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Catat setiap permintaan (lebih lambat). / Log every request (slower).",
        ),
    ] = False,
) -> None:
    """Jalankan API dan halaman unggah. / Run the API and the upload page."""
    import functools
    import importlib.util

    import uvicorn

    from bsu.api.app import app_factory
    from bsu.api.timeouts import header_protocol

    settings = Settings()
    try:
        preflight.require_defused_xml()  # no serving uploads with an unguarded XML parser
    except BsuError as error:
        raise fail(error) from None
    where = (
        settings.database_url.split("@")[-1]
        if settings.database_url
        else str(settings.data_dir / "bsu.db")
    )
    err_console.print(f"bsu {'—'} http://{host}:{port}/  (data: {where})")
    storage.prepare(settings.data_dir)  # what the server writes is 0600, in 0700 folders
    if (exposed := storage.exposed_warning(settings.data_dir)) is not None:
        err_console.print(
            f"PERINGATAN: {exposed[0]}\nWARNING: {exposed[1]}", soft_wrap=True, markup=False
        )
    settings = _access_mode(host, settings)
    # One process: the batch worker thread and the request coalescing live in it. uvloop
    # and httptools (uvicorn[standard]) when installed; per-request access lines cost
    # throughput, so they are off unless asked for. Application logging stays on. The app
    # is built from these settings, handed over as an argument (not through the environment).
    fast = {name: importlib.util.find_spec(name) is not None for name in ("uvloop", "httptools")}
    uvicorn.run(
        functools.partial(app_factory, settings),
        factory=True,
        host=host,
        port=port,
        workers=1,
        loop="uvloop" if fast["uvloop"] else "asyncio",
        # A request's headers and body are due within bounds (bsu/api/timeouts.py).
        http=header_protocol(settings.header_timeout_seconds, fast["httptools"]),
        timeout_keep_alive=settings.keep_alive_seconds,
        access_log=access_log,
        log_level="info",
    )


def _access_mode(host: str, settings: Settings) -> Settings:
    """Keys are required on any address but loopback, and the server says which mode it
    is in: an open single-user server must never be mistaken for a protected one. Returns
    the settings to serve with (off loopback, ``require_keys`` on)."""
    from bsu.cli.keys import access_state
    from bsu.store.keys import Access

    loopback = _is_loopback(host)
    if not loopback:
        settings = settings.model_copy(update={"require_keys": True})
    state = access_state()
    exist = state is Access.KEYS
    if not loopback and not exist:
        raise fail(
            BsuError(
                f"Server pada alamat {host} (bukan 127.0.0.1) wajib memakai kunci API, tetapi "
                "belum ada kunci. Buat dulu: bsu keys create --role staff --branch <kode> "
                "--label <nama>.",
                f"A server on {host} (not 127.0.0.1) requires API keys, but none exists yet. "
                "Create one first: bsu keys create --role staff --branch <code> --label <name>.",
            )
        )
    if exist or settings.require_keys or not loopback:
        err_console.print("Kunci API wajib. / API keys required.")
    elif state is Access.CLOSED:
        err_console.print(
            "[bold yellow]Semua kunci dicabut:[/] server ini tertutup bagi panggilan tanpa "
            "kunci. Buat kunci baru (bsu keys create) atau jalankan 'bsu keys open-local'. / "
            "[bold yellow]Every key is revoked:[/] this server is closed to calls without a "
            "key. Create a new key (bsu keys create) or run 'bsu keys open-local'.",
            markup=True,
        )
    else:
        err_console.print(
            "[bold yellow]Tanpa kunci API:[/] siapa pun di komputer ini dapat memakai server "
            "ini. Buat kunci dengan 'bsu keys create' untuk mewajibkannya. / [bold yellow]No "
            "API keys:[/] anyone on this computer can use this server; 'bsu keys create' "
            "turns keys on.",
            markup=True,
        )
    return settings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Buat atau perbarui skema basis data. / Create or migrate the database schema."""
    from bsu.store import schema
    from bsu.store.db import make_engine

    settings = Settings()
    storage.private()  # the SQLite store and its folder are its owner's alone
    engine = make_engine(settings.resolved_database_url())
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()
    out_console.print("Skema basis data mutakhir. / Database schema is up to date.")


def main() -> None:
    from bsu.privacy import logs

    logs.install("WARNING")  # long numbers become pseudonyms in whatever is logged
    app()
