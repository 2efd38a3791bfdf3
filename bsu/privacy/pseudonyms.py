"""Personal numbers out of sight: keyed pseudonyms for logs, the last four digits on screen.

A NIK, KPJ or bank account number must never reach a log, a trace or an error body as it
is. A plain hash would not hide it: the first 12 digits of a NIK are region and birth date,
so the 10.000 serial numbers of one birthday in one district are hashed in a millisecond.
An HMAC under a secret key cannot be brute-forced without the key, and still gives the same
worker the same pseudonym in every log line, so a log can be followed. The key is
``BSU_LOG_KEY`` or, when unset, one generated once and kept (mode 0600) in the data folder,
so pseudonyms stay the same across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path

KEY_FILE = "log.key"
BULLET = "•"
# A long number: a run of 10 or more digits (NIK 16, KPJ 11, bank accounts 10-16), or
# digit groups joined by one kind of separator as people type a NIK or an account
# ("3275 0141 0190 0001", "32.75.01.410190.0001", "0123-01-012345-50-1").
# A UUID (a batch id) is matched first so that no digits in it are taken for a number.
_NUMBER = re.compile(
    r"(?P<uuid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(?<![0-9])(?:[0-9]{10,}|[0-9]{1,12}(?P<sep>[ .\-])[0-9]{1,12}(?:(?P=sep)[0-9]{1,12}){0,5})"
    r"(?![0-9])"
)
_SEPARATORS = re.compile(r"[ .\-]")
_SHORTEST, _LONGEST_COUNT = 10, 12
# A run the log filter takes for a number (a pseudonym must never hold one).
_DIGIT_RUN = re.compile(f"[0-9]{{{_SHORTEST}}}")
_HEX = 12  # characters of the HMAC a pseudonym shows


def digits_of(value: str) -> str:
    """The number without the separators people type into it."""
    return _SEPARATORS.sub("", value.strip())


def pseudonym(value: str, key: bytes | None = None) -> str:
    """``nik:`` (16 digits) or ``no:`` (any other number) and 12 hex digits of its HMAC.

    The same number gives the same pseudonym however it was typed (spaces, dots, dashes).
    """
    digits = digits_of(value)
    mac = hmac.new(key or log_key(), digits.encode(), hashlib.sha256).hexdigest()
    return f"{'nik' if len(digits) == 16 else 'no'}:{_no_number(mac)}"


def _no_number(digest: str) -> str:
    """12 hex characters of ``digest`` holding no run of 10 digits: the first such window
    (nearly always the first 12). A pseudonym the log filter took for a number would be
    replaced in the logs, and one that looks like a number is no help to a reader."""
    windows = (digest[i : i + _HEX] for i in range(len(digest) - _HEX + 1))
    return next((w for w in windows if not _DIGIT_RUN.search(w)), digest[:_HEX])


def mask_last4(value: object) -> str:
    """A number as a person may see it: ``••••••••••••0001``, only the last four digits."""
    text = "" if value is None else digits_of(str(value))
    if len(text) <= 4:
        return BULLET * len(text)
    return BULLET * (len(text) - 4) + text[-4:]


def _is_personal(match: re.Match[str]) -> bool:
    if match.group("uuid"):
        return False
    sep = match.group("sep")
    if sep is None:
        return True  # ten digits or more in a row
    groups = _SEPARATORS.split(match.group(0))
    count = sum(len(g) for g in groups)
    if count < _SHORTEST:
        return False
    if sep == "." and len(groups) == 4 and all(len(g) <= 3 and int(g) <= 255 for g in groups):
        return False  # an IPv4 address (an account "012.345.678.9" is none)
    thousands = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    # A count written the Indonesian way (17.179.869.184 sel); a NIK is longer.
    return not (sep == "." and thousands and count <= _LONGEST_COUNT)


def redact(text: str, key: bytes | None = None) -> str:
    """``text`` with every long number replaced by its pseudonym (for logs)."""
    if not any(c.isdigit() for c in text):
        return text
    return _NUMBER.sub(
        lambda m: pseudonym(m.group(0), key) if _is_personal(m) else m.group(0), text
    )


def mask_numbers(text: str) -> str:
    """``text`` with every long number shown by its last four digits (for people)."""
    if not any(c.isdigit() for c in text):
        return text
    return _NUMBER.sub(lambda m: mask_last4(m.group(0)) if _is_personal(m) else m.group(0), text)


# --- the key -----------------------------------------------------------------------------

_keys: dict[Path, bytes] = {}


def log_key(secret: str | None = None, data_dir: Path | None = None) -> bytes:
    """The HMAC key: ``secret`` (``BSU_LOG_KEY``) if set, else the one kept in ``data_dir``,
    created on first use. What is not given is read from the settings."""
    if secret is None or data_dir is None:
        from bsu.service.settings import Settings

        settings = Settings()
        if secret is None:
            secret = settings.log_key.get_secret_value() if settings.log_key else ""
        data_dir = data_dir or settings.data_dir
    if secret:
        return secret.encode()
    if data_dir not in _keys:
        _keys[data_dir] = _stored_key(data_dir)
    return _keys[data_dir]


def _stored_key(folder: Path) -> bytes:
    """The key in ``folder/log.key``, made (0600, atomically) if there is none yet.

    If the folder cannot be written, a key for this process only: its pseudonyms are not
    comparable with another process's, but no number is ever logged in the clear.
    """
    path = folder / KEY_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except OSError:
        return secrets.token_hex(32).encode()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{KEY_FILE}.", dir=folder)  # mode 0600
    except OSError:
        return secrets.token_hex(32).encode()
    try:
        key = secrets.token_hex(32).encode()
        with os.fdopen(fd, "wb") as out:
            out.write(key + b"\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)  # never replaces a key another process made first
        except FileExistsError:
            return _read(path)
        except OSError:
            return key
        return key
    finally:
        Path(tmp).unlink(missing_ok=True)


def _read(path: Path) -> bytes:
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_bytes().strip()
    if not key:
        raise OSError(f"{path} is empty")
    return key
