"""Pseudonyms, masks and the logging filter, on their own: what each hides and what it keeps."""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsu.privacy import logs
from bsu.privacy.pseudonyms import KEY_FILE, log_key, mask_last4, mask_numbers, pseudonym, redact
from bsu.service.settings import Settings

NIK = "3275014101900001"
KEY = b"k" * 32


def test_a_pseudonym_is_keyed_and_stable_however_the_nik_is_typed() -> None:
    name = pseudonym(NIK, KEY)
    assert re.fullmatch(r"nik:[0-9a-f]{12}", name)
    assert pseudonym("3275 0141 0190 0001", KEY) == name
    assert pseudonym("32.75.01.410190.0001", KEY) == name
    assert pseudonym(NIK, b"another key") != name, "without the key it cannot be recomputed"
    assert pseudonym("3275014101900002", KEY) != name
    # A plain hash of the NIK would be found by trying the 10.000 serials of one birthday.
    import hashlib

    assert name[4:] not in hashlib.sha256(NIK.encode()).hexdigest()
    assert pseudonym("21010000001", KEY).startswith("no:"), "a KPJ is not called a NIK"


def test_the_key_is_made_once_kept_private_and_reused(tmp_path: Path) -> None:
    first = log_key("", tmp_path / "a")
    path = tmp_path / "a" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    # Another process (a restart) reads the same key, so pseudonyms stay the same.
    code = (
        "import sys; from pathlib import Path; from bsu.privacy.pseudonyms import log_key; "
        "sys.stdout.write(log_key('', Path(sys.argv[1])).decode())"
    )
    again = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "a")], capture_output=True, check=True
    )
    assert again.stdout == first
    assert log_key("", tmp_path / "b") != first, "each installation has its own key"
    assert log_key("from-env", tmp_path / "c") == b"from-env"
    assert not (tmp_path / "c" / KEY_FILE).exists(), "BSU_LOG_KEY set: no key file"


def test_a_key_file_readable_by_others_is_made_private(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text("0123456789abcdef0123456789abcdef\n")
    (tmp_path / KEY_FILE).chmod(0o644)
    assert log_key("", tmp_path) == b"0123456789abcdef0123456789abcdef"
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600


def test_masks_show_only_the_last_four_digits() -> None:
    assert mask_last4(NIK) == "••••••••••••0001"
    assert mask_last4("3275 0141 0190 0001") == "••••••••••••0001"
    assert mask_last4("123") == "•••"
    assert mask_last4(None) == ""
    masked = mask_numbers(f"Batch '{NIK}' tidak ditemukan.")
    assert masked == "Batch '••••••••••••0001' tidak ditemukan."
    batch = "Batch 'c1234567-399e-474b-8b45-123456789012' tidak ditemukan."
    assert mask_numbers(batch) == batch, "a batch id is not a number"


@pytest.mark.parametrize(
    "text",
    [
        NIK,
        "nik=3275014101900001&x=1",
        "/v1/batches/3275014101900001/rows",
        "3275 0141 0190 0001",
        "32.75.01.410190.0001",
        "3275-0141-0190-0001",
        "3275 0141 0190 0001 0002",
        "3.275.014.101.900.001",
        "rekening 1234567890",
        "rekening 0123-01-012345-50-1",
        "KPJ 21010000001",
        "offset 327501410190000099900",
        "batch 6efc9e81-25f6-4520-8fb8-6379c58e8535 of 3275014101900001",
    ],
)
def test_redact_replaces_every_long_number(text: str) -> None:
    out = redact(text, KEY)
    assert not re.search(r"[0-9]{5,}", re.sub(r"(nik|no):[0-9a-f]{12}", "", out)), out
    assert re.search(r"(nik|no):[0-9a-f]{12}", out)


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1:54321 - GET /healthz 200",
        "192.168.100.200",
        "2025-01-15 10:00:00,123",
        "batch 6efc9e81-25f6-4520-8fb8-6379c58e8535 done",
        "Batch 'c1234567-399e-474b-8b45-123456789012' tidak ditemukan.",
        "Upah Rp5.800.000 melebihi batas Rp5.700.000",
        "attempt 3 of 3, 12 rows, 4.5 s",
        "sheet reaches row 1.048.576 (17.179.869.184 sel)",
    ],
)
def test_redact_keeps_what_is_not_a_personal_number(text: str) -> None:
    assert redact(text, KEY) == text


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A logger of its own writing to a string, with the filter installed as the CLI does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.privacy")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logs.install("WARNING", Settings(log_key="test-key"))
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def test_the_filter_redacts_messages_arguments_and_tracebacks(captured: io.StringIO) -> None:
    log = logging.getLogger("tests.privacy")
    log.info("worker %s account %s", NIK, "1234567890123")
    log.info("as a number: %d, in a dict: %s", 3275014101900002, {"nik": "3275014101900003"})
    log.info("%(nik)s by name", {"nik": "3275014101900004"})
    try:
        raise KeyError(f"no row for {NIK} in the roster")
    except KeyError:
        log.exception("lookup failed")
    log.warning("typed with spaces: 3275 0141 0190 0005", stack_info=True)
    text = captured.getvalue()
    assert not re.search(r"[0-9]{10,}", text), text
    assert "0141 0190" not in text
    key = b"test-key"
    for nik in (NIK, "3275014101900002", "3275014101900003", "3275014101900004"):
        assert pseudonym(nik, key) in text
    assert pseudonym("1234567890123", key) in text
    assert "Traceback" in text and "KeyError" in text, "the trace itself is kept"


def test_a_record_seen_by_two_handlers_is_redacted_once() -> None:
    """Both handlers show the same pseudonym (the record is redacted once; a pseudonym
    never holds ten digits in a row, so it could not be taken for a number either)."""
    key = b"k" * 32
    streams = [io.StringIO(), io.StringIO()]
    logger = logging.getLogger("tests.privacy.twice")
    logger.propagate = False
    for stream in streams:
        handler = logging.StreamHandler(stream)
        handler.addFilter(logs.Redact(lambda: key))
        logger.addHandler(handler)
    try:
        logger.warning("worker %s", NIK)
    finally:
        logger.handlers.clear()
    assert [s.getvalue() for s in streams] == [f"worker {pseudonym(NIK, key)}\n"] * 2


def test_a_failed_statement_logs_no_values(captured: io.StringIO) -> None:
    """SQLAlchemy quotes a failed statement's values (a name, a wage) in its error text."""
    from sqlalchemy import create_engine, text

    engine = create_engine("sqlite://")
    try:
        with engine.connect() as connection:
            connection.execute(
                text("INSERT INTO nowhere VALUES (:nik, :name, :wage)"),
                {"nik": NIK, "name": "Budi Santoso", "wage": 4137291},
            )
    except Exception:
        logging.getLogger("tests.privacy").exception("storing the rows failed")
    finally:
        engine.dispose()
    text_ = captured.getvalue()
    assert "no such table: nowhere" in text_, text_
    assert "[parameters: hidden" in text_
    assert "Budi" not in text_ and "4137291" not in text_ and NIK not in text_


def test_uvicorn_access_lines_keep_their_shape(captured: io.StringIO) -> None:
    """uvicorn's access formatter unpacks five arguments: the filter must keep them five."""
    from uvicorn.logging import AccessFormatter

    handler = logging.getLogger("tests.privacy").handlers[0]
    handler.setFormatter(AccessFormatter('%(client_addr)s "%(request_line)s" %(status_code)s'))
    logging.getLogger("tests.privacy").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        f"/v1/batches/{NIK}?nik={NIK}",
        "1.1",
        404,
    )
    line = captured.getvalue()
    assert NIK not in line and "127.0.0.1:5000" in line and "404" in line
    assert line.count(pseudonym(NIK, b"test-key")) == 2


def test_the_cli_installs_the_filter_on_its_handler() -> None:
    """``bsu`` itself (not a test's handler): a command that logs a NIK prints a pseudonym."""
    code = (
        "import logging, sys; from bsu.cli import app as cli; nik = sys.argv[1]; "
        "cli.app.command('leak')(lambda: logging.getLogger('bsu').warning('nik %s', nik)); "
        "sys.argv = ['bsu', 'leak']; cli.main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, NIK],
        capture_output=True,
        text=True,
        env={"BSU_LOG_KEY": "cli-key", "PATH": "/usr/bin:/bin"},
    )
    assert NIK not in done.stderr
    assert pseudonym(NIK, b"cli-key") in done.stderr, done.stderr


@settings(max_examples=3000, deadline=None)
@given(st.from_regex(r"[0-9]{16}", fullmatch=True), st.binary(min_size=32, max_size=32))
def test_a_pseudonym_never_looks_like_a_number(nik: str, key: bytes) -> None:
    """A pseudonym holds no run of 10 digits, so the log filter leaves it as it is (a
    random 12-hex slice held one about once in 40 keys: the logs then showed a pseudonym
    of the pseudonym)."""
    name = pseudonym(nik, key)
    assert re.fullmatch(r"nik:[0-9a-f]{12}", name)
    assert not re.search(r"[0-9]{10}", name)
    assert redact(f"cek {name}", key) == f"cek {name}"


def test_the_digit_free_window_is_the_first_one_that_has_none() -> None:
    key: bytes = b"k" * 32
    found: tuple[str, str] | None = None
    for i in range(200_000):  # find a key whose first 12 hex hold a 10-digit run
        mac = hmac.new(key, str(i).zfill(16).encode(), hashlib.sha256).hexdigest()
        if re.search(r"[0-9]{10}", mac[:12]):
            found = (str(i).zfill(16), mac)
            break
    assert found, "no such digest among 200.000 values"
    nik, mac = found
    shown = pseudonym(nik, key).split(":")[1]
    assert shown != mac[:12] and shown in mac and not re.search(r"[0-9]{10}", shown)
