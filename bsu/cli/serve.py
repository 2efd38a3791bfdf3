"""``bsu serve``: the API and the upload page, in one process with the batch worker.

Keys are required on any address but loopback, and the server says at start which mode it
is in (``_access_mode``).
"""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
from typing import Annotated

import typer

from bsu.cli.common import err, fail
from bsu.core.words import both
from bsu.errors import BsuError
from bsu.rosters import preflight
from bsu.service import storage
from bsu.service.settings import Settings


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
    err.print(f"bsu {'—'} http://{host}:{port}/  (data: {where})")
    storage.prepare(settings.data_dir)  # what the server writes is 0600, in 0700 folders
    if (exposed := storage.exposed_warning(settings.data_dir)) is not None:
        err.print(f"PERINGATAN: {exposed[0]}\nWARNING: {exposed[1]}", soft_wrap=True, markup=False)
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
        raise fail(BsuError(*both("cli_serve_keys_missing", host=host)))
    if exist or settings.require_keys or not loopback:
        err.print("Kunci API wajib. / API keys required.")
    elif state is Access.CLOSED:
        err.print(
            "[bold yellow]Semua kunci dicabut:[/] server ini tertutup bagi panggilan tanpa "
            "kunci. Buat kunci baru (bsu keys create) atau jalankan 'bsu keys open-local'. / "
            "[bold yellow]Every key is revoked:[/] this server is closed to calls without a "
            "key. Create a new key (bsu keys create) or run 'bsu keys open-local'.",
            markup=True,
        )
    else:
        err.print(
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
