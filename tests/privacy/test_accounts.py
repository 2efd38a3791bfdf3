"""Bank account numbers and account holders' names are personal data (UU 27/2022), as NIKs
are: no log line, error or reading note shows an account number in full, and no log line
or error names a holder.

The log filter (``bsu.privacy.logs``) already turns every long number into a keyed
pseudonym, accounts included: a pseudonym cannot be reversed without the key and still
follows one account across lines, which a mask of its first and last digits would not.
People see an account by its last four digits (API errors, stored notes) or, in a note a
roster's row quotes, as the terminal shows it (``bsu.values.account.masked``).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bsu.privacy.pseudonyms import mask_numbers, pseudonym, redact
from bsu.rosters.rows import not_workers
from tests.cli.conftest import BSU
from tests.servers import database, start_server, wait_for
from tests.support import write_csv, write_xlsx

KEY = b"k" * 32
_PSEUDONYM = re.compile(r"(?:nik|no):[0-9a-f]{12}")


@st.composite
def typed_accounts(draw: st.DrawFn) -> tuple[str, str]:
    """An account of 10 to 18 digits and how someone typed it: whole, or in groups joined
    by one kind of separator ("0123-01-012345-50-1"), perhaps after Excel's apostrophe."""
    digits = draw(st.from_regex(r"[0-9]{10,18}", fullmatch=True))
    separator = draw(st.sampled_from(["", " ", "-", "."]))
    groups = [digits]
    if separator:
        groups, rest = [], digits
        while rest:
            size = draw(st.integers(1, 6))
            groups.append(rest[:size])
            rest = rest[size:]
        assume(2 <= len(groups) <= 7)
    # Kept in logs as what they are, and nobody groups an account so: groups of three
    # joined by dots are an amount ("1.250.000.000"), four numbers up to 255 an address.
    dotted = separator == "."
    thousands = dotted and all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3
    address = dotted and len(groups) == 4 and all(len(g) <= 3 and int(g) <= 255 for g in groups)
    assume(not (thousands and len(digits) <= 12) and not address)
    return digits, draw(st.sampled_from(["", "'"])) + separator.join(groups)


@settings(max_examples=500, deadline=None)
@given(typed_accounts())
def test_a_log_line_names_an_account_by_its_pseudonym_only(account: tuple[str, str]) -> None:
    digits, typed = account
    line = redact(f"rekening {typed} tidak valid", KEY)
    assert not re.search(r"[0-9]", _PSEUDONYM.sub("", line)), line
    assert pseudonym(digits, KEY) in line, "however it was typed, one account, one name"


@settings(max_examples=500, deadline=None)
@given(typed_accounts())
def test_an_error_shows_an_account_by_its_last_four_digits(account: tuple[str, str]) -> None:
    digits, typed = account
    shown = mask_numbers(f"Nomor rekening '{typed}' ditolak.")
    assert re.sub(r"[^0-9]", "", shown) == digits[-4:], shown


HEADER = ["No", "NIK", "Nama", "Upah", "Tgl Daftar BPJS", "Bank", "No Rekening", "Atas Nama"]
MAPPING = {
    "nik": 1,
    "name": 2,
    "wage": 3,
    "registered_on": 4,
    "bank": 5,
    "account_number": 6,
    "account_holder": 7,
}


def _body(*rows: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), dtype=object, index=range(2, 2 + len(rows)))


def _worker(no: int) -> list[Any]:
    nik, name = f"327305601090{no:04d}", f"Pekerja {no}"
    return [no, nik, name, 3200000, "2024-01-15", "BRI", "002301012345503", name]


@settings(max_examples=200, deadline=None)
@given(typed_accounts(), st.sampled_from(["{}", "{} a/n Sulastri", "Rek. {}", "{} (BRI)"]))
def test_a_note_quoting_a_row_below_the_table_masks_its_account(
    account: tuple[str, str], written: str
) -> None:
    """A row below the table holding an account (no NIK, no name) is listed, and its note
    quotes the row's first cell: the account in it as the terminal shows one."""
    _, typed = account
    below = [None, None, None, None, None, None, written.format(typed), None]
    flags, skipped = not_workers(_body(_worker(1), below), MAPPING, HEADER)
    assert flags.tolist() == [False, True]
    [(row, note)] = [(s.row, s.why) for s in skipped]
    assert row == 3
    quoted = str(dict(note.params).get("text", ""))
    shown = re.sub(r"[^0-9]", "", quoted)
    assert len(shown) <= 6, quoted  # at most three digits at each end


@pytest.mark.parametrize(
    ("cell", "quoted"),
    [
        ("0123-01-012345-50-1", "012*********501"),
        ("Rek. 5550001112223 a/n Wulan", "Rek. 555*******223 a/n Wulan"),
        ("'012345678901234567", "'012************567"),
        ("NIK 3275014101900001 belum ada", "NIK 327**********001 belum ada"),
        # An amount and a date are no one's number: quoted as written.
        ("Catatan: total upah Rp 1.250.000.000", "Catatan: total upah Rp 1.250.000.000"),
        ("Dicetak 2025-04-30 10:15:00", "Dicetak 2025-04-30 10:15:00"),
    ],
)
def test_a_note_quotes_a_cell_with_its_long_numbers_masked(cell: str, quoted: str) -> None:
    below = [None, None, None, None, None, None, cell, None]
    _, skipped = not_workers(_body(_worker(1), below), MAPPING, HEADER)
    assert [dict(s.why.params)["text"] for s in skipped] == [quoted]


# --- a real check: the CLI and the server ------------------------------------------------

ROSTER_HEADER = [
    "NIK",
    "Nama",
    "Upah",
    "Status Kepesertaan",
    "Tgl Daftar",
    "Kab/Kota",
    "Bank",
    "No Rekening",
    "Atas Nama",
]
# NIK, name, bank, account as typed, holder (the holders are named apart from the workers
# where the name does not match, so that a leaked holder is told from a worker).
ACCOUNTS: list[tuple[str, str, str, Any, str]] = [
    ("3275014101900011", "Adi Nugroho", "BRI", "0123-01-012345-50-1", "Adi Nugroho"),
    ("3275014101900012", "Budi Santoso", "Bank Mandiri", "1230004567891", "Sulastri Wibowo"),
    ("3275014101900013", "Cici Paramitha", "BNI", "0987 6543 21", "Cici Paramita"),
    ("3275014101900014", "Dedi Kurniawan", "BTN", 1234567890123456, "Dedi Kurniawan"),
    ("3275014101900015", "Euis Komalasari", "BRI", "00230101234O503", "Rahmat Hidayat"),
    ("3275014101900016", "Fitri Handayani", "Bank Antah", "5270123456", "Fitri Handayani"),
    ("3275014101900017", "Gilang Ramadhan", "BRI", "1230004567891", "Gilang Ramadhan"),
]
# A row below the table: an account and its holder, no NIK and no worker's name.
STRAY = ("4445556667778", "Wulan Anggraeni")
HOLDERS = sorted({a[4] for a in ACCOUNTS} | {STRAY[1]})
NAMES = sorted({a[1] for a in ACCOUNTS} | set(HOLDERS))


def _forms(account: Any) -> set[str]:
    """An account as it may be written out: as typed, digits only, as Excel kept it."""
    text = str(account)
    digits = re.sub(r"[^0-9]", "", text)
    forms = {text, digits}
    if isinstance(account, int):
        forms |= {repr(float(account)), f"{float(account):.0f}", digits[:15]}
    return forms


ACCOUNT_FORMS = sorted(
    {form for a in ACCOUNTS for form in _forms(a[3])} | _forms(STRAY[0]), key=len, reverse=True
)


def _accounts_in(text: str) -> list[str]:
    """Every account written out in ``text``, and any run of ten digits or more."""
    found = [form for form in ACCOUNT_FORMS if form in text]
    return found + re.findall(r"(?<![0-9])[0-9]{10,}(?![0-9])", text)


def _names_in(text: str) -> list[str]:
    return [name for name in NAMES if name.casefold() in text.casefold()]


def _rows() -> list[list[Any]]:
    workers = [
        [nik, name, 3500000, "Aktif", "15/01/2024", "Kota Bekasi", bank, account, holder]
        for nik, name, bank, account, holder in ACCOUNTS
    ]
    stray = [None, None, None, None, None, None, None, STRAY[0], STRAY[1]]
    return [ROSTER_HEADER, *workers, stray]


def _roster_xlsx(path: Path) -> Path:
    return write_xlsx(path, {"Roster": _rows()})


def _roster_csv(path: Path) -> Path:
    lines = [";".join("" if c is None else str(c) for c in row) for row in _rows()]
    return write_csv(path, lines)


def _bsu(tmp: Path, level: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed ``bsu``, as ``tests.cli`` runs it, with logging at ``level``."""
    return subprocess.run(
        [str(BSU), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "COLUMNS": "200",
            "LANG": "C.UTF-8",
            "BSU_DATA_DIR": str(tmp / "data"),
            "BSU_LOG_LEVEL": level,
        },
    )


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_a_check_logs_no_account_and_no_holder(tmp_path: Path, level: str) -> None:
    xlsx = _roster_xlsx(tmp_path / "rekening.xlsx")
    csv = _roster_csv(tmp_path / "rekening.csv")
    broken = write_csv(
        tmp_path / "rusak.csv",
        [
            "NIK;Nama;Bank;No Rekening;Atas Nama",
            f'"{ACCOUNTS[0][0]};{ACCOUNTS[0][1]};BRI;{ACCOUNTS[0][3]};{ACCOUNTS[0][4]}',
            f"{ACCOUNTS[1][0]};{ACCOUNTS[1][1]};Bank Mandiri;{ACCOUNTS[1][3]};{STRAY[1]}",
        ],
    )
    out = tmp_path / "hasil"
    out.mkdir()
    # (arguments, exit code, whether stdout is the terminal's report rather than data)
    runs: list[tuple[tuple[str | Path, ...], int, bool]] = [
        (("check", xlsx), 0, True),
        (("check", csv, "--lang", "en"), 0, True),
        (("check", xlsx, "--out", out / "hasil.xlsx", "--actions", out / "tl.csv"), 0, True),
        (("check", xlsx, csv, "--format", "json"), 0, False),
        (("check", xlsx, "--format", "csv"), 0, False),
        (("check", broken), 2, True),
        (("check", xlsx, broken), 3, True),
        (("check", tmp_path), 3, True),
    ]
    for args, code, terminal in runs:
        done = _bsu(tmp_path, level, *args)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert _accounts_in(done.stderr) == [], (args, done.stderr)
        assert _names_in(done.stderr) == [], (args, done.stderr)
        if terminal:  # the terminal shows an account masked, if at all
            assert _accounts_in(done.stdout) == [], (args, done.stdout)
    # The row below the table is listed with its account masked.
    shown = _bsu(tmp_path, level, "check", xlsx).stdout
    assert "444*******778" in shown, shown


def test_the_server_logs_and_answers_no_account_and_no_holder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    roster = _roster_xlsx(tmp_path / "gaji-oktober.xlsx")
    workers = [
        {
            "nik": nik,
            "name": name,
            "wage": 3500000,
            "participant_status": "Aktif",
            "registered_on": "2024-01-15",
            "region": "Kota Bekasi",
            "bank": bank,
            "account_number": str(account),
            "account_holder": holder,
        }
        for nik, name, bank, account, holder in ACCOUNTS
    ]
    with database("sqlite", tmp_path) as url:
        server = start_server(data, url, "--access-log", BSU_LOG_LEVEL="DEBUG")
        try:
            with server.client() as c:
                sent = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
                assert sent.status_code == 202, sent.text
                assert _accounts_in(sent.text) == [], sent.text
                done = wait_for(c, sent.headers["location"], {"done", "failed"})
                assert done["status"] == "done", done
                assert _accounts_in(str(done)) == [], done
                for worker in workers:
                    assert c.post("/v1/check", json=worker).status_code == 200
                assert c.post("/v1/check/batch", json=workers).status_code == 200
                # Refused requests: the error names the field, never the value sent (an
                # unknown field is named, so an account sent as one is masked).
                account, holder = ACCOUNTS[1][3], ACCOUNTS[1][4]
                bad: list[dict[str, Any]] = [
                    {**workers[1], "account_number": [account]},
                    {**workers[1], "account_number": int(account)},
                    {**workers[1], "account_holder": {"nama": holder}},
                    {**workers[1], "account_holder": [holder, account]},
                    {**workers[1], account: holder},
                ]
                for body in bad:
                    refused = c.post("/v1/check", json=body)
                    assert refused.status_code == 422, refused.text
                    assert _accounts_in(refused.text) == [], refused.text
                    assert _names_in(refused.text) == [], refused.text
                missing = c.get(f"/v1/batches/{account}", params={"a/n": holder})
                assert missing.status_code == 404
                assert _accounts_in(missing.text) == [], missing.text
        finally:
            server.stop()
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "POST /v1/check" in log, "the access log was on"
    assert _accounts_in(log) == [], log
    assert _names_in(log) == [], log


def test_the_masks_leave_no_account_digits_beyond_their_ends() -> None:
    """``account.masked`` (terminal, notes) keeps three digits at each end of a long account
    and only the last two of a short one."""
    from bsu.values.account import masked

    cases = {
        "0123010123455501": "012**********501",
        "1234567890": "123****890",
        "123456": "****56",
        "": "",
    }
    assert {a: masked(a) for a in cases} == cases
