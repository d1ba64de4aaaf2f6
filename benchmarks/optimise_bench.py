"""Time the optimiser on partners × 14 instruments × scenario draws, against the naive cvxpy model.

Every measurement solves "maximise the expected alignment gain subject to the budget and a binding
CVaR95 limit" on the same synthetic instance (seeded; `children/optimise.py` says how it is drawn):

- ``ours``: legation's programme (tangent cuts for the concave gain, CVaR cuts over every draw,
  HiGHS), 3 years, end to end from the draws to the scored solution;
- ``ours1``: the same on 1 year, the baseline's problem exactly;
- ``naive`` (the in-run baseline): one concave gain per scenario and ``cp.cvar`` over all draws,
  Clarabel, 1 year — the field notes measured 42 s for 150 × 14 × 1,000 on 2 cores;
- ``frontier``: the 20-point efficient frontier.

Each runs in a fresh child process reporting its wall time and peak RSS. Targets (issue 15):
195 × 14 × 1,000 < 10 s end to end; the frontier < 60 s. The machine may be shared: say so next to
any figure.

    python benchmarks/optimise_bench.py                       # the issue's sizes
    python benchmarks/optimise_bench.py --quick               # 50 × 14 × 200 only
"""

from __future__ import annotations

import argparse

import harness
from harness import Job, Result, Side


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="50 partners, 200 draws")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive baseline (minutes)")
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    sizes = [(50, 200)] if args.quick else [(150, 1000), (195, 1000), (195, 2000)]
    jobs: list[tuple[Job, tuple[int, int]]] = []
    for p, s in sizes:
        jobs.append((Job(f"ours:{p}:{s}", f"ours, {p} x 14 x {s}, 3 years"), (p, s)))
        jobs.append((Job(f"ours1:{p}:{s}", f"ours, {p} x 14 x {s}, 1 year"), (p, s)))
    naive_sizes = [] if args.no_naive else ([(50, 200)] if args.quick else [(50, 200), (150, 1000)])
    for p, s in naive_sizes:
        if (p, s) not in sizes:  # its in-run comparison
            jobs.append((Job(f"ours1:{p}:{s}", f"ours, {p} x 14 x {s}, 1 year"), (p, s)))
        jobs.append((Job(f"naive:{p}:{s}", f"naive cvxpy, {p} x 14 x {s}, 1 year"), (p, s)))
    fsize = (50, 200) if args.quick else (195, 1000)
    jobs.append(
        (Job(f"frontier:{fsize[0]}:{fsize[1]}", f"frontier, 20 points, {fsize[0]} x 14 x {fsize[1]}"), fsize)
    )
    size = {job.kind: ps for job, ps in jobs}

    def run(job: Job, side: Side) -> Result:
        kind = job.kind.split(":")[0]
        p, s = size[job.kind]
        return harness.run_child("optimise", kind, [p, s], side, timeout=900)

    plain = [job for job, _ in jobs]
    runs = harness.interleaved(plain, sides, args.repeat, run)
    print("\n".join(harness.report(plain, sides, runs, args.repeat, counts=_counts)))
    for side in sides:
        for p, s in naive_sizes:
            n = harness.median(runs[(f"naive:{p}:{s}", side.name)])
            o = harness.median(runs[(f"ours1:{p}:{s}", side.name)])
            print(f"  naive / ours at {p} x 14 x {s} (1 year): {n / o:.1f}x the time")


def _counts(r: Result) -> str:
    if "points" in r:
        return f"{r['points']} points, gain {r['gain_lo']:.3f}..{r['gain_hi']:.3f}"
    if r.get("status") == "solver failed":
        return f"Clarabel failed (limit {r['limit']:.4f})"
    extra = f", {r['cuts']} cuts" if "cuts" in r else ""
    return f"gain {r['expected_gain']:.4f}, CVaR {r['cvar']:.4f} (limit {r['limit']:.4f}){extra}"


if __name__ == "__main__":
    main()
