"""Influence v2: channel scores that change when, and only when, the dyad's own engagements change
(or, through dependence, the target's other patrons' engagements).

Per directed dyad-year, patron *i* → target *j*, and channel *c* (the registry's research channels):

- **stock** S_c(i, j, t) in documented units:
  - alliance: the **graded ATOP obligation count** of i to j in force that year,
    2·defence + offence + neutrality + non-aggression + consultation (0–6 obligation points; not
    decayed: an obligation is in force or not);
  - arms: SIPRI TIV delivered by i to j (million TIV), decayed with the arms half-life;
  - exercise: joint exercises (MME, JME), decayed; basing: i's troops in j (thousands), decayed;
    visits: senior-leader visits, decayed (`legation.panel.channels.stocks`);
- **bandwidth** B_c = min(1, log(1 + S) / log(1 + R_c)), R_c a **fixed reference stock** per channel
  (`REFERENCE`: for alliances the largest count, 6; for the others a round number near the 99th
  percentile of positive stocks over 1970–1989). v1 divided by the year's largest stock over all dyads,
  so a dyad's score moved when any other dyad in the world changed;
- **dependence** D_c = S_c(i, j, t) / Σ_k S_c(k, j, t): i's share of what j receives in the channel
  from every state the sources record — it moves with j's own ties only;
- **score** = B_c × D_c in [0, 1].

The composite is Σ_c w_c·score_c over the channels that cover the patron that year (`DEFAULT_WEIGHTS`),
with weights chosen on training years by how well each channel's changes foretell shifts in UN voting
(`weights.fit_shift_weights`, docs/validation.md). A channel outside its coverage adds nothing (NA,
not 0, in its own column); the composite is NA where no channel covers the patron.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.panel.channels import CHANNELS, INFLUENCE, coverage, stocks

OBLIGATION_POINTS: dict[str, float] = {
    "atop_defense": 2.0,
    "atop_offense": 1.0,
    "atop_neutral": 1.0,
    "atop_nonagg": 1.0,
    "atop_consul": 1.0,
}
"""Points of each ATOP obligation in the graded count: a defence pact counts double (it is the
commitment that binds most), every other obligation once."""

REFERENCE: dict[str, float] = {
    "alliance": 6.0,
    "arms": 7500.0,
    "exercise": 30.0,
    "basing": 1000.0,
    "visits": 2.0,
}
"""The fixed reference stock R_c of each channel, in its own units, at which bandwidth reaches 1."""

DEFAULT_WEIGHTS: dict[str, float] = {
    "alliance": 0.8,
    "arms": 0.0,
    "exercise": 0.2,
    "basing": 0.0,
    "visits": 0.0,
}
"""Default v2 composite weights: `weights.fit_shift_weights` on the training years 1970–2005 (h = 5),
rounded (alliance 0.82, exercise 0.18). Arms, basing and visits carried no signal about alignment
shifts there (AUC interval including 0.5, or below it) and weigh 0; their scores are still computed
and exported. `legation validate` refits the weights and reports both (docs/validation.md)."""


def graded_obligations(led: Ledger, years: tuple[int, int]) -> pl.DataFrame:
    """``patron, target, year, stock``: the graded ATOP obligation count of every directed dyad-year
    with an obligation in ``years`` (see `OBLIGATION_POINTS`)."""
    ob = reads.obligations(led, CHANNELS["alliance"].source, since=years[0], until=years[1])
    points = pl.sum_horizontal(pl.col(f).cast(pl.Float64) * w for f, w in OBLIGATION_POINTS.items())
    return (
        ob.select(
            pl.col("ccode1").cast(pl.Int32).alias("patron"),
            pl.col("ccode2").cast(pl.Int32).alias("target"),
            pl.col("year").cast(pl.Int32),
            points.alias("stock"),
        )
        .filter(pl.col("stock") > 0)
        .filter(coverage(led, CHANNELS["alliance"]))
    )


def channel_stock(led: Ledger, name: str, years: tuple[int, int]) -> pl.DataFrame:
    """``patron, target, year, stock`` of one research channel under v2's units."""
    if name == "alliance":
        return graded_obligations(led, years)
    return stocks(led, CHANNELS[name], years).select(
        pl.col("patron", "target", "year").cast(pl.Int32), "stock"
    )


def score_stocks(stock: pl.DataFrame, reference: float) -> pl.DataFrame:
    """Bandwidth (fixed reference ``reference``), dependence and score of each ``patron, target, year,
    stock`` row of one channel."""
    return stock.with_columns(
        (pl.col("stock").log1p() / math.log1p(reference)).clip(0.0, 1.0).alias("bandwidth"),
        (pl.col("stock") / pl.col("stock").sum().over("target", "year")).alias("dependence"),
    ).with_columns((pl.col("bandwidth") * pl.col("dependence")).alias("score"))


def channel_scores(
    led: Ledger, years: tuple[int, int], channels: Sequence[str] | None = None
) -> pl.DataFrame:
    """Long ``patron, target, year, channel, stock, bandwidth, dependence, score`` under v2 for every
    directed dyad-year with a positive stock inside the channel's coverage."""
    cols = ["patron", "target", "year", "channel", "stock", "bandwidth", "dependence", "score"]
    out = []
    for name in channels or INFLUENCE:
        stock = channel_stock(led, name, years)
        if stock.height:
            out.append(score_stocks(stock, REFERENCE[name]).with_columns(pl.lit(name).alias("channel")))
    if not out:
        return pl.DataFrame(
            schema={"patron": pl.Int32, "target": pl.Int32, "year": pl.Int32, "channel": pl.String}
            | {c: pl.Float64 for c in cols[4:]}
        )
    return pl.concat(out).select(cols)
