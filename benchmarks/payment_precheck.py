"""Benchmark: the payment pre-check beside the decision, on a generated roster with
bank, account and holder columns (a mix of channel banks, other and unknown banks,
holders with titles and with other names).

Prints seconds per stage and the pre-check's cost as a ratio of the evaluation's; a
roster without account columns is timed too (the pre-check skips its work there).

    .venv/bin/python benchmarks/payment_precheck.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from benchmarks.generate import roster
from bsu import load_ruleset
from bsu.core import payment
from bsu.core.records import frame
from bsu.service.pipeline import check_records

BANKS = np.array(
    ["BRI", "Bank Mandiri", "BNI 46", "BCA", "btn", "", "Bank Antah", "BRI Unit Cikarang"],
    dtype=object,
)
COLUMNS = {
    "NIK": "nik",
    "Nama": "name",
    "Upah": "wage",
    "Status Kepesertaan": "participant_status",
    "Kategori": "participant_category",
    "Tanggal Kepesertaan": "registered_on",
    "Kabupaten/Kota": "region",
}


def records(rows: int, accounts: bool) -> pd.DataFrame:
    table = roster(rows).rename(columns=COLUMNS)[list(COLUMNS.values())]
    if accounts:
        rng = np.random.default_rng(1)
        names = table["name"].astype(object).to_numpy()
        holders = names.copy()
        holders[::7] = "H. " + holders[::7]
        holders[::11] = "Orang Lain"
        table["bank"] = BANKS[rng.integers(0, len(BANKS), rows)]
        table["account_number"] = rng.integers(10**9, 10**15, rows).astype(str).astype(object)
        table["account_holder"] = holders
    return frame(table.astype(object).to_dict("records"))


def timed(rows: int, accounts: bool) -> dict[str, float]:
    rules = load_ruleset("bsu-2025")
    given = records(rows, accounts)
    start = time.perf_counter()
    checked = check_records(given, rules)
    evaluated = time.perf_counter()
    found = payment.of(checked.decisions)
    prechecked = time.perf_counter()
    assert found is not None
    found.rows("id")
    worded = time.perf_counter()
    found.actions("id")
    listed = time.perf_counter()
    return {
        "evaluate": evaluated - start,
        "precheck": prechecked - evaluated,
        "rows": worded - prechecked,
        "actions": listed - worded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    for accounts in (True, False):
        t = timed(rows, accounts)
        label = "with account columns" if accounts else "without account columns"
        stages = "  ".join(f"{k} {v:.2f}s" for k, v in t.items())
        print(
            f"{rows} rows {label}: {stages}  precheck/evaluate {t['precheck'] / t['evaluate']:.2f}x"
        )


if __name__ == "__main__":
    main()
