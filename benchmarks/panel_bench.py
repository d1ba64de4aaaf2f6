"""Time the peacesciencer pipeline and the full military-diplomacy panel; print wall time and peak memory.

1. peacesciencer's ``create_dyadyears() |> add_atop_alliance() |> add_nmc()`` equivalent: directed COW
   dyad-years 1816–2024 + ATOP obligations + NMC capabilities for both sides, from a ledger that
   holds the imported data (``legation data import-dir``). Baseline measured in the same run: the
   same pipeline written directly in pandas over the same Parquet files (state-years expanded from
   ``cow_states``, a self-merge by year with the co-existence filter, ``merge`` for ATOP and NMC).
   peacesciencer 1.2.9 itself (R) takes 5.5 s median and 2.4 GB peak on this machine class (issue 4).
2. The full frame: directed dyad-years 1946–2020 with every ``add_*`` verb.

Each measurement runs in a fresh child process (``benchmarks/children/panel.py``, through
``benchmarks/harness.py``) that reports its wall time and its own peak RSS (VmHWM) in a result file;
the table gives medians of ``--repeat``. ``--baseline SRC_DIR`` also runs the legation measurements
on that source tree, interleaved ABBA with the current one, and prints current / baseline ratios.
Without ``--db`` each side imports ``--data`` into a temp ledger with its own code first.

    python benchmarks/panel_bench.py                   # builds a ledger from ../shared/data first
    python benchmarks/panel_bench.py --db ledger.duckdb --repeat 5
    python benchmarks/panel_bench.py --db ledger.duckdb --repeat 3 --baseline /tmp/base-src
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import harness
from harness import Job, Result, Side

JOBS = [
    Job("legation", "legation: COW directed dyad-years 1816-2024 + ATOP + NMC"),
    Job("pandas", "pandas baseline, same pipeline", ab=False),
    Job("full", "legation: dyad-years 1946-2020 + every add_* verb"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=harness.DEFAULT_DATA)
    ap.add_argument(
        "--db", type=Path, help="a ledger with the data imported (default: import into a temp one)"
    )
    ap.add_argument("--repeat", type=int, default=5)
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    data = args.data.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        dbs = harness.ledgers(args.db, args.data, sides, Path(tmp))

        def run(job: Job, side: Side) -> Result:
            return harness.run_child("panel", job.kind, [dbs[side.name], data], side)

        runs = harness.interleaved(JOBS, sides, args.repeat, run)
    lines = harness.report(JOBS, sides, runs, args.repeat, counts=lambda r: f"{r['rows']:,} x {r['cols']}")
    print("\n".join(lines))
    pandas = harness.median(runs[("pandas", "current")])
    for side in sides:
        leg = harness.median(runs[("legation", side.name)])
        who = f" ({side.name})" if len(sides) > 1 else ""
        print(
            f"  pandas / legation{who}: {pandas / leg:.1f}x; peacesciencer 1.2.9 reference 5.5 s: "
            f"{5.5 / leg:.1f}x"
        )


if __name__ == "__main__":
    main()
