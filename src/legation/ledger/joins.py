"""DuckDB joins over in-memory frames, for the panel builder: SQL stays inside `legation.ledger`.

DuckDB runs these two joins in a fraction of the memory polars takes on million-row panels.
"""

from __future__ import annotations

import duckdb
import polars as pl

from legation.ledger.store import Ledger


def coexisting_pairs(led: Ledger, spells: pl.DataFrame, directed: bool) -> pl.DataFrame:
    """``c1, c2, year``: pairs of states in the system at the same time in a year, from state-year
    spells ``code, year, a, b`` (first and last day in the system that year); each pair once
    (``c1 < c2``) unless ``directed``."""
    keep = "x.code <> y.code" if directed else "x.code < y.code"
    distinct = "DISTINCT" if spells.select("code", "year").is_duplicated().any() else ""  # two spells a year
    led.con.register("_sy", spells.to_arrow())
    try:
        rel = led.con.sql(
            f"SELECT {distinct} x.code AS c1, y.code AS c2, x.year FROM _sy x JOIN _sy y ON x.year = y.year "
            f"AND {keep} AND greatest(x.a, y.a) <= least(x.b, y.b)"
        )
        pairs = pl.from_arrow(rel.to_arrow_table())
        assert isinstance(pairs, pl.DataFrame)
        return pairs
    finally:
        led.con.unregister("_sy")


def row_matches(keys: pl.Series, right: pl.DataFrame) -> pl.DataFrame:
    """``_i`` (the position in ``keys``) and the value columns of each row of ``right`` (a ``_k`` key
    column plus values) whose key is in ``keys``."""
    left = keys.alias("_k").to_frame().with_row_index("_i")
    con = duckdb.connect()
    try:
        con.register("_l", left.to_arrow())
        con.register("_r", right.to_arrow())
        hits = pl.from_arrow(
            con.sql("SELECT _l._i, _r.* EXCLUDE (_k) FROM _r JOIN _l USING (_k)").to_arrow_table()
        )
    finally:
        con.close()
    assert isinstance(hits, pl.DataFrame)
    return hits
