"""How fast the command line answers: `legation --help` (and `legation --version`) against the bare
interpreter and against importing typer and rich alone, measured in the same run.

Every command runs as a fresh process (so the timings are cold imports, as a user sees them), the
variants interleaved so that a load on the machine does not favour one; the report gives the median
wall time of each, the ratio to the typer-and-rich floor, and the largest peak memory of any child.

    python benchmarks/cli_bench.py --repeat 20
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

VARIANTS: dict[str, list[str]] = {
    "python (interpreter only)": [sys.executable, "-c", "pass"],
    "typer + rich imported": [sys.executable, "-c", "import typer, rich.console, rich.table"],
    "legation --version": [sys.executable, "-m", "legation", "--version"],
    "legation --help": [sys.executable, "-m", "legation", "--help"],
}
GOAL = 0.3
"""Seconds `legation --help` may take."""


def _once(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "80"})
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for cmd in VARIANTS.values():  # warm the file cache once
        _once(cmd)
    for i in range(args.repeat):
        order = list(VARIANTS) if i % 2 == 0 else list(reversed(VARIANTS))
        for name in order:
            times[name].append(_once(VARIANTS[name]))
    floor = statistics.median(times["typer + rich imported"])
    print(f"{'command':<28} {'median s':>9} {'× typer+rich':>13}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<28} {med:>9.3f} {med / floor:>13.2f}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    helped = statistics.median(times["legation --help"])
    print(f"peak memory of any child: {peak:.0f} MB; goal: --help under {GOAL} s → {helped:.3f} s")


if __name__ == "__main__":
    main()
