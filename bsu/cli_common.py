"""What every ``bsu`` command shares: consoles, exit codes, errors in both languages,
the language option, and which files a folder stands for."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from bsu.errors import BsuError
from bsu.roster import PARQUET_SUFFIXES, XLSX_SUFFIXES
from bsu.ruleset import Lang
from bsu.settings import Settings

EXIT_USER_ERROR = 2
EXIT_SKIPPED = 3  # checked, but at least one roster could not be read
# What a folder is searched for (not .txt: notes beside rosters are not rosters).
ROSTER_SUFFIXES = (*XLSX_SUFFIXES, ".csv", *PARQUET_SUFFIXES)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


class Language(StrEnum):
    id = "id"
    en = "en"


def lang_of(chosen: Language | None, settings: Settings) -> Lang:
    return "en" if (chosen or settings.lang) == "en" else "id"


def fail(error: BsuError) -> typer.Exit:
    """Say what went wrong (Indonesian, then English) and end with exit code 2."""
    err.print(f"[bold red]Galat:[/] {error.message('id')}", markup=True)
    err.print(f"[dim]Error: {error.message('en')}[/]", markup=True)
    return typer.Exit(EXIT_USER_ERROR)


def expand(paths: list[Path], skip: Path | None = None) -> list[Path]:
    """Files as given; a folder stands for the rosters in it (not hidden files, Excel's
    ~$ lock files, nor ``skip``: the run's own output)."""
    skipped = skip.resolve() if skip is not None else None
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and p.suffix.lower() in ROSTER_SUFFIXES
            and not p.name.startswith((".", "~$"))
            and p.resolve() != skipped
        )
        if not found:
            raise BsuError(
                f"Folder {path} tidak berisi roster .xlsx atau .csv.",
                f"Folder {path} holds no .xlsx or .csv roster.",
            )
        files.extend(found)
    return files
