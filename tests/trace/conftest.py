"""What the trace tests share: a roster written in the test, the real ``bsu`` command with
a data folder of the test's own, and reading a trace back."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import BSU, ROOT
from tests.support import VALID_WORKER, write_csv, write_xlsx

HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tanggal Kepesertaan", "Kab/Kota"]
# Synthetic, well-formed NIKs (province 32, a woman born 1 January 1990).
WORKERS: list[list[Any]] = [
    [VALID_WORKER["nik"], "Pekerja Satu", 3_000_000, "Aktif", "2024-01-15", "Kota Bekasi"],
    ["3275014101900002", "Pekerja Dua", 9_000_000, "Aktif", "2024-01-15", "Kota Bekasi"],
    ["3275014101900003", "Pekerja Tiga", 3_200_000, "Nonaktif", "2023-05-02", "Kota Bekasi"],
    ["3275014101900004", "Pekerja Empat", "", "Aktif", "2026-01-01", ""],
]
CREATED_AT = re.compile(r'"created_at":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"')

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def rosters(tmp_path: Path) -> list[Path]:
    """Two employers' rosters: a workbook and a CSV."""
    folder = tmp_path / "rosters"
    folder.mkdir()
    xlsx = write_xlsx(folder / "pt-satu.xlsx", {"Pekerja": [HEADER, *WORKERS]})
    lines = [",".join(HEADER), "3275014101900005,Pekerja Lima,3100000,Aktif,2022-02-01,Kota Bogor"]
    csv = write_csv(folder / "pt-dua.csv", lines)
    return [xlsx, csv]


@pytest.fixture
def cli(tmp_path: Path) -> Run:
    """The real console script with a data folder of this test's own (kept across calls,
    so that evidence imported by one call is used by the next)."""
    data = tmp_path / "cli-data"  # not the server's ``data``, when a test has both
    data.mkdir()

    def run(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BSU), *map(str, args)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            env={
                "PATH": "/usr/bin:/bin",
                "COLUMNS": "200",
                "LANG": "C.UTF-8",
                "BSU_DATA_DIR": str(data),
                **env,
            },
        )

    return run


def without_created_at(text: str) -> str:
    """The trace with its one timestamp blanked, after checking there is exactly one."""
    found = CREATED_AT.findall(text)
    assert len(found) == 1, found
    return CREATED_AT.sub('"created_at":""', text)


def canonical(doc: Any) -> str:
    """How a trace is written: keys sorted, no spaces, UTF-8 as is, a line end."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
