"""The result file formats, in one table: a new output format is one writer module and
one entry here. Callers write by the file's suffix (``write``) and serve a stored file
with its media type (``media_type``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bsu.results.actions import MEDIA_TYPE as ACTIONS_MEDIA_TYPE
from bsu.results.actions import write_actions
from bsu.results.csv import write_csv
from bsu.results.model import Result
from bsu.results.trace import MEDIA_TYPE as TRACE_MEDIA_TYPE
from bsu.results.trace import write_trace
from bsu.results.xlsx import write_xlsx


@dataclass(frozen=True)
class Format:
    """One result file format: its suffix, what the API serves it as, and its writer
    (``writer`` is the xlsx library wanted, ``Settings.xlsx_writer``; others ignore it)."""

    name: str
    media_type: str
    write: Callable[[Result, Path, str], None]


def _xlsx(result: Result, path: Path, writer: str) -> None:
    write_xlsx(result, path, writer=writer)


def _csv(result: Result, path: Path, writer: str) -> None:
    write_csv(result, path)


def _trace(result: Result, path: Path, writer: str) -> None:
    write_trace(result, path)


def _actions(result: Result, path: Path, writer: str) -> None:
    write_actions(result, path)


FORMATS = {
    "xlsx": Format(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx
    ),
    "csv": Format("csv", "text/csv; charset=utf-8", _csv),
    # The run's audit record (``bsu.results.trace``): JSON, whatever the file is named.
    "trace": Format("trace", TRACE_MEDIA_TYPE, _trace),
    # The payment pre-check's action list (``bsu.results.actions``): CSV, by name only.
    "actions": Format("actions", ACTIONS_MEDIA_TYPE, _actions),
}
DEFAULT = "xlsx"  # a path with any other suffix gets a workbook


def format_of(path: Path) -> Format:
    """The format a path's suffix names (case aside); the workbook for any other."""
    return FORMATS.get(path.suffix.lower().removeprefix("."), FORMATS[DEFAULT])


def write(result: Result, path: Path, kind: str | None = None, *, writer: str = "auto") -> None:
    """Write ``result`` to ``path``, atomically, in format ``kind``: by default the one the
    suffix names (a temporary name such as ``durable.part``'s ``.part`` names none, so
    the caller writing one names the format)."""
    (format_of(path) if kind is None else FORMATS[kind]).write(result, path, writer)


def media_type(name: str) -> str:
    """What the API serves a stored result file of format ``name`` as."""
    return FORMATS[name].media_type
