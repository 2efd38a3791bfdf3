"""Every finding of the payment pre-check on a small roster (issue 15, item 3), read from
a real workbook through the sandbox as ``bsu check`` reads one, then the same cells as
API records; rows of a roster without account data are not pre-checked. Synthetic
people and accounts only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bsu import load_ruleset
from bsu.core import payment
from bsu.core.payment import Payments
from bsu.core.reasons import PaymentCode
from bsu.core.records import frame
from bsu.rosters import sandbox
from bsu.service import pipeline
from tests.support import VALID_WORKER, write_xlsx

RULES = load_ruleset("bsu-2025")
JAKARTA = "Kota Jakarta Selatan"
HEADER = (
    "NIK",
    "Nama",
    "Upah",
    "Status Kepesertaan",
    "Tanggal Kepesertaan",
    "Kabupaten/Kota",
    "Bank",
    "No Rekening",
    "Atas Nama",
)
MISSING = PaymentCode.ACCOUNT_MISSING
MISMATCH = PaymentCode.ACCOUNT_NAME_MISMATCH
LENGTH = PaymentCode.ACCOUNT_NUMBER_LENGTH
INVALID = PaymentCode.ACCOUNT_NUMBER_INVALID
LOST = PaymentCode.ACCOUNT_PRECISION_LOST
DUPLICATE = PaymentCode.ACCOUNT_DUPLICATE
UNKNOWN = PaymentCode.BANK_UNKNOWN
POS = PaymentCode.CHANNEL_POS
HOLDER = PaymentCode.ACCOUNT_HOLDER_MISSING

# (name, bank, account cell, holder) -> the channel, the findings and a piece of the
# English message of the row's first finding. The NIK is made from the row's position.
# A channel bank's account keeps its bank only when nothing about it stops a transfer; a
# problem account (lost digits, not digits, shared, another holder) goes to the post
# office. An unusual length is only a warning: the bank still pays.
ROWS: list[tuple[tuple[str, Any, Any, Any], str, list[PaymentCode], str]] = [
    (("Budi Santoso", "BRI", "012345678901234", "Budi Santoso"), "bri", [], ""),
    (("Ahmad Fauzi", "BRI", "0123 4567 8901 235", "H. Ahmad Fauzi, S.E."), "bri", [], ""),
    (("Eko Prasetyo", "BNI", "0123-456-789", "EKO PRASETYO"), "bni", [], ""),
    (("Dewi Lestari", "BNI", "'0987654321", "Lestari Dewi"), "bni", [], ""),
    (("Siti Aminah", "BTN", 1234567890123456, "Siti Aminah"), "pos", [LOST, POS], "15 digits"),
    (("Putri Ayu", "BRI", "1.23457E+15", "Putri Ayu"), "pos", [LOST, POS], "15 digits"),
    (("Rina Wati", "BNI", "12345678AB", "Rina Wati"), "pos", [INVALID, POS], "other than digits"),
    (("Sri Wahyuni", "BNI", "123456789012", "Sri Wahyuni"), "bni", [LENGTH], "12 digits"),
    (("Agus Salim", "Mandiri", "1234567890123", "Agus Salim"), "pos", [DUPLICATE, POS], "row 11"),
    (("Joko Susilo", "Mandiri", "1234567890123", "Joko Susilo"), "pos", [DUPLICATE, POS], "row 10"),
    (("Muhammad Rizki", "BRI", "111111111111111", "M. Rizki"), "pos", [MISMATCH, POS], "nearly"),
    (("Hendra Wijaya", "BRI", "222222222222222", "Siti Rahmawati"), "pos", [MISMATCH, POS], "else"),
    # No holder: nothing to compare, said (a warning: the bank still pays the account).
    (("Nur Hasanah", "BRI", "333333333333333", ""), "bri", [HOLDER], "holder's name is blank"),
    (("Slamet Riyadi", "", "", ""), "pos", [MISSING, POS], "No account"),
    (("Yanti Sari", "BCA", "4444444444", "Yanti Sari"), "pos", [POS], "at BCA"),
    (
        ("Wahyu Hidayat", "Bank Antah", "5555555555", "Wahyu Hidayat"),
        "pos",
        [UNKNOWN, POS],
        "Antah",
    ),
    (("Indah Permata", "", "6666666666", "Indah Permata"), "pos", [UNKNOWN, POS], "(blank)"),
]


def _nik(position: int) -> str:
    return f"31710115019{position + 1:05d}"


def _roster_rows() -> list[tuple[Any, ...]]:
    return [
        (_nik(i), name, 3_000_000, "Aktif", "2024-01-15", JAKARTA, bank, account, holder)
        for i, ((name, bank, account, holder), *_) in enumerate(ROWS)
    ]


def _codes(bits: int) -> list[PaymentCode]:
    return [code for code in PaymentCode if bits & code.bit]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Payments]:
    """The roster with every finding and one without account columns, read in the
    sandbox and checked together."""
    folder = tmp_path_factory.mktemp("rekening")
    with_accounts = write_xlsx(folder / "rekening.xlsx", {"Pekerja": [HEADER, *_roster_rows()]})
    without = write_xlsx(
        folder / "tanpa-rekening.xlsx",
        {
            "Pekerja": [
                HEADER[:6],
                ("3171014101900091", "Wulan Sari", 3_000_000, "Aktif", "2024-01-15", JAKARTA),
                ("3171014101900092", "Tono Sugiarto", 3_000_000, "Aktif", "2024-01-15", JAKARTA),
            ]
        },
    )
    result = pipeline.check_files([with_accounts, without], RULES, budget=sandbox.Budget())
    found = payment.of(result.decisions)
    assert found is not None
    return result, found


@pytest.mark.parametrize(
    ("position", "channel", "codes", "said"),
    [pytest.param(i, *expected, id=cells[0]) for i, (cells, *expected) in enumerate(ROWS)],
)
def test_each_finding_of_a_roster_read_from_a_workbook(
    checked: tuple[Any, Payments],
    position: int,
    channel: str,
    codes: list[PaymentCode],
    said: str,
) -> None:
    _, found = checked
    rows = found.frame[found.frame["source"] == "rekening.xlsx"]
    row = rows.iloc[position]
    assert row["row"] == position + 2  # the sheet's row, under the header
    assert row["checked"]
    assert row["channel"] == channel
    assert _codes(int(row["findings"])) == codes
    if codes:
        english = found.messages("en").loc[rows.index[position]]
        assert said in english[codes[0].value]


# Why each row of ``ROWS`` paid through the post office is, as CHANNEL_POS says it.
NEEDS_FIXING = "the account needs fixing"
WHY_POS = {
    "Siti Aminah": NEEDS_FIXING,
    "Putri Ayu": NEEDS_FIXING,
    "Rina Wati": NEEDS_FIXING,
    "Agus Salim": NEEDS_FIXING,
    "Joko Susilo": NEEDS_FIXING,
    "Muhammad Rizki": NEEDS_FIXING,
    "Hendra Wijaya": NEEDS_FIXING,
    "Slamet Riyadi": "no account given",
    "Yanti Sari": "the account is at BCA, not a paying bank",
    "Wahyu Hidayat": NEEDS_FIXING,
    "Indah Permata": NEEDS_FIXING,
}


def test_the_post_office_message_says_why_each_row_goes_there(
    checked: tuple[Any, Payments],
) -> None:
    _, found = checked
    rows = found.frame[found.frame["source"] == "rekening.xlsx"]
    said = found.messages("en").loc[rows.index, POS.value]
    going = {
        cells[0]: text for (cells, *_), text in zip(ROWS, said, strict=True) if text is not None
    }
    assert set(going) == set(WHY_POS)
    for name, why in WHY_POS.items():
        assert f"Will be paid through PT Pos Indonesia ({why}):" in going[name], name


def test_the_payment_findings_leave_every_status_as_it_was(checked: tuple[Any, Payments]) -> None:
    result, _ = checked
    assert set(result.decisions.frame["status"]) == {"eligible"}


def test_a_roster_without_account_columns_is_not_prechecked(
    checked: tuple[Any, Payments],
) -> None:
    _, found = checked
    none = found.frame["source"] == "tanpa-rekening.xlsx"
    assert none.sum() == 2
    assert not found.frame.loc[none, "checked"].any()
    assert found.frame.loc[none, "channel"].isna().all()
    assert (found.frame.loc[none, "findings"] == 0).all()
    rows = found.rows("id")
    assert [rows[i] for i in range(len(rows)) if none.iloc[i]] == [None, None]
    assert found.actions("en", none.to_numpy()).empty
    counted = found.channel_counts()
    assert sum(counted.values()) == len(ROWS)


def test_every_finding_is_worded_in_both_languages(checked: tuple[Any, Payments]) -> None:
    """Each placeholder filled, and never the whole account number in a message."""
    _, found = checked
    for lang in ("id", "en"):
        words = found.messages(lang)
        for code in PaymentCode:
            said = words[code.value].dropna()
            assert len(said) == found.finding_counts()[code], (lang, code)
            assert not said.str.contains("{", regex=False).any(), (lang, code)
            for account in found.frame["account"]:
                if len(account) >= 10:
                    assert not said.str.contains(account, regex=False).any()


def test_duplicates_name_each_other_across_rosters(tmp_path: Path) -> None:
    """One account given by two employers' rosters in one folder: each row names the
    other's file, sheet and row."""
    first = (_nik(0), "Budi Santoso", 3_000_000, "Aktif", "2024-01-15", JAKARTA)
    second = (_nik(1), "Siti Aminah", 3_000_000, "Aktif", "2024-01-15", JAKARTA)
    account = ("BRI", "012345678901234")
    a = write_xlsx(tmp_path / "a.xlsx", {"Data": [HEADER, (*first, *account, "Budi Santoso")]})
    b = write_xlsx(tmp_path / "b.xlsx", {"Data": [HEADER, (*second, *account, "Siti Aminah")]})
    result = pipeline.check_files([a, b], RULES, budget=sandbox.Budget())
    found = payment.of(result.decisions)
    assert found is not None
    assert [_codes(int(bits)) for bits in found.frame["findings"]] == [
        [DUPLICATE, POS],
        [DUPLICATE, POS],
    ]
    assert found.frame["channel"].tolist() == ["pos", "pos"]
    said = found.messages("en")[DUPLICATE.value].tolist()
    assert "b.xlsx" in said[0] and "row 2" in said[0]
    assert "a.xlsx" in said[1] and "row 2" in said[1]


def _record(name: str, bank: Any, account: Any, holder: Any, position: int) -> dict[str, Any]:
    return {
        **VALID_WORKER,
        "nik": _nik(position),
        "name": name,
        "region": JAKARTA,
        "bank": bank,
        "account_number": account,
        "account_holder": holder,
    }


def test_api_records_give_the_same_findings_as_the_workbook(
    checked: tuple[Any, Payments],
) -> None:
    """The same cells typed into ``/v1/check`` (a number stays a number in JSON)."""
    _, from_file = checked
    records = [_record(*cells, i) for i, (cells, *_) in enumerate(ROWS)]
    found = payment.of(pipeline.check_records(frame(records), RULES).decisions)
    assert found is not None
    in_file = from_file.frame[from_file.frame["source"] == "rekening.xlsx"]
    assert found.frame["findings"].tolist() == in_file["findings"].tolist()
    assert found.frame["channel"].tolist() == in_file["channel"].tolist()


@pytest.mark.parametrize(
    ("account", "channel", "codes"),
    [
        (1234567890123456.0, "pos", [LOST, POS]),  # a float from a JSON body or a number cell
        (123456789012345, "bri", []),  # fifteen digits survive Excel
        ("012345678901234", "bri", []),  # text keeps every digit, a leading zero too
        ("012.345.678.901.234", "bri", []),  # grouped with dots
        ("0123 4567 8901 234", "bri", []),  # grouped with spaces
        ("BRI-0123456789012", "pos", [INVALID, POS]),  # a bank's name typed into the number
        ("tidak ada", "pos", [INVALID, POS]),
        ("12345", "bri", [LENGTH]),  # a warning only: the bank still pays
        ("", "pos", [MISSING, POS]),
        (None, "pos", [MISSING, POS]),
    ],
)
def test_an_account_number_as_typed(account: Any, channel: str, codes: list[PaymentCode]) -> None:
    worker = _record("Budi Santoso", "BRI", account, "Budi Santoso", 0)
    if codes[:1] == [MISSING]:
        worker["bank"] = ""  # no account at all; the holder keeps the roster pre-checked
    found = payment.of(pipeline.check_records(frame([worker]), RULES).decisions)
    assert found is not None
    assert found.frame["channel"].iloc[0] == channel
    assert _codes(int(found.frame["findings"].iloc[0])) == codes


@pytest.mark.parametrize(
    ("columns", "checked_rows"),
    [
        ({}, [False, False]),  # the eligibility check alone
        ({"bank": ["", ""], "account_number": [None, None]}, [False, False]),  # blank columns
        ({"account_holder": ["Budi Santoso", None]}, [True, True]),  # one cell is enough
        ({"bank": [None, "BRI"]}, [True, True]),
    ],
)
def test_a_roster_is_prechecked_when_any_row_gives_account_data(
    columns: dict[str, list[Any]], checked_rows: list[bool]
) -> None:
    workers = [
        {**VALID_WORKER, "nik": _nik(0), "name": "Budi Santoso"},
        {**VALID_WORKER, "nik": _nik(1), "name": "Siti Aminah"},
    ]
    for field, values in columns.items():
        for worker, value in zip(workers, values, strict=True):
            worker[field] = value
    found = payment.of(pipeline.check_records(frame(workers), RULES).decisions)
    assert found is not None
    assert found.frame["checked"].tolist() == checked_rows
    if not any(checked_rows):
        assert found.frame["findings"].tolist() == [0, 0]
        assert found.rows("en") == [None, None]
        assert found.actions("en").empty
        assert found.channel_counts() == dict.fromkeys(RULES.spec.payment.channels, 0)  # type: ignore[union-attr]
    # A check that skips the work (no row gives account data) has the same columns.
    given = {**workers[0], "account_number": "1234567890"}
    full = payment.of(pipeline.check_records(frame([given, workers[1]]), RULES).decisions)
    assert full is not None
    assert list(found.frame.columns) == list(full.frame.columns)


def test_a_round_without_a_payment_section_has_no_precheck() -> None:
    for round_id in ("bsu-2020", "bsu-2021", "bsu-2022"):
        rules = load_ruleset(round_id)
        worker = _record("Budi Santoso", "BRI", "012345678901234", "Budi Santoso", 0)
        assert payment.of(pipeline.check_records(frame([worker]), rules).decisions) is None


def test_the_precheck_is_made_once_per_decisions() -> None:
    decisions = pipeline.check_records(
        frame([_record("Budi Santoso", "BRI", "012345678901234", "Budi Santoso", 0)]), RULES
    ).decisions
    assert payment.of(decisions) is payment.of(decisions)
    assert isinstance(payment.of(decisions).frame, pd.DataFrame)  # type: ignore[union-attr]
