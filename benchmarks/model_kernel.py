"""Time the simulation kernel: 1,000 draws × 5 patrons × 195 targets × 30 years, against a memory pass.

The kernel (`legation.model.kernel`, every channel's input active, 200 bootstrap rows of parameters)
runs in a fresh child process that reports its wall time and its own peak RSS; the baseline in the
same run is one streaming pass (read + write) of float32 arrays of the output's size, which gives the
machine's memory bandwidth. Two rooflines at that bandwidth: the **bytes touched** by the kernel's
array passes (`TOUCHED` per value: 3 passes of 8 bytes for the mean reversion, 16 per active channel,
10 for the shocks' random bytes and gathers, 4 × 12 for scaling and adding them and the output: 162
with the 5 channels; the blocks are cache-sized, so this is traffic through the caches) and the
**compulsory** traffic (writing the output once, 4 bytes per value). Targets (issue 14): < 1 s on
2 cores, < 1 GB, within 3x of the roofline.

    python benchmarks/model_kernel.py --repeat 3
"""

from __future__ import annotations

import argparse

import harness
from harness import Job, Result, Side

SHAPE = ("1000", "975", "30")
TOUCHED = 3 * 8 + 5 * 16 + 10 + 4 * 12
"""Bytes each simulated value moves through the kernel's array passes (see the module docstring)."""
MB = str(1000 * 975 * 30 * 4 / 1e6)
JOBS = [
    Job("kernel", "kernel: 1,000 draws x 975 pairs x 30 years"),
    Job("bandwidth", f"baseline: streaming copy of {float(MB):.0f} MB, x5", ab=False),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)

    def run(job: Job, side: Side) -> Result:
        return harness.run_child("model", job.kind, SHAPE if job.kind == "kernel" else [MB], side)

    runs = harness.interleaved(JOBS, sides, args.repeat, run)
    print("\n".join(harness.report(JOBS, sides, runs, args.repeat)))
    bw = harness.median([{"seconds": r["bytes"] / r["seconds"]} for r in runs[("bandwidth", "current")]])
    for side in sides:
        rs = runs[("kernel", side.name)]
        secs = harness.median(rs)
        out, touched = rs[0]["output_bytes"], rs[0]["values"] * TOUCHED
        rate = rs[0]["values"] / secs / 1e6
        print(f"  kernel ({side.name}): {rate:.0f} M values/s; bandwidth {bw / 1e9:.1f} GB/s")
        for what, b in (("bytes touched", touched), ("compulsory (output)", out)):
            print(f"    {what} {b / 1e9:.2f} GB: roofline {b / bw:.3f} s, kernel {secs * bw / b:.1f}x")


if __name__ == "__main__":
    main()
