"""The same dynamics as a Mesa agent-based model and as the vectorised kernel, on one ensemble.

Mesa (benchmark-only dependency): one agent per target state holding its pairs' levels, stepping them
in Python each year, one model per draw; the kernel: `legation.model.kernel.run`. Both in fresh
child processes, side by side in one run; the ratio is Mesa / kernel time for the same ensemble, and
the means and standard deviations of the draws are printed so the two can be compared (their
statistical equality is tested on a small case in tests/test_model_mesa.py). Target: >= 100x.

    python benchmarks/model_mesa.py --draws 20 --repeat 3
"""

from __future__ import annotations

import argparse

import harness
from harness import Job, Result, Side

JOBS = [
    Job("mesa", "Mesa model (agents = target states)", ab=False),
    Job("numpy", "legation kernel (numpy, vectorised)"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=20)
    ap.add_argument("--pairs", type=int, default=975)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    shape = [args.draws, args.pairs, args.years]

    def run(job: Job, side: Side) -> Result:
        return harness.run_child("model", job.kind, shape, side)

    runs = harness.interleaved(JOBS, sides, args.repeat, run)
    print(f"ensemble: {args.draws} draws x {args.pairs} pairs x {args.years} years")
    print("\n".join(harness.report(JOBS, sides, runs, args.repeat)))
    mesa = harness.median(runs[("mesa", "current")])
    for side in sides:
        kern = harness.median(runs[("numpy", side.name)])
        print(f"  Mesa / kernel ({side.name}): {mesa / kern:,.0f}x the time")
    for job in JOBS:
        r = runs[(job.kind, "current")][0]
        print(f"  {job.kind}: mean {r['mean']:+.4f}, sd {r['sd']:.4f} over {r['values']:,} values")


if __name__ == "__main__":
    main()
