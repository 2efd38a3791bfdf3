"""``bsu keys``: the server's administrator hands out and takes back API keys.

A key is printed once, at creation; the store keeps only its hash. Creating the first key
switches the server from keyless local use to keys required (within a few seconds), and
keys stay required: revoking the last one closes the server to keyless callers until
``bsu keys open-local`` (an operator's recorded decision) opens it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from bsu.cli.common import fail, out
from bsu.cli.evidence import store_engine
from bsu.errors import BsuError
from bsu.privacy.access import Role
from bsu.service.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bsu.store.keys import Access

keys_app = typer.Typer(
    help="Kunci API untuk pemberi kerja dan petugas cabang. / API keys.", no_args_is_help=True
)


@keys_app.command("create")
def create(
    role: Annotated[
        str, typer.Option(help="employer (pemberi kerja) atau staff (petugas cabang).")
    ],
    label: Annotated[str, typer.Option(help="Untuk siapa / who it is for, e.g. 'PT Maju HRD'.")],
    employer: Annotated[
        str | None, typer.Option(help="Kode pemberi kerja / employer id (role employer).")
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option(help="Kode kantor cabang / branch code (wajib untuk staff)."),
    ] = None,
) -> None:
    """Buat kunci API; kunci hanya ditampilkan sekali. / Create a key, shown only once."""
    from bsu.store import keys
    from bsu.store.db import sessions

    chosen = _role(role)
    if chosen is Role.EMPLOYER and not employer:
        raise fail(
            BsuError(
                "Kunci pemberi kerja perlu --employer (kode pemberi kerja).",
                "An employer key needs --employer (the employer's id).",
            )
        )
    if chosen is Role.STAFF and not branch:
        raise fail(
            BsuError(
                "Kunci petugas perlu --branch (kode kantor cabang yang boleh dilihatnya).",
                "A staff key needs --branch (the branch whose batches it may see).",
            )
        )
    engine = _engine()
    try:
        with sessions(engine)() as session:
            created = keys.create(
                session,
                chosen,
                label,
                employer_id=employer if chosen is Role.EMPLOYER else None,
                branch=branch,
            )
            session.commit()
    finally:
        engine.dispose()
    out.print(created.token, markup=False)
    out.print(
        f"[dim]Kunci {created.key_id} dibuat; simpan sekarang, tidak akan ditampilkan lagi. / "
        f"Key {created.key_id} created; store it now, it will not be shown again.[/]",
        markup=True,
    )


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="Id kunci / key id (bsu keys list).")],
) -> None:
    """Cabut kunci API. / Revoke a key."""
    from bsu.store import keys
    from bsu.store.db import sessions

    engine = _engine()
    try:
        with sessions(engine)() as session:
            done = keys.revoke(session, key_id)
            session.commit()
    finally:
        engine.dispose()
    if not done:
        raise fail(
            BsuError(
                f"Tidak ada kunci aktif dengan id '{key_id}'. Lihat 'bsu keys list'.",
                f"There is no active key with id '{key_id}'. See 'bsu keys list'.",
            )
        )
    out.print(f"Kunci {key_id} dicabut. / Key {key_id} revoked.")


@keys_app.command("open-local")
def open_local() -> None:
    """Buka lagi server loopback tanpa kunci setelah semua kunci dicabut. / Open a loopback
    server to keyless local use again after every key was revoked."""
    import getpass

    from bsu.store import keys
    from bsu.store.db import sessions

    engine = _engine()
    try:
        with sessions(engine)() as session:
            before = keys.open_local(session, f"local:{getpass.getuser()}"[:128])
            session.commit()
    finally:
        engine.dispose()
    if before is keys.Access.KEYS:
        raise fail(
            BsuError(
                "Masih ada kunci aktif; server tetap mewajibkan kunci. Cabut dulu semua kunci "
                "(bsu keys list, bsu keys revoke) bila server ini memang untuk satu pengguna "
                "lokal.",
                "Active keys remain; the server still requires keys. Revoke every key first "
                "(bsu keys list, bsu keys revoke) if this server is really for one local user.",
            )
        )
    out.print(
        "Server pada 127.0.0.1 kini terbuka tanpa kunci: siapa pun di komputer ini dapat "
        "memakai semua fitur dan melihat semua batch (tercatat di log audit). 'bsu keys "
        "create' menutupnya lagi. / A server on 127.0.0.1 is now open without a key: anyone "
        "on this computer may use everything and see every batch (recorded in the audit "
        "log). 'bsu keys create' closes it again."
    )


@keys_app.command("list")
def listed() -> None:
    """Daftar kunci (tanpa rahasianya). / List keys (never their secrets)."""
    from bsu.store import keys
    from bsu.store.db import sessions

    engine = _engine()
    try:
        with sessions(engine)() as session:
            found = keys.listed(session)
    finally:
        engine.dispose()
    table = Table()
    for column in ("id", "role", "employer", "branch", "label", "created", "revoked"):
        # Ids are what 'bsu keys revoke' takes: never wrapped or cut, even in a narrow window.
        table.add_column(
            column, no_wrap=column != "label", min_width=12 if column == "id" else None
        )
    for key in found:
        table.add_row(
            key.id,
            key.role,
            key.employer_id or "",
            key.branch or "",
            key.label,
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "",
        )
    out.print(table)


def access_state() -> Access:
    """Whether the store lets keyless callers in (no store yet means no keys: open)."""
    from bsu.store import keys
    from bsu.store.db import sessions

    try:
        engine = store_engine(Settings(), create=False)
    except BsuError as error:
        raise fail(error) from None
    if engine is None:
        return keys.Access.OPEN
    try:
        with sessions(engine)() as session:
            return keys.access(session)
    finally:
        engine.dispose()


def _role(text: str) -> Role:
    try:
        chosen = Role(text.strip().lower())
    except ValueError:
        chosen = Role.LOCAL
    if chosen is Role.LOCAL:
        raise fail(
            BsuError(
                f"Peran '{text}' tidak dikenal. Pilih employer atau staff.",
                f"Unknown role '{text}'. Choose employer or staff.",
            )
        )
    return chosen


def _engine() -> Engine:
    try:
        engine = store_engine(Settings(), create=True)
    except BsuError as error:
        raise fail(error) from None
    assert engine is not None  # create=True always gives one
    return engine
