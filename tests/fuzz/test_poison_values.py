"""No value a caller can send gives a 500 or a traceback (issue 11, item 2): Hypothesis
over every field of ``POST /v1/check`` on a real server, and over roster cells through the
real ``bsu check`` on CSV and xlsx files.

The values reach for every boundary numpy and pandas hold: datetime64[ns]'s range
(1677-09-22..2262-04-11), years 0001 and 9999, int64 and float64 limits, 1e308, infinity
and NaN as JSON tokens and as text, 400-digit numbers, negative zero, Excel serial
numbers, and arbitrary text. What must hold: a 200 whose every row has a status and
reasons, or a typed 422; from the CLI, exit 0 with a status and reasons on every row.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from bsu.api.schemas import WorkerCheck
from tests.cli.conftest import run as run_cli
from tests.servers import Server, unlimited_server
from tests.support import write_xlsx

EXAMPLES = hypothesis.settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
CLI_EXAMPLES = hypothesis.settings(EXAMPLES, max_examples=24)
STATUSES = {"eligible", "ineligible", "review"}

# JSON number tokens at the edges of int64, float64 and beyond.
NUMBER_TOKENS = [
    "0",
    "-0",
    "-0.0",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "1e309",
    "4.9e-324",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "9" * 400,
    "-" + "9" * 400,
    "1" + "0" * 400 + ".5",
    "Infinity",
    "-Infinity",
    "NaN",
    "2958465",  # Excel's 9999-12-31
    "45412",  # Excel's 2024-04-30
    "-693593",  # Excel's 0001-01-01
    "3275014101900001",
    "3.275014101900001e15",
]
# Text at the same edges, and dates at and beyond datetime64[ns]'s range.
TEXT_VALUES = [
    "",
    " ",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "Infinity",
    "1e308",
    "1e400",
    "-0",
    "9" * 400,
    "Rp " + ".".join(["999"] * 130),
    "999999999 juta",
    "0001-01-01",
    "9999-12-31",
    "1677-09-21",
    "1677-09-22",
    "2262-04-11",
    "2262-04-12",
    "31/12/9999",
    "01/01/0001",
    "31 Desember 9999",
    "1 Januari 0001",
    "00/00/0000",
    "29/02/2023",
    "2024-01-15T00:00:00+07:00",
    "9999-12-31 23:59:59",
    "2958465",
    "NaT",
    "None",
    "null",
    "\u0660\u0661",  # Arabic-Indic digits
    "\uff13\uff12\uff17\uff15",  # full-width digits
    "'3275014101900001",
    "3,275014E+15",
]


def _date_texts() -> st.SearchStrategy[str]:
    """Any calendar date (years 1..9999), written the ways rosters write dates."""
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]
    months += ["September", "Oktober", "November", "Desember"]
    return st.builds(
        lambda d, form: [
            d.isoformat(),
            f"{d.day:02d}/{d.month:02d}/{d.year:04d}",
            f"{d.day}-{d.month}-{d.year}",
            f"{d.day} {months[d.month - 1]} {d.year}",
            f"{d.year:04d}/{d.month:02d}/{d.day:02d}",
        ][form],
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
        st.integers(0, 4),
    )


def _json_values() -> st.SearchStrategy[str]:
    """One JSON value as raw text: tokens json.dumps cannot write are included."""
    return st.one_of(
        st.sampled_from(NUMBER_TOKENS),
        st.sampled_from(TEXT_VALUES).map(json.dumps),
        _date_texts().map(json.dumps),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.text(max_size=30).map(json.dumps),
        st.sampled_from(["null", "true", "false", "[]", "{}", '["2024-01-15"]']),
    )


FIELDS = list(WorkerCheck.model_fields)
BASE = {
    "nik": '"3275014101900001"',
    "wage": "3000000",
    "participant_status": '"Aktif"',
    "registered_on": '"2024-01-15"',
}


def _worker_texts() -> st.SearchStrategy[str]:
    """A worker as raw JSON: a valid base with any of its fields replaced."""
    return st.dictionaries(st.sampled_from(FIELDS), _json_values(), min_size=1).map(
        lambda fields: "{" + ", ".join(f'"{k}": {v}' for k, v in {**BASE, **fields}.items()) + "}"
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with unlimited_server(tmp_path_factory.mktemp("poison-fuzz")) as running:
        yield running


def _assert_answer(status: int, body: Any, many: bool) -> None:
    assert status in (200, 422), (status, body)
    if status == 422:
        assert body["error"]["code"] in ("validation_error", "request_malformed"), body
        return
    rows = body["data"] if many else [body]
    for row in rows:
        assert row["status"] in STATUSES, row
        assert row["status"] == "eligible" or row["reasons"], row
        assert all(r["code"] and r["message"] for r in row["reasons"]), row


def test_no_value_in_any_field_of_a_check_is_a_server_error(served: Server) -> None:
    headers = {"Content-Type": "application/json"}
    with served.client() as client:

        @hypothesis.given(worker=_worker_texts(), lang=st.sampled_from(["id", "en"]))
        @EXAMPLES
        def check(worker: str, lang: str) -> None:
            sent = {**headers, "Accept-Language": lang}
            one = client.post("/v1/check", content=worker, headers=sent)
            _assert_answer(one.status_code, one.json(), many=False)
            many = client.post("/v1/check/batch", content=f"[{worker}, {worker}]", headers=sent)
            _assert_answer(many.status_code, many.json(), many=True)
            assert (one.status_code == 200) is (many.status_code == 200)

        check()
    assert served.process.poll() is None
    assert "Traceback" not in served.log.read_text(errors="replace")


# --- roster cells through the real CLI ------------------------------------------------

HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tanggal Kepesertaan", "Kab/Kota"]
HEADER += ["Status Pegawai", "Penerima PKH", "Catatan"]
CELL_NUMBERS = [0.0, -0.0, 1e308, -1e308, 5e-324, 2.0**63, -(2.0**63), 2958465, 45412, 1e15]
CELL_DATES = [
    dt.datetime(1, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59, 59),
    dt.datetime(1677, 9, 21),
    dt.datetime(2262, 4, 12),
    dt.datetime(1900, 1, 1),
    dt.datetime(2024, 1, 15),
    dt.date(9999, 12, 31),
]


_PRINTABLE = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"])


def _xlsx_cells() -> st.SearchStrategy[Any]:
    """What a workbook cell can hold: text, numbers at float64's edges, real date cells
    from year 1 to 9999, booleans, nothing."""
    return st.one_of(
        st.sampled_from(TEXT_VALUES),
        _date_texts(),
        st.sampled_from(CELL_NUMBERS),
        st.sampled_from(CELL_DATES),
        st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.booleans(),
        st.none(),
        st.text(alphabet=_PRINTABLE, max_size=20),
    )


def _csv_cells() -> st.SearchStrategy[str]:
    """What a CSV cell can hold (no separators, quotes or line breaks: the reader's own
    fuzz tests cover those)."""
    safe = st.characters(
        codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"], exclude_characters=',"'
    )
    return st.one_of(
        st.sampled_from(TEXT_VALUES).filter(lambda t: "," not in t),
        _date_texts(),
        st.sampled_from(NUMBER_TOKENS),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(alphabet=safe, max_size=20),
    )


def _rows(cells: st.SearchStrategy[Any]) -> st.SearchStrategy[list[list[Any]]]:
    """Rows with a valid NIK each (so every row is a roster row) and any other cells."""
    row = st.lists(cells, min_size=len(HEADER) - 1, max_size=len(HEADER) - 1)
    return st.lists(row, min_size=1, max_size=6).map(
        lambda rows: [[f"32750141019{i:05d}", *r] for i, r in enumerate(rows)]
    )


def _assert_checked(path: Path, rows: int, out: Path) -> None:
    done = run_cli("check", path, "--format", "json", "--out", out)
    assert done.returncode == 0, (done.returncode, done.stderr[-3000:])
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert len(result["rows"]) == rows
    for row in result["rows"]:
        assert row["status"] in STATUSES, row
        assert row["status"] == "eligible" or row["reasons"], row
    assert out.stat().st_size > 0


def test_no_workbook_cell_fails_the_check_of_a_roster() -> None:
    @hypothesis.given(rows=_rows(_xlsx_cells()))
    @CLI_EXAMPLES
    def check(rows: list[list[Any]]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_xlsx(Path(tmp) / "roster.xlsx", {"Pekerja": [HEADER, *rows]})
            _assert_checked(path, len(rows), Path(tmp) / "hasil.xlsx")

    check()


def test_no_csv_cell_fails_the_check_of_a_roster() -> None:
    @hypothesis.given(rows=_rows(_csv_cells()))
    @CLI_EXAMPLES
    def check(rows: list[list[str]]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            lines = [",".join(HEADER)] + [",".join(str(c) for c in row) for row in rows]
            path = Path(tmp) / "roster.csv"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            _assert_checked(path, len(rows), Path(tmp) / "hasil.csv")

    check()
