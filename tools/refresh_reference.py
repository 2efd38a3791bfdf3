"""Copy the sourced reference tables from ../shared/reference into rules/.

Run by a maintainer when the research tables change; the product reads only rules/.
Every row keeps the source it was read from. Values that have no source are not written.

    python tools/refresh_reference.py [--shared ../shared/reference]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS_SOURCE = (
    "Kepmendagri No 300.2.2-2138 Tahun 2025, as compiled in cahyadsn/wilayah (MIT), db/wilayah.sql"
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "reference")
    args = parser.parse_args()
    shared: Path = args.shared

    regions = _read(shared / "regions_kemendagri_2025.csv")
    for row in regions:
        row["source"] = REGIONS_SOURCE
    _write(
        ROOT / "rules" / "regions_kemendagri_2025.csv",
        ["code", "level", "name", "province_code", "province_name", "source"],
        regions,
    )

    by_name = {(r["province_code"], r["name"].casefold()): r["code"] for r in regions}
    wages: list[dict[str, str]] = []
    for row in _read(shared / "ump_2025.csv"):
        wages.append(
            {
                "region_code": row["province_code"],
                "region_name": row["province_name"],
                "kind": "UMP",
                "amount_idr": row["ump_2025_idr"],
                "source_url": row["source_url"],
            }
        )
    for row in _read(shared / "umk_2025_above_cap.csv"):
        code = by_name.get((row["province_code"], row["regency_name"].casefold()))
        if code is None:
            raise SystemExit(f"UMK region not in the Kemendagri table: {row['regency_name']}")
        wages.append(
            {
                "region_code": code,
                "region_name": row["regency_name"],
                "kind": "UMK",
                "amount_idr": row["umk_2025_idr"],
                "source_url": row["source_url"],
            }
        )
    _write(
        ROOT / "rules" / "minimum_wages_2025.csv",
        ["region_code", "region_name", "kind", "amount_idr", "source_url"],
        wages,
    )


if __name__ == "__main__":
    main()
