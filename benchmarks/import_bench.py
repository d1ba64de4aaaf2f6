"""Import N synthetic engagements from Parquet into a fresh ledger; print rows/s and peak memory.

Baseline, measured in the same run: DuckDB inserting the same Parquet file into a table with no
validation, name resolution or ids at all (the floor any importer on DuckDB stands on). Each
measurement runs in a fresh child process (``benchmarks/children/imports.py``, through
``benchmarks/harness.py``) that reports its wall time and its own peak RSS (VmHWM) in a result file,
never on stdout (DuckDB prints a progress bar there for statements over 2 s); medians of ``--repeat``.
``--baseline SRC_DIR`` also runs the legation import on that source tree, interleaved ABBA with the
current one, and prints current / baseline ratios. The synthetic input is written once (by the
baseline's code when there is one) and both sides import the same file.

    python benchmarks/import_bench.py            # 1,000,000 rows
    python benchmarks/import_bench.py --rows 100000 --repeat 3
    python benchmarks/import_bench.py --repeat 3 --baseline /tmp/base-src
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import harness
from harness import Job, Result, Side

JOBS = [
    Job("legation", "legation"),
    Job("duckdb-raw", "duckdb-raw", ab=False),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "engagements.parquet"
        harness.run_child("imports", "synthetic", [args.rows, data], sides[0])

        def run(job: Job, side: Side) -> Result:
            db = harness.fresh_ledger(Path(tmp), job, side)
            return harness.run_child("imports", job.kind, [data, db], side)

        runs = harness.interleaved(JOBS, sides, args.repeat, run)
    print(f"import of {args.rows:,} engagements from Parquet")
    lines = harness.report(
        JOBS, sides, runs, args.repeat, width=11, unit=lambda secs, r: f"  {r['rows'] / secs:>12,.0f} rows/s"
    )
    print("\n".join(lines))
    raw = harness.median(runs[("duckdb-raw", "current")])
    for side in sides:
        leg = harness.median(runs[("legation", side.name)])
        who = f" ({side.name})" if len(sides) > 1 else ""
        print(f"  legation / raw DuckDB insert{who}: {leg / raw:.1f}x the time")


if __name__ == "__main__":
    main()
