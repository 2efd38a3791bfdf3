"""``bsu db upgrade``: create or migrate the results database's schema."""

from __future__ import annotations

import typer

from bsu.cli.common import out
from bsu.service import storage
from bsu.service.settings import Settings

db_app = typer.Typer(help="Basis data hasil. / The results database.", no_args_is_help=True)


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
    out.print("Skema basis data mutakhir. / Database schema is up to date.")
