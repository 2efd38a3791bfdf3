"""The payment pre-check in the result files (issue 15, items 4 and 5): each row's
``payment`` in JSON and the document's counts, the *Pembayaran* and *Tindak Lanjut
Rekening* sheets from both xlsx libraries, *Ringkasan*'s part, the action list as CSV, and
the trace. Advisory and beside the decision: only eligible rows are counted and listed,
and a roster without account data gets none of it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bsu import evaluate, load_ruleset
from bsu.core.reasons import PaymentCode
from bsu.core.rulefile import Payment
from bsu.core.ruleset import Lang, RuleSet
from bsu.results import formats
from bsu.results.model import Result, to_json
from bsu.results.payment_sheet import ACTIONS_SHEET, PAYMENT_SHEET
from bsu.results.trace import dumps
from bsu.results.xlsx import write_xlsx
from bsu.rosters import readers
from tests.support import write_xlsx as write_roster_xlsx

RULES = load_ruleset("bsu-2025")


def payment_section(rules: RuleSet) -> Payment:
    spec = rules.spec.payment
    assert spec is not None, f"{rules.id} has a payment section"
    return spec


PAYMENT = payment_section(RULES)
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
JAKARTA, ACEH = "Kota Jakarta Selatan", "Kota Banda Aceh"
LONG_ACCOUNT = "0098765432101234"  # 16 digits, a leading zero: text, never a number
# One roster giving every finding: (NIK, name, wage, region, bank, account, holder), then
# the channel and the finding codes the pre-check gives the row. Synthetic people.
CASES: list[tuple[tuple[Any, ...], str, list[str]]] = [
    (
        (
            "3171011501900001",
            "Budi Santoso",
            3_000_000,
            JAKARTA,
            "BRI",
            "012345678901234",
            "Budi Santoso",
        ),
        "bri",
        [],
    ),
    (
        # A channel bank without an account number: nothing to transfer to.
        ("3171011501900002", "Siti Aminah", 3_000_000, JAKARTA, "BNI", "", "Siti Aminah"),
        "pos",
        ["ACCOUNT_MISSING", "CHANNEL_POS"],
    ),
    (
        (
            "3171011501900003",
            "Rina Wati",
            3_000_000,
            JAKARTA,
            "Bank Negara Indonesia",
            "12345",
            "Rina Wati",
        ),
        "bni",  # an unusual length is a warning: the bank still pays
        ["ACCOUNT_NUMBER_LENGTH"],
    ),
    (
        ("3171011501900004", "Agus Salim", 3_000_000, JAKARTA, "BCA", "12AB345678", "Agus Salim"),
        "pos",
        ["ACCOUNT_NUMBER_INVALID", "CHANNEL_POS"],
    ),
    (
        # A 16-digit account typed as a number: Excel kept 15 of its digits.
        (
            "3171011501900005",
            "Dewi Lestari",
            3_000_000,
            JAKARTA,
            "Bank Entah",
            1234567890123456,
            "Dewi Lestari",
        ),
        "pos",
        ["ACCOUNT_PRECISION_LOST", "BANK_UNKNOWN", "CHANNEL_POS"],
    ),
    (
        (
            "3171011501900006",
            "Joko Prasetyo",
            3_000_000,
            JAKARTA,
            "Mandiri",
            "1234567890123",
            "Bambang Sutrisno",
        ),
        "pos",  # a problem account at a channel bank goes to the post office
        ["ACCOUNT_NAME_MISMATCH", "CHANNEL_POS"],
    ),
    (
        ("3171011501900007", "Ani Rahayu", 3_000_000, JAKARTA, "BTN", LONG_ACCOUNT, "Ani Rahayu"),
        "pos",
        ["ACCOUNT_DUPLICATE", "CHANNEL_POS"],
    ),
    (
        ("3171011501900008", "Ahmad Fauzi", 3_000_000, JAKARTA, "BTN", LONG_ACCOUNT, "Ahmad Fauzi"),
        "pos",
        ["ACCOUNT_DUPLICATE", "CHANNEL_POS"],
    ),
    (
        # Aceh is paid through BSI, whatever the worker's bank.
        (
            "1171011501900009",
            "Teuku Rizal",
            3_000_000,
            ACEH,
            "BRI",
            "012345678901299",
            "Teuku Rizal",
        ),
        "bsi",
        [],
    ),
    (
        # Not eligible (wage above the cap): pre-checked, never counted or listed.
        ("3171011501900010", "Rudi Hartono", 9_000_000, JAKARTA, "BRI", "abc-123", "Rudi Hartono"),
        "pos",
        ["ACCOUNT_NUMBER_INVALID", "CHANNEL_POS"],
    ),
]
INELIGIBLE = {"3171011501900010"}
ELIGIBLE = [c for c in CASES if c[0][0] not in INELIGIBLE]


def roster_rows(
    cases: list[tuple[tuple[Any, ...], str, list[str]]] = CASES,
) -> list[tuple[Any, ...]]:
    """The roster's rows: each case's cells in ``HEADER`` order."""
    return [
        (nik, name, wage, "Aktif", "2024-01-15", region, bank, account, holder)
        for (nik, name, wage, region, bank, account, holder), _, _ in cases
    ]


def write_roster(path: Path, rows: list[tuple[Any, ...]] | None = None) -> Path:
    """A roster with Bank, No Rekening and Atas Nama columns (every finding by default)."""
    return write_roster_xlsx(path, {"Pekerja": [HEADER, *(rows or roster_rows())]})


def write_plain_roster(path: Path) -> Path:
    """The same workers, without any account column: a roster for the eligibility check
    alone."""
    return write_roster_xlsx(path, {"Pekerja": [HEADER[:6], *(r[:6] for r in roster_rows())]})


def result_of(*paths: Path, lang: Lang = "id") -> Result:
    parts = [readers.read(p) for p in paths]
    read = parts[0] if len(parts) == 1 else readers.combine(parts)
    return Result.of(read, evaluate(read.records, RULES), lang)


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_roster(tmp_path_factory.mktemp("payment") / "pt-rekening.xlsx")


@pytest.fixture(scope="module")
def result(roster: Path) -> Result:
    return result_of(roster)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return result_of(write_plain_roster(tmp_path_factory.mktemp("plain") / "pt-tanpa.xlsx"))


def rows_of(sheet: Worksheet) -> list[dict[str, Any]]:
    head = [c.value for c in sheet[1]]
    return [dict(zip(head, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


# --- JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize(("cells", "channel", "codes"), CASES, ids=[c[0][0] for c in CASES])
def test_each_row_carries_its_channel_and_findings_in_json(
    result: Result, cells: tuple[Any, ...], channel: str, codes: list[str]
) -> None:
    row = next(r for r in to_json(result)["rows"] if r["nik"] == cells[0])
    paid = row["payment"]
    assert paid["channel"] == channel
    assert paid["channel_label"] == PAYMENT.channels[channel].label
    assert [f["code"] for f in paid["findings"]] == codes
    for found in paid["findings"]:
        code = PaymentCode(found["code"])
        assert found["severity"] == PAYMENT.findings[code].severity
        assert found["message"] and "{" not in found["message"]
    # Advisory: the decision is the one the rule set made, findings or not.
    assert row["status"] == ("ineligible" if cells[0] in INELIGIBLE else "eligible")


def test_the_json_document_counts_the_eligible_rows_per_channel_and_finding(
    result: Result,
) -> None:
    part = to_json(result)["payment"]
    assert part["title"] == PAYMENT.title.in_("id")
    assert part["note"] == PAYMENT.note.in_("id").strip()
    assert (part["counted"], part["checked"]) == ("eligible", len(ELIGIBLE))
    channels = {c["id"]: c["count"] for c in part["channels"]}
    assert list(channels) == list(PAYMENT.channels)
    assert channels == {"bsi": 1, "bri": 1, "bni": 1, "mandiri": 0, "btn": 0, "pos": 6}
    findings = {f["code"]: (f["severity"], f["count"]) for f in part["findings"]}
    assert list(findings) == [c.value for c in PaymentCode]
    expected = {c.value: sum(c.value in codes for _, _, codes in ELIGIBLE) for c in PaymentCode}
    assert {code: n for code, (_, n) in findings.items()} == expected
    # The ineligible row's invalid account is not counted.
    assert findings["ACCOUNT_NUMBER_INVALID"] == ("fix", 1)


# --- the workbook ------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["rustpy", "xlsxwriter"])
def book(
    request: pytest.FixtureRequest, result: Result, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    path = tmp_path_factory.mktemp(request.param) / "hasil.xlsx"
    write_xlsx(result, path, writer=request.param)
    return load_workbook(path)


def test_the_workbook_has_the_payment_sheets_between_the_statuses_and_the_trail(book: Any) -> None:
    assert book.sheetnames == [
        "Ringkasan",
        "Layak",
        "Tidak Layak",
        "Perlu Perbaikan",
        PAYMENT_SHEET,
        ACTIONS_SHEET,
        "Jejak Keputusan",
    ]


def test_pembayaran_lists_each_eligible_row_with_its_account_as_text(book: Any) -> None:
    sheet = book[PAYMENT_SHEET]
    rows = rows_of(sheet)
    assert list(rows[0]) == [
        "Berkas",
        "Sheet",
        "Baris",
        "NIK Pekerja",
        "Nama Pekerja",
        "Bank (tertulis)",
        "Bank dikenali",
        "Nomor Rekening",
        "Nama Pemilik Rekening",
        "Saluran Pembayaran",
        "Kode Temuan",
        "Temuan",
    ]
    assert [r["NIK Pekerja"] for r in rows] == [c[0][0] for c in ELIGIBLE]
    for row, (cells, channel, codes) in zip(rows, ELIGIBLE, strict=True):
        assert row["Saluran Pembayaran"] == PAYMENT.channels[channel].label
        assert (row["Kode Temuan"] or "") == ", ".join(codes)
        assert row["Bank (tertulis)"] == cells[4]
        assert row["Nama Pemilik Rekening"] == cells[6]
    by_nik = {r["NIK Pekerja"]: r for r in rows}
    assert by_nik["3171011501900003"]["Bank dikenali"] == "BNI"
    assert by_nik["3171011501900005"]["Bank dikenali"] is None
    assert by_nik["3171011501900007"]["Nomor Rekening"] == LONG_ACCOUNT
    assert by_nik["3171011501900001"]["Nomor Rekening"] == "012345678901234"
    mismatch = by_nik["3171011501900006"]["Temuan"]
    assert '"Bambang Sutrisno"' in mismatch and '"Joko Prasetyo"' in mismatch
    # Every account cell is stored as text in a text-formatted column: never a number.
    j = list(rows[0]).index("Nomor Rekening") + 1
    accounts = [r[0] for r in sheet.iter_rows(min_row=2, min_col=j, max_col=j)]
    assert all(c.data_type == "s" and c.number_format == "@" for c in accounts if c.value)


def test_tindak_lanjut_has_a_line_per_finding_of_each_eligible_row(book: Any) -> None:
    rows = rows_of(book[ACTIONS_SHEET])
    assert list(rows[0]) == [
        "Berkas",
        "Sheet",
        "Baris",
        "NIK Pekerja",
        "Nama Pekerja",
        "Saluran Pembayaran",
        "Kode Temuan",
        "Tingkat",
        "Temuan",
        "Yang perlu dilakukan",
    ]
    expected = [(cells[0], code) for cells, _, codes in ELIGIBLE for code in codes]
    assert [(r["NIK Pekerja"], r["Kode Temuan"]) for r in rows] == expected
    for row in rows:
        found = PAYMENT.findings[PaymentCode(row["Kode Temuan"])]
        assert row["Yang perlu dilakukan"].startswith(found.action.in_("id").split("{")[0][:30])
    severities = {r["Kode Temuan"]: r["Tingkat"] for r in rows}
    assert severities["ACCOUNT_MISSING"] == "Perlu diperbaiki"
    assert severities["ACCOUNT_NUMBER_LENGTH"] == "Periksa"
    assert severities["CHANNEL_POS"] == "Untuk diketahui pekerja"


def test_both_libraries_write_the_same_payment_cells(result: Result, tmp_path: Path) -> None:
    books = {}
    for writer in ("rustpy", "xlsxwriter"):
        write_xlsx(result, tmp_path / f"{writer}.xlsx", writer=writer)
        books[writer] = load_workbook(tmp_path / f"{writer}.xlsx")
    for name in (PAYMENT_SHEET, ACTIONS_SHEET):
        cells = {
            writer: [
                [(c.value, c.data_type, c.number_format) for c in row]
                for row in book[name].iter_rows()
            ]
            for writer, book in books.items()
        }
        assert cells["rustpy"] == cells["xlsxwriter"], name


def test_ringkasan_counts_the_eligible_rows_and_says_the_check_is_advice(book: Any) -> None:
    lines = list(book["Ringkasan"].iter_rows(values_only=True))
    at = lines.index((PAYMENT.title.in_("id"), None, "Sumber"))
    assert lines[at + 1] == (PAYMENT.note.in_("id").strip(), None, PAYMENT.source_url)
    assert "baris Layak saja" in lines[at + 2][0]
    head = lines.index(("Saluran pembayaran", "Jumlah baris Layak", "Sumber"))
    channels = {label: n for label, n, _ in lines[head + 1 : head + 1 + len(PAYMENT.channels)]}
    assert channels == {
        "BSI": 1,
        "BRI": 1,
        "BNI": 1,
        "Mandiri": 0,
        "BTN": 0,
        "PT Pos Indonesia": 6,
    }
    head = lines.index(("Temuan rekening", "Jumlah baris Layak", "Sumber"))
    findings = {}
    for label, n, source in lines[head + 1 :]:
        if label is None:
            break
        findings[label.split(" ")[0]] = n
        assert source == PAYMENT.findings[PaymentCode(label.split(" ")[0])].source_url
    assert findings == {
        c.value: sum(c.value in codes for _, _, codes in ELIGIBLE)
        for c in PaymentCode
        if any(c.value in codes for _, _, codes in ELIGIBLE)
    }


def test_the_sheets_speak_the_results_language(roster: Path, tmp_path: Path) -> None:
    write_xlsx(result_of(roster, lang="en"), tmp_path / "result.xlsx")
    book = load_workbook(tmp_path / "result.xlsx")
    actions = rows_of(book[ACTIONS_SHEET])
    assert "What to do" in actions[0]
    missing = next(r for r in actions if r["Finding code"] == "ACCOUNT_MISSING")
    assert missing["Finding"] == PAYMENT.findings[PaymentCode.ACCOUNT_MISSING].message.in_("en")
    assert missing["Severity"] == "Needs fixing"
    assert "Account number" in rows_of(book[PAYMENT_SHEET])[0]


def test_a_result_workbook_with_payment_sheets_reads_back_with_the_same_workers(
    result: Result, tmp_path: Path
) -> None:
    """Fix and re-upload: neither payment sheet is taken for more workers."""
    write_xlsx(result, tmp_path / "hasil.xlsx")
    again = readers.read(tmp_path / "hasil.xlsx")
    assert sorted(again.records["nik"]) == sorted(c[0][0] for c in CASES)
    read = {s.sheet for s in again.sheets if s.read}
    assert PAYMENT_SHEET not in read and ACTIONS_SHEET not in read


# --- the action list as CSV -------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, as the result CSV"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_action_list_csv_holds_the_sheets_lines(result: Result, tmp_path: Path) -> None:
    path = tmp_path / "tindak-lanjut.csv"
    formats.write(result, path, "actions")
    lines = read_csv(path)
    expected = [(cells[0], code) for cells, _, codes in ELIGIBLE for code in codes]
    assert [(r["NIK Pekerja"], r["Kode Temuan"]) for r in lines] == expected
    assert formats.media_type("actions") == "text/csv; charset=utf-8"


def test_the_action_list_never_hands_a_spreadsheet_a_formula(tmp_path: Path) -> None:
    rows = [
        (
            "3171011501900001",
            "=HYPERLINK(1)",
            3_000_000,
            "Aktif",
            "2024-01-15",
            JAKARTA,
            "BCA",
            "1234567890",
            "=HYPERLINK(1)",
        )
    ]
    path = tmp_path / "tindak-lanjut.csv"
    formats.write(result_of(write_roster(tmp_path / "r.xlsx", rows)), path, "actions")
    [line] = read_csv(path)
    assert line["Nama Pekerja"] == "'=HYPERLINK(1)"


# --- a roster without account data -------------------------------------------------------


def test_a_roster_without_account_columns_has_no_payment_part(
    plain: Result, tmp_path: Path
) -> None:
    doc = to_json(plain)
    assert "payment" not in doc
    assert all(r["payment"] is None for r in doc["rows"])
    write_xlsx(plain, tmp_path / "hasil.xlsx")
    book = load_workbook(tmp_path / "hasil.xlsx")
    assert PAYMENT_SHEET not in book.sheetnames and ACTIONS_SHEET not in book.sheetnames
    summary = [line[0] for line in book["Ringkasan"].iter_rows(values_only=True)]
    assert PAYMENT.title.in_("id") not in summary
    formats.write(plain, tmp_path / "tindak-lanjut.csv", "actions")
    text = (tmp_path / "tindak-lanjut.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "Berkas,Sheet,Baris,NIK Pekerja,Nama Pekerja,Saluran Pembayaran,Kode Temuan,Tingkat,"
        "Temuan,Yang perlu dilakukan"
    ]
    trace = json.loads(dumps(plain, created_at="2025-06-01T00:00:00Z"))
    assert trace["summary"]["payment"] is None
    assert all(r["payment"] is None for r in trace["rows"])


# --- the trace ---------------------------------------------------------------------------


def test_the_trace_holds_each_rows_channel_and_codes_in_no_language(
    roster: Path, result: Result
) -> None:
    at = "2025-06-01T00:00:00Z"
    text = dumps(result, created_at=at)
    # Lang-neutral and deterministic: the same bytes whatever the result's language.
    assert dumps(result_of(roster, lang="en"), created_at=at) == text
    assert dumps(result, created_at=at) == text
    doc = json.loads(text)
    rows = {r["nik"]: r["payment"] for r in doc["rows"]}
    for cells, channel, codes in CASES:
        assert rows[cells[0]] == {"channel": channel, "findings": codes}
    part = doc["ruleset"]["payment"]
    assert part["source_url"] == PAYMENT.source_url
    assert [c["id"] for c in part["channels"]] == list(PAYMENT.channels)
    assert {c["id"]: c["source_url"] for c in part["channels"]} == {
        name: c.source_url for name, c in PAYMENT.channels.items()
    }
    assert [(f["code"], f["source_url"]) for f in part["findings"]] == [
        (c.value, PAYMENT.findings[c].source_url) for c in PaymentCode
    ]
    assert PAYMENT.pos_deadline is not None
    assert part["pos_deadline"] == PAYMENT.pos_deadline.isoformat()
    counts = doc["summary"]["payment"]
    assert counts["channels"]["pos"] == 6 and counts["findings"]["ACCOUNT_DUPLICATE"] == 2
    assert counts["findings"]["CHANNEL_POS"] == 6
    for message in (f.message.in_("id") for f in PAYMENT.findings.values()):
        assert message.split("{")[0] not in text


# --- a part of the result ----------------------------------------------------------------


def test_a_part_of_the_result_carries_the_whole_checks_pre_check(tmp_path: Path) -> None:
    """An employer's part is the whole check's pre-check sliced, not its own: an account
    given in another employer's roster stays a duplicate there."""
    account = "0123456789"
    a = write_roster(
        tmp_path / "pt-a.xlsx",
        [
            (
                "3171011501900001",
                "Budi Santoso",
                3_000_000,
                "Aktif",
                "2024-01-15",
                JAKARTA,
                "BNI",
                account,
                "Budi Santoso",
            )
        ],
    )
    b = write_roster(
        tmp_path / "pt-b.xlsx",
        [
            (
                "3171011501900002",
                "Siti Aminah",
                3_000_000,
                "Aktif",
                "2024-01-15",
                JAKARTA,
                "BNI",
                account,
                "Siti Aminah",
            )
        ],
    )
    whole = result_of(a, b)
    assert whole.payments is not None
    for source, other in (("pt-a.xlsx", "pt-b.xlsx"), ("pt-b.xlsx", "pt-a.xlsx")):
        part = whole.only(source)
        assert part.payments is not None
        keep = whole.decisions.frame["source"].eq(source).to_numpy()
        pd.testing.assert_frame_equal(part.payments.frame, whole.payments.frame[keep])
        [row] = to_json(part)["rows"]
        assert row["payment"]["channel"] == "pos"
        found, pos = row["payment"]["findings"]
        assert found["code"] == "ACCOUNT_DUPLICATE" and other in found["message"]
        assert pos["code"] == "CHANNEL_POS"
