"""Plans the measurements, runs each in a fresh process, and judges the results.

Every run is its own process: a worker (``benchmarks.worker``) for the in-process stages,
the floor, the naive baseline and ZEN, and the real ``bsu check`` for end to end. Peak RSS
of a whole process comes from ``os.wait4`` (the child's own rusage, not a running maximum
over all children). Medians of the repeats are reported; the first run's statuses feed
the parity check.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.markup import escape

from benchmarks import generate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
GROUPS = ("floor", "stages", "bsu", "zen", "naive")
PIPELINES = ("xlsx>xlsx", "csv>csv", "parquet>csv")
RULESET = "bsu-2025"
TIMEOUT_S = 3600.0
NAIVE_ONCE_FROM = 100_000  # the naive baseline takes minutes there: one run, not --repeat


@dataclass(frozen=True)
class Measurement:
    """One thing to time at one size."""

    id: str  # stable name, the key when two result files are compared
    group: str
    size: int
    kind: str  # a worker kind, or "cli"
    fmt: str | None = None
    repeat: int = 1
    statuses: bool = False  # save per-row statuses for the parity check
    hidden: bool = False  # run for parity only, not reported


@dataclass
class Outcome:
    """Every run of one measurement and their medians."""

    measurement: Measurement
    runs: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    statuses: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.runs)

    def median(self, key: str) -> float:
        values = [r[key] for r in self.runs if r.get(key) is not None]
        return float(statistics.median(values)) if values else float("nan")

    def parts(self) -> dict[str, float]:
        names = list(self.runs[0].get("parts", {})) if self.runs else []
        return {n: statistics.median(r["parts"][n] for r in self.runs) for n in names}

    def summary(self) -> dict[str, Any]:
        m = self.measurement
        seconds = self.median("seconds")
        return {
            "id": m.id,
            "group": m.group,
            "size": m.size,
            "repeat": len(self.runs),
            "ok": self.ok,
            "error": self.error,
            "seconds": seconds,
            "rows_per_s": m.size / seconds if self.ok and seconds > 0 else None,
            "rss_mb": self.median("rss_mb"),
            "process_s": self.median("process_s"),
            "process_cpu_s": self.median("process_cpu_s"),
            "process_rss_mb": self.median("process_rss_mb"),
            "parts": self.parts() if self.ok else {},
            "runs": self.runs,
        }


def plan(
    sizes: Iterable[int], groups: Iterable[str], repeat: int, naive_1m: bool
) -> list[Measurement]:
    """What to run, size by size, cheapest first."""
    chosen = set(groups)
    out: list[Measurement] = []
    for size in sizes:
        if "floor" in chosen:
            out += [Measurement(f"floor {p}", "floor", size, "floor", p, repeat) for p in PIPELINES]
        if "stages" in chosen:
            out += [
                Measurement(f"read {f}", "stages", size, "read", f, repeat)
                for f in generate.FORMATS
            ]
            out.append(Measurement("evaluate", "stages", size, "evaluate", None, repeat, True))
            out += [
                Measurement(f"write {f}", "stages", size, "write", f, repeat)
                for f in ("xlsx", "csv")
            ]
        if "bsu" in chosen:
            out += [Measurement(f"bsu {p}", "bsu", size, "cli", p, repeat) for p in PIPELINES]
        wants_parity = "zen" in chosen or ("naive" in chosen and (size < 1_000_000 or naive_1m))
        if wants_parity and "stages" not in chosen:
            out.append(Measurement("evaluate", "stages", size, "evaluate", None, 1, True, True))
        if "zen" in chosen:
            out.append(Measurement("zen rules", "zen", size, "zen", None, repeat, True))
        if "naive" in chosen and (size < 1_000_000 or naive_1m):
            times = 1 if size >= NAIVE_ONCE_FROM else repeat
            out.append(Measurement("naive xlsx>xlsx", "naive", size, "naive", None, times, True))
    return out


def run_all(
    measurements: list[Measurement], say: Callable[[str], None], workdir: Path
) -> list[Outcome]:
    """Run every measurement ``repeat`` times, each time in a fresh process."""
    outcomes: list[Outcome] = []
    for m in measurements:
        paths = {fmt: str(p) for fmt, p in generate.ensure(m.size).items()}
        outcome = Outcome(m)
        for n in range(1, m.repeat + 1):
            scratch = Path(tempfile.mkdtemp(prefix="run-", dir=workdir))
            statuses = workdir / f"statuses-{m.size}-{m.kind}.json" if m.statuses else None
            try:
                run = _run_once(m, paths, scratch, statuses if n == 1 else None)
            except RuntimeError as exc:
                outcome.error = str(exc)
                say(f"[red]{m.size:>9,} {m.id}: failed[/] {escape(str(exc))}")
                break
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            outcome.runs.append(run)
            if statuses is not None and n == 1:
                outcome.statuses = statuses
            say(
                f"[dim]{m.size:>9,} {m.id:<18} run {n}/{m.repeat}: {run['seconds']:7.2f} s, "
                f"peak {run['rss_mb']:7.0f} MB[/]"
            )
        outcomes.append(outcome)
    return outcomes


def _env(scratch: Path) -> dict[str, str]:
    """No evidence store: the checker judges the roster alone, the same on every machine."""
    env = {k: v for k, v in os.environ.items() if k != "BSU_DATABASE_URL"}
    env["BSU_DATA_DIR"] = str(scratch / "data")
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run_once(
    m: Measurement, paths: dict[str, str], scratch: Path, statuses: Path | None
) -> dict[str, Any]:
    if m.kind == "cli":
        assert m.fmt is not None
        source, target = m.fmt.split(">")
        command = [
            str(Path(sys.executable).with_name("bsu")),
            "check",
            paths[source],
            "--out",
            str(scratch / f"hasil.{target}"),
        ]
        wall, cpu, rss, log = _spawn(command, scratch)
        out = scratch / f"hasil.{target}"
        if not out.exists():
            raise RuntimeError(f"bsu check wrote no {out.name}: {log[-500:]}")
        return {
            "seconds": wall,
            "parts": {},
            "rss_mb": rss,
            "rows": m.size,
            "process_s": wall,
            "process_cpu_s": cpu,
            "process_rss_mb": rss,
        }
    result_path = scratch / "result.json"
    spec: dict[str, Any] = {
        "kind": m.kind,
        "fmt": m.fmt,
        "paths": paths,
        "tmp": str(scratch),
        "ruleset": RULESET,
        "result": str(result_path),
        "statuses": str(statuses) if statuses else None,
    }
    spec_path = scratch / "spec.json"
    spec_path.write_text(json.dumps(spec))
    command = [sys.executable, "-m", "benchmarks.worker", str(spec_path)]
    wall, cpu, rss, log = _spawn(command, scratch)
    if not result_path.exists():
        raise RuntimeError(f"worker {m.kind} failed: {log[-800:]}")
    result: dict[str, Any] = json.loads(result_path.read_text())
    result["process_s"] = wall
    result["process_cpu_s"] = cpu
    result["process_rss_mb"] = rss
    return result


def _spawn(command: list[str], scratch: Path) -> tuple[float, float, float, str]:
    """Run a child to its end: (wall seconds, its CPU seconds, its own peak RSS in MB, its
    output). CPU time is less disturbed than wall time when other work shares the machine."""
    log_path = scratch / "output.log"
    with log_path.open("w") as log:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=_env(scratch), cwd=ROOT
        )
        timer = threading.Timer(TIMEOUT_S, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    output = log_path.read_text(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"exit {child.returncode}: {output[-800:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, output  # ru_maxrss is in kB on Linux


# --- parity ---------------------------------------------------------------------------------


@dataclass
class Parity:
    """How many rows another engine gives a different status than bsu, at one size."""

    size: int
    engine: str
    rows: int
    mismatches: int
    examples: list[tuple[int, str, str]]  # (spreadsheet row, bsu, other); no personal data


def parity(outcomes: list[Outcome]) -> list[Parity]:
    """Join every engine's statuses to bsu's on the spreadsheet row number."""
    out: list[Parity] = []
    for size in sorted({o.measurement.size for o in outcomes}):
        here = [o for o in outcomes if o.measurement.size == size and o.statuses]
        reference = next((o for o in here if o.measurement.kind == "evaluate"), None)
        if reference is None or reference.statuses is None:
            continue
        bsu = _statuses(reference.statuses)
        for other in here:
            if other is reference or other.statuses is None:
                continue
            theirs = _statuses(other.statuses)
            rows = sorted(set(bsu) | set(theirs))
            wrong = [r for r in rows if bsu.get(r) != theirs.get(r)]
            out.append(
                Parity(
                    size,
                    other.measurement.group,
                    len(rows),
                    len(wrong),
                    [(r, bsu.get(r, "-"), theirs.get(r, "-")) for r in wrong[:5]],
                )
            )
    return out


def _statuses(path: Path) -> dict[int, str]:
    data = json.loads(path.read_text())
    return dict(zip(data["row"], data["status"], strict=True))


# --- ratios and the targets ---------------------------------------------------------


@dataclass
class Judgement:
    """A ratio or a target at one size: value, what the issue asks, and whether it is met."""

    size: int
    name: str
    value: float | None
    shown: str
    target: str = ""
    met: bool | None = None  # None: no target, or not measured
    note: str = ""


def judge(outcomes: list[Outcome]) -> list[Judgement]:
    by = {
        (o.measurement.size, o.measurement.id): o
        for o in outcomes
        if o.ok and not o.measurement.hidden
    }

    def get(size: int, mid: str, key: str = "seconds") -> float | None:
        o = by.get((size, mid))
        if o is None:
            return None
        if key.startswith("part:"):
            return o.parts().get(key[5:])
        return o.median(key)

    out: list[Judgement] = []
    sizes = sorted({o.measurement.size for o in outcomes})
    for size in sizes:
        for pipeline in PIPELINES:
            bsu = get(size, f"bsu {pipeline}")
            floor_work = get(size, f"floor {pipeline}")
            floor_process = get(size, f"floor {pipeline}", "process_s")
            target = "≤ 1.3x" if pipeline == "xlsx>xlsx" and size == 100_000 else ""
            for label, base in (("floor work", floor_work), ("floor process", floor_process)):
                value = _ratio(bsu, base)
                out.append(
                    Judgement(
                        size,
                        f"bsu / {label}, {pipeline}",
                        value,
                        _x(value),
                        target if label == "floor process" else "",
                        _met(value, 1.3) if target and label == "floor process" else None,
                    )
                )
        naive = _ratio(get(size, "naive xlsx>xlsx", "process_s"), get(size, "bsu xlsx>xlsx"))
        out.append(
            Judgement(
                size,
                "naive / bsu, xlsx>xlsx (whole processes)",
                naive,
                _x(naive),
                "≥ 10x" if size == 100_000 else "",
                (naive >= 10 if naive is not None else None) if size == 100_000 else None,
            )
        )
        zen_s = get(size, "zen rules")
        for label, key in (("evaluate", "part:evaluate"), ("evaluate + reasons", "seconds")):
            value = _ratio(zen_s, get(size, "evaluate", key))
            out.append(Judgement(size, f"zen (normalise + decide) / bsu {label}", value, _x(value)))
    cli = get(100_000, "bsu xlsx>xlsx")
    out.append(Judgement(100_000, "xlsx → result workbook", cli, _s(cli), "≤ 3 s", _met(cli, 3)))
    if 100_000 not in sizes:
        out.append(Judgement(100_000, "bsu / floor process, xlsx>xlsx", None, "-", "≤ 1.3x"))
        out.append(Judgement(100_000, "naive / bsu, xlsx>xlsx", None, "-", "≥ 10x"))
    rules_at = max((s for s in sizes if (s, "evaluate") in by), default=None)
    if rules_at is not None:
        seconds = get(rules_at, "evaluate")
        decide_only = get(rules_at, "evaluate", "part:evaluate")
        rate = rules_at / seconds if seconds else None
        note = f"evaluate alone {rules_at / decide_only:,.0f} rows/s" if decide_only else ""
        out.append(
            Judgement(
                rules_at,
                "rules (evaluate + reasons in words)",
                rate,
                f"{rate:,.0f} rows/s" if rate else "-",
                "≥ 1,000,000 rows/s",
                rate >= 1_000_000 if rate is not None else None,
                note,
            )
        )
    if 1_000_000 in sizes:
        cli = get(1_000_000, "bsu xlsx>xlsx")
        rss = get(1_000_000, "bsu xlsx>xlsx", "rss_mb")
        out.append(
            Judgement(1_000_000, "xlsx → result workbook", cli, _s(cli), "≤ 25 s", _met(cli, 25))
        )
        out.append(
            Judgement(
                1_000_000, "xlsx → workbook, peak RSS", rss, _mb(rss), "≤ 2 GB", _met(rss, 2048)
            )
        )
        flat = [
            (get(1_000_000, f"bsu {p}"), get(1_000_000, f"bsu {p}", "rss_mb"), p)
            for p in ("csv>csv", "parquet>csv")
        ]
        measured = [(s, r, p) for s, r, p in flat if s is not None]
        if measured:
            s, r, p = min(measured, key=lambda t: t[0] or 0.0)
            out.append(
                Judgement(
                    1_000_000,
                    f"csv or parquet end to end ({p})",
                    s,
                    _s(s),
                    "< 5 s",
                    _met(s, 5, True),
                )
            )
            out.append(
                Judgement(1_000_000, f"… peak RSS ({p})", r, _mb(r), "< 1 GB", _met(r, 1024, True))
            )
        else:
            out.append(Judgement(1_000_000, "csv or parquet end to end", None, "not run", "< 5 s"))
    else:
        out.append(
            Judgement(1_000_000, "1M rows (--sizes … 1000000)", None, "not run", "≤ 25 s, < 5 s")
        )
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _met(value: float | None, limit: float, strict: bool = False) -> bool | None:
    if value is None:
        return None
    return value < limit if strict else value <= limit


def _x(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else "-"


def _s(value: float | None) -> str:
    return f"{value:.2f} s" if value is not None else "-"


def _mb(value: float | None) -> str:
    return f"{value:,.0f} MB" if value is not None else "-"


# --- the saved record -----------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Enough about the machine and software to know whether two runs can be compared."""
    import platform
    from importlib import metadata

    import psutil

    packages: dict[str, str | None] = {}
    for name in (
        "bsu",
        "pandas",
        "numpy",
        "pyarrow",
        "python-calamine",
        "fastexcel",
        "xlsxwriter",
        "rustpy-xlsxwriter",
        "openpyxl",
        "pydantic",
        "zen-engine",
        "polars",
        "psutil",
    ):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu_count": os.cpu_count(),
        "cpu_count_physical": psutil.cpu_count(logical=False),
        "cpu_model": model,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": packages,
    }


def git() -> dict[str, Any]:
    def ask(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return ""
        return done.stdout.strip()

    return {
        "sha": ask("rev-parse", "--short", "HEAD") or "nogit",
        "commit": ask("rev-parse", "HEAD"),
        "dirty": bool(ask("status", "--porcelain", "--untracked-files=no")),
    }


def save(record: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = record["started_utc"].replace("-", "").replace(":", "")
    path = RESULTS / f"{stamp}-{record['git']['sha']}.json"
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False, default=str) + "\n")
    return path


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages: other work on the machine skews wall times."""
    return [round(x, 2) for x in os.getloadavg()]


def record(
    options: dict[str, Any],
    started_utc: str,
    seconds: float,
    loads: dict[str, list[float]],
    outcomes: list[Outcome],
    parities: list[Parity],
    judgements: list[Judgement],
) -> dict[str, Any]:
    return {
        "started_utc": started_utc,
        "duration_s": seconds,
        "load_average": loads,
        "git": git(),
        "machine": machine(),
        "options": options,
        "measurements": [o.summary() for o in outcomes if not o.measurement.hidden],
        "parity": [asdict(p) for p in parities],
        "judgements": [asdict(j) for j in judgements],
    }
