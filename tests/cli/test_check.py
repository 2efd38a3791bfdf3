"""``bsu check`` through the installed entry point, on real files written here."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from tests.cli.conftest import ROOT, run
from tests.support import write_xlsx

SAMPLES = ROOT / "samples"
HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tgl Daftar", "Kab/Kota", "Divisi"]
ROWS = [
    ["3275014101900001", "Adi", "Rp 3.500.000", "Aktif", "15/01/2024", "Kota Bekasi", "A"],
    ["3275014101900002", "Budi", "Rp 5.800.000", "Aktif", "15/01/2024", "Kota Bekasi", "B"],
    ["3275014101900003", "Cici", "", "Aktif", "15/01/2024", "Kota Bekasi", "=1+1"],
]


def _xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    return write_xlsx(path, {"Roster": [["DAFTAR PEKERJA"], header, *rows]})


def test_check_prints_a_summary_and_writes_the_workbook(tmp_path: Path) -> None:
    roster = _xlsx(tmp_path / "roster.xlsx", ROWS)
    out = tmp_path / "hasil.xlsx"
    done = run("check", roster, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Layak" in done.stdout and "Perlu Perbaikan Data" in done.stdout
    assert "Traceback" not in done.stderr
    assert "3275014101900002" not in done.stdout, "the terminal shows masked NIKs only"

    book = load_workbook(out)
    assert book.sheetnames == [
        "Ringkasan",
        "Layak",
        "Tidak Layak",
        "Perlu Perbaikan",
        "Jejak Keputusan",
    ]
    layak, tidak, perbaikan = book["Layak"], book["Tidak Layak"], book["Perlu Perbaikan"]
    header = [c.value for c in layak[1]]
    assert header[:3] == ["Berkas", "Sheet", "Baris"]
    assert {"NIK", "Nama", "Divisi", "Status", "Kode Alasan", "Keterangan"} <= set(header)
    assert layak.freeze_panes == "A2"
    assert layak.auto_filter.ref is not None
    nik_col = header.index("NIK")
    row_col = header.index("Baris")
    eligible = list(layak.iter_rows(min_row=2, values_only=True))
    assert [(r[row_col], r[nik_col]) for r in eligible] == [(3, "3275014101900001")]
    assert layak.cell(row=2, column=nik_col + 1).data_type == "s"
    ineligible = list(tidak.iter_rows(min_row=2, values_only=True))
    assert [r[header.index("Kode Alasan")] for r in ineligible] == ["WAGE_ABOVE_CAP"]
    assert "Rp5.700.000" in ineligible[0][header.index("Keterangan")]
    review = list(perbaikan.iter_rows(min_row=2, values_only=True))
    assert [r[header.index("Kode Alasan")] for r in review] == ["WAGE_MISSING"]
    # User text is written as text, never as a formula.
    divisi = perbaikan.cell(row=2, column=header.index("Divisi") + 1)
    assert divisi.value == "=1+1" and divisi.data_type == "s"

    summary = [r for r in book["Ringkasan"].iter_rows(values_only=True) if any(r)]
    assert ("Layak", 1, None) in summary
    assert ("Total bantuan (Rp)", 600000, None) in summary


def test_json_output_follows_the_documented_shape(tmp_path: Path) -> None:
    roster = _xlsx(tmp_path / "roster.xlsx", ROWS)
    done = run("check", roster, "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["ruleset"] == {"id": "bsu-2025", "version": "2025.1", "status": "final"}
    assert doc["summary"] == {
        "total": 3,
        "eligible": 1,
        "ineligible": 1,
        "review": 1,
        "benefit_total": 600000,
    }
    first, second, third = doc["rows"]
    assert set(first) >= {
        "source",
        "row",
        "nik",
        "name",
        "status",
        "reasons",
        "wage",
        "wage_cap",
        "benefit",
    }
    assert (first["row"], first["status"], first["benefit"], first["wage_cap"]) == (
        3,
        "eligible",
        600000,
        5700000,
    )
    assert second["reasons"][0]["code"] == "WAGE_ABOVE_CAP"
    assert "Pasal 3" in second["reasons"][0]["citation"]
    assert third["reasons"][0]["code"] == "WAGE_MISSING"


def test_english_messages_on_request(tmp_path: Path) -> None:
    roster = _xlsx(tmp_path / "roster.xlsx", ROWS)
    done = run("check", roster, "--format", "json", "--lang", "en")
    doc = json.loads(done.stdout)
    assert doc["rows"][1]["reasons"][0]["message"].startswith("The wage Rp5.800.000 is above")


def test_csv_output_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(";".join(r) for r in [HEADER, *ROWS]) + "\n", encoding="utf-8")
    done = run("check", roster, "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert [r["Status"] for r in rows] == ["Layak", "Tidak Layak", "Perlu Perbaikan Data"]
    assert [r["Baris"] for r in rows] == ["2", "3", "4"]
    out = tmp_path / "hasil.csv"
    assert run("check", roster, "--out", out).returncode == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Berkas,")


def test_several_rosters_in_one_run_share_duplicate_detection(tmp_path: Path) -> None:
    a = _xlsx(tmp_path / "a.xlsx", ROWS[:1])
    b = _xlsx(tmp_path / "b.xlsx", ROWS[:1])
    doc = json.loads(run("check", a, b, "--format", "json").stdout)
    assert [r["source"] for r in doc["rows"]] == ["a.xlsx", "b.xlsx"]
    assert [r["reasons"][0]["code"] for r in doc["rows"]] == ["NIK_DUPLICATE_ACROSS_EMPLOYERS"] * 2
    assert "b.xlsx (Roster) baris 3" in doc["rows"][0]["reasons"][0]["message"]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("kosong.xlsx", b"", "kosong"),
        ("roster.xls", b"\xd0\xcf\x11\xe0old excel", "rusak"),
        ("roster.pdf", b"%PDF-1.4", "tidak didukung"),
        ("palsu.xlsx", b"NIK;Nama\n3275014101900001;Adi\n", "bukan workbook Excel"),
        ("tanpa-nik.csv", b"Nama;Upah\nAdi;3000000\n", "Tidak ada kolom NIK"),
        ("judul-saja.csv", b"NIK;Nama\n", "tidak ada baris pekerja"),
    ],
)
def test_bad_files_exit_2_with_a_bilingual_message(
    tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "hasil.xlsx"
    done = run("check", path, "--out", out)
    assert done.returncode == 2
    assert words in done.stderr
    assert "Error:" in done.stderr and name in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists(), "nothing is written when the roster cannot be read"


def test_a_missing_file_and_an_unknown_rule_set_are_user_errors(tmp_path: Path) -> None:
    done = run("check", tmp_path / "tidak-ada.xlsx")
    assert done.returncode == 2 and "tidak ditemukan" in done.stderr
    roster = _xlsx(tmp_path / "roster.xlsx", ROWS)
    done = run("check", roster, "--rules", "bsu-1999")
    assert done.returncode == 2 and "bsu-2025" in done.stderr
    done = run("check", roster, "--out", tmp_path / "hasil.pdf")
    assert done.returncode == 2 and ".xlsx" in done.stderr
    done = run("check", roster, "--out", tmp_path / "tidak-ada" / "hasil.xlsx")
    assert done.returncode == 2 and "tidak dapat ditulis" in done.stderr
    assert "Traceback" not in done.stderr


def test_rules_list_and_show() -> None:
    listed = run("rules", "list")
    assert listed.returncode == 0 and "bsu-2025" in listed.stdout
    shown = run("rules", "show", "bsu-2025")
    assert shown.returncode == 0
    for words in (
        "Permenaker",
        "30 April 2025",
        "Rp3.500.000",
        "Rp600.000",
        "WAGE_ABOVE_CAP",
        "Pasal 6 ayat (1)",
    ):
        assert words in shown.stdout
    assert "Active BPJS Ketenagakerjaan" in run("rules", "show", "bsu-2025", "--lang", "en").stdout


def _sample_row(row: dict[str, Any]) -> dict[str, Any]:
    """A JSON row as samples/expected.yaml records it: status and reason codes, and for a
    roster with bank columns the payment channel and finding codes."""
    got: dict[str, Any] = {
        "status": row["status"],
        "reasons": [x["code"] for x in row["reasons"]],
    }
    if row.get("payment") is not None:
        paid = row["payment"]
        got["payment"] = {
            "channel": paid["channel"],
            "findings": [x["code"] for x in paid["findings"]],
        }
    return got


def test_samples_give_the_expected_decisions() -> None:
    """The shipped samples: every status and reason, and every payment channel and
    finding, as samples/expected.yaml records them."""
    expected = yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))
    seen: set[str] = set()
    paid: set[str] = set()
    for name, rows in expected.items():
        done = run("check", SAMPLES / name, "--format", "json")
        assert done.returncode == 0, done.stderr
        got = {r["row"]: _sample_row(r) for r in json.loads(done.stdout)["rows"]}
        assert got == rows, name
        seen |= {code for r in rows.values() for code in r["reasons"]}
        seen |= {r["status"] for r in rows.values()}
        payments = [r["payment"] for r in rows.values() if "payment" in r]
        paid |= {p["channel"] for p in payments} | {c for p in payments for c in p["findings"]}
    from bsu.core.reasons import PaymentCode, ReasonCode, Status

    # The pre-check's every finding, and a channel of each kind (Aceh's, a bank's, the post).
    assert paid >= {c.value for c in PaymentCode} | {"bsi", "bri", "pos"}

    # These need a registry extract or several employers' rosters (tests/evidence).
    needs_more = {
        ReasonCode.PARTICIPANT_NOT_FOUND,
        ReasonCode.NIK_DUPLICATE_ACROSS_EMPLOYERS,
        ReasonCode.CONTRIBUTION_NOT_PAID,
        ReasonCode.PARTICIPANT_NONACTIVE_BY_CUTOFF,
    }
    single = {c.value for c in ReasonCode if c not in needs_more}
    assert seen >= single | {s.value for s in Status}


def test_an_unreachable_evidence_store_is_a_clear_error(tmp_path: Path) -> None:
    import subprocess

    from tests.cli.conftest import BSU

    roster = _xlsx(tmp_path / "roster.xlsx", ROWS)
    done = subprocess.run(
        [str(BSU), "check", str(roster)],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "BSU_DATA_DIR": str(tmp_path / "data"),
            "BSU_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        },
    )
    assert done.returncode == 2
    assert "tidak dapat dibuka" in done.stderr and "BSU_DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr
