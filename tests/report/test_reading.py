"""Notices found once rows are judged (``bsu.results.reading``): a column that is probably
the wrong one or damaged, and a missing column, each said once per sheet while every row
keeps its reasons; the reading in ``to_json`` and on the result workbook's Ringkasan,
from both writers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bsu import evaluate, load_ruleset
from bsu.core.reasons import ReasonCode, codes_in
from bsu.results.model import Result, to_json
from bsu.results.reading import notice_rules, told
from bsu.results.summary import reading_lines
from bsu.results.xlsx import write_xlsx
from bsu.rosters import readers
from bsu.rosters.reading import IgnoredColumn, Note, SkippedRow
from tests.support import write_xlsx as write_roster

RULES = load_ruleset("bsu-2025")
HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tgl Daftar"]
GOOD = "3275014101900001"  # structurally valid: Jawa Barat, born 01/01/1990


def niks(n: int) -> list[str]:
    """``n`` distinct valid NIKs (Kota Bekasi, women born 01/01/1990, serials 0001...)."""
    return [f"327501410190{i:04d}" for i in range(1, n + 1)]


def roster_rows(
    n: int, bad: int = 0, nik: Any = None, wage: Any = 3000000, header: list[str] = HEADER
) -> list[list[Any]]:
    """A header and ``n`` workers, the first ``bad`` with ``nik``/``wage`` as given."""
    rows: list[list[Any]] = [header]
    for i, good in enumerate(niks(n)):
        values = {
            "NIK": nik(i) if (nik is not None and i < bad) else good,
            "Nama": f"Pekerja {i + 1}",
            "Upah": wage if i < bad else 3000000,
            "Status Kepesertaan": "Aktif",
            "Tgl Daftar": "15/01/2024",
        }
        rows.append([values[h] for h in header])
    return rows


def check(path: Path, lang: Any = "id") -> Result:
    read = readers.read(path)
    return Result.of(read, evaluate(read.records, RULES), lang)


def codes(result: Result) -> list[list[str]]:
    return [[c.value for c in codes_in(int(m))] for m in result.decisions.frame["reasons"]]


def emp(i: int) -> str:
    return f"EMP{i + 1:04d}"


@pytest.mark.parametrize(
    ("bad", "total", "notice"),
    [
        (10, 10, True),  # every NIK is an employee code
        (5, 10, True),  # half, and at least min_rows
        (4, 5, False),  # 80%, but fewer rows than min_rows
        (6, 20, False),  # exactly the share (30%) is not more than it
        (7, 20, True),  # 35%
        (2, 10, False),  # a few typos are row problems, not a column problem
    ],
)
def test_a_column_whose_rows_mostly_fail_is_named_once(
    bad: int, total: int, notice: bool, tmp_path: Path
) -> None:
    path = write_roster(tmp_path / "r.xlsx", {"Pekerja": roster_rows(total, bad, emp)})
    result = check(path)
    (sheet,) = result.reading()
    found = [n for n in sheet.notices if n.code == "suspect_nik_invalid_format"]
    assert bool(found) == notice
    if notice:
        params = dict(found[0].params)
        assert params["header"] == "NIK"
        assert params["share"] == round(100 * bad / total) and params["rows"] == bad
        said = found[0].message("id")
        assert f"{params['share']}% baris" in said and "'NIK'" in said and "--map nik=" in said
    # The rows keep their reason and their status either way.
    assert [c for c in codes(result) if c] == [["NIK_INVALID_FORMAT"]] * bad
    assert result.summary()["review"] == bad


def test_wages_in_thousands_are_never_eligible_and_the_column_is_named(tmp_path: Path) -> None:
    rows = roster_rows(10, bad=10, wage="3.200")
    result = check(write_roster(tmp_path / "ribuan.xlsx", {"Pekerja": rows}))
    assert result.summary()["eligible"] == 0
    assert codes(result) == [["WAGE_IMPLAUSIBLE"]] * 10
    (sheet,) = result.reading()
    assert [n.code for n in sheet.notices] == ["suspect_wage_implausible"]
    assert "'Upah'" in sheet.notices[0].message("id")
    assert "thousands" in sheet.notices[0].message("en")


@pytest.mark.parametrize(
    ("dropped", "code", "reason", "header"),
    # (A sheet without a NIK column is refused by the reader: it holds no workers.)
    [
        ("Upah", "column_missing_wage", "WAGE_MISSING", "Upah"),
        (
            "Status Kepesertaan",
            "column_missing_participant_status",
            "PARTICIPATION_UNKNOWN",
            "Status Kepesertaan",
        ),
        ("Tgl Daftar", "column_missing_registered_on", "REGISTRATION_DATE_MISSING", None),
    ],
)
def test_a_missing_column_is_said_once_and_rows_keep_their_reason(
    dropped: str, code: str, reason: str, header: str | None, tmp_path: Path
) -> None:
    kept = [h for h in HEADER if h != dropped]
    path = write_roster(tmp_path / "r.xlsx", {"Pekerja": roster_rows(10, header=kept)})
    result = check(path)
    (sheet,) = result.reading()
    assert [n.code for n in sheet.notices] == [code]
    params = dict(sheet.notices[0].params)
    assert params["rows"] == 10 and params["reason"] == reason
    if header is not None:
        assert params["header"] == header
    # Statuses do not change: every row still carries the reason.
    assert all(reason in c for c in codes(result))
    assert result.summary()["review"] == 10
    # No "column looks wrong" notice on top of the missing one.
    assert not [n for n in sheet.notices if n.code.startswith("suspect_")]


def test_a_start_date_column_is_named_in_the_missing_date_notice(tmp_path: Path) -> None:
    kept = [h for h in HEADER if h != "Tgl Daftar"]
    path = write_roster(tmp_path / "r.xlsx", {"Pekerja": roster_rows(6, header=kept)})
    read = readers.read(path)
    start = IgnoredColumn("Tgl Masuk", Note.of("start_date", header="Tgl Masuk"))
    read = replace(read, sheets=[replace(s, ignored=(start,)) for s in read.sheets])
    result = Result.of(read, evaluate(read.records, RULES))
    (sheet,) = result.reading()
    (notice,) = sheet.notices
    assert notice.code == "column_missing_registered_on_start"
    said = notice.message("id")
    assert "'Tgl Masuk' adalah tanggal mulai bekerja, bukan tanggal kepesertaan BPJS" in said
    assert "'Tgl Masuk' is the date employment started" in notice.message("en")


@pytest.mark.parametrize("start", ["Tgl Masuk", "TMT Kerja", "Tanggal Mulai Bekerja"])
def test_a_start_date_column_in_the_file_gives_one_notice(start: str, tmp_path: Path) -> None:
    rows = roster_rows(6)
    rows[0] = [start if h == "Tgl Daftar" else h for h in HEADER]
    path = write_roster(tmp_path / "r.xlsx", {"Pekerja": rows})
    result = check(path)
    (sheet,) = result.reading()
    assert [n.code for n in sheet.notices] == ["column_missing_registered_on_start"]
    assert dict(sheet.notices[0].params)["start"] == start
    assert "registered_on" not in sheet.matched
    assert all("REGISTRATION_DATE_MISSING" in c for c in codes(result))


def test_rows_a_notice_speaks_for_are_told_apart(tmp_path: Path) -> None:
    rows = roster_rows(10, bad=8, nik=emp)
    rows[8][2] = "Rp99.000.000"  # a worker with a bad NIK and a wage above the cap too
    result = check(write_roster(tmp_path / "r.xlsx", {"Pekerja": rows}))
    said = told(result.reading(), result.decisions.frame)
    # 8 bad NIKs; one of them also has a wage above the cap, which no notice says.
    assert said.tolist() == [True] * 7 + [False] * 3
    assert result.summary()["eligible"] == 2


def test_sources_in_json_follow_the_documented_shape(tmp_path: Path) -> None:
    book = {
        "Pekerja": roster_rows(6, bad=6, nik=emp),
        "Kosong": [HEADER],
    }
    result = check(write_roster(tmp_path / "pt.xlsx", book))
    doc = to_json(result)
    assert [s["sheet"] for s in doc["sources"] if s["rows"]] == ["Pekerja"]
    first = next(s for s in doc["sources"] if s["sheet"] == "Pekerja")
    assert set(first) >= {
        "file",
        "sheet",
        "header_row",
        "columns",
        "ignored_columns",
        "skipped_rows",
        "notices",
    }
    assert first["file"] == "pt.xlsx" and first["header_row"] == 1
    assert first["columns"]["nik"] == ["NIK"] and first["columns"]["wage"] == ["Upah"]
    assert [n["code"] for n in first["notices"]] == ["suspect_nik_invalid_format"]
    assert first["notices"][0]["message"].startswith("100% baris (6)")


def test_the_thresholds_are_data() -> None:
    rules = notice_rules()
    assert (rules.share, rules.min_rows) == (0.3, 5)
    assert rules.suspect[ReasonCode.WAGE_IMPLAUSIBLE] == "wage"
    assert rules.missing[ReasonCode.REGISTRATION_DATE_MISSING] == "registered_on"


# --- the Ringkasan -------------------------------------------------------------------


def summary_rows(path: Path) -> list[tuple[Any, ...]]:
    return [r for r in load_workbook(path)["Ringkasan"].iter_rows(values_only=True) if any(r)]


@pytest.mark.parametrize("writer", ["rustpy", "xlsxwriter"])
@pytest.mark.parametrize(
    ("lang", "title", "notice"),
    [
        ("id", "Cara roster dibaca", "100% baris (6): NIK bukan 16 angka"),
        ("en", "How the roster was read", "100% of rows (6): the NIK is not 16 digits"),
    ],
)
def test_ringkasan_says_how_the_roster_was_read(
    writer: str, lang: Any, title: str, notice: str, tmp_path: Path
) -> None:
    path = write_roster(tmp_path / "pt.xlsx", {"Pekerja": roster_rows(6, bad=6, nik=emp)})
    result = check(path, lang)
    write_xlsx(result, tmp_path / "hasil.xlsx", writer=writer)
    rows = summary_rows(tmp_path / "hasil.xlsx")
    firsts = [r[0] for r in rows]
    at = firsts.index(title)
    below = [str(v) for v in firsts[at + 1 :]]
    assert below == reading_lines(result, 200)
    assert below[0].startswith("pt.xlsx")
    assert any(line.startswith(notice) for line in below)
    # The counts and reasons before it keep working.
    citation = RULES.reason(ReasonCode.NIK_INVALID_FORMAT).citation
    assert ("NIK_INVALID_FORMAT", 6, citation) in rows
    assert firsts.index("NIK_INVALID_FORMAT") < at


def test_ringkasan_lists_a_bounded_number_of_skipped_rows(tmp_path: Path) -> None:
    path = write_roster(tmp_path / "pt.xlsx", {"Pekerja": roster_rows(3)})
    read = readers.read(path)
    many = tuple(SkippedRow(100 + i, Note.of("row_blank")) for i in range(250))
    read = replace(read, sheets=[replace(s, skipped=many) for s in read.sheets])
    result = Result.of(read, evaluate(read.records, RULES))
    lines = reading_lines(result, 200)
    assert sum(line.startswith("Baris ") and "dilewati" in line for line in lines) == 200
    assert lines[-1] == "... dan 50 baris lain dilewati."
    english = reading_lines(Result.of(read, evaluate(read.records, RULES), "en"), 10)
    assert english[-1] == "... and 240 more rows skipped."
