"""One measurement in a fresh process: ``python -m benchmarks.worker SPEC.json``.

A fresh interpreter per measurement keeps one measurement's caches, imports and heap out
of the next. Imports and setup (reading the roster a writer needs, say) happen before the
clock starts; the peak RSS reported is the high-water mark of the measured work alone
(Linux resets it through ``/proc/self/clear_refs``), on top of what setup holds. The
result is written as JSON to the path the spec names; statuses, when asked for, go to
their own file for the parity check.
"""

from __future__ import annotations

import contextlib
import gc
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Spec = dict[str, Any]
_HWM = re.compile(r"VmHWM:\s+(\d+) kB")


def peak_rss_mb() -> float:
    """The process's resident high-water mark since the last reset, in MB."""
    found = _HWM.search(Path("/proc/self/status").read_text())
    return int(found.group(1)) / 1024 if found else float("nan")


def reset_peak() -> None:
    """Start a new high-water mark (Linux >= 4.0); elsewhere the process peak stands."""
    gc.collect()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


class Clock:
    """Times named parts of one measurement and keeps the peak RSS across them."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}
        reset_peak()

    def time(self, name: str, fn: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        value = fn()
        self.parts[name] = time.perf_counter() - started
        return value

    def result(self, rows: int, **extra: Any) -> dict[str, Any]:
        return {
            "seconds": sum(self.parts.values()),
            "parts": self.parts,
            "rss_mb": peak_rss_mb(),
            "rows": rows,
            **extra,
        }


def _save_statuses(path: str | None, rows: list[int], statuses: list[str]) -> None:
    if path:
        Path(path).write_text(json.dumps({"row": rows, "status": [s.lower() for s in statuses]}))


def _preload() -> None:
    """Import what bsu's readers and writers import lazily, so no stage times an import."""
    import importlib

    for name in (
        "python_calamine",
        "pyarrow.parquet",
        "pyarrow.dataset",
        "pandas.io.parquet",
        "pandas.io.formats.csvs",
        "xlsxwriter",
        "encodings.utf_8_sig",
        "encodings.cp1252",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _roster(spec: Spec) -> tuple[Any, Any]:
    """Setup for the stages after reading: the rule set and the roster, read from Parquet
    (bsu's quickest reader; every format holds the same rows)."""
    from bsu import load_ruleset
    from bsu.rosters.readers import read

    return read(Path(spec["paths"]["parquet"])), load_ruleset(spec["ruleset"])


def stage_read(spec: Spec) -> dict[str, Any]:
    from bsu.rosters.readers import read

    path = Path(spec["paths"][spec["fmt"]])
    _preload()
    clock = Clock()
    roster = clock.time("read", lambda: read(path))
    return clock.result(len(roster))


def stage_evaluate(spec: Spec) -> dict[str, Any]:
    from bsu import evaluate
    from bsu.results.model import Result

    roster, rules = _roster(spec)
    clock = Clock()
    decisions = clock.time("evaluate", lambda: evaluate(roster.records, rules))
    result = clock.time("explain", lambda: Result.of(roster, decisions))
    clock.time("table", result.table)
    measured = clock.result(len(roster))  # before saving statuses moves the peak
    _save_statuses(
        spec.get("statuses"),
        [int(r) for r in roster.records["row"]],
        [str(s) for s in decisions.frame["status"]],
    )
    return measured


def stage_write(spec: Spec) -> dict[str, Any]:
    from bsu import evaluate
    from bsu.results import formats
    from bsu.results.model import Result

    roster, rules = _roster(spec)
    result = Result.of(roster, evaluate(roster.records, rules))
    _preload()
    fmt = spec["fmt"]
    out = Path(spec["tmp"]) / f"hasil.{fmt}"
    clock = Clock()
    clock.time("write", lambda: formats.write(result, out))
    return clock.result(len(roster), bytes=out.stat().st_size)


def floor(spec: Spec) -> dict[str, Any]:
    """The fastest reader reading the file raw and the fastest writer writing the same rows
    raw, nothing checked: what no checker reading and writing these formats can beat."""
    source, target = spec["fmt"].split(">")
    path = Path(spec["paths"][source])
    out = Path(spec["tmp"]) / f"floor.{target}"
    if source == "xlsx":
        import fastexcel

        def read() -> Any:
            return fastexcel.read_excel(str(path)).load_sheet(0).to_arrow()
    elif source == "csv":
        import pyarrow.csv as pacsv

        def read() -> Any:
            return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=";"))
    else:
        import pyarrow.dataset  # noqa: F401  (read_table imports it on first use)
        import pyarrow.parquet as pq

        def read() -> Any:
            return pq.read_table(path)

    if target == "xlsx":
        import rustpy_xlsxwriter

        def write(table: Any) -> None:
            rustpy_xlsxwriter.write_worksheet(table, str(out))
    else:
        import pyarrow.csv as pacsv

        def write(table: Any) -> None:
            pacsv.write_csv(table, out)

    clock = Clock()
    table = clock.time("read", read)
    clock.time("write", lambda: write(table))
    return clock.result(table.num_rows, bytes=out.stat().st_size)


def naive(spec: Spec) -> dict[str, Any]:
    from benchmarks import naive as baseline
    from bsu import load_ruleset

    rules = load_ruleset(spec["ruleset"])
    out = Path(spec["tmp"]) / "naive.xlsx"
    clock = Clock()
    run = clock.time("all", lambda: baseline.run(Path(spec["paths"]["xlsx"]), out, rules))
    clock.parts = run.seconds
    measured = clock.result(len(run.statuses))
    rows = sorted(run.statuses)
    _save_statuses(spec.get("statuses"), rows, [run.statuses[r] for r in rows])
    return measured


def zen(spec: Spec) -> dict[str, Any]:
    """ZEN: normalise and find repeats in Python, decide with the JDM table."""
    from benchmarks import naive as baseline
    from benchmarks.zen_rules import Decider
    from bsu import load_ruleset
    from bsu.core.records import FIELDS, ROW
    from bsu.rosters.readers import read

    rules = load_ruleset(spec["ruleset"])
    params = baseline.Params.of(rules)
    regions = baseline.Regions.load(rules, params)
    decider = Decider(rules)
    records = read(Path(spec["paths"]["parquet"])).records[[ROW, *FIELDS]]
    rows: list[dict[str, Any]] = records.to_dict("records")  # type: ignore[assignment]

    def normalise() -> list[baseline.Facts]:
        facts = [baseline.normalise(row, regions) for row in rows]
        baseline.mark_duplicates(facts)
        return facts

    clock = Clock()
    facts = clock.time("normalise", normalise)
    statuses = clock.time("decide", lambda: list(decider.statuses(facts)))
    measured = clock.result(len(facts))
    _save_statuses(spec.get("statuses"), [int(f["row"]) for f in facts], statuses)
    return measured


KINDS: dict[str, Callable[[Spec], dict[str, Any]]] = {
    "read": stage_read,
    "evaluate": stage_evaluate,
    "write": stage_write,
    "floor": floor,
    "naive": naive,
    "zen": zen,
}


def main() -> None:
    spec: Spec = json.loads(Path(sys.argv[1]).read_text())
    result = KINDS[spec["kind"]](spec)
    Path(spec["result"]).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
