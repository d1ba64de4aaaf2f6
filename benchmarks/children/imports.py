"""Child of ``import_bench.py``: ``python -m children.imports RESULT.json KIND ARG...``.

Kinds: ``synthetic ROWS OUT.parquet`` (writes the input: valid engagements 2000–2024, names in the mix
of forms users write), ``legation PARQUET DB`` (``legation.ledger.import_file`` into a fresh ledger),
``duckdb-raw PARQUET DB`` (DuckDB's ``CREATE TABLE AS SELECT * FROM read_parquet``, no validation,
name resolution or ids: the floor any importer on DuckDB stands on; does not import legation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from harness import Clock, child_main

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


# the only calls into legation: adapt here if the public API changes
def _instruments() -> dict[str, str]:
    """Instrument name -> its default unit."""
    from legation.instruments import INSTRUMENTS

    return {name: spec.default_unit.value for name, spec in INSTRUMENTS.items()}


def _canonical(name: str) -> str:
    from legation.states import resolve

    return str(resolve(name, date(2010, 1, 1)))


def _ledger(db: str) -> Any:
    from legation.ledger import Ledger

    return Ledger(db)


def _import_file(led: Any, data: str) -> int:
    from legation.ledger import import_file

    return int(import_file(led, data).rows_written)


def synthetic(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import numpy as np
    import polars as pl

    rows, out, seed = int(args[0]), args[1], 1
    canon = np.array([_canonical(n) for n in NAMES])
    units_of = _instruments()
    rng = np.random.default_rng(seed)
    inst = list(units_of)
    i = rng.integers(0, len(inst), rows)
    units = np.array([units_of[n] for n in inst])[i]
    actor = rng.integers(0, len(NAMES), rows)
    partner = (actor + rng.integers(1, len(NAMES), rows)) % len(NAMES)
    same = canon[actor] == canon[partner]
    partner[same] = np.where(canon[actor[same]] == canon[0], 1, 0)
    days = rng.integers(0, 25 * 365, rows)
    start = pl.Series(np.datetime64("2000-01-01") + days.astype("timedelta64[D]")).dt.strftime("%Y-%m-%d")
    names = np.array(NAMES)
    pl.DataFrame(
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
    ).write_parquet(out)
    return {"rows": rows}


def legation(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    data, db = args
    with _ledger(db) as led:  # opening (and creating) the ledger is outside the clock; closing inside
        clock.start()
        n = _import_file(led, data)
    return {"rows": n}


def duckdb_raw(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import duckdb

    data, db = args
    con = duckdb.connect(db)
    clock.start()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{data}')")
    row = con.execute("SELECT count(*) FROM t").fetchone()
    con.close()
    return {"rows": int(row[0]) if row else 0}


if __name__ == "__main__":
    child_main({"synthetic": synthetic, "legation": legation, "duckdb-raw": duckdb_raw})
