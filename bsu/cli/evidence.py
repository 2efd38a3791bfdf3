"""``bsu registry`` and ``bsu exclusions``: branch staff load the evidence they hold."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from bsu.cli.common import err, fail, out
from bsu.core.evidence import LIST_KINDS, NO_EVIDENCE, Evidence, notice_words
from bsu.core.ruleset import Lang
from bsu.core.words import both, say
from bsu.errors import BsuError
from bsu.rosters import extracts, sandbox
from bsu.service.settings import Settings

if TYPE_CHECKING:  # SQLAlchemy loads only when a store is used: `bsu check` starts faster
    from sqlalchemy import Engine

    from bsu.rosters.extracts import Extract

T = TypeVar("T")

registry_app = typer.Typer(
    help="Data peserta BPJS Ketenagakerjaan sebagai bukti. / Participant registry extracts.",
    no_args_is_help=True,
)
exclusions_app = typer.Typer(
    help="Daftar pengecualian ASN, TNI, Polri, PKH. / Exclusion lists.", no_args_is_help=True
)


def store_engine(settings: Settings, create: bool) -> Engine | None:
    """The store's engine with its schema up to date; None when there is no store yet and
    ``create`` is false (a plain ``bsu check`` never creates one)."""
    if not settings.database_url and not (settings.data_dir / "bsu.db").exists() and not create:
        return None
    # Imported only now: SQLAlchemy and Alembic cost half a second a plain check never needs.
    from sqlalchemy.exc import SQLAlchemyError

    from bsu.store import schema
    from bsu.store.db import make_engine

    engine = make_engine(settings.resolved_database_url())
    try:
        schema.upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        where = (
            settings.database_url.split("@")[-1]
            if settings.database_url
            else str(settings.data_dir / "bsu.db")
        )
        words = both("evidence_store_unavailable", where=where, error=type(exc).__name__)
        raise BsuError(*words, code="store_unavailable") from exc
    return engine


def evidence_for(settings: Settings, niks: Callable[[], Iterable[str]]) -> Evidence:
    """The evidence the store holds for these NIKs, or none if there is no store."""
    engine = store_engine(settings, create=False)
    if engine is None:
        return NO_EVIDENCE
    from bsu.store import evidence

    try:
        return evidence.load(engine, niks)
    finally:
        engine.dispose()


def evidence_notice(found: Evidence, lang: Lang) -> dict[str, Any] | None:
    """Say on stderr which loaded extract and lists overruled the roster (with their dates
    and sources), so nobody is surprised by a decision the roster does not explain; the
    same as data (with the words in ``message``) for ``--format json``. None without."""
    notice = found.notice()
    if notice is None:
        return None
    words = notice_words(notice, lang)
    err.print(
        f"[bold]{say('evidence_notice_label', lang)}:[/] {words}", markup=True, soft_wrap=True
    )
    return {**notice, "message": words}


AsOf = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Tanggal data / date of the data."),
]


def _imported(
    read: Callable[[sandbox.Budget], Extract], store: Callable[[Engine, Extract], T]
) -> T:
    """Read an extract through the sandbox, then hand its table to the store (created if
    need be); a user's mistake in either is a message and an exit code."""
    settings = Settings()
    try:
        engine = store_engine(settings, create=True)
        assert engine is not None
        try:
            return store(engine, read(sandbox.Budget.of(settings)))
        finally:
            engine.dispose()
    except BsuError as error:
        raise fail(error) from None


@registry_app.command("import")
def registry_import(
    file: Annotated[Path, typer.Argument(help="Ekstrak .xlsx / .csv / .parquet.")],
    as_of: AsOf = None,
) -> None:
    """Muat ekstrak data peserta. / Load a participant registry extract."""
    from bsu.store import imports

    day = (as_of or dt.datetime.now()).date()
    done = _imported(
        lambda budget: extracts.registry(file, budget),
        lambda engine, extract: imports.import_registry(engine, extract, day, getpass.getuser()),
    )
    if done.already:
        out.print(
            f"{file.name}: sudah pernah dimuat, tidak ada perubahan / already imported, "
            f"nothing changed ({done.rows:,} rows)."
        )
    else:
        out.print(
            f"{file.name}: {done.rows:,} peserta dimuat / participants loaded "
            f"(data per {day}); {done.skipped:,} baris tanpa NIK sah dilewati / rows "
            "without a valid NIK skipped."
        )


@registry_app.command("status")
def registry_status() -> None:
    """Bukti yang tersimpan. / What evidence the store holds."""
    from bsu.store import evidence

    settings = Settings()
    engine = store_engine(settings, create=False)
    if engine is None:
        out.print("Belum ada data. / No evidence loaded.")
        return
    try:
        info = evidence.summary(engine)
    finally:
        engine.dispose()
    as_of = info["registry_as_of"] or "-"
    out.print(f"Peserta / participants: {info['participants']:,} (per {as_of})")
    for kind, count in info["lists"].items():
        out.print(f"Daftar / list {kind.upper()}: {count:,} NIK")


@exclusions_app.command("import")
def exclusions_import(
    file: Annotated[Path, typer.Argument(help="Daftar .xlsx / .csv (kolom NIK, Nama).")],
    kind: Annotated[str, typer.Option("--list", help=f"Jenis daftar: {'|'.join(LIST_KINDS)}.")],
    source: Annotated[str, typer.Option(help="Sumber daftar / where the list came from.")] = "",
    as_of: AsOf = None,
) -> None:
    """Muat daftar pengecualian. / Load an exclusion list."""
    from bsu.store import imports

    day = (as_of or dt.datetime.now()).date()
    done = _imported(
        lambda budget: extracts.exclusion_list(file, budget),
        lambda engine, extract: imports.import_exclusions(
            engine, kind.lower(), extract, source or file.name, day, getpass.getuser()
        ),
    )
    state = "sudah pernah dimuat / already imported" if done.already else "dimuat / loaded"
    out.print(f"{file.name}: daftar {kind.upper()} {state}: {done.rows:,} NIK.")
