"""Time briefs on the full data: one country brief to PDF, its HTML alone, 30 country briefs, a dyad.

1. ``pdf``: India's country brief from opening the ledger to the PDF bytes, imports included — what
   `legation report country IND --out ind.pdf` costs. Baseline in the same run: ``html``, the same
   brief to HTML only, so the ratio is what weasyprint adds.
2. ``batch``: 30 country briefs (states alive in 2010, spread over the code list) to PDF as
   `legation report country --all-of GROUP` writes them: one worker process per core, each with one
   shared context (CPU counts the workers; peak memory is the parent's, and each worker holds about
   as much as ``pdf``); ``batch1``, the same in one process, gives a whole batch's peak memory.
3. ``dyad``: the USA–Philippines brief to PDF.

Each measurement runs in a fresh child process (``benchmarks/children/report.py``, through
``benchmarks/harness.py``) that reports its wall time and its own peak RSS (VmHWM). Targets (issue
17): a country brief < 3 s, 30 briefs < 60 s, peak < 1 GB, on 2 cores. ``--baseline SRC_DIR`` runs
every measurement on that tree too, interleaved ABBA. Without ``--db`` each side imports ``--data``
into a temp ledger first.

    python benchmarks/report_bench.py --db ledger.duckdb --repeat 3
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import harness
from harness import Job, Result, Side

JOBS = [
    Job("pdf", "country brief (India) to PDF, imports included"),
    Job("html", "baseline: the same brief to HTML only"),
    Job("batch", "30 country briefs to PDF, a worker per core"),
    Job("batch1", "the same 30 briefs in one process (the default)"),
    Job("dyad", "dyad brief (USA-Philippines) to PDF"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=harness.DEFAULT_DATA)
    ap.add_argument(
        "--db", type=Path, help="a ledger with the data imported (default: import into a temp one)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--briefs", type=int, default=30, help="briefs in the batch")
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    with tempfile.TemporaryDirectory() as tmp:
        dbs = harness.ledgers(args.db, args.data, sides, Path(tmp))

        def run(job: Job, side: Side) -> Result:
            extra = [str(args.briefs)] if job.kind.startswith("batch") else []
            return harness.run_child("report", job.kind, [dbs[side.name], *extra], side, timeout=900)

        runs = harness.interleaved(JOBS, sides, args.repeat, run)
    print(
        "\n".join(
            harness.report(
                JOBS,
                sides,
                runs,
                args.repeat,
                counts=lambda r: f"{r['briefs']} brief(s), CPU {r['cpu_s']:.1f} s",
            )
        )
    )
    for side in sides:
        who = f" ({side.name})" if len(sides) > 1 else ""
        pdf, html = harness.median(runs[("pdf", side.name)]), harness.median(runs[("html", side.name)])
        batch = harness.median(runs[("batch", side.name)])
        print(
            f"  PDF / HTML{who}: {pdf / html:.2f}x the time; batch per brief{who}: "
            f"{batch / args.briefs:.2f} s"
        )


if __name__ == "__main__":
    main()
