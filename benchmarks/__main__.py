"""Benchmarks of the BSU checker: ``python -m benchmarks`` (see benchmarks/README.md).

    .venv/bin/python -m benchmarks [--sizes 10000 100000] [--repeat 3]
        [--only floor,stages,bsu,zen,naive] [--naive-1m]
    .venv/bin/python -m benchmarks compare A.json B.json

Exit codes: 0 done; 1 another engine disagrees with bsu on some row's status (parity);
3 a measurement failed (its error is in the table).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from benchmarks import generate, harness, show

EXIT_PARITY = 1
EXIT_FAILED = 3


def _groups(text: str) -> list[str]:
    chosen = [g.strip() for g in text.split(",") if g.strip()]
    unknown = [g for g in chosen if g not in harness.GROUPS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown {', '.join(unknown)}; choose from {','.join(harness.GROUPS)}"
        )
    return chosen


def _console() -> Console:
    """Wide enough for the tables when the output goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time bsu against the floor, a naive baseline and ZEN; check parity.",
        epilog="python -m benchmarks compare A.json B.json: ratios between two saved runs.",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000],
        help="roster rows (10000 100000 1000000; 1M takes minutes)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--only",
        type=_groups,
        default=list(harness.GROUPS),
        help=f"comma-separated subset of {','.join(harness.GROUPS)}",
    )
    parser.add_argument(
        "--naive-1m", action="store_true", help="also run the naive baseline at 1M rows"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    console = _console()
    loads = {"start": harness.load()}
    started = time.perf_counter()
    started_utc = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sizes = sorted(set(args.sizes))
    for size in sizes:
        made = time.perf_counter()
        generate.ensure(size)
        if time.perf_counter() - made > 1:
            console.print(f"[dim]Generated the {size:,}-row rosters in benchmarks/.cache.[/]")
    measurements = harness.plan(sizes, args.only, args.repeat, args.naive_1m)
    with tempfile.TemporaryDirectory(prefix="bsu-bench-") as tmp:
        outcomes = harness.run_all(measurements, console.print, Path(tmp))
        parities = harness.parity(outcomes)
    judgements = harness.judge(outcomes)
    seconds = time.perf_counter() - started
    loads["end"] = harness.load()
    options = {
        "sizes": sizes,
        "repeat": args.repeat,
        "only": args.only,
        "naive_1m": args.naive_1m,
    }
    saved = harness.record(options, started_utc, seconds, loads, outcomes, parities, judgements)
    path = harness.save(saved)

    console.print()
    show.measurements(console, saved["measurements"])
    show.judgements(console, saved["judgements"])
    show.parity(console, saved["parity"])
    console.print(f"Saved {path.relative_to(harness.ROOT)}; the run took {seconds / 60:.1f} min.")
    busy = max(loads["start"][0], loads["end"][0])
    if busy > 0.5 * (os.cpu_count() or 1):
        console.print(
            f"[yellow]The machine was busy (load average {loads['start'][0]} at the start, "
            f"{loads['end'][0]} at the end, {os.cpu_count()} CPUs): wall times are inflated; "
            "compare CPU seconds (in the JSON) or run again on a quiet machine.[/]"
        )
    if any(p.mismatches for p in parities):
        console.print("[bold red]Parity failed: an engine disagrees with bsu on some rows.[/]")
        return EXIT_PARITY
    if any(not o.ok for o in outcomes):
        console.print("[bold red]Some measurements failed.[/]")
        return EXIT_FAILED
    return 0


def compare(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks compare", description="B / A for every measurement."
    )
    parser.add_argument("first", type=Path, metavar="A.json")
    parser.add_argument("second", type=Path, metavar="B.json")
    args = parser.parse_args(argv)
    show.compare(_console(), args.first, args.second)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["compare"]:
        return compare(argv[1:])
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
