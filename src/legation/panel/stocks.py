"""The stock primitive: yearly flows accumulated with decay, which every channel's measures share."""

from __future__ import annotations

import polars as pl


def decayed(flows: pl.DataFrame, half_life: float, first: int, last: int, keys: list[str]) -> pl.DataFrame:
    """Each key's stock S_t = S_{t-1}·2^(-1/half_life) + v_t, for every year from ``first`` to ``last``
    after its first flow (flows before ``first`` count, decayed). ``flows`` holds ``keys``, ``year``
    and the flow ``v``; the result adds ``stock``."""
    if flows.height == 0:
        return flows.with_columns(pl.lit(0.0).alias("stock")).clear()
    delta = 0.5 ** (1 / half_life)
    start = flows.group_by(keys).agg(pl.col("year").min().alias("_y0"))
    grid = start.with_columns(pl.int_ranges("_y0", last + 1).alias("year")).explode("year").drop("_y0")
    g = grid.join(flows.with_columns(pl.col("year").cast(pl.Int64)), on=[*keys, "year"], how="left")
    g = g.with_columns(pl.col("v").fill_null(0.0)).sort([*keys, "year"])
    # S_t = delta^t * cumsum(flow_k * delta^-k), with t counted from each key's first year
    t = pl.col("year") - pl.col("year").min().over(keys)
    g = g.with_columns((pl.col("v") * pl.lit(delta) ** (-t)).cum_sum().over(keys).alias("_c"), t.alias("_t"))
    g = g.with_columns((pl.col("_c") * pl.lit(delta) ** pl.col("_t")).alias("stock"))
    return g.filter(pl.col("year") >= first).drop("_c", "_t")
