"""The risk probabilities of a simulation's summary, one row per risk, pair and year."""

from __future__ import annotations

import polars as pl


def probabilities(summary: pl.DataFrame, year: int | None = None) -> pl.DataFrame:
    """``risk, patron, target, year, baseline, scenario, difference`` in ``year`` (default the last):
    the yearly probability of each risk's event in both arms (the mean of its 0/1 draws) and the change
    the scenario makes to it; empty when the run drew no risk."""
    s = summary.filter(pl.col("metric").str.starts_with("risk:"))
    cols = ["risk", "patron", "target", "year", "baseline", "scenario", "difference"]
    if s.height == 0:
        return pl.DataFrame(schema={c: pl.String if c == "risk" else pl.Float64 for c in cols})
    y = year if year is not None else s["year"].max()
    s = s.filter(pl.col("year") == y).with_columns(pl.col("metric").str.strip_prefix("risk:").alias("risk"))
    wide = s.pivot("arm", index=["risk", "patron", "target", "year"], values="mean")
    return wide.select(cols).sort("risk", "patron", "target")
