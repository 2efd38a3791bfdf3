"""The wage's parts read from a roster: a basic wage, the fixed allowances (every column a
header marks as fixed, summed per row, or named by ``--map fixed_allowance=``), a daily
wage; a total beside them used as it is; non-fixed pay never added; an allowance of a
kind that cannot be told named in a notice.

Every roster is a real file written here (xlsx with openpyxl, CSV byte for byte); each
case asserts the records the engine will see and ``roster.sheets[0]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bsu.rosters import readers as roster
from bsu.rosters.headers import FIXED, NOT_FIXED, UNKNOWN, allowance_kind, other_kind, recognise
from bsu.rosters.reading import DEFAULT, ReadOptions, SheetRead, parse_mapping
from bsu.service.jobs import read_options
from tests.support import write_csv, write_xlsx

NIKS = ("3273056010900010", "3275014507850003", "3171012902960001")
BASIC = (3_400_000, 3_000_000, 2_500_000)
FIXED_ALLOWANCE = (300_000, 0, None)
POSITION = (100_000, 50_000, None)
TOTALS = (3_800_000, 3_050_000, 2_500_000)


def _read(
    tmp: Path,
    header: Sequence[str],
    columns: Sequence[Sequence[Any]],
    options: ReadOptions = DEFAULT,
    kind: str = "xlsx",
) -> roster.Roster:
    """A roster with ``header`` over ``columns`` (one sequence of cells per column)."""
    rows = [list(r) for r in zip(*columns, strict=True)]
    if kind == "csv":
        cells = [["" if c is None else str(c) for c in r] for r in rows]
        lines = [";".join(header)] + [";".join(r) for r in cells]
        return roster.read(write_csv(tmp / "roster.csv", lines), options=options)
    path = write_xlsx(tmp / "roster.xlsx", {"Data": [list(header), *rows]})
    return roster.read(path, options=options)


def _ignored(info: SheetRead) -> dict[str, str]:
    return {c.header: c.why.code for c in info.ignored}


def _notices(info: SheetRead) -> dict[str, dict[str, Any]]:
    return {n.code: dict(n.params) for n in info.notices}


# --- what an allowance header says of its kind ------------------------------------------

HEADER_KINDS = [
    # (header, what it says, the field it names, why it is not used)
    ("Tunjangan Tetap", FIXED, "fixed_allowance", None),
    ("TUNJ. TETAP", FIXED, "fixed_allowance", None),
    ("Tunjangan Jabatan (Tetap)", FIXED, "fixed_allowance", None),
    ("Tunj Jabatan Tetap", FIXED, "fixed_allowance", None),
    ("Tunjangan Tetap (ribu)", FIXED, "fixed_allowance", None),
    ("Allowance (Fixed)", FIXED, "fixed_allowance", None),
    ("Fixed Allowance", FIXED, "fixed_allowance", None),
    ("Tunjangan Tidak Tetap", NOT_FIXED, None, "other_pay"),
    ("Tunjangan Non Tetap", NOT_FIXED, None, "other_pay"),
    ("Tunjangan Non-Tetap", NOT_FIXED, None, "other_pay"),
    ("Non-Fixed Allowance", NOT_FIXED, None, "other_pay"),
    ("Tunjangan Makan", NOT_FIXED, None, "other_pay"),
    ("Tunjangan Makan (Tetap)", NOT_FIXED, None, "other_pay"),  # meals are never fixed
    ("Tunjangan Transport", NOT_FIXED, None, "other_pay"),
    ("Tunjangan Kehadiran", NOT_FIXED, None, "other_pay"),
    ("Tunjangan Lembur", NOT_FIXED, None, "other_pay"),
    ("Tunjangan Jabatan", UNKNOWN, None, "allowance_kind_unknown"),
    ("Tunjangan Keluarga", UNKNOWN, None, "allowance_kind_unknown"),
    ("Tunjangan", UNKNOWN, None, "allowance_kind_unknown"),
    ("Allowance", UNKNOWN, None, "allowance_kind_unknown"),
    ("Lembur", None, None, "other_pay"),
    ("Uang Makan", None, None, "other_pay"),
    ("THR", None, None, "other_pay"),
    ("Bonus", None, None, "other_pay"),
    ("Premi", None, None, "other_pay"),
    ("Gaji Pokok", None, "basic_wage", None),
    ("Upah Pokok (Rp)", None, "basic_wage", None),
    ("Upah Harian", None, "daily_wage", None),
]


@pytest.mark.parametrize(("header", "kind", "field", "why"), HEADER_KINDS)
def test_an_allowance_header_says_whether_it_is_added(
    header: str, kind: str | None, field: str | None, why: str | None
) -> None:
    assert allowance_kind(header) == kind
    named = recognise(header)
    assert (named.field if named is not None else None) == field
    if field is None:
        assert other_kind(header) == why


# --- fixed allowance columns, summed ----------------------------------------------------

PAYROLL = (
    "NIK",
    "Gaji Pokok",
    "Tunjangan Tetap",
    "Tunjangan Jabatan (Tetap)",
    "Lembur",
    "Uang Makan",
    "Tunjangan Keluarga",
)
PAY_COLUMNS = (
    NIKS,
    BASIC,
    FIXED_ALLOWANCE,
    POSITION,
    (250_000,) * 3,
    (400_000,) * 3,
    (150_000,) * 3,
)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_fixed_allowance_columns_are_summed_and_other_pay_is_not(
    tmp_path: Path, kind: str
) -> None:
    r = _read(tmp_path, PAYROLL, PAY_COLUMNS, kind=kind)
    (info,) = r.sheets
    assert info.matched == {
        "nik": "NIK",
        "basic_wage": "Gaji Pokok",
        "fixed_allowance": "Tunjangan Tetap",
    }
    assert info.columns["fixed_allowance"] == ("Tunjangan Tetap", "Tunjangan Jabatan (Tetap)")
    assert _ignored(info) == {
        "Lembur": "other_pay",
        "Uang Makan": "other_pay",
        "Tunjangan Keluarga": "allowance_kind_unknown",
    }
    notices = _notices(info)
    assert notices["fixed_allowance_summed"] == {
        "headers": "'Tunjangan Tetap', 'Tunjangan Jabatan (Tetap)'"
    }
    assert notices["allowances_not_added"] == {
        "headers": "'Tunjangan Keluarga'",
        "example": "Tunjangan Keluarga",
    }
    assert "wage_basic_only" not in notices
    # 300.000 + 100.000; 0 + 50.000; blank in both columns stays blank.
    assert r.records["fixed_allowance"].tolist() == [400_000.0, 50_000.0, None]
    assert [float(w) for w in r.records["basic_wage"]] == [float(b) for b in BASIC]
    assert r.records["wage"].isna().all()


def test_the_notices_say_how_to_mark_an_allowance_as_fixed(tmp_path: Path) -> None:
    (info,) = _read(tmp_path, PAYROLL, PAY_COLUMNS).sheets
    text = "\n".join(info.lines("id"))
    assert "Tunjangan tetap dijumlahkan per baris dari kolom 'Tunjangan Tetap', " in text
    assert "'Tunjangan Keluarga (Tetap)'" in text
    assert '--map fixed_allowance="Tunjangan Keluarga"' in text
    assert "Kolom 'Lembur' tidak dipakai: penghasilan yang bukan upah pokok" in text
    english = "\n".join(info.lines("en"))
    assert "do not say whether the allowance is fixed" in english
    assert '--map fixed_allowance="Tunjangan Keluarga"' in english


def test_a_summed_cell_that_is_no_amount_keeps_its_column_and_text(tmp_path: Path) -> None:
    r = _read(
        tmp_path,
        ("NIK", "Gaji Pokok", "Tunjangan Tetap", "Tunjangan Jabatan (Tetap)"),
        (NIKS, BASIC, (300_000, "-", None), ("tiga ratus", 50_000, "Rp 25.000")),
    )
    assert r.records["fixed_allowance"].tolist() == [
        "Tunjangan Jabatan (Tetap): tiga ratus",
        50_000.0,  # "-" is no allowance
        25_000.0,
    ]


def test_the_units_of_each_summed_column_scale_it(tmp_path: Path) -> None:
    r = _read(
        tmp_path,
        ("NIK", "Gaji Pokok (ribu)", "Tunjangan Tetap (ribu)", "Tunjangan Jabatan Tetap"),
        (NIKS, (3400, 3000, 2500), (300, 0, None), (100_000, 50_000, None)),
    )
    (info,) = r.sheets
    assert r.records["basic_wage"].tolist() == [3_400_000.0, 3_000_000.0, 2_500_000.0]
    assert r.records["fixed_allowance"].tolist() == [400_000.0, 50_000.0, None]
    assert [n.code for n in info.notices].count("wage_in_thousands") == 2


def test_a_column_totalling_the_fixed_allowances_is_read_alone(tmp_path: Path) -> None:
    r = _read(
        tmp_path,
        ("NIK", "Gaji Pokok", "Tunjangan Tetap", "Total Tunjangan Tetap"),
        (NIKS, BASIC, (300_000, 0, None), (400_000, 50_000, 0)),
    )
    (info,) = r.sheets
    assert info.columns["fixed_allowance"] == ("Total Tunjangan Tetap",)
    assert _ignored(info) == {"Tunjangan Tetap": "fixed_allowance_in_total"}
    assert r.records["fixed_allowance"].tolist() == [400_000, 50_000, 0]


# --- a basic wage alone; a total beside the parts ------------------------------------------


def test_a_basic_wage_alone_says_the_allowances_are_taken_as_none(tmp_path: Path) -> None:
    r = _read(tmp_path, ("NIK", "Upah Pokok", "Tunjangan Jabatan"), (NIKS, BASIC, POSITION))
    (info,) = r.sheets
    assert info.matched == {"nik": "NIK", "basic_wage": "Upah Pokok"}
    assert sorted(_notices(info)) == ["allowances_not_added", "wage_basic_only"]
    assert _notices(info)["wage_basic_only"] == {"header": "Upah Pokok"}
    assert "tunjangan tetap dianggap tidak ada" in "\n".join(info.lines("id"))


TOTAL_CASES = [
    # (headers, columns, total judged, ignored)
    (
        ("Gaji Pokok", "Tunjangan Tetap", "Total Upah"),
        (BASIC, FIXED_ALLOWANCE, TOTALS),
        "Total Upah",
        {"Gaji Pokok": "basic_wage", "Tunjangan Tetap": "fixed_allowance_beside_total"},
    ),
    (
        ("Upah Pokok", "Tunjangan Tetap", "Tunjangan Jabatan (Tetap)", "Upah Dilaporkan"),
        (BASIC, FIXED_ALLOWANCE, POSITION, TOTALS),
        "Upah Dilaporkan",
        {
            "Upah Pokok": "basic_wage",
            "Tunjangan Tetap": "fixed_allowance_beside_total",
            "Tunjangan Jabatan (Tetap)": "fixed_allowance_beside_total",
        },
    ),
    (
        ("Upah Harian", "Upah"),
        ((140_000,) * 3, TOTALS),
        "Upah",
        {"Upah Harian": "daily_wage_beside_total"},
    ),
]


@pytest.mark.parametrize(("header", "columns", "judged", "ignored"), TOTAL_CASES)
def test_a_total_beside_the_parts_is_used_as_it_is(
    tmp_path: Path,
    header: tuple[str, ...],
    columns: tuple[Sequence[Any], ...],
    judged: str,
    ignored: dict[str, str],
) -> None:
    r = _read(tmp_path, ("NIK", *header), (NIKS, *columns))
    (info,) = r.sheets
    assert info.matched == {"nik": "NIK", "wage": judged}
    assert _ignored(info) == ignored
    assert _notices(info) == {}
    assert r.records["wage"].tolist() == list(TOTALS)
    for part in ("basic_wage", "fixed_allowance", "daily_wage"):
        assert r.records[part].isna().all()


def test_an_empty_total_column_gives_way_to_the_parts(tmp_path: Path) -> None:
    r = _read(
        tmp_path,
        ("NIK", "Gaji Pokok", "Tunjangan Tetap", "Total Upah"),
        (NIKS, BASIC, FIXED_ALLOWANCE, (None,) * 3),
    )
    (info,) = r.sheets
    assert info.matched == {
        "nik": "NIK",
        "basic_wage": "Gaji Pokok",
        "fixed_allowance": "Tunjangan Tetap",
    }
    assert _ignored(info) == {"Total Upah": "empty_column"}
    assert r.records["basic_wage"].tolist() == list(BASIC)


# --- --map fixed_allowance=, once per column --------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_map_marks_several_columns_as_fixed_allowances(tmp_path: Path, kind: str) -> None:
    options = parse_mapping(
        ["fixed_allowance=Tunjangan Jabatan", 'fixed_allowance="Tunjangan Keluarga"']
    )
    r = _read(
        tmp_path,
        ("NIK", "Gaji Pokok", "Tunjangan Tetap", "Tunjangan Jabatan", "Tunjangan Keluarga"),
        (NIKS, BASIC, FIXED_ALLOWANCE, POSITION, (150_000, 0, None)),
        options,
        kind=kind,
    )
    (info,) = r.sheets
    # A mapped allowance adds to those the headers mark as fixed; none is left unknown.
    assert info.columns["fixed_allowance"] == (
        "Tunjangan Tetap",
        "Tunjangan Jabatan",
        "Tunjangan Keluarga",
    )
    assert _ignored(info) == {}
    assert sorted(_notices(info)) == ["fixed_allowance_summed"]
    assert r.records["fixed_allowance"].tolist() == [550_000.0, 50_000.0, None]


@pytest.mark.parametrize(
    ("items", "mapping"),
    [
        (
            ["fixed_allowance=A", "fixed_allowance=B", "wage=X", "wage=Y"],
            {"fixed_allowance": ("A", "B"), "wage": "Y"},  # other fields: the later one
        ),
        (["fixed_allowance=A\nfixed_allowance=B\n"], {"fixed_allowance": ("A", "B")}),
        (["fixed_allowance=A", "FIXED_ALLOWANCE = a"], {"fixed_allowance": "A"}),  # once
        (["fixed_allowance=A"], {"fixed_allowance": "A"}),
    ],
)
def test_a_summed_field_takes_every_header_named(items: list[str], mapping: dict[str, Any]) -> None:
    options = parse_mapping(items)
    assert dict(options.mapping) == mapping
    # As an upload keeps it and its worker reads it back.
    stored = options.to_store()
    assert stored is not None
    assert read_options(stored) == options
    assert all(isinstance(v, str | list) for v in stored["mapping"].values())


def test_an_older_batchs_mapping_reads_back() -> None:
    assert read_options({"mapping": {"wage": "Total Upah"}}) == ReadOptions({"wage": "Total Upah"})
    assert read_options(None) == DEFAULT
    assert DEFAULT.to_store() is None
