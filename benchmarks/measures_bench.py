"""Time the composite influence for all directed dyad-years 1946–2015, and the yearly networks.

1. Influence: every channel's decayed stocks, bandwidth, dependence and score, the composite with
   coverage, then spread onto the full directed dyad-year frame 1946–2015 (0 where a channel records
   the patron and the dyad has no stock). Baseline in the same run: the same stocks computed with a
   plain Python loop over dyads (the recurrence S_t = S_{t-1}·δ + f_t), for every channel: the stocks
   alone, without bandwidth, dependence, composite or the dyad-year frame.
2. Networks: the composite influence graph of every year 1946–2015, with strength, eigenvector and
   betweenness centrality and Leiden blocs (labels matched across years).
3. Validation: `legation validate`'s computation (v1 and v2, tests (a)–(d)) with 500 bootstrap draws;
   baseline in the same run: the same with one draw, so the ratio is what the bootstrap costs. With
   ``--baseline`` an older tree's validation runs too (its API, ``validate(led, boot=…)``, is the same).

Each measurement runs in a fresh child process (``benchmarks/children/measures.py``, through
``benchmarks/harness.py``) that reports its wall time and its own peak RSS (VmHWM) in a result file;
the table gives medians of ``--repeat``. ``--baseline SRC_DIR`` also runs every measurement on that
source tree, interleaved ABBA with the current one, and prints current / baseline ratios. Without
``--db`` each side imports ``--data`` into a temp ledger with its own code first.
Targets (issue 5): < 5 s and < 10 s on 2 cores; issue 13: validation with 500 draws < 5 s.

    python benchmarks/measures_bench.py                 # builds a ledger from ../shared/data first
    python benchmarks/measures_bench.py --db ledger.duckdb --repeat 3
    python benchmarks/measures_bench.py --db ledger.duckdb --repeat 3 --baseline /tmp/base-src
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import harness
from harness import Job, Result, Side

JOBS = [
    Job("influence", "composite influence, all directed dyad-years 1946-2015"),
    Job("loop", "baseline: channel stocks alone, plain Python loop"),
    Job("networks", "yearly composite networks 1946-2015: centrality + blocs"),
    Job("validate", "validation v1+v2, (a)-(d), 500 bootstrap draws"),
    Job("validate1", "baseline: the same validation, 1 draw"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=harness.DEFAULT_DATA)
    ap.add_argument(
        "--db", type=Path, help="a ledger with the data imported (default: import into a temp one)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    with tempfile.TemporaryDirectory() as tmp:
        dbs = harness.ledgers(args.db, args.data, sides, Path(tmp))

        def run(job: Job, side: Side) -> Result:
            return harness.run_child("measures", job.kind, [dbs[side.name]], side)

        runs = harness.interleaved(JOBS, sides, args.repeat, run)
    print("\n".join(harness.report(JOBS, sides, runs, args.repeat, counts=lambda r: f"{r['rows']:,} rows")))
    for side in sides:
        loop = harness.median(runs[("loop", side.name)])
        infl = harness.median(runs[("influence", side.name)])
        who = f" ({side.name})" if len(sides) > 1 else ""
        print(f"  composite influence / plain-loop stocks{who}: {infl / loop:.1f}x the time")
        full = harness.median(runs[("validate", side.name)])
        one = harness.median(runs[("validate1", side.name)])
        print(f"  validation, 500 draws / 1 draw{who}: {full / one:.2f}x the time")


if __name__ == "__main__":
    main()
