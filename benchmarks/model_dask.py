"""A sweep of scenarios on a 2-worker dask LocalCluster against the local executor: the overhead.

200 scenarios x 1,000 draws (2 pairs x 10 years each, both arms and their difference as tidy rows)
through `legation.model.executor.run_plans` with one Parquet file per batch (a sweep's mode: workers
write their own batches, nothing large travels back), in this process and on a LocalCluster of 2
single-thread worker processes (start-up not timed; workers import legation first). Both return the same rows
(checked by a checksum). Target (issue 14): overhead < 20 %. On a 2-core machine the workers share
the cores with the scheduler and the client, so the ratio is the cost of distribution, not a speed-up.

    python benchmarks/model_dask.py --repeat 3
"""

from __future__ import annotations

import argparse

import harness
from harness import Job, Result, Side

JOBS = [
    Job("sweep-local", "sweep, local executor (this process)"),
    Job("sweep-dask", "sweep, dask LocalCluster, 2 workers"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=200)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)

    def run(job: Job, side: Side) -> Result:
        return harness.run_child("model", job.kind, [args.scenarios, args.draws], side)

    runs = harness.interleaved(JOBS, sides, args.repeat, run)
    print(
        "\n".join(
            harness.report(
                JOBS, sides, runs, args.repeat, counts=lambda r: f"{r['rows']:,} rows, {r['batches']} batches"
            )
        )
    )
    for side in sides:
        local = harness.median(runs[("sweep-local", side.name)])
        dask = harness.median(runs[("sweep-dask", side.name)])
        same = {r["checksum"] for k in ("sweep-local", "sweep-dask") for r in runs[(k, side.name)]}
        print(
            f"  dask / local ({side.name}): {dask / local:.2f}x the time; identical results: {len(same) == 1}"
        )


if __name__ == "__main__":
    main()
