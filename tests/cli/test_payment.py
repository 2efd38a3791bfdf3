"""``bsu check`` with the payment pre-check, through the real command (issue 15, items 4
and 5): each row's ``payment`` in ``--format json``, the workbook's *Pembayaran* and
*Tindak Lanjut Rekening* sheets, ``--actions FILE.csv``, the terminal's channel counts, a
folder of two employers giving one account, and a roster with no account columns."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bsu.core.ruleset import load_ruleset
from bsu.results.payment_sheet import ACTIONS_SHEET, PAYMENT_SHEET
from tests.cli.conftest import run
from tests.payment.test_outputs import (
    CASES,
    ELIGIBLE,
    INELIGIBLE,
    JAKARTA,
    LONG_ACCOUNT,
    payment_section,
    rows_of,
    write_plain_roster,
    write_roster,
)

PAYMENT = payment_section(load_ruleset("bsu-2025"))
ACCOUNT = "0123456789"  # one BNI account, given by two employers for two workers


def _actions(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _worker(nik: str, name: str) -> tuple[Any, ...]:
    return (nik, name, 3_000_000, "Aktif", "2024-01-15", JAKARTA, "BNI", ACCOUNT, name)


def test_json_rows_carry_each_rows_channel_and_findings(tmp_path: Path) -> None:
    done = run("check", write_roster(tmp_path / "pt-rekening.xlsx"), "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    rows = {r["nik"]: r for r in doc["rows"]}
    for cells, channel, codes in CASES:
        paid = rows[cells[0]]["payment"]
        assert (paid["channel"], [f["code"] for f in paid["findings"]]) == (channel, codes)
    assert doc["payment"]["counted"] == "eligible"
    assert doc["payment"]["checked"] == len(ELIGIBLE)
    assert {c["id"]: c["count"] for c in doc["payment"]["channels"]} == {
        "bsi": 1,
        "bri": 1,
        "bni": 1,
        "mandiri": 0,
        "btn": 0,
        "pos": 6,
    }


def test_the_workbook_and_the_action_list_hold_the_eligible_rows_findings(
    tmp_path: Path,
) -> None:
    roster = write_roster(tmp_path / "pt-rekening.xlsx")
    out, actions = tmp_path / "hasil.xlsx", tmp_path / "tindak-lanjut.csv"
    done = run("check", roster, "--out", out, "--actions", actions)
    assert done.returncode == 0, done.stderr
    # The terminal: the channels (a channel paying none left out) and findings of the
    # eligible rows, the files written.
    assert (
        "Saluran pembayaran (baris Layak): BSI 1, BRI 1, BNI 1, PT Pos Indonesia 6\n" in done.stdout
    )
    assert "ACCOUNT_DUPLICATE 2" in done.stdout and "hanya saran" in done.stdout
    assert "CHANNEL_POS 6" in done.stdout
    lines = sum(len(codes) for _, _, codes in ELIGIBLE)
    assert f"Daftar tindak lanjut rekening ({lines} baris) ditulis ke: {actions}" in done.stdout
    # No account number, in full or otherwise, on the screen.
    for (_, _, _, _, _, account, _), _, _ in CASES:
        assert not account or str(account) not in done.stdout + done.stderr

    book = load_workbook(out)
    paid = rows_of(book[PAYMENT_SHEET])
    assert [r["NIK Pekerja"] for r in paid] == [c[0][0] for c in ELIGIBLE]
    assert not INELIGIBLE & {r["NIK Pekerja"] for r in paid}
    by_nik = {r["NIK Pekerja"]: r for r in paid}
    assert by_nik["3171011501900007"]["Nomor Rekening"] == LONG_ACCOUNT  # 16 digits kept
    # The 16-digit account typed as a number: text, with the digits Excel kept.
    assert by_nik["3171011501900005"]["Nomor Rekening"] == "1234567890123456"
    assert "ACCOUNT_PRECISION_LOST" in by_nik["3171011501900005"]["Kode Temuan"]
    j = list(paid[0]).index("Nomor Rekening") + 1
    cells = [r[0] for r in book[PAYMENT_SHEET].iter_rows(min_row=2, min_col=j, max_col=j)]
    assert all(isinstance(c.value, str) for c in cells if c.value is not None)

    sheet = [
        (r["NIK Pekerja"], r["Kode Temuan"], r["Yang perlu dilakukan"])
        for r in rows_of(book[ACTIONS_SHEET])
    ]
    listed = [
        (r["NIK Pekerja"], r["Kode Temuan"], r["Yang perlu dilakukan"]) for r in _actions(actions)
    ]
    assert listed == sheet
    assert [(nik, code) for nik, code, _ in listed] == [
        (cells[0], code) for cells, _, codes in ELIGIBLE for code in codes
    ]
    summary = [line[0] for line in book["Ringkasan"].iter_rows(values_only=True)]
    assert PAYMENT.title.in_("id") in summary


def test_the_terminal_speaks_english_when_asked(tmp_path: Path) -> None:
    done = run("check", write_roster(tmp_path / "pt.xlsx"), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert (
        "Payment channels (Eligible rows): BSI 1, BRI 1, BNI 1, PT Pos Indonesia 6\n" in done.stdout
    )
    assert "advice only" in done.stdout


def test_a_folder_of_two_employers_giving_one_account_flags_both_rows(tmp_path: Path) -> None:
    """Across a folder too: each row names the other employer's file, in the combined
    outputs and in each employer's own; a shared account is a problem account, so both
    rows go to the post office."""
    folder = tmp_path / "april"
    folder.mkdir()
    write_roster(folder / "pt-a.xlsx", [_worker("3171011501900001", "Budi Santoso")])
    write_roster(folder / "pt-b.xlsx", [_worker("3171011501900002", "Siti Aminah")])
    out, actions = tmp_path / "hasil.xlsx", tmp_path / "tindak-lanjut.csv"
    done = run("check", folder, "--format", "json", "--out", out, "--actions", actions)
    assert done.returncode == 0, done.stderr
    rows = {r["source"]: r for r in json.loads(done.stdout)["rows"]}
    other = {"pt-a.xlsx": "pt-b.xlsx", "pt-b.xlsx": "pt-a.xlsx"}
    for source, row in rows.items():
        assert row["payment"]["channel"] == "pos"
        found, pos = row["payment"]["findings"]
        assert found["code"] == "ACCOUNT_DUPLICATE" and other[source] in found["message"]
        assert pos["code"] == "CHANNEL_POS"
    # The combined files, then each employer's own (as --out names them).
    for suffix, source in (("", None), ("-pt-a", "pt-a.xlsx"), ("-pt-b", "pt-b.xlsx")):
        book = load_workbook(tmp_path / f"hasil{suffix}.xlsx")
        paid = rows_of(book[PAYMENT_SHEET])
        listed = _actions(tmp_path / f"tindak-lanjut{suffix}.csv")
        assert [r["Berkas"] for r in paid] == ([source] if source else ["pt-a.xlsx", "pt-b.xlsx"])
        for line in paid:
            assert line["Saluran Pembayaran"] == PAYMENT.channels["pos"].label
            assert line["Kode Temuan"] == "ACCOUNT_DUPLICATE, CHANNEL_POS"
        lines = [(r["Berkas"], code) for r in paid for code in ("ACCOUNT_DUPLICATE", "CHANNEL_POS")]
        assert [(r["Berkas"], r["Kode Temuan"]) for r in listed] == lines
        assert [(r["Berkas"], r["Kode Temuan"]) for r in rows_of(book[ACTIONS_SHEET])] == lines
        for line in listed:
            if line["Kode Temuan"] == "ACCOUNT_DUPLICATE":
                assert other[line["Berkas"]] in line["Temuan"]


def test_a_roster_without_account_columns_has_no_payment_part(tmp_path: Path) -> None:
    roster = write_plain_roster(tmp_path / "pt-tanpa.xlsx")
    out, actions = tmp_path / "hasil.xlsx", tmp_path / "tindak-lanjut.csv"
    done = run("check", roster, "--out", out, "--actions", actions)
    assert done.returncode == 0, done.stderr
    assert "Saluran pembayaran" not in done.stdout
    assert f"{actions} hanya berisi judul kolom" in done.stdout
    assert _actions(actions) == []
    assert "NIK Pekerja" in actions.read_text(encoding="utf-8-sig")
    book = load_workbook(out)
    assert PAYMENT_SHEET not in book.sheetnames and ACTIONS_SHEET not in book.sheetnames
    doc = json.loads(run("check", roster, "--format", "json").stdout)
    assert "payment" not in doc and all(r["payment"] is None for r in doc["rows"])


def test_a_round_without_a_payment_section_says_so_and_writes_the_header(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "pt-rekening.xlsx")
    actions = tmp_path / "tindak-lanjut.csv"
    done = run("check", roster, "--rules", "bsu-2022", "--actions", actions, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "bsu-2022" in done.stderr and "pra-periksa pembayaran" in done.stderr
    assert _actions(actions) == []
    doc = json.loads(done.stdout)
    assert "payment" not in doc and all(r["payment"] is None for r in doc["rows"])


def test_actions_must_name_a_csv_file(tmp_path: Path) -> None:
    done = run("check", write_roster(tmp_path / "pt.xlsx"), "--actions", tmp_path / "a.xlsx")
    assert done.returncode == 2
    assert "--actions" in done.stderr and ".xlsx" in done.stderr
    assert not (tmp_path / "a.xlsx").exists()
