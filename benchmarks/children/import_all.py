"""Child of ``import_all.py``: ``python -m children.import_all RESULT.json KIND DATA DB``.

Kinds: ``legation`` (every importer that finds its files in DATA, run into a fresh ledger, as
``legation data import-dir``), ``duckdb-raw`` (DuckDB loading the same files into plain tables:
``read_csv_auto``, or ``read_parquet`` of the Parquet copy next to files DuckDB cannot read raw).
Both report seconds, rows and rejected rows per source under ``per``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness import Clock, child_main


# the only calls into legation: adapt here if the public API changes
def _found(data: Path) -> list[tuple[Any, list[Path]]]:
    """(importer, its files) for every importer that finds files in ``data``."""
    from legation.ledger.importers import importers

    found = [(imp, imp.find(data)) for imp in importers()]
    return [(imp, files) for imp, files in found if files is not None]


def _source_id(imp: Any) -> str:
    return str(imp.source.id)


def _ledger(db: str) -> Any:
    from legation.ledger import Ledger

    return Ledger(db)


def _run(led: Any, imp: Any, files: list[Path]) -> tuple[int, int]:
    """(rows written, rows rejected)."""
    from legation.ledger.importers import run

    r = run(led, imp, files)
    return sum(r.written.values()), r.rows_rejected


def legation(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import time

    data, db = Path(args[0]), args[1]
    found = _found(data)
    per: dict[str, list[float]] = {}
    with _ledger(db) as led:
        clock.start()
        for imp, files in found:
            t = time.perf_counter()
            written, rejected = _run(led, imp, files)
            per[_source_id(imp)] = [time.perf_counter() - t, written, rejected]
    return {"per": per}


def duckdb_raw(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import time

    import duckdb

    data, db = Path(args[0]), args[1]
    found = _found(data)
    per: dict[str, list[float]] = {}
    con = duckdb.connect(db)
    clock.start()
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
            row = con.execute(f"SELECT count(*) FROM t{i}_{j}").fetchone()
            n += int(row[0]) if row else 0
        per[_source_id(imp)] = [time.perf_counter() - t, n, 0]
    con.close()
    return {"per": per}


if __name__ == "__main__":
    child_main({"legation": legation, "duckdb-raw": duckdb_raw})
