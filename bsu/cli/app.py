"""The ``bsu`` command: check rosters, and read the rule sets in plain words.

Thin: parses arguments, calls the library, formats output. A user's mistake ends with a
message in Bahasa Indonesia and English and exit code 2, never a traceback. This module
only assembles the commands; each command group lives in the module named after it:

    check       bsu.cli.check       rules       bsu.cli.rules
    serve       bsu.cli.serve       db          bsu.cli.db
    purge       bsu.cli.purge       registry    bsu.cli.evidence
    worker      bsu.cli.worker      exclusions  bsu.cli.evidence
                                    coverage    bsu.cli.coverage
                                    keys        bsu.cli.keys
"""

from __future__ import annotations

import typer

from bsu.cli.check import check
from bsu.cli.coverage import coverage_app
from bsu.cli.db import db_app
from bsu.cli.evidence import exclusions_app, registry_app
from bsu.cli.keys import keys_app
from bsu.cli.purge import purge
from bsu.cli.rules import rules_app
from bsu.cli.serve import serve
from bsu.cli.worker import worker

app = typer.Typer(
    name="bsu",
    help="Pemeriksa kelayakan Bantuan Subsidi Upah (BSU). / BSU eligibility checker.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# The order of the help screen: commands, then groups, each as registered.
app.add_typer(rules_app, name="rules")
app.add_typer(db_app, name="db")
app.add_typer(registry_app, name="registry")
app.add_typer(exclusions_app, name="exclusions")
app.add_typer(coverage_app, name="coverage")
app.add_typer(keys_app, name="keys")
app.command("purge")(purge)
app.command("worker")(worker)
app.command("check")(check)
app.command("serve")(serve)


def main() -> None:
    from bsu.privacy import logs

    logs.install("WARNING")  # long numbers become pseudonyms in whatever is logged
    app()
