"""Import N synthetic engagements from Parquet into a fresh ledger; print rows/s and peak memory.

Baseline, measured in the same run: DuckDB inserting the same Parquet file into a table with no
validation, name resolution or ids at all (the floor any importer on DuckDB stands on). Each
measurement runs in a fresh child process so its peak RSS is its own.

    python benchmarks/import_bench.py            # 1,000,000 rows
    python benchmarks/import_bench.py --rows 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from legation.instruments import INSTRUMENTS
from legation.states import resolve

NAMES = [
    "United States",
    "Russia",
    "China",
    "United Kingdom",
    "France",
    "Germany",
    "Japan",
    "India",
    "Australia",
    "Philippines",
    "Israel",
    "Egypt",
    "Iran",
    "Saudi Arabia",
    "Turkey",
    "Poland",
    "Ukraine",
    "Pakistan",
    "Kenya",
    "Nigeria",
    "Ethiopia",
    "Bangladesh",
    "Rwanda",
    "Vietnam",
    "Indonesia",
    "South Korea",
    "Brazil",
    "Canada",
    "Italy",
    "Spain",
    "NATO",
    "ASEAN",
    "USA",
    "iso3:DEU",
    "710",
    "365",
    "Korea, South",
    "Côte d'Ivoire",
    "Yemen",
    "Qatar",
]

CANON = np.array([str(resolve(n, date(2010, 1, 1))) for n in NAMES])


def synthetic(rows: int, seed: int = 1) -> pl.DataFrame:
    """Valid engagements spread over 2000–2024, names in the mix of forms users write."""
    rng = np.random.default_rng(seed)
    inst = list(INSTRUMENTS)
    i = rng.integers(0, len(inst), rows)
    units = np.array([INSTRUMENTS[n].default_unit.value for n in inst])[i]
    actor = rng.integers(0, len(NAMES), rows)
    partner = (actor + rng.integers(1, len(NAMES), rows)) % len(NAMES)
    same = CANON[actor] == CANON[partner]
    partner[same] = np.where(CANON[actor[same]] == CANON[0], 1, 0)
    days = rng.integers(0, 25 * 365, rows)
    start = pl.Series(np.datetime64("2000-01-01") + days.astype("timedelta64[D]")).dt.strftime("%Y-%m-%d")
    names = np.array(NAMES)
    return pl.DataFrame(
        {
            "id": [f"b{k:08d}" for k in range(rows)],
            "instrument": np.array(inst)[i],
            "actor": names[actor],
            "partner": names[partner],
            "start": start,
            "magnitude": rng.gamma(2.0, 50.0, rows).round(1),
            "unit": units,
            "polarity": np.where(rng.random(rows) < 0.05, -1, 1),
            "confidence": rng.random(rows).round(2),
            "source": "legation-sample",
            "note": "synthetic",
        }
    )


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
t0 = time.perf_counter()
if kind == "legation":
    from legation.ledger import Ledger, import_file
    with Ledger(db) as led:
        t0 = time.perf_counter()
        n = import_file(led, data).rows_written
else:
    import duckdb
    con = duckdb.connect(db)
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{data}')")
    n = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
secs = time.perf_counter() - t0
print(json.dumps({"rows": n, "seconds": secs,
                  "peak_mb": peak_mb()}))
"""


def run(kind: str, data: Path, db: Path) -> dict:
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(data), str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "engagements.parquet"
        synthetic(args.rows).write_parquet(data)
        results: dict[str, list[dict]] = {"legation": [], "duckdb-raw": []}
        for _ in range(args.repeat):
            for kind in results:
                results[kind].append(run(kind, data, Path(tmp) / f"{kind}.duckdb"))
    print(f"import of {args.rows:,} engagements from Parquet, {args.repeat} runs, median:")
    med = {}
    for kind, runs in results.items():
        secs = float(np.median([r["seconds"] for r in runs]))
        peak = max(r["peak_mb"] for r in runs)
        med[kind] = secs
        print(f"  {kind:11s} {secs:6.2f} s  {args.rows / secs:>12,.0f} rows/s  peak {peak:,.0f} MB")
    print(f"  legation / raw DuckDB insert: {med['legation'] / med['duckdb-raw']:.1f}x the time")


if __name__ == "__main__":
    main()
