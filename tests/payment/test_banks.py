"""Banks as employers write them, and the channel that would pay each worker (issue 15,
item 2): read from the round's ``payment:`` section, checked through the real pipeline
(records -> ``check_records`` -> ``payment.of``). Synthetic workers only."""

from __future__ import annotations

from typing import Any

import pytest

from bsu import load_ruleset
from bsu.core import payment
from bsu.core.reasons import PaymentCode
from bsu.core.records import frame
from bsu.service.pipeline import check_records
from tests.support import VALID_WORKER

RULES = load_ruleset("bsu-2025")
_SPEC = RULES.spec.payment
assert _SPEC is not None
SPEC = _SPEC
JAKARTA, ACEH = "Kota Jakarta Selatan", "Kota Banda Aceh"
MISSING = PaymentCode.ACCOUNT_MISSING
MISMATCH = PaymentCode.ACCOUNT_NAME_MISMATCH
LENGTH = PaymentCode.ACCOUNT_NUMBER_LENGTH
INVALID = PaymentCode.ACCOUNT_NUMBER_INVALID
LOST = PaymentCode.ACCOUNT_PRECISION_LOST
DUPLICATE = PaymentCode.ACCOUNT_DUPLICATE
POS = PaymentCode.CHANNEL_POS
UNKNOWN = PaymentCode.BANK_UNKNOWN
# A worker of the same roster who gives an account, so that the roster has account data
# and a row without any is still pre-checked.
NEIGHBOUR = {
    **VALID_WORKER,
    "nik": "3171011501900002",
    "name": "Agus Salim",
    "region": JAKARTA,
    "bank": "BRI",
    "account_number": "777777777777777",
    "account_holder": "Agus Salim",
}


def _account(channel: str | None) -> str:
    """An account number of the usual length for a channel bank's accounts (ten digits
    for any other bank), so that no length warning muddles a bank's case."""
    digits = SPEC.channels[channel].account_digits if channel else None
    return "1234567890123456"[: digits[0] if digits else 10]


def _precheck(worker: dict[str, Any]) -> tuple[Any, list[PaymentCode]]:
    """The pre-check's row for ``worker``, checked beside ``NEIGHBOUR``, and its codes."""
    decisions = check_records(frame([worker, NEIGHBOUR]), RULES).decisions
    found = payment.of(decisions)
    assert found is not None
    row = found.frame.iloc[0]
    return row, [code for code in PaymentCode if int(row["findings"]) & code.bit]


def _worker(bank: Any, account: str, region: str = JAKARTA) -> dict[str, Any]:
    return {
        **VALID_WORKER,
        "region": region,
        "bank": bank,
        "account_number": account,
        "account_holder": VALID_WORKER["name"],
    }


@pytest.mark.parametrize(
    ("written", "label", "channel", "codes"),
    [
        ("Bank Rakyat Indonesia", "BRI", "bri", []),
        ("BRI", "BRI", "bri", []),
        ("bri unit", "BRI", "bri", []),
        ("BRI Unit Cikarang", "BRI", "bri", []),
        ("PT. Bank Rakyat Indonesia (Persero) Tbk", "BRI", "bri", []),
        ("002", "BRI", "bri", []),
        ("2", "BRI", "bri", []),
        (2, "BRI", "bri", []),  # a bank code typed into a number cell
        ("(002) BRI", "BRI", "bri", []),
        ("  bri  ", "BRI", "bri", []),
        ("Mandiri KCP Bekasi", "Mandiri", "mandiri", []),
        ("bank mandiri", "Mandiri", "mandiri", []),
        ("008", "Mandiri", "mandiri", []),
        ("BNI 46", "BNI", "bni", []),
        ("Bank Negara Indonesia", "BNI", "bni", []),
        ("BTN", "BTN", "btn", []),
        ("Bank Tabungan Negara", "BTN", "btn", []),
        # Merged into BSI, which pays only Aceh's workers: elsewhere the post office.
        ("BNI Syariah", "BSI", "pos", [POS]),
        ("BRI Syariah", "BSI", "pos", [POS]),
        ("Bank Syariah Indonesia", "BSI", "pos", [POS]),
        # Another bank: known, paid through the post office, no BANK_UNKNOWN.
        ("BCA", "BCA", "pos", [POS]),
        ("Bank Central Asia", "BCA", "pos", [POS]),
        ("BCA Syariah", "BCA Syariah", "pos", [POS]),
        ("Bank BJB", "bank bjb", "pos", [POS]),
        # Not a bank anyone knows, or none written beside an account.
        ("Bank Antah", None, "pos", [UNKNOWN, POS]),
        ("", None, "pos", [UNKNOWN, POS]),
        (None, None, "pos", [UNKNOWN, POS]),
    ],
)
def test_a_bank_as_written(
    written: Any, label: str | None, channel: str, codes: list[PaymentCode]
) -> None:
    bank = next((cid for cid, c in SPEC.channels.items() if c.label == label), None)
    row, found = _precheck(_worker(written, _account(bank)))
    assert row["checked"]
    assert row["bank"] == label
    assert row["channel"] == channel
    assert found == codes


@pytest.mark.parametrize(
    ("region", "bank", "account", "channel", "codes"),
    [
        # Aceh is paid through BSI, whatever the bank, even without an account.
        (ACEH, "BRI", _account("bri"), "bsi", []),
        (ACEH, "BCA", _account(None), "bsi", []),
        (ACEH, "BSI", _account("bsi"), "bsi", []),
        (ACEH, "", "", "bsi", [MISSING]),
        ("Kabupaten Aceh Besar", "Mandiri", _account("mandiri"), "bsi", []),
        (ACEH, "BRI", "0123456789O1234", "bsi", [INVALID]),  # a problem account too
        # Elsewhere: the account's bank when it is a channel bank, else the post office.
        (JAKARTA, "BRI", _account("bri"), "bri", []),
        (JAKARTA, "BCA", _account(None), "pos", [POS]),
        (JAKARTA, "", "", "pos", [MISSING, POS]),
        pytest.param(
            JAKARTA,
            "BRI",
            "",
            "pos",
            [MISSING, POS],
            id="channel-bank-without-account-goes-to-pos",
        ),
        ("", "BNI", _account("bni"), "bni", []),  # no work region: the bank decides
    ],
)
def test_the_channel_of_a_worker(
    region: str, bank: str, account: str, channel: str, codes: list[PaymentCode]
) -> None:
    worker = _worker(bank, account, region)
    if not account:
        worker["account_holder"] = ""
    row, found = _precheck(worker)
    assert row["channel"] == channel
    assert found == codes


@pytest.mark.parametrize(
    ("changed", "channels", "codes"),
    [
        pytest.param(
            {"account_number": "0123456789O1234"},  # a letter O typed for a zero
            ["pos", "bri"],
            [[INVALID, POS], []],
            id="invalid-account",
        ),
        pytest.param(
            {"account_number": 1234567890123456.0},  # sixteen digits kept as a number
            ["pos", "bri"],
            [[LOST, POS], []],
            id="precision-lost",
        ),
        pytest.param(
            {"account_holder": "Siti Rahmawati"},
            ["pos", "bri"],
            [[MISMATCH, POS], []],
            id="name-mismatch",
        ),
        pytest.param(
            {"account_number": NEIGHBOUR["account_number"]},
            ["pos", "pos"],
            [[DUPLICATE, POS], [DUPLICATE, POS]],
            id="duplicate-both-rows",
        ),
        pytest.param(
            {"account_number": _account("bri")[:14]},
            ["bri", "bri"],
            [[LENGTH], []],
            id="fourteen-digits-warning-only",
        ),
    ],
)
def test_a_channel_bank_account_with_a_problem_goes_to_the_post_office(
    changed: dict[str, Any], channels: list[str], codes: list[list[PaymentCode]]
) -> None:
    """A BRI account keeps BRI only when nothing about it stops a transfer; an unusual
    length is a warning, not a problem. Both rows (the worker's, ``NEIGHBOUR``'s)."""
    worker = {**_worker("BRI", _account("bri")), **changed}
    found = payment.of(check_records(frame([worker, NEIGHBOUR]), RULES).decisions)
    assert found is not None
    assert found.frame["bank"].tolist() == ["BRI", "BRI"]
    assert found.frame["channel"].tolist() == channels
    assert [
        [code for code in PaymentCode if int(bits) & code.bit] for bits in found.frame["findings"]
    ] == codes
    assert found.frame["problem"].tolist() == [POS in row for row in codes]


@pytest.mark.parametrize(
    ("bank", "account", "holder", "why"),
    [
        ("", "", "", "no account given"),
        ("BCA", _account(None), VALID_WORKER["name"], "the account is at BCA, not a paying bank"),
        ("BCA", _account(None), "Siti Rahmawati", "the account is at BCA, not a paying bank"),
        ("BRI", "0123456789O1234", VALID_WORKER["name"], "the account needs fixing"),
        ("BRI", _account("bri"), "Siti Rahmawati", "the account needs fixing"),
        ("Bank Antah", _account(None), VALID_WORKER["name"], "the account needs fixing"),
    ],
)
def test_the_post_office_message_says_why(bank: str, account: str, holder: str, why: str) -> None:
    worker = {**_worker(bank, account), "account_holder": holder}
    decisions = check_records(frame([worker, NEIGHBOUR]), RULES).decisions
    found = payment.of(decisions)
    assert found is not None
    assert found.frame["channel"].iloc[0] == "pos"
    said = found.messages("en")[POS.value].iloc[0]
    assert f"Will be paid through PT Pos Indonesia ({why}):" in said


def test_every_channel_bank_of_the_round_is_recognised_by_each_of_its_names() -> None:
    """Every name and code the rule set lists reads as its bank: a name added to
    ``rules/`` works without a line of Python."""
    for cid, channel in SPEC.channels.items():
        if channel.kind != "bank":
            continue
        for written in (*channel.names, channel.label, channel.code):
            if not written:
                continue
            row, _ = _precheck(_worker(written, _account(cid)))
            assert row["bank"] == channel.label, written
    for other in SPEC.other_banks:
        for written in (*other.names, other.label):
            row, found = _precheck(_worker(written, _account(None)))
            assert (row["bank"], row["channel"], found) == (other.label, "pos", [POS]), written


def test_the_counts_follow_the_channels_of_the_round() -> None:
    workers = [
        {**_worker("BRI", _account("bri")), "nik": "3171011501900011"},
        {**_worker("BCA", _account(None)), "nik": "3171011501900012"},
        {**_worker("Mandiri", _account("mandiri"), ACEH), "nik": "3171011501900013"},
    ]
    found = payment.of(check_records(frame(workers), RULES).decisions)
    assert found is not None
    assert list(found.channel_counts()) == list(SPEC.channels)
    assert found.channel_counts() == {
        "bsi": 1,
        "bri": 1,
        "bni": 0,
        "mandiri": 0,
        "btn": 0,
        "pos": 1,
    }
