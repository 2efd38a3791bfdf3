"""Benchmark: the paid-once rule across uploads (``bsu.store.claims``) for a 100k-row
upload against the claims of earlier uploads of the round.

Shows the comparison stays bulk: the claims are looked up in a few large IN queries and
settled with chunked multi-row inserts and one indexed self-join (the statement counts
are printed), whatever the number of rows.

    .venv/bin/python benchmarks/paid_once.py [--earlier 10] [--rows 100000] [--shared 0.01]
        [--database-url postgresql+psycopg://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from benchmarks.registry_join import niks
from bsu.store import claims, schema
from bsu.store.db import make_engine
from bsu.store.models import Batch, NikClaim, utcnow

ROUND = "bsu-2025"


def _batch(session: Session, owner: str) -> str:
    batch_id = str(uuid.uuid4())
    session.add(
        Batch(
            id=batch_id,
            status="done",
            filename=f"{owner}.xlsx",
            content_sha256="0" * 64,
            stored_path="",
            size_bytes=0,
            ruleset_id=ROUND,
            submitted_by="bench",
            employer_id=owner,
            created_at=utcnow(),
        )
    )
    return batch_id


def run(url: str, earlier: int, rows: int, shared: float) -> dict[str, Any]:
    engine = make_engine(url)
    schema.upgrade(engine)
    pool = niks(rows * (earlier + 1), seed=11)
    with Session(engine) as session, session.begin():
        for i in range(earlier):
            batch_id = _batch(session, f"E{i:04d}")
            part = pool[i * rows : (i + 1) * rows]
            payload = [
                {"batch_id": batch_id, "nik": n, "ruleset_id": ROUND, "owner": f"npp:E{i:04d}",
                 "claimed": True}
                for n in part
            ]  # fmt: skip
            for start in range(0, len(payload), claims.CHUNK):
                session.execute(insert(NikClaim), payload[start : start + claims.CHUNK])
    # The new upload: mostly its own workers, a share of them claimed by earlier uploads.
    overlap = int(rows * shared)
    mine = np.concatenate([pool[:overlap], pool[earlier * rows : earlier * rows + rows - overlap]])
    series = pd.Series(mine, dtype=object)
    with Session(engine) as session, session.begin():
        new = _batch(session, "NEW")
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    found = claims.load(engine, ROUND, "npp:NEW", series, new, claims.Viewer(None))
    loaded = time.perf_counter() - started
    load_statements = statements
    table = pd.DataFrame({"nik": mine, "claimed": True})
    what = claims.ToSettle(ROUND, "npp:NEW", table, claims.pairs(found))
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        settled = claims.settle(session, new, what, "bench")
    settling = time.perf_counter() - started
    event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    return {
        "database": url.split(":", 1)[0],
        "earlier_uploads": earlier,
        "claims_held": earlier * rows,
        "rows": rows,
        "shared": len(found),
        "load_s": round(loaded, 2),
        "load_statements": load_statements,
        "settle_s": round(settling, 2),
        "settle_statements": statements - load_statements,
        "settled": settled.value,
        "rechecks_sent": len({b for _n, b in claims.pairs(found)}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--earlier", type=int, default=10)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--shared", type=float, default=0.01)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        print(run(url, args.earlier, args.rows, args.shared))


if __name__ == "__main__":
    main()
