from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BSU = Path(sys.executable).with_name("bsu")
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real console script, in a fresh process, as a user would run it."""
    return subprocess.run(
        [str(BSU), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "LANG": "C.UTF-8"},
    )


@pytest.fixture
def bsu() -> object:
    return run
