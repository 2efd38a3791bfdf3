"""What every ``bsu`` command shares: consoles, exit codes, errors in both languages,
the language option, and which files a folder stands for."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from bsu.core.ruleset import Lang, RuleSet, load_ruleset, load_ruleset_file
from bsu.core.words import both
from bsu.errors import BsuError, RuleSetNotFound
from bsu.rosters.readers import PARQUET_SUFFIXES, XLSX_SUFFIXES
from bsu.service.settings import Settings

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


def chosen_ruleset(value: str | None, settings: Settings) -> RuleSet:
    """``--rules``: an id of the rules folder (default ``BSU_RULESET``), or the path of the
    user's own rule file, given on purpose with its ``.yaml``/``.yml`` ending. An id is
    looked up in the folder's list and never walks directories; the user's own file is
    theirs, so its errors may quote it."""
    value = value or settings.ruleset
    if not value.lower().endswith((".yaml", ".yml")):
        return load_ruleset(value, settings.rules_dir)
    path = Path(value).expanduser()
    if not path.is_file():
        raise RuleSetNotFound(*both("cli_rule_file_missing", path=path))
    return load_ruleset_file(path)


# The exit code of each kind of error (``bsu.errors``), the nearest class in the tree
# deciding: every error a person can act on ends a command with 2 today.
EXIT_CODES: dict[type[BsuError], int] = {BsuError: EXIT_USER_ERROR}


def exit_code(error: BsuError) -> int:
    """The exit code ``error`` ends a command with: its nearest class in ``EXIT_CODES``."""
    return next(EXIT_CODES[c] for c in type(error).__mro__ if c in EXIT_CODES)


def fail(error: BsuError) -> typer.Exit:
    """Say what went wrong (Indonesian, then English) and end with its exit code."""
    err.print(f"[bold red]Galat:[/] {error.message('id')}", markup=True)
    err.print(f"[dim]Error: {error.message('en')}[/]", markup=True)
    return typer.Exit(exit_code(error))


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
            raise BsuError(*both("cli_folder_without_rosters", path=path))
        files.extend(found)
    return files


def write_failed(path: Path, exc: OSError) -> BsuError:
    """A result the system refused to write: the likely causes a person can fix."""
    return BsuError(*both("cli_write_failed", path=path, reason=exc.strerror or exc))
