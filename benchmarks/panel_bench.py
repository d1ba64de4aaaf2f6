"""Time the peacesciencer pipeline and the full military-diplomacy panel; print wall time and peak memory.

1. peacesciencer's ``create_dyadyears() |> add_atop_alliance() |> add_nmc()`` equivalent: directed COW
   dyad-years 1816–2024 + ATOP obligations + NMC capabilities for both sides, from a ledger that
   holds the imported data (``legation data import-dir``). Baseline measured in the same run: the
   same pipeline written directly in pandas over the same Parquet files (state-years expanded from
   ``cow_states``, a self-merge by year with the co-existence filter, ``merge`` for ATOP and NMC).
   peacesciencer 1.2.9 itself (R) takes 5.5 s median and 2.4 GB peak on this machine class (issue 4).
2. The full frame: directed dyad-years 1946–2020 with every ``add_*`` verb.

Each measurement runs in a fresh child process and reports its own peak RSS (VmHWM); the median
of ``--repeat``.

    python benchmarks/panel_bench.py                   # builds a ledger from ../shared/data first
    python benchmarks/panel_bench.py --db ledger.duckdb --repeat 5
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


kind, db, data = sys.argv[1:4]
t0 = time.perf_counter()
if kind == "legation":
    from legation import panel
    from legation.ledger import Ledger
    t0 = time.perf_counter()
    with Ledger(db, read_only=True) as led:
        p = panel.dyad_years(led, years=(1816, 2024)).add_atop().add_nmc()
        rows, cols = p.frame.shape
elif kind == "full":
    from legation import panel
    from legation.ledger import Ledger
    t0 = time.perf_counter()
    with Ledger(db, read_only=True) as led:
        p = panel.dyad_years(led, years=(1946, 2020))
        for name in panel.VERBS:
            p = getattr(p, name)()
        rows, cols = p.frame.shape
else:
    import pandas as pd
    t0 = time.perf_counter()
    st = pd.read_parquet(f"{data}/peacesciencer/cow_states.parquet")
    st["start"] = pd.to_datetime(dict(year=st.styear, month=st.stmonth, day=st.stday))
    st["end"] = pd.to_datetime(dict(year=st.endyear, month=st.endmonth, day=st.endday))
    last = st["end"].max()
    st.loc[st["end"] == last, "end"] = pd.Timestamp("2024-12-31")
    st["year"] = [list(range(a, b + 1)) for a, b in zip(st["start"].dt.year, st["end"].dt.year)]
    sy = st.explode("year")[["ccode", "year", "start", "end"]]
    sy["year"] = sy["year"].astype(int)
    y0 = pd.to_datetime(dict(year=sy.year, month=1, day=1))
    y1 = pd.to_datetime(dict(year=sy.year, month=12, day=31))
    sy["a"] = sy["start"].where(sy["start"] > y0, y0)
    sy["b"] = sy["end"].where(sy["end"] < y1, y1)
    d = sy[["ccode", "year", "a", "b"]].merge(sy[["ccode", "year", "a", "b"]], on="year", suffixes=("1", "2"))
    d = d[(d.ccode1 != d.ccode2) & (d[["a1", "a2"]].max(axis=1) <= d[["b1", "b2"]].min(axis=1))]
    d = d[["ccode1", "ccode2", "year"]].drop_duplicates().sort_values(["ccode1", "ccode2", "year"])
    atop = pd.read_parquet(f"{data}/peacesciencer/atop_alliance.parquet")
    d = d.merge(atop, on=["ccode1", "ccode2", "year"], how="left")
    flags = [c for c in atop.columns if c.startswith("atop_")]
    d[flags] = d[flags].where(d.year > 2018, d[flags].fillna(0))
    nmc = pd.read_parquet(f"{data}/peacesciencer/cow_nmc.parquet")
    for s in ("1", "2"):
        d = d.merge(nmc.rename(columns={c: c + s for c in nmc.columns if c not in ("year",)}),
                    on=[f"ccode{s}", "year"], how="left")
    rows, cols = d.shape
secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "rows": rows, "cols": cols,
                  "peak_mb": peak_mb()}))
"""


def child(kind: str, db: Path, data: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(db), str(data)], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.exit(f"{kind} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("LEGATION_SHARED_DATA", ROOT.parent / "shared" / "data")),
    )
    ap.add_argument(
        "--db", type=Path, help="a ledger with the data imported (default: import into a temp one)"
    )
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "ledger.duckdb"
            from legation.ledger import Ledger
            from legation.ledger.importers import import_dir

            with Ledger(db) as led:
                import_dir(led, args.data)
        runs = {
            k: [child(k, db, args.data) for _ in range(args.repeat)] for k in ("legation", "pandas", "full")
        }
    print(f"median of {args.repeat} runs, each in a fresh process")
    label = {
        "legation": "legation: COW directed dyad-years 1816-2024 + ATOP + NMC",
        "pandas": "pandas baseline, same pipeline",
        "full": "legation: dyad-years 1946-2020 + every add_* verb",
    }
    med = {}
    for kind, rs in runs.items():
        med[kind] = float(np.median([r["seconds"] for r in rs]))
        peak = max(r["peak_mb"] for r in rs)
        print(
            f"  {label[kind]:58s} {med[kind]:6.2f} s  peak {peak:5,.0f} MB  "
            f"{rs[0]['rows']:,} x {rs[0]['cols']}"
        )
    print(
        f"  pandas / legation: {med['pandas'] / med['legation']:.1f}x; peacesciencer 1.2.9 reference 5.5 s: "
        f"{5.5 / med['legation']:.1f}x"
    )


if __name__ == "__main__":
    main()
