"""Load on the REST API: 50 concurrent users for 60 s against the main read routes on loopback.

Starts `legation serve` on a fresh sample ledger (as `legation demo` builds it; or ``--db`` for another
ledger) in a subprocess, then runs ``--users`` asyncio clients, each requesting the dashboard's read
routes in turn for ``--seconds``, pausing a think time drawn uniformly from ``--think`` seconds
(default 0.5–1.5 s, as a person clicking through the dashboard) between requests; ``--think 0 0``
sends back to back (a saturation test). The server answers a repeated read from its response cache
(keyed on the ledger file's generation); ``--bust`` makes every URL unique so that each request is
computed, the worst case.
Reports p50/p95/p99 latency and errors per route and overall, throughput, and the server's peak
memory (VmHWM). The baseline, measured in the same run under the same load, is ``/api/health`` (no
query while the server holds the ledger open): the ratio says what the measures cost on top of the
server's own overhead. The server only ever listens on 127.0.0.1, and each load phase stops after
``--seconds``.

A/B (``benchmarks/harness.py``): ``--baseline SRC_DIR`` also serves that source tree (its ``src`` first
on ``PYTHONPATH``; ``--current SRC_DIR`` names the other side), one server per side and repetition,
``--repeat`` load phases per side interleaved ABBA; each side's sample ledger is built by its own code
(``--db`` is copied, once per side). The report gives each side's table (latencies pooled over its
phases) and the ratios current / baseline of the read routes' percentiles, throughput and server peak.

    python benchmarks/load_bench.py                    # 50 users, 60 s
    python benchmarks/load_bench.py --users 10 --seconds 10
    python benchmarks/load_bench.py --users 10 --seconds 10 --baseline /tmp/base-src --repeat 2
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import harness
from harness import Side

ROUTES = [
    "/api/influence/outward?top=8",
    "/api/influence/outward?year=2015",
    "/api/influence/contest?target=840&patrons=2,710,365",
    "/api/influence?patron=2&limit=100",
    "/api/engagements?actor=2&limit=100",
    "/api/states/750/profile",
    "/api/dyads/2/750",
    "/api/network?channel=exercise&year=2018",
    "/api/sources",
    "/api/states?limit=300",
]
BASELINE = "/api/health"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a load generator light enough that the
    server, not the client, is what gets measured (httpx spends ~5 ms of CPU per request here)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = {k.lower(): v for k, v in headers.items()}.get("content-length")
        if length is None:
            raise ConnectionError(f"{path}: response without Content-Length")
        await self.reader.readexactly(int(length))
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def _user(
    host: str,
    port: int,
    until: float,
    seed: int,
    think: tuple[float, float],
    bust: bool,
    out: dict[str, list],
    errors: dict,
) -> None:
    rng = random.Random(seed)
    routes = [*ROUTES, BASELINE]
    i = rng.randrange(len(routes))
    conn = Connection(host, port)
    while time.perf_counter() < until:
        route = routes[i % len(routes)]
        i += 1
        t0 = time.perf_counter()
        url = f"{route}{'&' if '?' in route else '?'}_={seed}-{i}" if bust else route
        try:
            ok = await conn.get(url) == 200
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            ok = False
            conn = Connection(host, port)
        out.setdefault(route, []).append(time.perf_counter() - t0)
        if not ok:
            errors[route] = errors.get(route, 0) + 1
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))
    await conn.close()


async def _run(
    host: str, port: int, users: int, seconds: float, think: tuple[float, float], bust: bool
) -> tuple[dict[str, list], dict[str, int], float]:
    warm = Connection(host, port)
    for route in [*ROUTES, BASELINE]:  # compute every route once, as a first visitor would
        if await warm.get(route) != 200:
            raise RuntimeError(f"{route} failed before the load started")
    await warm.close()
    out: dict[str, list] = {}
    errors: dict[str, int] = {}
    t0 = time.perf_counter()
    until = t0 + seconds
    await asyncio.gather(*(_user(host, port, until, k, think, bust, out, errors) for k in range(users)))
    return out, errors, time.perf_counter() - t0


@dataclass
class Phase:
    """One load phase against one server: latencies (s) and errors per route, wall time, server peak."""

    out: dict[str, list]
    errors: dict[str, int]
    wall: float
    peak: float


def _wait(base: str, proc: subprocess.Popen) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(
                f"legation serve exited {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"{base}{BASELINE}", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{base}{BASELINE} did not answer within 30 s")


def _phase(side: Side, db: Path, args: argparse.Namespace) -> Phase:
    """Serve ``db`` with ``side``'s code on a loopback port, put the load on it, stop it."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "legation", "serve", "--db", str(db), "--port", str(port)],
        cwd=harness.BENCH,
        env={**side.env(), "LEGATION_TOKEN": "bench"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait(f"http://127.0.0.1:{port}", proc)
        run = _run("127.0.0.1", port, args.users, args.seconds, tuple(args.think), args.bust)
        out, errors, wall = asyncio.run(run)
        peak = _peak_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return Phase(out, errors, wall, peak)


def _table(phases: list[Phase]) -> dict[str, float]:
    """Print the per-route table of one side (latencies pooled over its phases); return its summary."""
    print(f"{'route':58} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    every = []
    for route in [*ROUTES, BASELINE]:
        ms = np.concatenate([np.array(ph.out.get(route, []), dtype=float) for ph in phases]) * 1000
        n_err = sum(ph.errors.get(route, 0) for ph in phases)
        every.append(ms)
        p50, p95, p99 = np.percentile(ms, [50, 95, 99]) if ms.size else (np.nan,) * 3
        print(f"{route:58} {ms.size:7d} {p50:8.1f} {p95:8.1f} {p99:8.1f} {n_err:6d}")
    reads = np.concatenate(every[:-1])
    p50, p95, p99 = np.percentile(reads, [50, 95, 99])
    base_p95 = np.percentile(every[-1], 95)
    n_err = sum(ph.errors.get(r, 0) for ph in phases for r in ROUTES)
    print(f"{'all read routes':58} {reads.size:7d} {p50:8.1f} {p95:8.1f} {p99:8.1f} {n_err:6d}")
    rps = sum(sum(len(v) for v in ph.out.values()) for ph in phases) / sum(ph.wall for ph in phases)
    print(
        f"throughput {rps:.0f} requests/s; "
        f"p95 of the read routes is {p95 / base_p95:.2f}x the /api/health baseline ({base_p95:.1f} ms)"
    )
    print(f"target p95 < 300 ms, zero errors: {'met' if p95 < 300 and n_err == 0 else 'NOT met'}")
    peak = float(np.median([ph.peak for ph in phases]))
    return {"p50": p50, "p95": p95, "p99": p99, "requests/s": rps, "server peak MB": peak}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"))
    ap.add_argument("--bust", action="store_true", help="make every URL unique: no response-cache hits")
    ap.add_argument("--db", type=Path, help="ledger to serve (default: a fresh sample ledger)")
    ap.add_argument("--repeat", type=int, default=1, help="load phases per side (default 1)")
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    phases: dict[str, list[Phase]] = {s.name: [] for s in sides}
    ran: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        dbs = {}
        for side in sides:
            dbs[side.name] = Path(tmp) / f"{side.name}.duckdb"
            if args.db is None:
                ran[side.name] = harness.run_child("ledger", "sample", [dbs[side.name]], side)["legation"]
            else:
                shutil.copyfile(args.db, dbs[side.name])
                ran[side.name] = harness.run_child("ledger", "locate", [], side)["legation"]
        for r in range(args.repeat):
            for side in sides if r % 2 == 0 else sides[::-1]:
                phases[side.name].append(_phase(side, dbs[side.name], args))
    think = f"think time {args.think[0]}–{args.think[1]} s" if args.think[1] > 0 else "no think time"
    think += ", every URL unique (no cache hits)" if args.bust else ", response cache on"
    ledger = args.db.name if args.db else "a fresh sample ledger"
    summary = {}
    for side in sides:
        ph = phases[side.name]
        wall = sum(p.wall for p in ph)
        peak = float(np.median([p.peak for p in ph]))
        who = f"[{side.name}: {ran[side.name]}] " if len(sides) > 1 else ""
        print(
            f"{who}{args.users} users, {think}, for {wall:.1f} s in {len(ph)} phase(s) against 127.0.0.1 "
            f"(ledger {ledger}); server peak {peak:.0f} MB"
        )
        summary[side.name] = _table(ph)
        print()
    if len(sides) > 1:
        print(
            "current / baseline: "
            + ", ".join(
                f"{k} {harness.ratio(summary['current'][k], summary['baseline'][k]):.2f}x"
                for k in summary["current"]
            )
        )


if __name__ == "__main__":
    main()
