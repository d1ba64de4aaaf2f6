"""Event study: does the target move towards a patron after the patron's influence on it jumps?

An **event** is a one-year rise of the index at least the 98th percentile of positive one-year rises
over the training years (the top 2%). Each event (patron i, target j, year t) is compared with its
**controls**: the 5 targets of the same patron, same year, with no jump from t−5 to t+5, nearest on
the mean excess agreement over t−3…t−1. Per event:

- **after** = [mean excess over t+1…t+5 − mean over t−3…t−1] of the event minus that of its controls;
- **pre-trend** = [mean over t−3…t−1 − mean over t−5, t−4] of the event minus that of its controls
  (≈ 0 when event and controls were on the same path before the jump).
"""

from __future__ import annotations

import numpy as np
import polars as pl

KEYS = ["patron", "target"]
CONTROLS = 5
TOP_SHARE = 0.02


def around(frame: pl.DataFrame) -> pl.DataFrame:
    """``patron, target, year, before, after, pre``: mean excess over years −3…−1, +1…+5 and −5, −4
    around each dyad-year of ``frame`` (``patron, target, year, excess``), where each is known."""
    ex = frame.select(*KEYS, "year", "excess").drop_nulls()
    parts = {
        k: ex.select(*KEYS, (pl.col("year") - k).alias("year"), pl.col("excess").alias(f"_{k}"))
        for k in (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
    }
    out = ex.select(*KEYS, "year")
    for p in parts.values():
        out = out.join(p, on=[*KEYS, "year"], how="left")

    def mean(ks: tuple[int, ...]) -> pl.Expr:
        return pl.mean_horizontal(pl.col(f"_{k}") for k in ks)

    return out.select(
        *KEYS,
        "year",
        mean((-3, -2, -1)).alias("before"),
        mean((1, 2, 3, 4, 5)).alias("after"),
        mean((-5, -4)).alias("pre"),
    ).drop_nulls()


def threshold(change: pl.DataFrame, train: tuple[int, int]) -> float:
    """The top-2% cut of positive one-year changes (``delta``) over the training years."""
    pos = change.filter(pl.col("year").is_between(*train) & (pl.col("delta") > 1e-12))["delta"]
    return float(pos.quantile(1 - TOP_SHARE, "higher")) if pos.len() else float("inf")  # type: ignore[arg-type]


def events(ctx: pl.DataFrame, change: pl.DataFrame, cut: float, years: tuple[int, int]) -> pl.DataFrame:
    """``patron, target, year, after, pretrend``: each event in ``years`` against its controls.
    ``ctx`` comes from `around`; ``change`` holds ``patron, target, year, delta`` (one-year change)."""
    jumped = change.filter(pl.col("delta") >= cut).select(*KEYS, "year")
    near = jumped.with_columns(pl.int_ranges(pl.col("year") - 5, pl.col("year") + 6).alias("_y")).explode(
        "_y"
    )
    near = near.select(*KEYS, pl.col("_y").cast(pl.Int32).alias("year")).unique()
    d = ctx.filter(pl.col("year").is_between(*years)).with_columns(
        (pl.col("after") - pl.col("before")).alias("gain"), (pl.col("before") - pl.col("pre")).alias("trend")
    )
    treated = d.join(jumped, on=[*KEYS, "year"], how="semi")
    pool = d.join(near.with_columns(pl.col("year").cast(d["year"].dtype)), on=[*KEYS, "year"], how="anti")
    rows = []
    pools = pool.partition_by("patron", "year", as_dict=True)
    for ev in treated.iter_rows(named=True):
        p = pools.get((ev["patron"], ev["year"]))
        if p is None or p.height == 0:
            continue
        dist = np.abs(p["before"].to_numpy() - ev["before"])
        pick = np.argsort(dist, kind="stable")[:CONTROLS]
        rows.append(
            {
                "patron": ev["patron"],
                "target": ev["target"],
                "year": ev["year"],
                "after": ev["gain"] - float(p["gain"].to_numpy()[pick].mean()),
                "pretrend": ev["trend"] - float(p["trend"].to_numpy()[pick].mean()),
            }
        )
    schema = {
        "patron": pl.Int32,
        "target": pl.Int32,
        "year": pl.Int32,
        "after": pl.Float64,
        "pretrend": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)
