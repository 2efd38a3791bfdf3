from __future__ import annotations

import subprocess
import sys
import tempfile
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
        env={
            "PATH": "/usr/bin:/bin",
            "COLUMNS": "200",
            "LANG": "C.UTF-8",
            # An empty data folder of its own: no store, so no evidence, unless a test says.
            "BSU_DATA_DIR": tempfile.mkdtemp(prefix="bsu-cli-"),
        },
    )


def run_with_store(
    *args: str | Path, data: Path, cwd: Path, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    """The console script in a fresh process whose store lives in ``data``."""
    return subprocess.run(
        [str(BSU), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "COLUMNS": str(columns),
            "LANG": "C.UTF-8",
            "HOME": str(data),
            "BSU_DATA_DIR": str(data),
        },
    )


@pytest.fixture
def bsu() -> object:
    return run
