"""Summaries of simulated draws: means, quantiles and event probabilities per arm, pair and year.

The headline is the ``difference`` arm: scenario − baseline per draw under common random numbers,
the effect a policy has *in the model*, with its interval (from the parameters' uncertainty). It is
no causal claim beyond what the backtest supports: see docs/model.md.
"""

from __future__ import annotations

import polars as pl

QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
"""The quantiles every summary reports (q05 … q95): the fan chart's bands."""


def summarise(draws: pl.DataFrame) -> pl.DataFrame:
    """``[scenario,] arm, patron, target, year, metric, draws, mean, sd, q05 … q95`` from tidy draws (a metric
    whose values are 0/1 events reads its mean as the event's probability)."""
    keys = [k for k in ("scenario", "arm", "patron", "target", "year", "metric") if k in draws.columns]
    return (
        draws.group_by(keys)
        .agg(
            pl.len().alias("draws"),
            pl.col("value").mean().alias("mean"),
            pl.col("value").std().alias("sd"),
            *[pl.col("value").quantile(q, "linear").alias(f"q{round(q * 100):02d}") for q in QUANTILES],
        )
        .with_columns(pl.col("arm", "metric").cast(pl.String))
        .sort(keys)
    )


def headline(summary: pl.DataFrame, year: int | None = None) -> pl.DataFrame:
    """The difference the scenario makes to alignment per pair in ``year`` (default the last):
    ``patron, target, year, baseline, scenario, difference, lo90, hi90``."""
    s = summary.filter(pl.col("metric") == "alignment")
    y = year if year is not None else s["year"].max()
    s = s.filter(pl.col("year") == y)
    wide = s.pivot("arm", index=["patron", "target", "year"], values="mean")
    band = s.filter(pl.col("arm") == "difference").select(
        "patron", "target", pl.col("q05").alias("lo90"), pl.col("q95").alias("hi90")
    )
    return wide.join(band, on=["patron", "target"]).select(
        "patron", "target", "year", "baseline", "scenario", "difference", "lo90", "hi90"
    )
