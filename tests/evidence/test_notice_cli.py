"""``bsu check`` says plainly when loaded evidence overruled the roster: which extract,
which lists, their dates and sources (stderr, Indonesian; English with ``--lang en``),
and ``--format json`` carries the same as a top-level ``evidence`` object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.evidence.test_cli_and_api import SAMPLES, ok, run

CLEAN = SAMPLES / "roster-clean.xlsx"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("notice") / "data"
    ok(run(data, "registry", "import", SAMPLES / "registry-extract.csv", "--as-of", "2025-05-02"))
    ok(
        run(
            data,
            *("exclusions", "import", "--list", "pkh", SAMPLES / "exclusions-pkh.csv"),
            *("--source", "Kemensos", "--as-of", "2025-06-01"),
        )
    )
    return data


def test_the_check_names_the_evidence_in_force(data: Path) -> None:
    done = run(data, "check", CLEAN)
    ok(done)
    notice = done.stderr
    assert "Data yang dimuat dipakai dan mengalahkan isi roster" in notice, notice
    assert "data peserta BPJS Ketenagakerjaan registry-extract.csv (per 2025-05-02)" in notice
    assert "daftar PKH exclusions-pkh.csv (per 2025-06-01, sumber Kemensos)" in notice

    english = run(data, "check", CLEAN, "--lang", "en")
    ok(english)
    assert "Loaded evidence was used and outranks what the roster says" in english.stderr
    assert "PKH list exclusions-pkh.csv (as of 2025-06-01, source Kemensos)" in english.stderr
    assert "Data yang dimuat" not in english.stderr


def test_the_json_carries_the_notice(data: Path) -> None:
    done = run(data, "check", CLEAN, "--format", "json")
    doc = json.loads(ok(done))
    evidence = doc["evidence"]
    assert evidence["scope"] == "all"
    assert evidence["registry"] == [{"as_of": "2025-05-02", "file": "registry-extract.csv"}]
    assert evidence["lists"] == [
        {"list": "pkh", "as_of": "2025-06-01", "source": "Kemensos", "file": "exclusions-pkh.csv"}
    ]
    assert "registry-extract.csv" in evidence["message"]
    assert "Data yang dimuat dipakai" in done.stderr


def test_without_evidence_there_is_no_notice(tmp_path: Path) -> None:
    done = run(tmp_path / "data", "check", CLEAN, "--format", "json")
    assert "evidence" not in json.loads(ok(done))
    assert "Data yang dimuat" not in done.stderr
