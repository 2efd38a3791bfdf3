"""Benchmark: a participant registry of a million rows joined to a 100k-row roster.

Shows the join stays bulk: the import is a chunked multi-row upsert, and the lookup reads
the roster's NIKs in a few large IN queries (the statement count is printed).

    .venv/bin/python benchmarks/registry_join.py [--rows 1000000] [--roster 100000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import event

from bsu import evaluate, load_ruleset
from bsu.core.records import frame
from bsu.rosters import extracts
from bsu.store import evidence, imports, schema
from bsu.store.db import make_engine

CACHE = Path(__file__).resolve().parent / ".cache"


def niks(n: int, seed: int = 7) -> np.ndarray:
    """n distinct, structurally valid, made-up NIKs (Kota Bekasi, plausible birth dates)."""
    rng = np.random.default_rng(seed)
    day = rng.integers(1, 28, n) + np.where(rng.random(n) < 0.5, 40, 0)
    month = rng.integers(1, 13, n)
    year = rng.integers(60, 100, n)
    serial = np.arange(n) % 10_000 + 1
    region = 327501 + (np.arange(n) // 10_000) % 90
    return np.array(
        [
            f"{r:06d}{d:02d}{m:02d}{y:02d}{s:04d}"
            for r, d, m, y, s in zip(region, day, month, year, serial, strict=True)
        ],
        dtype=object,
    )


def registry_csv(rows: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"registry-{rows}.csv"
    if not path.exists():
        ids = niks(rows)
        rng = np.random.default_rng(1)
        pd.DataFrame(
            {
                "NIK": ids,
                "KPJ": [f"{i:011d}" for i in range(rows)],
                "Status Kepesertaan": rng.choice(["Aktif", "Nonaktif"], rows, p=[0.9, 0.1]),
                "Kategori": rng.choice(["PU", "BPU"], rows, p=[0.85, 0.15]),
                "Tanggal Kepesertaan": "2020-01-15",
                "Upah yang Dilaporkan": rng.integers(2_000_000, 6_000_000, rows),
                "NPP": [f"NPP-{i % 5000:05d}" for i in range(rows)],
            }
        ).to_csv(path, index=False, sep=";")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--roster", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    started = time.perf_counter()
    path = registry_csv(args.rows)
    print(
        f"registry file: {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB), "
        f"{time.perf_counter() - started:.1f} s to make or find"
    )

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bsu.db"
        engine = make_engine(url)
        schema.upgrade(engine)
        t = time.perf_counter()
        done = imports.import_registry(
            engine, extracts.registry(path), dt.date(2025, 5, 2), "benchmark"
        )
        took = time.perf_counter() - t
        print(f"import: {done.rows:,} rows in {took:.1f} s ({done.rows / took:,.0f} rows/s)")

        ids = niks(args.rows)
        rng = np.random.default_rng(3)
        chosen = rng.choice(ids, args.roster, replace=False)
        records = frame(
            {
                "nik": n,
                "wage": 3_000_000,
                "participant_status": "Aktif",
                "registered_on": "2024-01-15",
                "source": "roster.csv",
            }
            for n in chosen
        )
        statements: list[str] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*args: Any) -> None:
            statements.append(args[2])

        t = time.perf_counter()
        loaded = evidence.load(engine, list(chosen))
        lookup = time.perf_counter() - t
        t = time.perf_counter()
        decisions = evaluate(records, load_ruleset("bsu-2025"), loaded)
        judged = time.perf_counter() - t
        print(
            f"lookup: {args.roster:,} NIKs in {lookup:.2f} s with {len(statements)} SQL "
            f"statements ({args.roster / lookup:,.0f} NIKs/s)"
        )
        print(
            f"evaluate with evidence: {judged:.2f} s ({args.roster / judged:,.0f} rows/s); "
            f"statuses {decisions.counts()}"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
