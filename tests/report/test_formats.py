"""bsu.results.formats: one table of result formats; a file is written in the format its
suffix names, and served as the media type the API gives it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bsu import evaluate, load_ruleset
from bsu.results import formats
from bsu.results.csv import write_csv
from bsu.results.model import Result
from bsu.results.trace import dumps
from bsu.rosters import readers

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "roster-semicolon.csv"


@pytest.fixture(scope="module")
def result() -> Result:
    read = readers.read(SAMPLE)
    return Result.of(read, evaluate(read.records, load_ruleset("bsu-2025")))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("hasil.csv", "csv"), ("HASIL.CSV", "csv"), ("hasil.xlsx", "xlsx"), ("hasil", "xlsx")],
)
def test_the_suffix_names_the_format_and_anything_else_is_a_workbook(
    name: str, expected: str
) -> None:
    assert formats.format_of(Path(name)).name == expected


def test_a_csv_written_by_suffix_is_the_csv_writers_file(result: Result, tmp_path: Path) -> None:
    formats.write(result, tmp_path / "by-suffix.csv")
    write_csv(result, tmp_path / "direct.csv")
    assert (tmp_path / "by-suffix.csv").read_bytes() == (tmp_path / "direct.csv").read_bytes()


def test_a_format_named_wins_over_the_suffix(result: Result, tmp_path: Path) -> None:
    formats.write(result, tmp_path / "hasil.csv.1.part", "csv")
    write_csv(result, tmp_path / "direct.csv")
    assert (tmp_path / "hasil.csv.1.part").read_bytes() == (tmp_path / "direct.csv").read_bytes()


def test_a_workbook_written_by_suffix_is_a_workbook(result: Result, tmp_path: Path) -> None:
    formats.write(result, tmp_path / "hasil.xlsx", writer="xlsxwriter")
    assert (tmp_path / "hasil.xlsx").read_bytes()[:2] == b"PK"


def test_each_format_is_served_as_the_api_serves_it() -> None:
    assert {name: formats.media_type(name) for name in formats.FORMATS} == {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
        "trace": "application/json",
        "actions": "text/csv; charset=utf-8",  # the payment pre-check's action list
    }


def test_a_trace_named_is_the_trace_writers_document(result: Result, tmp_path: Path) -> None:
    formats.write(result, tmp_path / "jejak.json", "trace")
    written = (tmp_path / "jejak.json").read_text(encoding="utf-8")
    doc = json.loads(written)
    assert doc["schema"] == "bsu.trace.v1"
    assert written == dumps(result, created_at=doc["created_at"])
