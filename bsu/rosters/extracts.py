"""Registry extracts and exclusion lists as branch staff load them: read like rosters, in
the sandbox (a hostile extract is refused with the same error codes as a hostile roster),
into the tables the store takes (``bsu.store.evidence``). The store never opens a file.
The tables of regional coverage (the workforce universe, the targets) have no NIK: they
are read by ``regional_tables`` (``universe``, ``targets``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bsu.rosters import readers, regional_tables, sandbox
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
    # Contacts: read from the roster fields of the same names when the reader matched
    # them (``bsu.core.fields``), else from these headers.
    "phone": (
        "nohp",
        "nomorhp",
        "hp",
        "nohandphone",
        "telepon",
        "notelepon",
        "notelp",
        "phone",
        "phonenumber",
        "mobile",
    ),
    "email": ("email", "alamatemail", "emailaddress"),
}
# Contact fields longer than the store keeps (``RegistryParticipant.phone``) are no phone
# number: kept as none rather than cut.
PHONE_CHARS = 64
# Registry columns that name a month: kept as "YYYY-MM" (``dates.months`` reads the many
# ways an extract writes one); a month that cannot be read is kept as no month.
MONTHS = ("last_contribution", "nonactive_since")

Rows = tuple[pd.DataFrame, int]
"""Canonical rows with a usable NIK each, and how many rows had none (skipped)."""


@dataclass(frozen=True)
class _File:
    """A file the store imports: its name, and its content hash (an import is idempotent
    by it), worked out only when asked."""

    path: Path

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


@dataclass(frozen=True)
class Extract(_File):
    """An extract file as the store takes it (``bsu.store.imports.Extract``): its name,
    its content hash and its rows. The hash and the rows are worked out only when asked:
    a file imported before is not parsed again, and a wrong list kind is said before
    anything about the file."""

    parse: Callable[[readers.Roster], Rows]
    budget: sandbox.Budget | None = None
    start: sandbox.Start = "fork"

    def rows(self) -> Rows:
        """The file read in the sandbox, as the store's rows."""
        return self.parse(sandbox.read(self.path, budget=self.budget, start=self.start))


@dataclass(frozen=True)
class Table(_File):
    """A table of regions as the store takes it (``bsu.store.imports.Extract``): read
    by ``bsu.rosters.regional_tables`` (small, no NIK: not through the roster sandbox)."""

    parse: Callable[[Path, str], Rows]

    def rows(self) -> Rows:
        return self.parse(self.path, self.filename)


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


def universe(path: Path) -> Table:
    """A workforce universe table (region, potential PU and BPU; ``regional_tables``)."""
    return Table(path, regional_tables.universe_rows)


def targets(path: Path) -> Table:
    """A coverage targets table (region or Nasional, year, target %, source)."""
    return Table(path, regional_tables.targets_rows)


def registry_rows(read: readers.Roster) -> Rows:
    """A registry extract's rows as canonical participants, the last row of a NIK kept:
    with their name and contacts (personal data, for branch staff's lists) and their
    work region as a Kemendagri code (``regional_tables.codes``: the Kota/Kab column,
    narrowed by the Provinsi column; the province's code when only it is given)."""
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
            "name": as_text(records["name"]),
            "region_code": _region_codes(records),
        }
    )
    for column, aliases in EXTRA_HEADERS.items():
        header = next((keys[a] for a in aliases if a in keys), None)
        if column in records.columns and records[column].notna().any():
            out[column] = as_text(records[column])  # the roster reader matched it
        elif column in MONTHS:
            none = pd.Series(None, index=out.index, dtype=object)
            cells = read.original[header].astype(object) if header else none
            out[column] = dates.month_text(dates.months(cells)).fillna("")
        else:
            out[column] = as_text(read.original[header]) if header else ""
    out["phone"] = out["phone"].where(out["phone"].str.len() <= PHONE_CHARS, "")
    out = out[usable.to_numpy()].drop_duplicates("nik", keep="last")
    return out, int((~usable).sum())


def _region_codes(records: pd.DataFrame) -> pd.Series:
    """Each row's work region as a Kemendagri code (None where not named or resolved)."""
    regions, provinces = as_text(records["region"]), as_text(records["province"])
    if not (regions.ne("") | provinces.ne("")).any():
        return pd.Series(np.full(len(records), None, dtype=object), index=records.index)
    return regional_tables.codes(regions, provinces)["region_code"].astype(object)


def list_rows(read: readers.Roster) -> Rows:
    """An exclusion list's rows: NIK and name, the first row of a NIK kept."""
    cleaned, numeric = nik.clean(read.records["nik"])
    usable = nik.usable(cleaned, numeric)
    names = as_text(read.records["name"])
    entries = pd.DataFrame({"nik": cleaned, "name": names})[usable.to_numpy()]
    return entries.drop_duplicates("nik"), int((~usable).sum())
