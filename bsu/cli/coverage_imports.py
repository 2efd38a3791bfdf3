"""``bsu coverage import-universe`` and ``bsu coverage import-targets``: branch staff load
the workforce universe (the denominator of regional coverage) and the coverage targets
into the store, each with its source, which every coverage output names.

``bsu coverage ROSTER...`` stays one command with a list of rosters (the group's
callback, ``bsu.cli.coverage``): its group is ``RostersOrCommand``, which hands the
arguments to a subcommand only when the first one is a subcommand's name. (A roster file
named exactly ``import-universe`` is given as ``./import-universe``.)
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from bsu.cli.common import Language, fail, lang_of, out
from bsu.cli.evidence import store_engine
from bsu.core.ruleset import Lang
from bsu.core.words import say
from bsu.errors import BsuError
from bsu.rosters import extracts
from bsu.service.settings import Settings
from bsu.values.numbers import count

if TYPE_CHECKING:  # SQLAlchemy loads only when a store is used
    from sqlalchemy import Engine

_ROUTED = "bsu.cli.coverage.routed"  # a key of click's Context.meta, shared by the tree


class RostersOrCommand(TyperGroup):
    """A group whose own arguments are a list (``bsu coverage ROSTER...``): Click would
    give every argument, a subcommand's name too, to that list. Here a first argument
    naming a subcommand runs the subcommand with the rest (and not the group's
    callback); anything else is the group's, as before."""

    # ``ctx`` is the Click context of the Click Typer runs on (vendored by Typer, so not
    # the ``click`` package's type): Any, as Typer's own signature cannot be named here.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            ctx.meta[_ROUTED] = list(args)
            return []
        return super().parse_args(ctx, args)

    def get_params(self, ctx: Any) -> list[Any]:
        """The group's parameters; asked for a subcommand's usage line ("Usage: bsu
        coverage import-universe ..."), without the rosters, which it does not take."""
        params: list[Any] = super().get_params(ctx)
        if ctx.command is self:
            return params
        return [p for p in params if p.param_type_name != "argument"]

    def invoke(self, ctx: Any) -> Any:
        routed = ctx.meta.pop(_ROUTED, None)
        if routed is None:
            return super().invoke(ctx)
        name, command, rest = self.resolve_command(ctx, routed)
        assert command is not None
        ctx.invoked_subcommand = name
        with ctx:
            sub = command.make_context(name, rest, parent=ctx)
            with sub:
                return sub.command.invoke(sub)


Source = Annotated[
    str,
    typer.Option(
        "--source",
        help='Sumber angka, mis. "BPS Sakernas 2024" (ditampilkan di setiap keluaran). '
        "/ Where the figures come from (shown in every output).",
        show_default=False,
    ),
]
LangOption = Annotated[Language | None, typer.Option("--lang", help="Bahasa: id / en.")]


def import_universe(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tabel .xlsx / .csv: Kode Wilayah atau Kabupaten/Kota, PU, BPU (atau Semesta)."
        ),
    ],
    source: Source,
    as_of: Annotated[
        dt.datetime,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Tanggal data semesta, mis. 2024-08-01. / Date of the figures.",
            show_default=False,
        ),
    ],
    lang: LangOption = None,
) -> None:
    """Muat semesta pekerja per wilayah (penyebut cakupan). / Load the workforce universe.

    Tabel terakhir yang dimuat menggantikan yang sebelumnya. / The latest table loaded
    replaces the one before.
    """
    from bsu.store import coverage

    day = as_of.date()

    def work(engine: Engine, language: Lang) -> list[str]:
        done = coverage.import_universe(
            engine, extracts.universe(file), source, day, getpass.getuser()
        )
        if done.already:
            return [_already(file, done.rows, language)]
        said = " ".join(source.split())
        lines = [
            say(
                "coverage_imports_universe_done",
                language,
                file=file.name,
                rows=count(done.rows, language),
                source=said,
                as_of=day.isoformat(),
            )
        ]
        if done.skipped:
            lines.append(say("coverage_imports_totals_skipped", language, count=done.skipped))
        if coverage.universe(engine)["potential_bpu"].isna().all():
            lines.append(say("coverage_imports_universe_total_only", language))
        return lines

    _run(lang, work)


def import_targets(
    file: Annotated[
        Path,
        typer.Argument(help="Tabel .xlsx / .csv: Wilayah (atau Nasional), Tahun, Target (%)."),
    ],
    source: Source,
    lang: LangOption = None,
) -> None:
    """Muat target cakupan per wilayah dan tahun. / Load coverage targets.

    Kolom Sumber per baris, bila ada, menggantikan --source untuk baris itu. Untuk
    wilayah dan tahun yang sama, impor terakhir yang berlaku. / A row's own Sumber column
    overrides --source; for the same region and year, the latest import holds.
    """
    from bsu.store import coverage

    def work(engine: Engine, language: Lang) -> list[str]:
        done = coverage.import_targets(engine, extracts.targets(file), source, getpass.getuser())
        if done.already:
            return [_already(file, done.rows, language)]
        said = " ".join(source.split())
        return [
            say(
                "coverage_imports_targets_done",
                language,
                file=file.name,
                rows=count(done.rows, language),
                source=said,
            )
        ]

    _run(lang, work)


def _already(file: Path, rows: int, language: Lang) -> str:
    return say("coverage_imports_already", language, file=file.name, rows=count(rows, language))


def _run(lang: Language | None, work: Callable[[Engine, Lang], list[str]]) -> None:
    """Do ``work`` on the store (created if need be) and print what it says; a user's
    mistake is the error's words (both languages) and its exit code, no traceback."""
    settings = Settings()
    language = lang_of(lang, settings)
    try:
        engine = store_engine(settings, create=True)
        assert engine is not None
        try:
            lines = work(engine, language)
        finally:
            engine.dispose()
    except BsuError as error:
        raise fail(error) from None
    for line in lines:
        out.print(line, markup=False)
