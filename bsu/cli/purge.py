"""``bsu purge``: delete what the retention period no longer allows to keep.

The server's worker purges every hour on its own; this command does the same for a store
no server runs on (e.g. from cron), and shows with ``--dry-run`` what would go. ``--now``
moves the clock, to see (or test) what a later purge deletes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from bsu.cli.common import fail, out
from bsu.cli.evidence import store_engine
from bsu.errors import BsuError
from bsu.service import storage
from bsu.service.settings import Settings
from bsu.values.numbers import id_number


def purge(
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Anggap sekarang waktu ini (ISO, mis. 2025-08-01T00:00). / Purge as of this "
            "time (ISO; UTC unless it says).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Hanya tampilkan yang akan dihapus. / Only show what would go."
        ),
    ] = False,
) -> None:
    """Hapus data pribadi yang melewati masa simpan. / Delete personal data past retention."""
    settings = Settings()
    storage.private()  # nothing it writes (the store's checkpoint) is for other users
    try:
        moment = _moment(now)
        engine = store_engine(settings, create=False)
    except BsuError as error:
        raise fail(error) from None
    if engine is None:
        out.print("Belum ada basis data; tidak ada yang dihapus. / No store yet; nothing to purge.")
        return
    from bsu.service import retention
    from bsu.store.db import sessions

    try:
        done = retention.purge(
            sessions(engine),
            settings.data_dir,
            settings.retention_days,
            now=moment,
            dry_run=dry_run,
            actor="cli",
        )
    finally:
        engine.dispose()

    days = f"{settings.retention_days:g}"
    if dry_run and done.batches:
        table = Table(title=f"Batch lewat {days} hari / past {days} days")
        table.add_column("Batch")
        for batch_id in done.batches:
            table.add_row(batch_id)
        out.print(table)
    n, rows, files, strays = len(done.batches), done.rows, done.files, len(done.strays)
    baris = id_number(rows)  # 1.234 baris
    out.print(
        f"{'Akan dihapus' if dry_run else 'Dihapus'}: {n} batch ({baris} baris, {files} "
        f"berkas) dan {strays} berkas tanpa batch; masa simpan {days} hari."
    )
    out.print(
        f"{'Would delete' if dry_run else 'Deleted'}: {n} {'batch' if n == 1 else 'batches'} "
        f"({rows:,} rows, {files} files) and {strays} files without a batch; retention "
        f"{days} days.",
        style="dim",
    )


def _moment(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise BsuError(
            f"--now '{text}' bukan waktu ISO; contoh: 2025-08-01 atau 2025-08-01T09:30+07:00.",
            f"--now '{text}' is not an ISO time; e.g. 2025-08-01 or 2025-08-01T09:30+07:00.",
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
