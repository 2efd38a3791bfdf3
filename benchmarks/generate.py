"""Synthetic rosters for the benchmarks: 10k, 100k and 1M rows as xlsx, csv and parquet.

The mix is what branch staff actually receive: mostly clean rows, and a steady share of
damage (NIKs typed as numbers or cut short, impossible birth dates, wages typed as text
in several styles, blanks, unknown regions, inactive and BPU participants, ASN and PKH
rows, repeated NIKs). Every NIK is made up. Files are cached in ``benchmarks/.cache``
and rebuilt only when missing, so a run measures the checker, not the generator.

    .venv/bin/python -m benchmarks.generate [--rows 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

CACHE = Path(__file__).resolve().parent / ".cache"
FORMATS = ("xlsx", "csv", "parquet")
SIZES = (10_000, 100_000, 1_000_000)
HEADER = (
    "No",
    "NIK",
    "Nama",
    "Upah",
    "Status Kepesertaan",
    "Kategori",
    "Tanggal Kepesertaan",
    "Kabupaten/Kota",
    "Provinsi",
    "Status Pegawai",
    "Penerima PKH",
)
_REGIONS = Path(__file__).resolve().parent.parent / "rules" / "regions_kemendagri_2025.csv"
_FIRST = ("Adi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko")
_LAST = ("Santoso", "Wijaya", "Lestari", "Saputra", "Hidayat", "Pratama", "Kurniawan")


def path_for(rows: int, fmt: str) -> Path:
    return CACHE / f"roster-{rows}.{fmt}"


def ensure(rows: int, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """The cached roster files of ``rows`` rows, made where missing."""
    CACHE.mkdir(exist_ok=True)
    wanted = {fmt: path_for(rows, fmt) for fmt in formats}
    missing = [fmt for fmt, path in wanted.items() if not path.exists()]
    if missing:
        table = roster(rows)
        for fmt in missing:
            _write(table, wanted[fmt], fmt)
    return wanted


def roster(rows: int, seed: int = 2025) -> pd.DataFrame:
    """A roster of ``rows`` workers as an employer would type it (all cells as text)."""
    rng = np.random.default_rng(seed)
    n = rows
    regions = pd.read_csv(_REGIONS, dtype=str)
    regencies = regions[regions["level"] == "regency"]
    pick = rng.integers(0, len(regencies), n)
    region_code = regencies["code"].to_numpy()[pick]
    region_name = regencies["name"].to_numpy()[pick].astype(object)
    province_name = regencies["province_name"].to_numpy()[pick].astype(object)

    # NIK: region of the workplace, a birth date (women +40 on the day), a serial.
    district = rng.integers(1, 30, n)
    day = rng.integers(1, 29, n) + np.where(rng.random(n) < 0.5, 40, 0)
    month = rng.integers(1, 13, n)
    year = rng.integers(60, 100, n) % 100
    serial = (np.arange(n) % 9999) + 1
    prefix = np.char.replace(region_code.astype(str), ".", "")
    nik = _cat(
        prefix,
        _pad(district, 2),
        _pad(day, 2),
        _pad(month, 2),
        _pad(year, 2),
        _pad(serial, 4),
    ).astype(object)
    roll = rng.random(n)
    nik[roll < 0.01] = ""  # missing
    cut = (roll >= 0.01) & (roll < 0.02)
    nik[cut] = np.array([s[:-3] for s in nik[cut]], dtype=object)  # cut short
    bad_day = (roll >= 0.02) & (roll < 0.025)
    nik[bad_day] = np.array([s[:6] + "35" + s[8:] for s in nik[bad_day]], dtype=object)
    sci = (roll >= 0.025) & (roll < 0.03)
    nik[sci] = np.array([f"{int(s[:6]) / 1e5:.5f}E+15" for s in nik[sci]], dtype=object)
    dup = (roll >= 0.03) & (roll < 0.035)
    nik[dup] = nik[np.maximum(np.nonzero(dup)[0] - 1, 0)]  # the row above, repeated

    wage = rng.integers(25, 60, n) * 100_000
    wage_text = wage.astype(str).astype(object)
    style = rng.random(n)
    dotted = style < 0.2
    wage_text[dotted] = np.array([f"Rp {w:,}".replace(",", ".") for w in wage[dotted]])
    cents = (style >= 0.2) & (style < 0.25)
    wage_text[cents] = np.array([f"{w:,}.00" for w in wage[cents]])
    juta = (style >= 0.25) & (style < 0.27)
    wage_text[juta] = np.array([f"{w / 1e6:.1f} juta".replace(".", ",") for w in wage[juta]])
    wage_text[(style >= 0.27) & (style < 0.28)] = ""
    wage_text[(style >= 0.28) & (style < 0.285)] = "menyusul"

    status = rng.choice(["Aktif", "Nonaktif", "AKTIF", ""], n, p=[0.85, 0.08, 0.05, 0.02])
    category = rng.choice(["PU", "BPU", "Penerima Upah", ""], n, p=[0.8, 0.05, 0.05, 0.1])
    joined = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3900, n), unit="D")
    joined_text = joined.strftime("%d/%m/%Y").to_numpy(dtype=object)
    joined_text[rng.random(n) < 0.02] = ""
    employment = rng.choice(
        ["Swasta", "Kontrak", "Tetap", "PNS", "PPPK", "TNI", "Polri"],
        n,
        p=[0.5, 0.25, 0.2, 0.02, 0.01, 0.01, 0.01],
    )
    pkh = rng.choice(["Tidak", "Ya", "", "-"], n, p=[0.85, 0.03, 0.1, 0.02])
    # A region the reader cannot place, now and then.
    odd = rng.random(n) < 0.01
    region_name[odd] = "Kawasan Industri"
    names = _cat(
        np.array(_FIRST)[rng.integers(0, len(_FIRST), n)],
        np.full(n, " "),
        np.array(_LAST)[rng.integers(0, len(_LAST), n)],
    )
    return pd.DataFrame(
        {
            "No": np.arange(1, n + 1),
            "NIK": nik,
            "Nama": names.astype(object),
            "Upah": wage_text,
            "Status Kepesertaan": status.astype(object),
            "Kategori": category.astype(object),
            "Tanggal Kepesertaan": joined_text,
            "Kabupaten/Kota": region_name,
            "Provinsi": province_name,
            "Status Pegawai": employment.astype(object),
            "Penerima PKH": pkh.astype(object),
        },
        columns=list(HEADER),
    )


def _pad(values: np.ndarray, width: int) -> np.ndarray:
    return np.char.zfill(values.astype(str), width)


def _cat(*parts: np.ndarray) -> np.ndarray:
    out = parts[0].astype(str)
    for part in parts[1:]:
        out = np.char.add(out, part.astype(str))
    return out


def _write(table: pd.DataFrame, path: Path, fmt: str) -> None:
    partial = path.with_suffix(path.suffix + ".partial")
    if fmt == "csv":
        table.to_csv(partial, index=False, sep=";")
    elif fmt == "parquet":
        table.astype({c: "string" for c in HEADER if c != "No"}).to_parquet(partial, index=False)
    else:
        _write_xlsx(table, partial)
    partial.replace(path)


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    """NIK, wage and dates as text cells, the way a careful HRD types them."""
    import rustpy_xlsxwriter

    rustpy_xlsxwriter.write_worksheet(
        table.to_dict("records"), str(path), sheet_name="Karyawan", bold_headers=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    for rows in args.rows:
        started = time.perf_counter()
        made = ensure(rows)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in made.values())
        print(f"{rows:>9,} rows: {sizes} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
