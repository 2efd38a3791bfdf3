"""How people write participation, category, PKH and employment values.

This is language, not law: it maps what employers type to a few canonical values. Which
canonical values pass or fail a criterion is decided by the rule set.
"""

from __future__ import annotations

import pandas as pd

from bsu.values.text import as_text, by_unique, key

ACTIVE = "active"
INACTIVE = "inactive"

STATUS = {
    ACTIVE: ("AKTIF", "AKTIP", "ACTIVE", "YA", "Y", "YES", "PESERTA AKTIF"),
    INACTIVE: (
        "NONAKTIF",
        "NON AKTIF",
        "TIDAK AKTIF",
        "TDK AKTIF",
        "INACTIVE",
        "NON ACTIVE",
        "NONACTIVE",
        "NOT ACTIVE",
        "KELUAR",
        "BERHENTI",
        "TIDAK",
        "TDK",
        "NO",
        "N",
        "PHK",
        "RESIGN",
        "MENINGGAL",
        "MENINGGAL DUNIA",
        "PENSIUN",
        "PASIF",
    ),
}

# Participant categories (segmen kepesertaan) of BPJS Ketenagakerjaan.
CATEGORY = {
    "PU": ("PU", "PPU", "PENERIMA UPAH", "PEKERJA PENERIMA UPAH", "WAGE EARNER"),
    "BPU": (
        "BPU",
        "BUKAN PENERIMA UPAH",
        "PEKERJA BUKAN PENERIMA UPAH",
        "MANDIRI",
        "INFORMAL",
        "NON WAGE EARNER",
    ),
    "JAKON": ("JAKON", "JASA KONSTRUKSI"),
    "PMI": ("PMI", "PEKERJA MIGRAN INDONESIA", "PEKERJA MIGRAN"),
}

YES = ("YA", "Y", "YES", "TRUE", "1", "PENERIMA", "PENERIMA PKH", "IYA", "ADA")
NO = ("TIDAK", "TDK", "T", "N", "NO", "FALSE", "0", "BUKAN", "BUKAN PENERIMA", "TIDAK ADA", "")

# Employment classes. "Non"/"bukan" before the word means the opposite (Non-PNS), and a
# former or retired member (mantan, eks, pensiunan, purnawirawan) is no longer one.
_NOT = r"(?<!NON )(?<!BUKAN )(?<!EKS )(?<!MANTAN )(?<!PENSIUNAN )(?<!PURNAWIRAWAN )"
EMPLOYMENT = {
    "asn": (
        rf"{_NOT}\b(?:ASN|PNS|CPNS|PPPK|P3K)\b",
        rf"{_NOT}\bPEGAWAI NEGERI(?: SIPIL)?\b",
        rf"{_NOT}\bAPARATUR SIPIL NEGARA\b",
        rf"{_NOT}\bPEGAWAI PEMERINTAH DENGAN PERJANJIAN KERJA\b",
    ),
    "tni": (
        rf"{_NOT}\bTNI\b",
        rf"{_NOT}\bTENTARA\b",
        rf"{_NOT}\bPRAJURIT\b",
        rf"{_NOT}\bANGKATAN (?:DARAT|LAUT|UDARA)\b",
    ),
    "polri": (rf"{_NOT}\b(?:POLRI|POLISI|KEPOLISIAN)\b",),
}


def _lookup(values: pd.Series, table: dict[str, tuple[str, ...]]) -> pd.Series:
    mapping = {word: canon for canon, words in table.items() for word in words}
    return key(values).map(mapping)


def status(values: pd.Series) -> pd.Series:
    """``active`` / ``inactive``, or NaN when empty or not recognised."""
    return _lookup(values, STATUS)


def blank(values: pd.Series) -> pd.Series:
    """Empty cells, and cells holding only dashes ("-"), which rosters use for "none".

    Other punctuation ("?") is an answer that could not be read, not an empty cell.
    """
    return as_text(values).str.fullmatch(r"[-–—\s]*").fillna(False).astype(bool)


def category(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Canonical category (PU, BPU, JAKON, PMI) or NaN, and whether the cell was blank."""
    return by_unique(values, _category, remember=True)


def _category(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _lookup(values, CATEGORY), blank(values)


CITIZEN = "wni"
FOREIGN = "wna"
# What a nationality column holds: WNI / WNA, the country, or its people. A foreign
# country is a foreign national (WNA); the list holds the countries most foreign workers in
# Indonesia come from, in Indonesian and English. A value not listed is not guessed: the
# row needs a look (NATIONALITY_UNKNOWN), never a WNA it may not be. "Tionghoa" (Chinese
# Indonesians) and "Chinese" name an ethnicity as often as a nationality: not listed.
NATIONALITY = {
    CITIZEN: (
        "WNI",
        "W N I",
        "INDONESIA",
        "INDONESIAN",
        "ID",
        "IDN",
        "RI",
        "NKRI",
        "NON WNA",
        "BUKAN WNA",
    ),
    FOREIGN: (
        "WNA",
        "W N A",
        "ASING",
        "FOREIGN",
        "FOREIGNER",
        "EXPAT",
        "EXPATRIATE",
        "EKSPATRIAT",
        "EKSPAT",
        "TKA",
        "TENAGA KERJA ASING",
        "NON WNI",
        "BUKAN WNI",
        # Countries (and peoples) foreign workers in Indonesia most often come from.
        "CHINA",
        "CINA",
        "TIONGKOK",
        "RRC",
        "RRT",
        "CHN",
        "PRC",
        "JEPANG",
        "JAPAN",
        "JAPANESE",
        "JPN",
        "KOREA",
        "KOREA SELATAN",
        "KORSEL",
        "SOUTH KOREA",
        "KOREAN",
        "KOR",
        "INDIA",
        "INDIAN",
        "MALAYSIA",
        "MALAYSIAN",
        "MYS",
        "SINGAPURA",
        "SINGAPORE",
        "SINGAPOREAN",
        "SGP",
        "FILIPINA",
        "FILIPINO",
        "PILIPINA",
        "PHILIPPINES",
        "PHILIPPINE",
        "PHL",
        "AUSTRALIA",
        "AUSTRALIAN",
        "AUS",
        "AMERIKA",
        "AMERIKA SERIKAT",
        "AMERICA",
        "AMERICAN",
        "UNITED STATES",
        "USA",
        "INGGRIS",
        "BRITANIA RAYA",
        "UNITED KINGDOM",
        "UK",
        "BRITISH",
        "GBR",
        "TAIWAN",
        "TWN",
        "HONG KONG",
        "HONGKONG",
        "THAILAND",
        "THAI",
        "THA",
        "VIETNAM",
        "VIET NAM",
        "VIETNAMESE",
        "VNM",
        "TIMOR LESTE",
        "BANGLADESH",
        "PAKISTAN",
        "NEPAL",
        "MYANMAR",
        "SRI LANKA",
        "JERMAN",
        "GERMANY",
        "GERMAN",
        "BELANDA",
        "NETHERLANDS",
        "DUTCH",
        "PERANCIS",
        "PRANCIS",
        "FRANCE",
        "FRENCH",
        "TURKI",
        "TURKEY",
        "RUSIA",
        "RUSSIA",
        "KANADA",
        "CANADA",
        "SELANDIA BARU",
        "NEW ZEALAND",
    ),
}
# Words around the answer that say nothing about it: "Warga Negara Indonesia",
# "WN Jepang", "Republik Korea", "People's Republic of China", "Kewarganegaraan: WNI".
_NATIONALITY_FILLER = (
    r"\b(?:WARGA|NEGARA|WN|KEWARGANEGARAAN|NATIONALITY|CITIZENSHIP|CITIZEN|NATIONAL|"
    r"REPUBLIK|REPUBLIC|REP|RAKYAT|PEOPLE|PEOPLES|S|OF|THE)\b"
)
_NATIONALITY_WORDS = {word: canon for canon, words in NATIONALITY.items() for word in words}


def nationality(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``wni`` / ``wna``, or NaN when blank or not recognised; and whether the cell was
    blank or dashes (the roster does not say). A blank is never WNA."""
    return by_unique(values, _nationality, remember=True)


def _nationality(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    keys = key(values).to_numpy(dtype=object)
    found = pd.Series(keys, dtype=object).map(_NATIONALITY_WORDS).to_numpy(dtype=object)
    left = pd.isna(found)
    if left.any():
        # Without the words around it ("Warga Negara Asing" is "ASING"), as a whole ...
        core = (
            pd.Series(keys[left], dtype=object)
            .str.replace(_NATIONALITY_FILLER, " ", regex=True)
            .str.replace(r"\s+", " ", regex=True)
            .str.strip()
        )
        whole = core.map(_NATIONALITY_WORDS)
        # ... or word by word, when every word is known and all agree ("WNA Jepang").
        words = core.str.split(" ").explode()
        canon = words.map(_NATIONALITY_WORDS)
        by_value = canon.groupby(level=0)
        agreed = by_value.first().where(~canon.isna().groupby(level=0).any())
        agreed = agreed.where(by_value.nunique().eq(1))
        found[left] = whole.fillna(agreed).to_numpy(dtype=object)
    empty = blank(values)
    out = pd.Series(found, index=values.index, dtype=object)
    return out.where(~empty.to_numpy()), empty


def yes_no(values: pd.Series) -> pd.Series:
    """True / False, or NaN when not recognised. A blank cell is False."""
    return by_unique(values, _yes_no, remember=True)


def _yes_no(values: pd.Series) -> pd.Series:
    keys = key(values)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[keys.isin(YES)] = True
    out[(keys.isin(NO) & keys.ne("")) | blank(values)] = False
    return out


# "Non ASN/PNS", "Bukan PNS/TNI/Polri": one negation covers the whole list after it.
_NEGATED_LIST = (
    r"\b(?:NON|BUKAN|EKS|MANTAN|PENSIUNAN|PURNAWIRAWAN)"
    r"(?: (?:ASN|PNS|CPNS|PPPK|P3K|TNI|AD|AL|AU|POLRI|POLISI))+\b"
)


def employment_class(values: pd.Series) -> pd.Series:
    """``asn`` / ``tni`` / ``polri`` for excluded groups, else ``other``."""
    return by_unique(values, _employment_class, remember=True)


def _employment_class(values: pd.Series) -> pd.Series:
    keys = key(values).str.replace(_NEGATED_LIST, " ", regex=True)
    out = pd.Series("other", index=values.index, dtype=object)
    for cls, patterns in EMPLOYMENT.items():
        hit = keys.str.contains("|".join(patterns), regex=True).fillna(False).astype(bool)
        out[hit & (out == "other")] = cls
    return out
