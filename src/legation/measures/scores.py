"""National scores: a defence-networks score per state-year, and the Power Gap.

The **defence-networks score** follows the Lowy Asia Power Index's "defence networks" measure, built
from open data. Four components per state-year, each scaled 0–100 against the year's leader:

- ``alliance_network``: the state's alliance stock with each partner (ATOP, decayed) weighted by the
  partner's capability (CINC): allies that matter count more;
- ``regional_diplomacy``: exercise and visit stocks with states of its own region;
- ``global_partnerships``: exercise and visit stocks with states outside its region;
- ``arms_transfers``: its share of the world's decayed arms-export stock (SIPRI TIV).

The score is their weighted mean (default equal weights; the caller may pass others), again 0–100.
Regions follow the COW code blocks: Americas 2–165, Europe 200–399, Africa 400–626, Middle East
630–698, Asia and Oceania 700–990.

The **Power Gap** is the residual of log(1 + outward influence) regressed on log(CINC) across states,
year by year: positive for states whose influence exceeds what their capabilities predict (who
punches above its weight), negative for those below.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from legation.errors import MeasureError
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.measures import influence as inf
from legation.panel.channels import CHANNELS
from legation.years import MEASURE_YEARS

COMPONENTS = ("alliance_network", "regional_diplomacy", "global_partnerships", "arms_transfers")
DEFAULT_WEIGHTS: dict[str, float] = dict.fromkeys(COMPONENTS, 0.25)


def region(ccode: pl.Expr) -> pl.Expr:
    """COW region of a state code: americas, europe, africa, middle_east, asia."""
    return (
        pl.when(ccode < 200)
        .then(pl.lit("americas"))
        .when(ccode < 400)
        .then(pl.lit("europe"))
        .when(ccode < 630)
        .then(pl.lit("africa"))
        .when(ccode < 700)
        .then(pl.lit("middle_east"))
        .otherwise(pl.lit("asia"))
    )


def _cinc(led: Ledger, years: tuple[int, int]) -> pl.DataFrame:
    src = CHANNELS["capabilities"].source
    return reads.state_attribute(led, src, "cinc", years).with_columns(pl.col("ccode", "year").cast(pl.Int32))


def _scale(col: str) -> pl.Expr:
    top = pl.col(col).max().over("year")
    return pl.when(top > 0).then(100 * pl.col(col) / top).otherwise(0.0).alias(col)


def defence_networks(
    led: Ledger, years: tuple[int, int] = MEASURE_YEARS, weights: Mapping[str, float] | None = None
) -> pl.DataFrame:
    """``ccode, year, <components…>, score``, every value 0–100 (see the module docstring)."""
    w = dict(weights or DEFAULT_WEIGHTS)
    unknown = set(w) - set(COMPONENTS)
    if unknown:
        raise MeasureError(f"unknown components {sorted(unknown)}; use {COMPONENTS}")
    stocks = inf.channel_scores(led, years, ["alliance", "arms", "exercise", "visits"])
    cinc = _cinc(led, years)
    keys = ["patron", "year"]
    ally = (
        stocks.filter(pl.col("channel") == "alliance")
        .join(cinc.rename({"ccode": "target"}), on=["target", "year"], how="left")
        .group_by(keys)
        .agg((pl.col("stock") * pl.col("cinc").fill_null(0.0)).sum().alias("alliance_network"))
    )
    contact = stocks.filter(pl.col("channel").is_in(["exercise", "visits"])).with_columns(
        (region(pl.col("patron")) == region(pl.col("target"))).alias("_same")
    )
    regional = (
        contact.filter(pl.col("_same")).group_by(keys).agg(pl.col("stock").sum().alias("regional_diplomacy"))
    )
    global_ = (
        contact.filter(~pl.col("_same"))
        .group_by(keys)
        .agg(pl.col("stock").sum().alias("global_partnerships"))
    )
    arms = (
        stocks.filter(pl.col("channel") == "arms")
        .group_by(keys)
        .agg(pl.col("stock").sum().alias("arms_transfers"))
        .with_columns(pl.col("arms_transfers") / pl.col("arms_transfers").sum().over("year"))
    )
    base = cinc.select(pl.col("ccode").alias("patron"), "year")
    out = base
    for part in (ally, regional, global_, arms):
        out = out.join(part, on=keys, how="left")
    out = out.with_columns(pl.col(list(COMPONENTS)).fill_null(0.0)).with_columns(
        _scale(c) for c in COMPONENTS
    )
    total = sum(w.values())
    out = out.with_columns(
        (pl.sum_horizontal([pl.col(c) * w.get(c, 0.0) for c in COMPONENTS]) / total).alias("score")
    )
    out = out.with_columns(_scale("score"))
    return out.rename({"patron": "ccode"}).sort("year", "score", descending=[False, True])


def power_gap(led: Ledger, influence: pl.DataFrame, years: tuple[int, int] = MEASURE_YEARS) -> pl.DataFrame:
    """``ccode, year, outward, cinc, expected, power_gap``: the residual of log(1 + outward influence)
    on log(CINC), fitted per year by least squares over the states with both."""
    out = (
        inf.outward(influence)
        .rename({"patron": "ccode"})
        .with_columns(pl.col("ccode", "year").cast(pl.Int32))
    )
    d = (
        _cinc(led, years)
        .join(out, on=["ccode", "year"], how="left")
        .with_columns(pl.col("outward").fill_null(0.0))
    )
    d = d.filter(pl.col("cinc") > 0)
    parts = []
    for (_year,), g in d.group_by("year"):
        x = np.log(g["cinc"].to_numpy())
        y = np.log1p(g["outward"].to_numpy())
        a = np.column_stack([np.ones_like(x), x])
        coef, *_ = np.linalg.lstsq(a, y, rcond=None)
        parts.append(g.with_columns(pl.Series("expected", a @ coef), pl.Series("power_gap", y - a @ coef)))
    return pl.concat(parts).sort("year", "power_gap", descending=[False, True])
