"""Which roster header means which canonical field.

Headers are compared after case-folding and dropping everything but ASCII letters and
digits, so "No. KTP/NIK", "NO KTP NIK" and "no_ktp_nik" are one header. ``header_key`` is
the one comparison: registry extracts match their extra columns with it too.
"""

from __future__ import annotations

import re

from bsu.core.fields import REGISTRY


def header_key(text: object) -> str:
    """A header as compared: case-folded, ASCII letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


# Each header a field answers to (declared with the field, ``bsu.core.fields``), as compared.
HEADER_FIELDS: dict[str, str] = {
    header_key(alias): field.name for field in REGISTRY for alias in field.aliases
}


def field_for(header: object) -> str | None:
    """The canonical field a header names, if any."""
    return HEADER_FIELDS.get(header_key(header))
