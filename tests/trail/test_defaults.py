"""Each data-gap default the rule set declares, counted on the rows it was applied to
(``bsu.core.defaults``): in the engine, in JSON, in the result workbook and on the screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from bsu import evaluate, load_ruleset
from bsu.core.evidence import Evidence, ExclusionList, registry_frame
from bsu.core.records import frame
from bsu.results.model import Result, to_json
from bsu.rosters import readers
from tests.cli.conftest import run
from tests.support import VALID_WORKER, write_xlsx

RULES = load_ruleset("bsu-2025")
ALL = list(RULES.spec.defaults)

# Each case: rows as (how many, what they change), and the rows each default counts
# (a default left out counts none of them). Every worker starts as VALID_WORKER, which
# leaves category, employment status, PKH and nationality blank.
CASES: list[tuple[str, list[tuple[int, dict[str, Any]]], dict[str, int]]] = [
    (
        "12 blank categories among 15",
        [
            (12, {"participant_category": ""}),
            (3, {"participant_category": "PU", "employment_status": "Kontrak"}),
        ],
        {
            "category_blank_is_pu": 12,
            "employment_blank_not_excluded": 12,
            "pkh_blank_is_not_recipient": 15,
            "nationality_blank_not_stated": 15,
        },
    ),
    (
        "a dash is blank, a question mark is an answer that cannot be read",
        [
            (5, {"pkh_recipient": "", "nationality": "WNI", "employment_status": "-"}),
            (4, {"pkh_recipient": "-", "nationality": "WNI", "employment_status": "Kontrak"}),
            (2, {"pkh_recipient": "Tidak", "nationality": "?", "employment_status": "PNS"}),
            (1, {"pkh_recipient": "?", "nationality": "-", "employment_status": "Honorer"}),
        ],
        {
            "category_blank_is_pu": 12,
            "pkh_blank_is_not_recipient": 9,
            "employment_blank_not_excluded": 5,
            "nationality_blank_not_stated": 1,
        },
    ),
    (
        "a basic wage without fixed allowances is taken as the whole wage",
        [
            (4, {"wage": "", "basic_wage": 2_500_000}),
            (2, {"wage": "", "basic_wage": 2_500_000, "fixed_allowance": 300_000}),
            (1, {"wage": 2_800_000, "basic_wage": 2_500_000}),
        ],
        {
            "fixed_allowance_blank_is_none": 4,
            "category_blank_is_pu": 7,
            "employment_blank_not_excluded": 7,
            "pkh_blank_is_not_recipient": 7,
            "nationality_blank_not_stated": 7,
        },
    ),
    (
        "every cell filled: nothing assumed",
        [
            (
                3,
                {
                    "participant_category": "PU",
                    "employment_status": "Kontrak",
                    "pkh_recipient": "Tidak",
                    "nationality": "WNI",
                },
            )
        ],
        {},
    ),
]


def _records(rows: list[tuple[int, dict[str, Any]]], source: str = "roster.xlsx") -> Any:
    workers = [
        {**VALID_WORKER, **changes, "nik": None, "source": source}
        for n, changes in rows
        for _ in range(n)
    ]
    for i, worker in enumerate(workers, start=1):
        worker["nik"] = f"3275014101{90 + i // 10_000:02d}{i % 10_000:04d}"
    return frame(workers)


@pytest.mark.parametrize(
    ("rows", "counted"), [pytest.param(rows, counted, id=name) for name, rows, counted in CASES]
)
def test_each_default_counts_the_rows_it_was_applied_to(
    rows: list[tuple[int, dict[str, Any]]], counted: dict[str, int]
) -> None:
    decisions = evaluate(_records(rows), RULES)
    assert decisions.defaults() == {name: counted.get(name, 0) for name in ALL}


def test_the_count_is_said_in_the_rule_sets_words_the_indonesian_way() -> None:
    rows = [(1234, {"participant_category": ""}), (2, {"participant_category": "PU"})]
    decisions = evaluate(_records(rows), RULES)
    read = readers.Roster(records=_records(rows), original=pd.DataFrame(index=range(1236)))
    for lang, line in (
        ("id", "1.234 baris: kategori kosong, dianggap PU"),
        ("en", "1,234 rows: category empty, taken as PU"),
    ):
        doc = to_json(Result.of(read, decisions, lang))
        [category] = [d for d in doc["defaults"] if d["id"] == "category_blank_is_pu"]
        assert category == {
            "id": "category_blank_is_pu",
            "field": "participant_category",
            "rows": 1234,
            "message": line,
        }


def test_evidence_that_gave_the_value_means_nothing_was_assumed() -> None:
    rows = [(4, {"participant_category": "", "pkh_recipient": ""})]
    records = _records(rows)
    niks = [str(n) for n in records["nik"]]
    registry = registry_frame(
        pd.DataFrame(
            {
                "nik": niks[:3],
                "status": ["active"] * 3,
                "category": ["PU", None, "PU"],
                "label": ["2025-05-02"] * 3,
            }
        )
    )
    listed = ExclusionList("pkh", pd.Index(niks[:1], dtype=object), "PKH 2025-06-01 (Kemensos)")
    evidence = Evidence(registry=registry, lists=(listed,), registry_label="2025-05-02")
    counted = evaluate(records, RULES, evidence).defaults()
    # The extract gave a category for two rows (one of its rows leaves it blank too).
    assert counted["category_blank_is_pu"] == 2
    assert counted["pkh_blank_is_not_recipient"] == 3


def test_several_rosters_are_counted_each() -> None:
    a = _records([(3, {"participant_category": ""})], "pt-a.xlsx")
    b = _records([(2, {"participant_category": ""}), (1, {"participant_category": "PU"})])
    b["source"] = "cv-b.csv"
    b["nik"] = [f"32750141019{i:05d}" for i in range(500, 503)]
    records = pd.concat([a, b], ignore_index=True)
    read = readers.Roster(records=records, original=pd.DataFrame(index=range(6)))
    doc = to_json(Result.of(read, evaluate(records, RULES)))
    [category] = [d for d in doc["defaults"] if d["id"] == "category_blank_is_pu"]
    assert category["rows"] == 5
    assert category["by_source"] == [
        {"source": "pt-a.xlsx", "rows": 3},
        {"source": "cv-b.csv", "rows": 2},
    ]


HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tgl Daftar", "Kategori"]


def _roster(path: Path, blank: int, filled: int) -> Path:
    rows = [
        [f"32750141019{i:05d}", f"Pekerja {i}", 3_000_000, "Aktif", "15/01/2024", category]
        for i, category in enumerate([""] * blank + ["PU"] * filled, start=1)
    ]
    return write_xlsx(path, {"Data": [HEADER, *rows]})


def test_the_screen_the_json_and_the_workbook_count_them(tmp_path: Path) -> None:
    roster = _roster(tmp_path / "roster.xlsx", blank=12, filled=3)
    out = tmp_path / "hasil.xlsx"
    shown = run("check", roster, "--out", out)
    assert shown.returncode == 0, shown.stderr
    assert "12 baris: kategori kosong, dianggap PU" in shown.stdout
    assert '15 baris: isian PKH kosong atau "-", dianggap bukan penerima PKH' in shown.stdout

    english = run("check", roster, "--lang", "en")
    assert "12 rows: category empty, taken as PU" in english.stdout

    doc = json.loads(run("check", roster, "--format", "json").stdout)
    assert {d["id"]: d["rows"] for d in doc["defaults"]} == {
        "nationality_blank_not_stated": 15,
        "category_blank_is_pu": 12,
        "employment_blank_not_excluded": 15,
        "pkh_blank_is_not_recipient": 15,
    }

    summary = [r for r in load_workbook(out)["Ringkasan"].iter_rows(values_only=True) if any(r)]
    firsts = [r[0] for r in summary]
    at = firsts.index("Anggapan untuk isian kosong")
    line = next(r for r in summary if r[0] == "12 baris: kategori kosong, dianggap PU")
    assert firsts.index(line[0]) > at
    assert line[1] == 12
    rationale = RULES.spec.defaults["category_blank_is_pu"].rationale.id.strip()
    assert line[2].startswith(rationale) and "Pasal 3 ayat (2) huruf b" in line[2]


def test_several_files_on_the_screen_say_how_many_rows_of_each(tmp_path: Path) -> None:
    a = _roster(tmp_path / "pt-a.xlsx", blank=2, filled=0)
    b = write_xlsx(
        tmp_path / "cv-b.xlsx",
        {
            "Data": [
                HEADER,
                *[
                    [f"32750141019{i:05d}", "B", 3_000_000, "Aktif", "15/01/2024", ""]
                    for i in range(50, 55)
                ],
            ]
        },
    )
    shown = run("check", a, b)
    assert shown.returncode == 0, shown.stderr
    lines = [line.strip() for line in shown.stdout.splitlines()]
    at = lines.index("7 baris: kategori kosong, dianggap PU")
    assert lines[at + 1 : at + 3] == ["pt-a.xlsx: 2", "cv-b.xlsx: 5"]
