"""Time the composite influence for all directed dyad-years 1946–2015, and the yearly networks.

1. Influence: every channel's decayed stocks, bandwidth, dependence and score, the composite with
   coverage, then spread onto the full directed dyad-year frame 1946–2015 (0 where a channel records
   the patron and the dyad has no stock). Baseline in the same run: the same stocks computed with a
   plain Python loop over dyads (the recurrence S_t = S_{t-1}·δ + f_t), for every channel: the stocks
   alone, without bandwidth, dependence, composite or the dyad-year frame.
2. Networks: the composite influence graph of every year 1946–2015, with strength, eigenvector and
   betweenness centrality and Leiden blocs (labels matched across years).

Each measurement runs in a fresh child process and reports its own peak RSS (VmHWM); median of
``--repeat``. Targets (issue 5): < 5 s and < 10 s on 2 cores.

    python benchmarks/measures_bench.py                 # builds a ledger from ../shared/data first
    python benchmarks/measures_bench.py --db ledger.duckdb --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time


def peak_mb():
    # VmHWM is this process's own high-water mark; ru_maxrss would include the parent it was forked from
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


kind, db = sys.argv[1:3]
import polars as pl
from legation import panel
from legation.ledger import Ledger
from legation.measures import influence as inf
t0 = time.perf_counter()
with Ledger(db, read_only=True) as led:
    if kind == "influence":
        infl = inf.influence(led, (1946, 2015))
        frame = inf.on_dyad_years(led, infl, panel.dyad_years(led, years=(1946, 2015)).frame)
        rows = frame.height
    elif kind == "loop":
        from legation.instruments import INSTRUMENTS
        rows = 0
        for channel, spec in inf.CHANNELS.items():
            flows = inf.channel_flows(led, channel, (1946, 2015))
            delta = 0.5 ** (1 / INSTRUMENTS[spec.instrument].half_life)
            stocks = {}
            for (p, t), g in flows.group_by(["patron", "target"]):
                s = 0.0
                byyear = dict(zip(g["year"].to_list(), g["flow"].to_list()))
                for y in range(min(byyear), 2016):
                    s = s * delta + byyear.get(y, 0.0)
                    stocks[(p, t, y)] = s
            rows += len(stocks)
    else:
        from legation.measures import networks as nets
        infl = inf.influence(led, (1946, 2015))
        edges = infl.select(pl.col("patron").alias("ccode1"), pl.col("target").alias("ccode2"), "year",
                            pl.col("influence").alias("weight"))
        graphs = nets.yearly_graphs(edges, directed=True)
        cent = nets.centrality(graphs)
        blocs = nets.blocs(graphs)
        rows = cent.height
secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "rows": rows, "peak_mb": peak_mb()}))
"""


def child(kind: str, db: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(db)], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.exit(f"{kind} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("LEGATION_SHARED_DATA", ROOT.parent / "shared" / "data"))
    ap.add_argument("--data", type=Path, default=default)
    ap.add_argument(
        "--db", type=Path, help="a ledger with the data imported (default: import into a temp one)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "ledger.duckdb"
            from legation.ledger import Ledger
            from legation.ledger.importers import import_dir

            with Ledger(db) as led:
                import_dir(led, args.data)
        runs = {k: [child(k, db) for _ in range(args.repeat)] for k in ("influence", "loop", "networks")}
    label = {
        "influence": "composite influence, all directed dyad-years 1946-2015",
        "loop": "baseline: channel stocks alone, plain Python loop",
        "networks": "yearly composite networks 1946-2015: centrality + blocs",
    }
    print(f"median of {args.repeat} runs, each in a fresh process")
    for kind, rs in runs.items():
        secs = float(np.median([r["seconds"] for r in rs]))
        peak = max(r["peak_mb"] for r in rs)
        print(f"  {label[kind]:58s} {secs:6.2f} s  peak {peak:5,.0f} MB  {rs[0]['rows']:,} rows")


if __name__ == "__main__":
    main()
