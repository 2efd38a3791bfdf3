"""Registry extracts and exclusion lists as branch staff load them: read like rosters, in
the sandbox (a hostile extract is refused with the same error codes as a hostile roster),
into the tables the store takes (``bsu.store.evidence``). The store never opens a file.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bsu.rosters import readers, sandbox
from bsu.rosters.headers import header_key
from bsu.values import dates, nik, vocabulary, wage
from bsu.values.text import as_text

# Registry columns beyond the roster's: matched on the original headers.
EXTRA_HEADERS = {
    "employer_id": ("npp", "kodeperusahaan", "idpemberikerja", "employerid", "idperusahaan"),
    "employer_name": (
        "namaperusahaan",
        "pemberikerja",
        "namapemberikerja",
        "employer",
        "employername",
        "perusahaan",
    ),
    # The last month whose contribution was paid.
    "last_contribution": (
        "iuranterakhir",
        "bulaniuranterakhir",
        "blniuranterakhir",
        "blthiuranterakhir",
        "blthiuran",
        "periodeiuranterakhir",
        "iuranterakhirdibayar",
        "bulanterakhirbayar",
        "lastcontribution",
        "lastcontributionmonth",
        "lastpaidmonth",
    ),
    # The month the participant became non-active (BLTH NA: bulan dan tahun nonaktif).
    "nonactive_since": (
        "blthna",
        "blthnonaktif",
        "bulannonaktif",
        "blnnonaktif",
        "nonaktifsejak",
        "tglnonaktif",
        "tanggalnonaktif",
        "bulantahunnonaktif",
        "nonactivesince",
        "nonactivemonth",
        "inactivesince",
    ),
}
# Registry columns that name a month: kept as "YYYY-MM" (``dates.months`` reads the many
# ways an extract writes one); a month that cannot be read is kept as no month.
MONTHS = ("last_contribution", "nonactive_since")

Rows = tuple[pd.DataFrame, int]
"""Canonical rows with a usable NIK each, and how many rows had none (skipped)."""


@dataclass(frozen=True)
class Extract:
    """An extract file as the store takes it (``bsu.store.imports.Extract``): its name,
    its content hash (an import is idempotent by it) and its rows. The hash and the rows
    are worked out only when asked: a file imported before is not parsed again, and a
    wrong list kind is said before anything about the file."""

    path: Path
    parse: Callable[[readers.Roster], Rows]
    budget: sandbox.Budget | None = None
    start: sandbox.Start = "fork"

    @property
    def filename(self) -> str:
        return self.path.name

    @functools.cached_property
    def sha256(self) -> str:
        """The file's content hash; a missing file or a folder gets the roster reader's
        words (the ``RosterError`` that says what is wrong), not a traceback."""
        if not self.path.is_file():
            readers.read(self.path)
        digest = hashlib.sha256()
        with self.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def rows(self) -> Rows:
        """The file read in the sandbox, as the store's rows."""
        return self.parse(sandbox.read(self.path, budget=self.budget, start=self.start))


def registry(
    path: Path, budget: sandbox.Budget | None = None, start: sandbox.Start = "fork"
) -> Extract:
    """A participant registry extract (xlsx, csv or parquet)."""
    return Extract(path, registry_rows, budget, start)


def exclusion_list(
    path: Path, budget: sandbox.Budget | None = None, start: sandbox.Start = "fork"
) -> Extract:
    """An exclusion list (columns NIK and, optionally, Nama)."""
    return Extract(path, list_rows, budget, start)


def registry_rows(read: readers.Roster) -> Rows:
    """A registry extract's rows as canonical participants, the last row of a NIK kept."""
    records = read.records
    cleaned, numeric = nik.clean(records["nik"])
    usable = nik.usable(cleaned, numeric)
    keys = {header_key(c): c for c in read.original.columns}
    out = pd.DataFrame(
        {
            "nik": cleaned,
            "kpj": as_text(records["kpj"]),
            "status": vocabulary.status(records["participant_status"]),
            "category": vocabulary.category(records["participant_category"])[0],
            "registered_on": dates.parse(records["registered_on"])[0],
            "reported_wage": wage.parse(records["wage"])[0],
            # A roster field too (its headers: ``fields``), so read as a roster's is.
            "nationality": vocabulary.nationality(records["nationality"])[0],
        }
    )
    for column, aliases in EXTRA_HEADERS.items():
        header = next((keys[a] for a in aliases if a in keys), None)
        if column in MONTHS:
            none = pd.Series(None, index=out.index, dtype=object)
            cells = read.original[header].astype(object) if header else none
            out[column] = dates.month_text(dates.months(cells)).fillna("")
        else:
            out[column] = as_text(read.original[header]) if header else ""
    out = out[usable.to_numpy()].drop_duplicates("nik", keep="last")
    return out, int((~usable).sum())


def list_rows(read: readers.Roster) -> Rows:
    """An exclusion list's rows: NIK and name, the first row of a NIK kept."""
    cleaned, numeric = nik.clean(read.records["nik"])
    usable = nik.usable(cleaned, numeric)
    names = as_text(read.records["name"])
    entries = pd.DataFrame({"nik": cleaned, "name": names})[usable.to_numpy()]
    return entries.drop_duplicates("nik"), int((~usable).sum())
