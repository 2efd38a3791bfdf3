"""A hostile registry extract or exclusion list is refused as a hostile roster is: read by
the roster layer in the sandbox (``bsu.rosters.extracts``), with the same error, the same
words and the same exit code as ``bsu check``; the store only ever sees tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bsu.errors import RosterError
from bsu.rosters import sandbox
from tests.cli.conftest import run
from tests.hostile.corpus import CORPUS, Hostile

REFUSED = [
    pytest.param(h, id=h.id)
    for h in CORPUS
    if h.id in {"zip-bomb", "xxe", "billion-laughs-sheet", "too-many-rows", "xls-renamed"}
]
IMPORTS = [
    pytest.param(("registry", "import"), id="registry"),
    pytest.param(("exclusions", "import", "--list", "pkh"), id="exclusions"),
]


def _said(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The error's lines, in both languages, as the user sees them."""
    return [line for line in done.stderr.splitlines() if line.startswith(("Galat:", "Error:"))]


@pytest.mark.parametrize("command", IMPORTS)
@pytest.mark.parametrize("hostile", REFUSED)
def test_a_hostile_extract_is_refused_as_a_hostile_roster_is(
    tmp_path: Path, hostile: Hostile, command: tuple[str, ...]
) -> None:
    path = hostile.make(tmp_path / hostile.filename)
    with pytest.raises(RosterError) as expected:
        sandbox.read(path)
    assert expected.value.code == hostile.code

    checked = run("check", path)
    imported = run(*command, path)
    assert "Traceback" not in imported.stderr, imported.stderr
    assert imported.returncode == checked.returncode == 2, imported.stderr
    assert _said(imported) == _said(checked)
    said = " ".join(imported.stderr.split())
    assert f"Error: {expected.value.message('en')}" in said


def test_the_store_opens_no_file_of_the_user() -> None:
    """``bsu.store`` takes tables: it loads no roster reader, no spreadsheet library."""
    code = (
        "import bsu.store.batches, bsu.store.evidence, bsu.store.imports, bsu.store.keys,"
        " bsu.store.schema, sys; print(sorted(sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(eval(done.stdout))  # our own output
    assert not {m for m in loaded if m == "bsu.rosters" or m.startswith("bsu.rosters.")}
    assert not loaded & {"python_calamine", "openpyxl", "pyarrow.csv", "pyarrow.parquet"}
