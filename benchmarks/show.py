"""Tables for people: one run's measurements, ratios, targets and parity; two runs compared."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

GROUP_NAMES = {
    "floor": "floor",
    "stages": "bsu stage",
    "bsu": "bsu check (CLI)",
    "zen": "ZEN",
    "naive": "naive",
}


def _num(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(value, fmt)


def measurements(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(title="Measurements (median of the runs; each run a fresh process)")
    for name, justify in (
        ("Rows", "right"),
        ("What", "left"),
        ("Measurement", "left"),
        ("Seconds", "right"),
        ("Rows/s", "right"),
        ("Peak RSS MB", "right"),
        ("Process s", "right"),
        ("Process CPU s", "right"),
        ("Parts (s)", "left"),
        ("Runs", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    last = None
    for m in rows:
        if last is not None and m["size"] != last:
            table.add_section()
        last = m["size"]
        parts = " · ".join(f"{k} {v:.2f}" for k, v in m["parts"].items()) if m["ok"] else ""
        table.add_row(
            f"{m['size']:,}",
            GROUP_NAMES.get(m["group"], m["group"]),
            m["id"],
            _num(m["seconds"], ".2f") if m["ok"] else "[red]failed[/]",
            _num(m["rows_per_s"], ",.0f"),
            _num(m["rss_mb"], ",.0f"),
            _num(m["process_s"], ".2f"),
            _num(m.get("process_cpu_s"), ".2f"),
            parts if m["ok"] else escape(str(m["error"])[:60]),
            str(m["repeat"]),
        )
    console.print(table)
    console.print(
        "[dim]Seconds: the measured work (bsu check: the whole process, imports included). "
        "Peak RSS: high-water mark during the work (bsu check: the whole process). "
        "Process s / CPU s: the whole process (wall / user + system), interpreter start and "
        "setup included. "
        "Stages after reading start from the Parquet roster. "
        "The naive baseline runs once at 100,000 rows and above; not at 1M without --naive-1m.[/]"
    )


def judgements(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(title="Ratios and the issue's targets")
    for name, justify in (
        ("Rows", "right"),
        ("Ratio / target", "left"),
        ("Value", "right"),
        ("Target", "left"),
        ("Met", "left"),
        ("Note", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for j in rows:
        if j["value"] is None and not j["target"]:
            continue
        met = {True: "[green]met[/]", False: "[red]missed[/]", None: "[dim]-[/]"}[j["met"]]
        if j["target"] and j["value"] is None:
            met = "[yellow]not run[/]"
        table.add_row(f"{j['size']:,}", j["name"], j["shown"], j["target"], met, j["note"])
    console.print(table)
    console.print(
        "[dim]bsu / floor work: bsu check's whole process over the floor's read + write. "
        "bsu / floor process: both whole processes (interpreter and imports included). "
        "naive / bsu: both whole processes, xlsx in, result workbook out.[/]"
    )


def parity(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(title="Parity: the same status on every row as bsu (joined on row number)")
    for name in ("Rows", "Engine", "Rows compared", "Mismatches", "First mismatches"):
        table.add_column(name)
    for p in rows:
        wrong = p["mismatches"]
        examples = "; ".join(f"row {r}: bsu {a}, {p['engine']} {b}" for r, a, b in p["examples"])
        table.add_row(
            f"{p['size']:,}",
            p["engine"],
            f"{p['rows']:,}",
            f"[green]{wrong}[/]" if wrong == 0 else f"[red]{wrong:,}[/]",
            examples,
        )
    if not rows:
        console.print("[yellow]Parity: nothing to compare (run stages with naive or zen).[/]")
        return
    console.print(table)


def compare(console: Console, first: Path, second: Path) -> None:
    """Per measurement: B / A for seconds and peak RSS (below 1: B is faster or smaller)."""
    a, b = (json.loads(p.read_text()) for p in (first, second))
    for label, run, path in (("A", a, first), ("B", b, second)):
        g, m = run["git"], run["machine"]
        console.print(
            f"[bold]{label}[/] {path.name}: {g['sha']}{' (dirty)' if g.get('dirty') else ''}, "
            f"{run['started_utc']}, {m['cpu_count']} CPU {m['cpu_model']}, Python {m['python']}"
        )
    if a["machine"]["cpu_model"] != b["machine"]["cpu_model"] or (
        a["machine"]["cpu_count"] != b["machine"]["cpu_count"]
    ):
        console.print("[yellow]The runs were made on different machines: ratios mix both.[/]")
    changed = {
        k: (a["machine"]["packages"].get(k), v)
        for k, v in b["machine"]["packages"].items()
        if a["machine"]["packages"].get(k) != v
    }
    if changed:
        console.print(
            "Package versions changed: "
            + ", ".join(f"{k} {old} → {new}" for k, (old, new) in changed.items())
        )
    old = {(m["size"], m["id"]): m for m in a["measurements"]}
    table = Table(title="B / A per measurement (below 1.00: B is faster / smaller)")
    columns = ["Rows", "Measurement", "A s", "B s", "B/A time", "B/A CPU"]
    columns += ["A MB", "B MB", "B/A RSS"]
    for name in columns:
        table.add_column(name, justify="left" if name == "Measurement" else "right")
    last = None
    for m in b["measurements"]:
        before = old.get((m["size"], m["id"]))
        if before is None:
            continue
        if last is not None and m["size"] != last:
            table.add_section()
        last = m["size"]
        table.add_row(
            f"{m['size']:,}",
            m["id"],
            _num(before["seconds"], ".2f"),
            _num(m["seconds"], ".2f"),
            _ratio(m["seconds"], before["seconds"]),
            _ratio(m.get("process_cpu_s"), before.get("process_cpu_s")),
            _num(before["rss_mb"], ",.0f"),
            _num(m["rss_mb"], ",.0f"),
            _ratio(m["rss_mb"], before["rss_mb"]),
        )
    console.print(table)
    only = sorted(
        {(m["size"], m["id"]) for m in a["measurements"]}
        ^ {(m["size"], m["id"]) for m in b["measurements"]}
    )
    if only:
        console.print("[dim]In one run only: " + ", ".join(f"{s:,} {i}" for s, i in only) + "[/]")


def _ratio(new: Any, old: Any) -> str:
    if not isinstance(new, (int, float)) or not isinstance(old, (int, float)) or not old:
        return "-"
    if math.isnan(new) or math.isnan(old):
        return "-"
    value = new / old
    colour = "green" if value < 0.95 else "red" if value > 1.05 else "white"
    return f"[{colour}]{value:.2f}[/]"
