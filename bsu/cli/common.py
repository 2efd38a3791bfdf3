"""What every ``bsu`` command shares: consoles, exit codes, errors in both languages,
the language option, and which files a folder stands for (and which it skips, and why)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bsu.core.ruleset import Lang, RuleSet, load_ruleset, load_ruleset_file
from bsu.core.words import both
from bsu.errors import BsuError, RosterError, RuleSetNotFound, Where
from bsu.rosters import kinds
from bsu.rosters.readers import unsupported
from bsu.service.settings import Settings

EXIT_USER_ERROR = 2
EXIT_SKIPPED = 3  # checked, but at least one roster could not be read


class FolderWithoutRosters(BsuError):
    """Every path given was a folder, and none held a roster: nothing was checked, and
    every file found was skipped (exit code 3, as for any skipped file)."""


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
EXIT_CODES: dict[type[BsuError], int] = {
    BsuError: EXIT_USER_ERROR,
    FolderWithoutRosters: EXIT_SKIPPED,
}


def exit_code(error: BsuError) -> int:
    """The exit code ``error`` ends a command with: its nearest class in ``EXIT_CODES``."""
    return next(EXIT_CODES[c] for c in type(error).__mro__ if c in EXIT_CODES)


def fail(error: BsuError) -> typer.Exit:
    """Say what went wrong (Indonesian, then English) and end with its exit code."""
    err.print(f"[bold red]Galat:[/] {error.message('id')}", markup=True)
    err.print(f"[dim]Error: {error.message('en')}[/]", markup=True)
    return typer.Exit(exit_code(error))


def expand(paths: list[Path], skip: Path | None = None) -> list[Path]:
    """Files as given; a folder stands for the rosters in it (``expand_reporting``, with
    the files it skips left unsaid)."""
    return expand_reporting(paths, skip)[0]


def expand_reporting(
    paths: list[Path], skip: Path | None = None
) -> tuple[list[Path], list[RosterError]]:
    """Files as given; a folder stands for the rosters in it (its files in a format of
    ``kinds.IN_FOLDERS``), and every other file in it is skipped with its reason. Hidden
    files, Excel's ~$ lock files and ``skip`` (the run's own output) are passed over
    silently. A folder with no roster is itself skipped with the list of what it holds;
    when no path leaves a file to read, ``FolderWithoutRosters`` (exit code 3)."""
    skipped_path = skip.resolve() if skip is not None else None
    files: list[Path] = []
    skipped: list[RosterError] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        entries = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and not p.name.startswith((".", "~$")) and p.resolve() != skipped_path
        )
        found = [p for p in entries if p.suffix.lower() in kinds.IN_FOLDERS]
        skipped += [_not_a_roster(p) for p in entries if p not in found]
        if not found:
            skipped.append(_folder_without_rosters(path, entries))
        files.extend(found)
    if not files and skipped:
        last = skipped[-1]
        raise FolderWithoutRosters(
            "\n".join(e.message("id") for e in skipped),
            "\n".join(e.message("en") for e in skipped),
            last.code,
        )
    return files, skipped


def _not_a_roster(path: Path) -> RosterError:
    suffix = path.suffix.lower()
    where = Where(path.name)
    if suffix in kinds.SUFFIXES:  # read when named, not taken from a folder (.txt notes)
        return RosterError(
            "folder_file_skipped",
            where,
            both("cli_folder_file_not_taken", suffix=suffix),
            both("cli_folder_file_not_taken_fix"),
        )
    return unsupported(suffix, where, kinds.IN_FOLDERS)


def _folder_without_rosters(path: Path, entries: list[Path]) -> RosterError:
    names = ", ".join(p.name for p in entries[:20]) + (", ..." if len(entries) > 20 else "")
    found = both("cli_folder_holds", names=names) if entries else both("cli_folder_holds_nothing")
    problem = both("cli_folder_without_rosters", path=path, formats=kinds.listed(kinds.IN_FOLDERS))
    return RosterError(
        "cli_folder_without_rosters",
        Where(str(path)),
        (f"{problem[0]} {found[0]}", f"{problem[1]} {found[1]}"),
        both("cli_folder_without_rosters_fix"),
    )


def write_failed(path: Path, exc: OSError) -> BsuError:
    """A result the system refused to write: the likely causes a person can fix."""
    return BsuError(*both("cli_write_failed", path=path, reason=exc.strerror or exc))


# ``--map field="Header"``, repeatable: the column to read a field from, over the
# automatic choice (``bsu.rosters.reading.parse_mapping`` reads it); every command that
# reads rosters takes it the same way.
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help='Kolom untuk sebuah field, mis. --map wage="Total Upah" --map nik="NIK KTP" '
        "(boleh diulang). / The column to read a field from (repeatable).",
        show_default=False,
    ),
]
