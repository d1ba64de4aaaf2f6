"""Import every published dataset in a data directory into a fresh ledger; report time and peak memory.

Baseline, measured in the same run: DuckDB loading the same files into plain tables with no mapping,
name resolution or checks (``read_csv_auto``, or ``read_parquet`` of the Parquet copy next to
files DuckDB cannot read raw: XLSX, DTA, SIPRI's latin-1 CSV).
Each measurement runs in a fresh child process and reports its own peak RSS (VmHWM).

    python benchmarks/import_all.py                    # ../shared/data
    python benchmarks/import_all.py --data DIR --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

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


kind, data, db = sys.argv[1:4]
from pathlib import Path
from legation.ledger.importers import importers, run
from legation.ledger import Ledger
found = [(imp, imp.find(Path(data))) for imp in importers()]
found = [(imp, files) for imp, files in found if files is not None]
per = {}
t0 = time.perf_counter()
if kind == "legation":
    with Ledger(db) as led:
        t0 = time.perf_counter()
        for imp, files in found:
            t = time.perf_counter()
            r = run(led, imp, files)
            per[imp.source.id] = [time.perf_counter() - t, sum(r.written.values()), r.rows_rejected]
else:
    import duckdb
    con = duckdb.connect(db)
    t0 = time.perf_counter()
    for i, (imp, files) in enumerate(found):
        t = time.perf_counter()
        n = 0
        for j, f in enumerate(files):
            twin = f.with_suffix(".parquet")
            if f.suffix.lower() == ".csv":
                try:
                    con.execute(f"CREATE TABLE t{i}_{j} AS SELECT * FROM read_csv_auto('{f}')")
                except duckdb.Error:  # a producer's CSV DuckDB cannot parse raw: load the Parquet copy
                    if not twin.is_file():
                        continue
                    con.execute(f"CREATE TABLE t{i}_{j} AS SELECT * FROM read_parquet('{twin}')")
            elif f.suffix.lower() == ".parquet" or twin.is_file():
                con.execute(f"CREATE TABLE t{i}_{j} AS SELECT * FROM read_parquet('{twin}')")
            else:
                continue
            n += con.execute(f"SELECT count(*) FROM t{i}_{j}").fetchall()[0][0]
        per[imp.source.id] = [time.perf_counter() - t, n, 0]
    con.close()
secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "per": per,
                  "peak_mb": peak_mb()}))
"""


def run(kind: str, data: Path, db: Path) -> dict:
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(data), str(db)], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.exit(f"{kind} run failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("LEGATION_SHARED_DATA", ROOT.parent / "shared" / "data"))
    ap.add_argument("--data", type=Path, default=default)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    results: dict[str, list[dict]] = {"legation": [], "duckdb-raw": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for kind in results:
                results[kind].append(run(kind, args.data, Path(tmp) / f"{kind}.duckdb"))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in results.items()}
    leg = best["legation"]
    print(f"{'source':28s} {'seconds':>8s} {'rows written':>14s} {'rejected':>10s}")
    for sid, (secs, rows, rejected) in sorted(leg["per"].items(), key=lambda kv: -kv[1][0]):
        print(f"{sid:28s} {secs:8.2f} {rows:14,d} {rejected:10,d}")
    print(f"\nwhole import of {args.data} ({len(leg['per'])} sources, best of {args.repeat}):")
    for kind, r in best.items():
        print(f"  {kind:11s} {r['seconds']:7.1f} s   peak {r['peak_mb']:,.0f} MB")
    print(f"  legation / raw DuckDB load: {leg['seconds'] / best['duckdb-raw']['seconds']:.1f}x the time")


if __name__ == "__main__":
    main()
