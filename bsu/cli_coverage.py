"""``bsu coverage``: placeholder until the coverage command lands."""

from __future__ import annotations

import typer

coverage_app = typer.Typer(help="Cakupan kepesertaan. / Coverage report.", no_args_is_help=True)
