"""Uploads and single checks at the same time on a real ``bsu serve``, then one caller past
its rate limit.

Phase 1, load: ``bsu serve`` (SQLite store, a fresh data directory) on 127.0.0.1 with rate
limits set high enough not to interfere; ``--uploaders`` clients POST small generated
rosters (``--rows`` rows of CSV, each a different roster) to ``/v1/batches`` in a loop
while ``--checkers`` clients POST single workers to ``/v1/check``, all for ``--duration``
seconds (at most 60). Latency percentiles and counts by status per route; afterwards the
status of every batch accepted (the background worker checks them meanwhile). Any 5xx or
transport error fails the run (exit 1).

Phase 2, rate limits: a second server with a check budget of 600 a minute (bursts of 50)
and the default upload budget; key A sends ``/v1/check`` and upload requests past its
bursts, then key B a few of each, and /healthz is asked throughout. Key A must get 429s
(with Retry-After), key B and /healthz none. With ``bsu keys create`` available the keys
are real (their requests answer 200); otherwise they are made-up values that only the
limiter sees.

    .venv/bin/python -m benchmarks.upload_load [--duration 30] [--uploaders 8] [--checkers 8]

Prints tables and writes JSON to ``benchmarks/results/upload-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks import generate
from benchmarks.api_load import BSU, RESULTS, WORKER, Server, _git
from bsu.service.settings import Settings

MAX_DURATION = 60.0
MAX_REQUESTS = 200_000  # per phase, whatever the duration
UPLOAD, CHECK, HEALTH = "/v1/batches", "/v1/check", "/healthz"
# Phase 2: a check budget this machine can exceed however busy it is (10 a second after a
# burst of 50); uploads keep the defaults (30 a minute after a burst of 20).
DEMO_LIMITS = {"BSU_RATE_LIMIT_PER_MINUTE": "600", "BSU_RATE_LIMIT_BURST": "50"}
# Phase 1 must measure the server, not its limiter.
UNLIMITED = {
    "BSU_RATE_LIMIT_PER_MINUTE": "100000000",
    "BSU_RATE_LIMIT_BURST": "100000000",
    "BSU_UPLOAD_RATE_LIMIT_PER_MINUTE": "100000000",
    "BSU_UPLOAD_RATE_LIMIT_BURST": "100000000",
}


@dataclass
class Route:
    """What one route answered during a phase."""

    route: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    retry_after: Counter[str] = field(default_factory=Counter)

    def record(self, started: float, response: httpx.Response | None, error: str = "") -> None:
        self.latencies.append(time.perf_counter() - started)
        self.statuses[str(response.status_code) if response is not None else error] += 1
        if response is not None and response.status_code == 429:
            self.retry_after[response.headers.get("retry-after", "missing")] += 1

    def summary(self, seconds: float) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(q: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

        return {
            "route": self.route,
            "requests": len(ordered),
            "rps": round(len(ordered) / seconds, 1) if seconds else 0.0,
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else 0.0,
            "statuses": dict(sorted(self.statuses.items())),
            "retry_after": dict(sorted(self.retry_after.items())),
        }


def rosters(count: int, rows: int) -> list[bytes]:
    """``count`` different CSV rosters of ``rows`` rows (bytes, as an employer uploads)."""
    return [
        generate.roster(rows, seed=seed).to_csv(index=False, sep=";").encode()
        for seed in range(count)
    ]


def nik(n: int) -> str:
    return f"327501{n % 28 + 1:02d}{n // 28 % 12 + 1:02d}90{n // 336 % 10_000:04d}"


async def _timed(route: Route, call: Any) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response: httpx.Response = await call
    except httpx.TimeoutException:
        route.record(started, None, "timeout")
        return None
    except httpx.HTTPError as exc:
        route.record(started, None, type(exc).__name__)
        return None
    route.record(started, response)
    return response


async def load(
    url: str, files: list[bytes], checkers: int, duration: float
) -> tuple[dict[str, Route], list[str], float]:
    """Phase 1: uploaders and checkers until the deadline; the batch ids accepted."""
    routes = {UPLOAD: Route(UPLOAD), CHECK: Route(CHECK)}
    accepted: list[str] = []
    budget = {"left": MAX_REQUESTS}
    deadline = time.perf_counter() + duration

    def going() -> bool:
        budget["left"] -= 1
        return time.perf_counter() < deadline and budget["left"] > 0

    async def uploader(client: httpx.AsyncClient, content: bytes, i: int) -> None:
        n = 0
        while going():
            n += 1
            name = f"roster-{i}-{n}.csv"
            response = await _timed(
                routes[UPLOAD], client.post(UPLOAD, files={"file": (name, content, "text/csv")})
            )
            if response is not None and response.status_code == 202:
                accepted.append(response.json()["id"])

    async def checker(client: httpx.AsyncClient, i: int) -> None:
        n = 0
        while going():
            n += 1
            body = {**WORKER, "nik": nik(i * 10_000_000 + n)}
            await _timed(routes[CHECK], client.post(CHECK, json=body))

    started = time.perf_counter()
    limits = httpx.Limits(max_connections=max(1, len(files) + checkers))
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        await asyncio.gather(
            *(uploader(client, content, i) for i, content in enumerate(files)),
            *(checker(client, i) for i in range(checkers)),
        )
    return routes, accepted, time.perf_counter() - started


def batch_statuses(url: str, ids: list[str], settle: float) -> dict[str, int]:
    """Every accepted batch's status, after waiting up to ``settle`` s for the queue."""
    deadline = time.perf_counter() + settle
    statuses: Counter[str] = Counter()
    with httpx.Client(base_url=url, timeout=30) as client:
        while True:
            statuses = Counter(client.get(f"{UPLOAD}/{i}").json()["status"] for i in ids)
            if statuses["queued"] + statuses["running"] == 0 or time.perf_counter() > deadline:
                return dict(statuses)
            time.sleep(1)


def make_keys(data_dir: Path, env: dict[str, str]) -> tuple[list[str], bool]:
    """Two employer keys from ``bsu keys create``, or two made-up ones without it."""
    made = []
    for name in ("A", "B"):
        command = [str(BSU), "keys", "create", "--role", "employer", "--employer"]
        done = subprocess.run(
            [*command, f"LOAD-{name}", "--label", f"upload_load {name}"],
            capture_output=True,
            text=True,
            env={**env, "BSU_DATA_DIR": str(data_dir)},
            timeout=60,
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            return [f"made-up-key-{name}-{time.time_ns()}" for name in ("A", "B")], False
        made.append(lines[0].strip())
    return made, True


async def over_budget(url: str, key_a: str, key_b: str, roster: bytes) -> dict[str, Route]:
    """Phase 2: key A floods /v1/check past its burst (with /healthz asked meanwhile), then
    uploads past its upload burst; then key B, whose budgets are untouched."""
    settings = Settings(**{k.removeprefix("BSU_").lower(): v for k, v in DEMO_LIMITS.items()})
    routes = {
        name: Route(name)
        for name in (f"A {CHECK}", f"A {UPLOAD}", f"B {CHECK}", f"B {UPLOAD}", HEALTH)
    }

    def auth(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    async def checks(client: httpx.AsyncClient, who: str, n: int, lane: int) -> None:
        for i in range(n):
            body = {**WORKER, "nik": nik(lane * 100_000 + i)}
            key = key_a if who == "A" else key_b
            await _timed(routes[f"{who} {CHECK}"], client.post(CHECK, json=body, headers=auth(key)))

    async def uploads(client: httpx.AsyncClient, who: str, n: int) -> None:
        key = key_a if who == "A" else key_b
        for i in range(n):
            files = {"file": (f"r{i}.csv", roster, "text/csv")}
            await _timed(
                routes[f"{who} {UPLOAD}"], client.post(UPLOAD, files=files, headers=auth(key))
            )

    async def health(client: httpx.AsyncClient) -> None:
        for _ in range(50):
            await _timed(routes[HEALTH], client.get(HEALTH, headers=auth(key_a)))

    lanes = 32
    flood = 6 * settings.rate_limit_burst // lanes
    limits = httpx.Limits(max_connections=lanes + 1)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        await asyncio.gather(
            *(checks(client, "A", flood, lane) for lane in range(lanes)), health(client)
        )
        await uploads(client, "A", 2 * settings.upload_rate_limit_burst)
        await asyncio.gather(checks(client, "B", 20, lanes), uploads(client, "B", 3))
    return routes


def _table(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    print(
        f"{'route':<16}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}  statuses"
    )
    for r in rows:
        statuses = " ".join(f"{k}:{v}" for k, v in r["statuses"].items())
        print(
            f"{r['route']:<16}{r['requests']:>9,}{r['rps']:>8,.0f}{r['p50_ms']:>9.1f}"
            f"{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}  {statuses}"
        )


def _failures(rows: list[dict[str, Any]]) -> int:
    """5xx answers and requests that got no answer at all."""
    return sum(
        n
        for r in rows
        for status, n in r["statuses"].items()
        if not status.isdigit() or status.startswith("5")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30, help=f"seconds (<= {MAX_DURATION:g})")
    parser.add_argument("--uploaders", type=int, default=8)
    parser.add_argument("--checkers", type=int, default=8)
    parser.add_argument("--rows", type=int, default=200, help="rows per uploaded roster")
    parser.add_argument("--settle", type=float, default=30, help="seconds to wait for batches")
    parser.add_argument(
        "--baseline", type=float, default=10, help="seconds of checks alone first (0: none)"
    )
    parser.add_argument("--skip-rate-limits", action="store_true", help="phase 1 only")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra server setting for both servers (repeatable)",
    )
    args = parser.parse_args()
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration must be in (0, {MAX_DURATION:g}]")
    extra_env = dict(item.split("=", 1) for item in args.env)
    started = dt.datetime.now(dt.UTC)
    files = rosters(args.uploaders, args.rows)
    report: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg": os.getloadavg(),
        },
        "git": _git(),
        "settings": {
            "duration_s": args.duration,
            "uploaders": args.uploaders,
            "checkers": args.checkers,
            "rows_per_roster": args.rows,
            "roster_bytes": [len(f) for f in files],
            "tool": "python-httpx (asyncio, one client process)",
            "server": "bsu serve (1 uvicorn worker), SQLite store, fresh data dir",
            "server_env": extra_env,
        },
    }
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bsu-upload-load-") as tmp:
        data = Path(tmp) / "load"
        data.mkdir()
        server = Server(data, {**UNLIMITED, **extra_env})
        try:
            server.wait_healthy()
            if args.baseline > 0:
                alone, _, alone_s = asyncio.run(
                    load(server.url, [], args.checkers, min(args.baseline, MAX_DURATION))
                )
                report["baseline"] = {
                    "seconds": round(alone_s, 2),
                    "check": alone[CHECK].summary(alone_s),
                }
                _table(
                    f"baseline: {alone_s:.1f} s, {args.checkers} checkers alone",
                    [report["baseline"]["check"]],
                )
            routes, accepted, seconds = asyncio.run(
                load(server.url, files, args.checkers, args.duration)
            )
            rows = [routes[UPLOAD].summary(seconds), routes[CHECK].summary(seconds)]
            batches = batch_statuses(server.url, accepted, args.settle)
        except Exception:
            print(server.tail(), file=sys.stderr)
            raise
        finally:
            server.stop()
        failures += _failures(rows)
        report["load"] = {"seconds": round(seconds, 2), "routes": rows, "batches": batches}
        _table(
            f"load: {seconds:.1f} s, {args.uploaders} uploaders + {args.checkers} checkers", rows
        )
        print(f"batches accepted: {len(accepted):,}; after <= {args.settle:g} s: {batches}")

        if not args.skip_rate_limits:
            data = Path(tmp) / "limits"
            data.mkdir()
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(data),
                "LANG": "C.UTF-8",
                **extra_env,
            }
            (key_a, key_b), real = make_keys(data, env)
            server = Server(data, {**DEMO_LIMITS, **extra_env})
            try:
                server.wait_healthy()
                phase = asyncio.run(over_budget(server.url, key_a, key_b, files[0]))
            except Exception:
                print(server.tail(), file=sys.stderr)
                raise
            finally:
                server.stop()
            limited = [r.summary(1.0) for r in phase.values()]
            for r in limited:
                r.pop("rps")
            settings = Settings(
                **{k.removeprefix("BSU_").lower(): v for k, v in DEMO_LIMITS.items()}
            )
            report["rate_limits"] = {
                "keys": "bsu keys create" if real else "made up (not validated by the limiter)",
                "limits": {
                    "check_per_minute": settings.rate_limit_per_minute,
                    "check_burst": settings.rate_limit_burst,
                    "upload_per_minute": settings.upload_rate_limit_per_minute,
                    "upload_burst": settings.upload_rate_limit_burst,
                },
                "routes": limited,
            }
            _table(
                "rate limits (checks 600/min, burst 50; uploads 30/min, burst 20): key A past "
                "its bursts, /healthz alongside, key B after",
                [{**r, "rps": 0} for r in limited],
            )
            by = {r["route"]: r["statuses"] for r in limited}
            a_limited = by["A " + CHECK].get("429", 0) and by["A " + UPLOAD].get("429", 0)
            others = sum(by[k].get("429", 0) for k in ("B " + CHECK, "B " + UPLOAD, HEALTH))
            report["rate_limits"]["ok"] = bool(a_limited) and others == 0
            if not report["rate_limits"]["ok"]:
                print("rate limits: key A was not limited, or another caller was")
                failures += 1
            failures += _failures(limited)

    report["failures"] = failures
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"upload-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\n5xx or unanswered: {failures}")
    print(f"written: {out.relative_to(RESULTS.parent.parent)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
