"""Import every published dataset in a data directory into a fresh ledger; report time and peak memory.

Baseline, measured in the same run: DuckDB loading the same files into plain tables with no mapping,
name resolution or checks (``read_csv_auto``, or ``read_parquet`` of the Parquet copy next to
files DuckDB cannot read raw: XLSX, DTA, SIPRI's latin-1 CSV).
Each measurement runs in a fresh child process (``benchmarks/children/import_all.py``, through
``benchmarks/harness.py``) that reports its wall time, the time and rows per source and its own
peak RSS (VmHWM) in a result file; medians of ``--repeat``. ``--baseline SRC_DIR`` also runs the
legation import on that source tree, interleaved ABBA with the current one: the per-source table
then has a baseline column and the ratio, and the summary prints current / baseline ratios.

    python benchmarks/import_all.py                    # ../shared/data
    python benchmarks/import_all.py --data DIR --repeat 3
    python benchmarks/import_all.py --repeat 3 --baseline /tmp/base-src
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import harness
from harness import Job, Result, Side

JOBS = [
    Job("legation", "legation"),
    Job("duckdb-raw", "duckdb-raw", ab=False),
]


def per_source(results: list[Result]) -> dict[str, tuple[float, int, int]]:
    """Median seconds, and rows written and rejected, per source over the runs of one side."""
    sids = results[0]["per"]
    return {
        sid: (
            float(statistics.median(r["per"][sid][0] for r in results if sid in r["per"])),
            int(sids[sid][1]),
            int(sids[sid][2]),
        )
        for sid in sids
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=harness.DEFAULT_DATA)
    ap.add_argument("--repeat", type=int, default=1)
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    data = args.data.resolve()
    with tempfile.TemporaryDirectory() as tmp:

        def run(job: Job, side: Side) -> Result:
            db = harness.fresh_ledger(Path(tmp), job, side)
            return harness.run_child("import_all", job.kind, [data, db], side)

        runs = harness.interleaved(JOBS, sides, args.repeat, run)
    cur = per_source(runs[("legation", "current")])
    base = per_source(runs[("legation", "baseline")]) if len(sides) > 1 else {}
    head = f"{'source':28s} {'seconds':>8s} {'rows written':>14s} {'rejected':>10s}"
    print(head + (f" {'baseline s':>10s} {'cur/base':>8s}" if base else ""))
    for sid, (secs, rows, rejected) in sorted(cur.items(), key=lambda kv: -kv[1][0]):
        line = f"{sid:28s} {secs:8.2f} {rows:14,d} {rejected:10,d}"
        if base:
            b = base.get(sid, (float("nan"), 0, 0))[0]
            line += f" {b:10.2f} {harness.ratio(secs, b):7.2f}x"
        print(line)
    print(f"\nwhole import of {data} ({len(cur)} sources)")
    print("\n".join(harness.report(JOBS, sides, runs, args.repeat, width=11)))
    raw = harness.median(runs[("duckdb-raw", "current")])
    for side in sides:
        leg = harness.median(runs[("legation", side.name)])
        who = f" ({side.name})" if len(sides) > 1 else ""
        print(f"  legation / raw DuckDB load{who}: {leg / raw:.1f}x the time")


if __name__ == "__main__":
    main()
