"""Load on a real ``bsu serve``: ``POST /v1/check`` against a minimal endpoint of the same
app, and a 100k-row roster from upload to downloadable result.

The server is the real thing: ``bsu serve`` (one uvicorn worker, uvloop and httptools) on
127.0.0.1, on a free port, with a private ``BSU_DATA_DIR`` (the embedded SQLite store)
and ``BSU_BENCH_ENDPOINT=1``, which mounts ``POST /_bench/echo`` (read the body, answer
a tiny JSON) for comparison. Load comes from ``wrk`` with a Lua script that POSTs a JSON
worker with a different NIK on every request, so nothing is trivially cached; without
``wrk`` (``apt-get install -y wrk``) a small asyncio/httpx generator stands in, slower
and noted as such in the output.

    .venv/bin/python -m benchmarks.api_load [--duration 10] [--connections 16 64]

Prints a table and writes JSON to ``benchmarks/results/api-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks import generate
from bsu.api.schemas import WORKER_EXAMPLE

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BSU = Path(sys.executable).with_name("bsu")
CHECK, MINIMAL = "/v1/check", "/_bench/echo"
TARGET_RPS, TARGET_P99_MS, TARGET_RATIO = 5_000, 20.0, 0.75
# The API's documented example worker; the NIK is replaced on every request.
WORKER: dict[str, Any] = {**WORKER_EXAMPLE, "nik": ""}

# Each wrk thread has its own Lua state: ``setup`` numbers the threads so that no two send
# the same NIK. NIK = region 327501, a valid birth date DDMM90, a serial.
LUA = r"""
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

local counter = 0
local before, after = [==[%(before)s]==], [==[%(after)s]==]
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  local n = (thread_id or 0) * 10000000 + counter
  local day = n %% 28 + 1
  local month = math.floor(n / 28) %% 12 + 1
  local serial = math.floor(n / 336) %% 10000
  local nik = string.format("327501%%02d%%02d90%%04d", day, month, serial)
  return wrk.format(nil, nil, nil, before .. nik .. after)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BSU-RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "mean_us": %%.1f, "connect_errors": %%d, ' ..
    '"read_errors": %%d, "write_errors": %%d, "status_errors": %%d, "timeouts": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write,
    e.status, e.timeout))
end
"""


@dataclass
class Load:
    """One load run against one endpoint."""

    endpoint: str
    connections: int
    duration_s: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int] = field(default_factory=dict)
    tool: str = "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``bsu serve`` in its own process, on a fresh data directory."""

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "server.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(data_dir),
            "LANG": "C.UTF-8",
            "BSU_DATA_DIR": str(data_dir),
            "BSU_BENCH_ENDPOINT": "1",
            # One client address sends thousands of requests a second: measure the API,
            # not the per-caller rate limit (bsu/api/limits/rate.py).
            "BSU_RATE_LIMIT_PER_MINUTE": "0",
            **(extra_env or {}),
        }
        self.process = subprocess.Popen(
            [str(BSU), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not healthy after {timeout}s:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def lua_script(folder: Path) -> Path:
    body = json.dumps(WORKER, separators=(",", ":"))
    before, after = body.split('"nik":""')
    path = folder / "check.lua"
    path.write_text(LUA % {"before": before + '"nik":"', "after": '"' + after})
    return path


def run_wrk(
    url: str, script: Path, connections: int, duration: float, threads: int, path: str
) -> Load:
    command = [
        "wrk",
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={duration:g}s",
        "--timeout=5s",
        "--latency",
        f"--script={script}",
        url + path,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BSU-RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BSU-RESULT "))
    seconds = raw["duration_us"] / 1e6
    errors = {
        k: raw[k]
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    }
    return Load(
        endpoint=path,
        connections=connections,
        duration_s=round(seconds, 2),
        requests=raw["requests"],
        rps=round(raw["requests"] / seconds, 1),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=errors,
    )


async def _python_load(url: str, connections: int, duration: float, path: str) -> Load:
    """The stand-in for wrk: ``connections`` keep-alive clients POSTing in a loop."""
    latencies: list[float] = []
    errors = {"status_errors": 0, "read_errors": 0}
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async def one(client: httpx.AsyncClient, worker: int) -> None:
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            k = worker * 10_000_000 + n
            nik = f"327501{k % 28 + 1:02d}{k // 28 % 12 + 1:02d}90{k // 336 % 10_000:04d}"
            started = time.perf_counter()
            try:
                response = await client.post(path, json={**WORKER, "nik": nik})
            except httpx.HTTPError:
                errors["read_errors"] += 1
                continue
            latencies.append(time.perf_counter() - started)
            if response.status_code >= 400:
                errors["status_errors"] += 1

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=5) as client:
        await asyncio.gather(*(one(client, i) for i in range(connections)))
    seconds = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 2)

    return Load(
        endpoint=path,
        connections=connections,
        duration_s=round(seconds, 2),
        requests=len(latencies),
        rps=round(len(latencies) / seconds, 1),
        p50_ms=pct(0.50) if latencies else 0,
        p90_ms=pct(0.90) if latencies else 0,
        p99_ms=pct(0.99) if latencies else 0,
        max_ms=round(latencies[-1] * 1000, 2) if latencies else 0,
        errors=errors,
        tool="python-httpx",
    )


def load(
    server: Server, script: Path | None, connections: int, duration: float, threads: int, path: str
) -> Load:
    if script is not None:
        return run_wrk(server.url, script, connections, duration, threads, path)
    return asyncio.run(_python_load(server.url, connections, duration, path))


def upload_to_result(server: Server, roster: Path, timeout: float) -> dict[str, Any]:
    """Seconds from the start of ``POST /v1/batches`` until ``result.xlsx`` answers 200."""
    content = roster.read_bytes()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        started = time.perf_counter()
        submitted = client.post("/v1/batches", files={"file": (roster.name, content)})
        if submitted.status_code != 202:
            raise RuntimeError(f"upload answered {submitted.status_code}: {submitted.text}")
        accepted = time.perf_counter() - started
        location = submitted.headers["location"]
        deadline = started + timeout
        batch: dict[str, Any] = {}
        while time.perf_counter() < deadline:
            batch = client.get(location).json()
            if batch["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        if batch.get("status") != "done":
            raise RuntimeError(f"batch not done after {timeout:g}s: {batch}")
        while time.perf_counter() < deadline:
            result = client.get(f"{location}/result.xlsx")
            if result.status_code == 200:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("result.xlsx never answered 200")
        total = time.perf_counter() - started
    return {
        "rows": batch["summary"]["total"],
        "bytes": len(content),
        "upload_accepted_s": round(accepted, 2),
        "upload_to_result_s": round(total, 2),
        "result_bytes": len(result.content),
        "batch_created_at": batch["created_at"],
        "batch_started_at": batch["started_at"],
        "batch_finished_at": batch["finished_at"],
    }


def _sanity(server: Server) -> None:
    """One request of each kind answers 200 before any load is put on them."""
    body = {**WORKER, "nik": "3275010101900001"}
    for path in (CHECK, MINIMAL):
        response = httpx.post(server.url + path, json=body, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text}")


def _git() -> dict[str, Any]:
    def run(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=HERE.parent)
        return done.stdout.strip()

    return {"commit": run("rev-parse", "HEAD"), "dirty": bool(run("status", "--porcelain"))}


def _print(loads: list[Load], pairs: list[dict[str, Any]], upload: dict[str, Any] | None) -> None:
    print()
    print(
        f"{'endpoint':<14}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'errors':>8}"
    )
    for x in loads:
        print(
            f"{x.endpoint:<14}{x.connections:>6}{x.rps:>10,.0f}{x.p50_ms:>9.2f}{x.p90_ms:>9.2f}"
            f"{x.p99_ms:>9.2f}{x.max_ms:>9.1f}{sum(x.errors.values()):>8}"
        )
    print()
    for pair in pairs:
        print(
            f"{pair['connections']:>3} connections: check/minimal = {pair['ratio']:.2f} "
            f"(target >= {TARGET_RATIO}); check {pair['check_rps']:,.0f} req/s "
            f"(target >= {TARGET_RPS:,}), p99 {pair['check_p99_ms']:.1f} ms "
            f"(target <= {TARGET_P99_MS:g})"
        )
    if upload is not None:
        print(
            f"upload of {upload['rows']:,} rows -> result.xlsx 200: "
            f"{upload['upload_to_result_s']:.1f} s (202 after {upload['upload_accepted_s']:.1f} s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per load run")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load first")
    parser.add_argument("--rows", type=int, default=100_000, help="roster rows to upload")
    parser.add_argument("--upload-timeout", type=float, default=120)
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra server setting, e.g. BSU_CHECK_IN_THREAD=0 (repeatable)",
    )
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)

    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk not found (apt-get install -y wrk): using the slower Python load generator")
    roster = None if args.skip_upload else generate.ensure(args.rows, ("xlsx",))["xlsx"]
    started = dt.datetime.now(dt.UTC)
    loads: list[Load] = []
    upload: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="bsu-api-load-") as tmp:
        folder = Path(tmp)
        script = lua_script(folder) if wrk else None
        (folder / "data").mkdir()
        server = Server(folder / "data", extra_env)
        try:
            server.wait_healthy()
            _sanity(server)
            if args.warmup > 0:
                load(server, script, min(args.connections), args.warmup, args.threads, CHECK)
            for connections in args.connections:
                for path in (MINIMAL, CHECK):
                    done = load(server, script, connections, args.duration, args.threads, path)
                    loads.append(done)
                    print(
                        f"{path} x{connections}: {done.rps:,.0f} req/s, p50 {done.p50_ms:.2f} "
                        f"ms, p99 {done.p99_ms:.2f} ms",
                        flush=True,
                    )
            if roster is not None:
                upload = upload_to_result(server, roster, args.upload_timeout)
        except Exception:
            print(server.tail(), file=sys.stderr)
            raise
        finally:
            server.stop()

    pairs = []
    for connections in args.connections:
        by = {x.endpoint: x for x in loads if x.connections == connections}
        check, minimal = by[CHECK], by[MINIMAL]
        pairs.append(
            {
                "connections": connections,
                "check_rps": check.rps,
                "minimal_rps": minimal.rps,
                "ratio": round(check.rps / minimal.rps, 3) if minimal.rps else 0.0,
                "check_p99_ms": check.p99_ms,
                "meets_targets": check.rps >= TARGET_RPS
                and check.p99_ms <= TARGET_P99_MS
                and check.rps >= TARGET_RATIO * minimal.rps,
            }
        )
    _print(loads, pairs, upload)
    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "git": _git(),
        "settings": {
            "duration_s": args.duration,
            "connections": args.connections,
            "threads": args.threads,
            "tool": "wrk" if wrk else "python-httpx",
            "server": "bsu serve (1 uvicorn worker), SQLite store, no evidence loaded",
            "server_env": extra_env,
        },
        "targets": {"rps": TARGET_RPS, "p99_ms": TARGET_P99_MS, "ratio": TARGET_RATIO},
        "loads": [asdict(x) for x in loads],
        "comparison": pairs,
        "upload": upload,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"api-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
