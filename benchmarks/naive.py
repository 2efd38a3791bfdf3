"""The naive baseline: the checker as a first version would write it, one row at a time.

openpyxl reads the workbook cell by cell, a pydantic model holds each row, the rules run
in plain Python per row, repeated NIKs are found through a dict, and openpyxl writes the
result workbook. It is here to show what bsu's vectorised engine buys, and as a second
opinion on its statuses (the parity check); it is not part of the product.

Nothing of the regulation is written here: the cap, rounding, cutoff, category, benefit
and excluded groups come from the rule set (``bsu.load_ruleset``), the regions and
minimum wages from the CSV tables the rule set names. ``normalise`` (dirty cell values to
plain facts) is shared with the ZEN benchmark, which decides the facts with a GoRules
decision table instead of ``decide``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bsu import RuleSet

ELIGIBLE, INELIGIBLE, REVIEW = "ELIGIBLE", "INELIGIBLE", "REVIEW"
Facts = dict[str, Any]
Cell = str | int | float | dt.datetime | dt.date | None

# --- parameters and reference tables ------------------------------------------------------


@dataclass(frozen=True)
class Params:
    """The rule set's parameters, read once (the baseline hard-codes no regulation value)."""

    wage_cap: float
    cap_inclusive: bool
    rounding: float
    cutoff: dt.datetime
    category: str
    benefit: float
    excluded: frozenset[str]

    @classmethod
    def of(cls, rules: RuleSet) -> Params:
        cutoff = rules.param("participation_cutoff")
        return cls(
            wage_cap=float(rules.param("wage_cap_idr")),
            cap_inclusive=bool(rules.param("wage_cap_inclusive")),
            rounding=float(rules.param("regional_cap_rounding_idr")),
            cutoff=dt.datetime(cutoff.year, cutoff.month, cutoff.day),
            category=str(rules.param("participant_category")),
            benefit=rules.benefit(),
            excluded=frozenset(str(x) for x in rules.param("excluded_employment")),
        )


def key(value: Any) -> str:
    """Upper case, anything but letters and digits to one space: how cells are matched."""
    return re.sub(r"[^0-9A-Z]+", " ", text(value).upper()).strip()


def text(value: Any) -> str:
    """A cell as stripped text; a whole float prints without ".0"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return str(value).strip()


_REGENCY_PREFIXES = ("KABUPATEN ADMINISTRASI", "KOTA ADMINISTRASI", "KABUPATEN", "KOTA")
_SHORT_PREFIX = {
    "KABUPATEN ADMINISTRASI": "KAB",
    "KOTA ADMINISTRASI": "KOTA",
    "KABUPATEN": "KAB",
    "KOTA": "KOTA",
}
_PROVINCE_ALIASES = {
    "31": ("DKI JAKARTA", "DK JAKARTA", "JAKARTA", "DKI"),
    "34": ("DIY", "DI YOGYAKARTA", "YOGYAKARTA"),
    "19": ("BANGKA BELITUNG", "BABEL"),
    "21": ("KEPRI", "KEP RIAU"),
}


@dataclass
class Regions:
    """Region names and codes to caps, from the rule set's regions and minimum wage CSVs."""

    names: dict[str, set[str]] = field(default_factory=dict)  # key -> region codes
    province_of: dict[str, str] = field(default_factory=dict)
    cap_min: dict[str, float] = field(default_factory=dict)
    cap_max: dict[str, float] = field(default_factory=dict)
    general: float = 0.0
    highest: float = 0.0
    provinces: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, rules: RuleSet, params: Params) -> Regions:
        folder = rules.path.parent
        tables = rules.spec.tables
        with (folder / tables.regions).open(encoding="utf-8") as fh:
            regions = list(csv.DictReader(fh))
        ump: dict[str, float] = {}
        umk: dict[str, float] = {}
        if tables.minimum_wages:
            with (folder / tables.minimum_wages).open(encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    kind = ump if row["kind"].strip() == "UMP" else umk
                    kind[row["region_code"].strip()] = float(row["amount_idr"])
        out = cls(general=params.wage_cap)

        def cap(amount: float | None) -> float:
            if amount is None or amount <= params.wage_cap:
                return params.wage_cap
            return math.ceil(round(amount / params.rounding, 6)) * params.rounding

        spread: dict[str, list[float]] = {}
        for row in regions:
            code, name, province = row["code"].strip(), row["name"].strip(), row["province_code"]
            province = province.strip()
            out.province_of[code] = province
            full = key(name)
            if row["level"].strip() == "province":
                out.provinces.add(code)
                own = cap(ump.get(code))
                out.cap_min[code] = out.cap_max[code] = own
                spellings = {full, code, f"PROVINSI {full}", f"PROV {full}"}
                for alias in _PROVINCE_ALIASES.get(code, ()):
                    spellings |= {alias, f"PROVINSI {alias}"}
            else:
                value = cap(umk.get(code, ump.get(province)))
                out.cap_min[code] = out.cap_max[code] = value
                spread.setdefault(province, []).append(value)
                spellings = {full, code.replace(".", ""), key(code)}
                for prefix in _REGENCY_PREFIXES:
                    if full.startswith(prefix + " "):
                        bare = full[len(prefix) + 1 :]
                        short = _SHORT_PREFIX[prefix]
                        spellings |= {
                            bare,
                            f"{short} {bare}",
                            f"{bare} {prefix}",
                            f"{bare} {short}",
                        }
                        break
            for spelling in spellings:
                out.names.setdefault(spelling, set()).add(code)
        for province, caps in spread.items():
            out.cap_min[province], out.cap_max[province] = min(caps), max(caps)
        out.highest = max(out.cap_max.values())
        return out

    def caps(self, region: Any, province: Any) -> tuple[float, float]:
        """(lowest, highest) cap the region text can mean; a region it cannot place (or a
        region outside the province named) can mean any cap."""
        unknown = (self.general, self.highest)
        region_key, province_key = key(region), key(province)
        wanted = region_key or province_key
        if not wanted:
            return unknown
        candidates = self._find(wanted)
        if region_key and province_key:
            provinces = {self.province_of[c] for c in self._find(province_key)}
            narrowed = {c for c in candidates if self.province_of[c] in provinces}
            if provinces and candidates and not narrowed:
                return unknown
            candidates = narrowed or candidates
        if not candidates:
            return unknown
        named = {c for c in candidates if c in self.provinces}
        if named and all(self.province_of[c] in named for c in candidates):
            candidates = named  # "Jambi": the city and its province; the province covers both
        return (
            min(self.cap_min[c] for c in candidates),
            max(self.cap_max[c] for c in candidates),
        )

    def _find(self, wanted: str) -> set[str]:
        found = self.names.get(wanted)
        if found is not None:
            return found
        compact = wanted.replace(" ", "")
        return self.names.get(compact, set()) if compact.isdigit() else set()


# --- cell values to facts -----------------------------------------------------------------

_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+]?[0-9]+")
_NIK = re.compile(r"[0-9]{16}")
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def nik_fact(value: Any, provinces: set[str]) -> tuple[str, str]:
    """("ok" | "missing" | "precision_lost" | "invalid", cleaned digits)."""
    if isinstance(value, float) and math.isnan(value):
        return "missing", ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel keeps 15 digits of a number: a NIK typed as one has lost its last digit.
        return "precision_lost", ""
    raw = text(value)
    if _SCIENTIFIC.fullmatch(raw):
        return "precision_lost", ""
    digits = re.sub(r"^'+|[\s.\-]", "", raw)
    if not digits:
        return "missing", ""
    if not _NIK.fullmatch(digits) or digits[:2] not in provinces:
        return "invalid", digits
    day, month, year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if day > 40:
        day -= 40  # women: day + 40
    if not 1 <= month <= 12:
        return "invalid", digits
    last = 28 if month == 2 and year % 4 else _DAYS[month]
    return ("ok" if 1 <= day <= last else "invalid"), digits


_WAGE_FORMS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"[0-9]+"), lambda s: s),
    (re.compile(r"[0-9]{4,}\.[0-9]{1,2}"), lambda s: s),
    (re.compile(r"[0-9]{4,},[0-9]{1,2}"), lambda s: s.replace(",", ".")),
    (
        re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]{1,2})?"),
        lambda s: s.replace(".", "").replace(",", "."),
    ),
    (re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?"), lambda s: s.replace(",", "")),
    (re.compile(r"[0-9]{1,3}(?: [0-9]{3})+"), lambda s: s.replace(" ", "")),
)
_MILLIONS = re.compile(r"([0-9]{1,3}(?:[.,][0-9]{1,2})?) ?(?:juta|jt)\.?")


def wage_fact(value: Any) -> tuple[str, float | None]:
    """("ok" | "missing" | "invalid", rupiah): "Rp 3.500.000", "3.500.000,00", "3,5 juta"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return "missing", None
        amount = float(value)
    else:
        raw = text(value)
        if not raw:
            return "missing", None
        s = re.sub(r"^(?:rp|idr)\.?\s*", "", raw.lower())
        s = re.sub(r"\s*[.,]?-$", "", s).strip()
        amount = math.nan
        for pattern, convert in _WAGE_FORMS:
            if pattern.fullmatch(s):
                amount = float(convert(s))
                break
        else:
            millions = _MILLIONS.fullmatch(s)
            if millions:
                amount = float(millions.group(1).replace(",", ".")) * 1_000_000
    if math.isfinite(amount) and amount > 0:
        return "ok", amount
    return "invalid", None


_MONTH_WORDS = {
    "JANUARI": 1, "JANUARY": 1, "JAN": 1, "FEBRUARI": 2, "FEBRUARY": 2, "FEB": 2, "PEB": 2,
    "MARET": 3, "MARCH": 3, "MAR": 3, "APRIL": 4, "APR": 4, "MEI": 5, "MAY": 5, "JUNI": 6,
    "JUNE": 6, "JUN": 6, "JULI": 7, "JULY": 7, "JUL": 7, "AGUSTUS": 8, "AUGUST": 8, "AGU": 8,
    "AGT": 8, "AGS": 8, "AUG": 8, "SEPTEMBER": 9, "SEP": 9, "SEPT": 9, "OKTOBER": 10,
    "OCTOBER": 10, "OKT": 10, "OCT": 10, "NOVEMBER": 11, "NOV": 11, "NOPEMBER": 11,
    "DESEMBER": 12, "DECEMBER": 12, "DES": 12, "DEC": 12,
}  # fmt: skip
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%d-%m-%y",
    "%d %m %Y",
)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def date_fact(value: Any) -> tuple[str, dt.datetime | None]:
    """("ok" | "missing" | "invalid", when): date cells, Excel day numbers, dd/mm/yyyy."""
    if isinstance(value, dt.datetime):
        return "ok", value
    if isinstance(value, dt.date):
        return "ok", dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return "missing", None
        if 20000 <= value <= 80000:  # plausible Excel day numbers only
            return "ok", _EXCEL_EPOCH + dt.timedelta(days=round(value))
        return "invalid", None
    raw = text(value)
    if not raw:
        return "missing", None
    words = re.sub(r"\s+", " ", raw.upper())
    words = re.sub(r"\b([A-Z]+)\b", lambda m: str(_MONTH_WORDS.get(m.group(1), m.group(1))), words)
    for fmt in _DATE_FORMATS:
        try:
            return "ok", dt.datetime.strptime(words, fmt)
        except ValueError:
            continue
    return "invalid", None


_ACTIVE = {"AKTIF", "AKTIP", "ACTIVE", "YA", "Y", "YES", "PESERTA AKTIF"}
_INACTIVE = {
    "NONAKTIF", "NON AKTIF", "TIDAK AKTIF", "TDK AKTIF", "INACTIVE", "NON ACTIVE",
    "NONACTIVE", "NOT ACTIVE", "KELUAR", "BERHENTI", "TIDAK", "TDK", "NO", "N", "PHK",
    "RESIGN", "MENINGGAL", "MENINGGAL DUNIA", "PENSIUN", "PASIF",
}  # fmt: skip
_CATEGORIES = {
    **dict.fromkeys(("PU", "PPU", "PENERIMA UPAH", "PEKERJA PENERIMA UPAH", "WAGE EARNER"), "PU"),
    **dict.fromkeys(
        ("BPU", "BUKAN PENERIMA UPAH", "PEKERJA BUKAN PENERIMA UPAH", "MANDIRI", "INFORMAL",
         "NON WAGE EARNER"),
        "BPU",
    ),
    **dict.fromkeys(("JAKON", "JASA KONSTRUKSI"), "JAKON"),
    **dict.fromkeys(("PMI", "PEKERJA MIGRAN INDONESIA", "PEKERJA MIGRAN"), "PMI"),
}  # fmt: skip
_YES = {"YA", "Y", "YES", "TRUE", "1", "PENERIMA", "PENERIMA PKH", "IYA", "ADA"}
_NO = {"TIDAK", "TDK", "T", "N", "NO", "FALSE", "0", "BUKAN", "BUKAN PENERIMA", "TIDAK ADA"}
_BLANK = re.compile(r"[-–—\s]*")
_GROUP_WORDS = {
    "asn": {"ASN", "PNS", "CPNS", "PPPK", "P3K"},
    "tni": {"TNI", "TENTARA", "PRAJURIT"},
    "polri": {"POLRI", "POLISI", "KEPOLISIAN"},
}
_GROUP_PHRASES = {
    "asn": ("PEGAWAI NEGERI", "APARATUR SIPIL NEGARA", "PEGAWAI PEMERINTAH DENGAN PERJANJIAN"),
    "tni": ("ANGKATAN DARAT", "ANGKATAN LAUT", "ANGKATAN UDARA"),
    "polri": (),
}
_NEGATIONS = {"NON", "BUKAN", "EKS", "MANTAN", "PENSIUNAN", "PURNAWIRAWAN"}
_NEGATABLE = {"ASN", "PNS", "CPNS", "PPPK", "P3K", "TNI", "AD", "AL", "AU", "POLRI", "POLISI"}


def employment_fact(value: Any) -> str:
    """ "asn" / "tni" / "polri", or "other"; "Non PNS" and "Mantan TNI" are not members."""
    words = key(value).split()
    kept: list[str] = []
    negated = False
    for word in words:
        if word in _NEGATIONS:
            negated = True
            kept.append("-")
            continue
        if negated and word in _NEGATABLE:
            kept.append("-")  # "Non ASN/PNS": one negation covers the list after it
            continue
        negated = False
        kept.append(word)
    joined = " " + " ".join(kept) + " "
    for group in ("asn", "tni", "polri"):
        if any(w in _GROUP_WORDS[group] for w in kept):
            return group
        if any(f" {phrase} " in joined for phrase in _GROUP_PHRASES[group]):
            return group
    return "other"


def normalise(row: Mapping[str, Any], regions: Regions) -> Facts:
    """One row's dirty cells as plain facts for a decision (ZEN takes these as its input)."""
    nik, digits = nik_fact(row.get("nik"), regions.provinces)
    wage_state, wage = wage_fact(row.get("wage"))
    date_state, registered = date_fact(row.get("registered_on"))
    status = key(row.get("participant_status"))
    raw_category = row.get("participant_category")
    if _BLANK.fullmatch(text(raw_category)):
        category = "blank"  # an employer's roster lists wage earners: blank means PU
    else:
        category = _CATEGORIES.get(key(raw_category), "unknown")
    raw_pkh = row.get("pkh_recipient")
    pkh_key = key(raw_pkh)
    pkh: bool | None = None
    if pkh_key in _YES:
        pkh = True
    if pkh_key in _NO or _BLANK.fullmatch(text(raw_pkh)):
        pkh = False  # blank or "-" means "not a recipient"
    cap_min, cap_max = regions.caps(row.get("region"), row.get("province"))
    return {
        "row": row.get("row"),
        "nik": nik,
        "nikDigits": digits,
        "participation": (
            "active" if status in _ACTIVE else "inactive" if status in _INACTIVE else "unknown"
        ),
        "registered": registered.isoformat(sep=" ") if registered else None,
        "registeredState": date_state,
        "category": category,
        "wage": wage,
        "wageState": wage_state,
        "capMin": cap_min,
        "capMax": cap_max,
        "employment": employment_fact(row.get("employment_status")),
        "pkh": pkh,
    }


def mark_duplicates(facts: Iterable[Facts]) -> None:
    """A valid NIK on more than one row: every occurrence asks for review."""
    seen: dict[str, list[Facts]] = {}
    for f in facts:
        if f["nik"] == "ok":
            seen.setdefault(f["nikDigits"], []).append(f)
    for same in seen.values():
        if len(same) > 1:
            for f in same:
                f["nik"] = "duplicate"


def decide(f: Facts, p: Params) -> tuple[str, list[str]]:
    """Status and reasons: ineligible if any criterion fails, review if evidence is missing."""
    failed: list[str] = []
    unsure: list[str] = []
    if f["nik"] != "ok":
        unsure.append(f"NIK_{f['nik'].upper()}")
    if f["participation"] == "inactive":
        failed.append("NOT_ACTIVE")
    elif f["participation"] == "unknown":
        unsure.append("PARTICIPATION_UNKNOWN")
    if f["registeredState"] != "ok":
        unsure.append(f"DATE_{f['registeredState'].upper()}")
    elif dt.datetime.fromisoformat(f["registered"]) > p.cutoff:
        failed.append("JOINED_AFTER_CUTOFF")
    if f["category"] == "unknown":
        unsure.append("CATEGORY_UNKNOWN")
    elif f["category"] not in ("blank", p.category):
        failed.append("CATEGORY_NOT_PU")
    wage = f["wage"]
    if wage is None:
        unsure.append(f"WAGE_{f['wageState'].upper()}")
    elif (wage > f["capMax"]) if p.cap_inclusive else (wage >= f["capMax"]):
        failed.append("WAGE_ABOVE_CAP")
    elif (wage > f["capMin"]) if p.cap_inclusive else (wage >= f["capMin"]):
        unsure.append("REGION_UNKNOWN")
    if f["employment"] in p.excluded:
        failed.append("ASN_TNI_POLRI")
    if f["pkh"] is None:
        unsure.append("PKH_UNKNOWN")
    elif f["pkh"]:
        failed.append("PKH_RECIPIENT")
    status = INELIGIBLE if failed else REVIEW if unsure else ELIGIBLE
    return status, failed + unsure


# --- the workbook in, the workbook out ----------------------------------------------------

_HEADER_FIELDS = {
    "nik": "nik", "noktp": "nik", "nama": "name", "upah": "wage", "gaji": "wage",
    "gajipokok": "wage", "upahrp": "wage", "statuskepesertaan": "participant_status",
    "statusbpjs": "participant_status", "kategori": "participant_category",
    "segmen": "participant_category", "tanggalkepesertaan": "registered_on",
    "tgldaftar": "registered_on", "kabupatenkota": "region", "kabkota": "region",
    "lokasikerja": "region", "kodewilayah": "region", "provinsi": "province",
    "statuspegawai": "employment_status", "jenispekerja": "employment_status",
    "penerimapkh": "pkh_recipient",
}  # fmt: skip


class Worker(BaseModel):
    """One roster row as read: raw cells, typed loosely (people type anything)."""

    row: int
    nik: Cell = None
    name: Cell = None
    wage: Cell = None
    participant_status: Cell = None
    participant_category: Cell = None
    registered_on: Cell = None
    region: Cell = None
    province: Cell = None
    employment_status: Cell = None
    pkh_recipient: Cell = None


@dataclass
class Run:
    """What one naive run produced: the status of every spreadsheet row, and its timings."""

    statuses: dict[int, str]
    seconds: dict[str, float]


def run(path: Path, out: Path, rules: RuleSet) -> Run:
    """Read ``path`` with openpyxl, check every row in Python, write ``out`` with openpyxl."""
    import openpyxl

    started = time.perf_counter()
    params = Params.of(rules)
    regions = Regions.load(rules, params)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [text(h) for h in next(rows)]
    fields = [_HEADER_FIELDS.get(re.sub(r"[^0-9a-z]", "", h.lower())) for h in header]
    workers: list[Worker] = []
    originals: list[tuple[Any, ...]] = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or v == "" for v in values):
            continue
        cells = {f: v for f, v in zip(fields, values, strict=False) if f is not None}
        workers.append(Worker(row=number, **cells))
        originals.append(values)
    book.close()
    read = time.perf_counter()

    facts = [normalise(w.model_dump(), regions) for w in workers]
    mark_duplicates(facts)
    decided = [decide(f, params) for f in facts]
    checked = time.perf_counter()

    result = openpyxl.Workbook()
    summary = result.active
    summary.title = "Ringkasan"
    titles = {ELIGIBLE: "Layak", INELIGIBLE: "Tidak Layak", REVIEW: "Perlu Perbaikan"}
    sheets = {s: result.create_sheet(t) for s, t in titles.items()}
    for ws in sheets.values():
        ws.append(["Baris", "Status", "Alasan", "Bantuan", *header])
    counts = dict.fromkeys(titles, 0)
    for worker, (status, reasons), values in zip(workers, decided, originals, strict=True):
        counts[status] += 1
        benefit = params.benefit if status == ELIGIBLE else 0
        sheets[status].append([worker.row, titles[status], ", ".join(reasons), benefit, *values])
    summary.append(["Status", "Jumlah"])
    for status, n in counts.items():
        summary.append([titles[status], n])
    result.save(out)
    written = time.perf_counter()
    return Run(
        statuses={w.row: s for w, (s, _) in zip(workers, decided, strict=True)},
        seconds={
            "read": read - started,
            "check": checked - read,
            "write": written - checked,
        },
    )
