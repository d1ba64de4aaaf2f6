"""Measures from the ledger's own engagements, for any ledger (the curated sample included).

The research measures (`legation.measures.influence`, `networks`) read named datasets: ATOP,
SIPRI, MME… A ledger built from other records (the bundled sample, an analyst's own CSV) has
engagements of every instrument but none of those datasets. These functions give it the same
shapes, with **each instrument as a channel**:

- ``activity``: who engages whom, by instrument and year (positive engagements and suspensions);
- ``ledger_influence``: bandwidth × dependence per instrument on decayed stocks of engagement
  counts (the instrument's half-life), and the equal-weight composite over instruments;
- ``ledger_edges``: a yearly edge frame of one instrument's decayed stocks, for `networks`.

Only state-to-state engagements with positive polarity count towards stocks (a suspension is an
event, shown in timelines, not negative influence). Years outside every contributing source's
coverage are absent (NA), never 0. The curated sample is illustrative, not a census: on it these are
a demonstration of the method, not findings.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from legation.instruments import INSTRUMENTS
from legation.ledger.store import Ledger
from legation.measures.influence import composite, score_stocks
from legation.panel.verbs import decayed

EDGE_SCHEMA = {"ccode1": pl.Int32, "ccode2": pl.Int32, "year": pl.Int32, "weight": pl.Float64}


def activity(ledger: Ledger, years: tuple[int, int] | None = None) -> pl.DataFrame:
    """``ccode, year, instrument, outgoing, incoming, suspensions`` per state: how many engagements
    it started as actor (outgoing) or received as partner (incoming) each year, by instrument."""
    where, params = "", []
    if years is not None:
        where, params = "WHERE year(start_date) BETWEEN ? AND ?", [years[0], years[1]]
    return ledger.query(
        "WITH e AS (SELECT * FROM engagements " + where + ") "
        "SELECT ccode::INTEGER AS ccode, year::INTEGER AS year, instrument, "
        "sum(out)::INTEGER AS outgoing, sum(inc)::INTEGER AS incoming, sum(susp)::INTEGER AS suspensions "
        "FROM (SELECT actor_ccode AS ccode, year(start_date) AS year, instrument, "
        "      (polarity > 0)::INTEGER AS out, 0 AS inc, (polarity < 0)::INTEGER AS susp "
        "      FROM e WHERE actor_kind = 'state' "
        "      UNION ALL SELECT partner_ccode, year(start_date), instrument, 0, (polarity > 0)::INTEGER, 0 "
        "      FROM e WHERE partner_kind = 'state') GROUP BY ALL ORDER BY year, ccode, instrument",
        params,
    )


def _flows(ledger: Ledger, instrument: str, last: int) -> pl.DataFrame:
    """``patron, target, year, v``: counts of positive state-to-state engagements, both directions
    for an undirected instrument."""
    flows = ledger.query(
        "SELECT actor_ccode::INTEGER AS patron, partner_ccode::INTEGER AS target, "
        "year(start_date)::INTEGER AS year, count(*)::DOUBLE AS v FROM engagements "
        "WHERE instrument = ? AND polarity > 0 AND actor_kind = 'state' AND partner_kind = 'state' "
        "AND actor_ccode <> partner_ccode AND year(start_date) <= ? GROUP BY ALL",
        [instrument, last],
    )
    if not INSTRUMENTS[instrument].directed:
        back = flows.select(pl.col("target").alias("patron"), pl.col("patron").alias("target"), "year", "v")
        flows = pl.concat([flows, back]).group_by("patron", "target", "year").agg(pl.col("v").max())
    return flows


def windows(ledger: Ledger) -> dict[str, tuple[int, int]]:
    """Each instrument's covered years: the span of the coverage windows of the sources recording it
    (a source without a window counts from its first to its last engagement)."""
    rows = ledger.query(
        "SELECT e.instrument, min(coalesce(s.coverage_start, year(e.start_date)))::INTEGER AS lo, "
        "max(coalesce(s.coverage_end, year(e.start_date)))::INTEGER AS hi "
        "FROM engagements e JOIN sources s ON s.id = e.source_id GROUP BY ALL"
    )
    return {r["instrument"]: (r["lo"], r["hi"]) for r in rows.iter_rows(named=True)}


def _stocks(ledger: Ledger, instrument: str, years: tuple[int, int], win: tuple[int, int]) -> pl.DataFrame:
    """``patron, target, year, stock``: decayed stocks of one instrument's engagement counts (its
    half-life) over ``years`` clipped to the instrument's covered years ``win``; empty if none."""
    lo, hi = max(years[0], win[0]), min(years[1], win[1])
    flows = _flows(ledger, instrument, hi) if lo <= hi else pl.DataFrame()
    if flows.height == 0:
        return pl.DataFrame(
            schema={"patron": pl.Int32, "target": pl.Int32, "year": pl.Int32, "stock": pl.Float64}
        )
    stock = decayed(flows, INSTRUMENTS[instrument].half_life, lo, hi, ["patron", "target"])
    return stock.filter(pl.col("stock") > 1e-9)


def ledger_scores(
    ledger: Ledger,
    years: tuple[int, int],
    instruments: Sequence[str] | None = None,
    win: dict[str, tuple[int, int]] | None = None,
) -> pl.DataFrame:
    """Long ``patron, target, year, channel, stock, bandwidth, dependence, score`` with one channel per
    instrument, inside each instrument's covered years (``win``: `windows`, if already read)."""
    win = win if win is not None else windows(ledger)
    out = []
    for name in instruments or sorted(win):
        stock = _stocks(ledger, name, years, win[name]) if name in win else pl.DataFrame()
        if stock.height:
            out.append(score_stocks(stock).with_columns(pl.lit(name).alias("channel")))
    cols = ["patron", "target", "year", "channel", "stock", "bandwidth", "dependence", "score"]
    if not out:
        return pl.DataFrame(
            schema={"patron": pl.Int32, "target": pl.Int32, "year": pl.Int32, "channel": pl.String}
            | {c: pl.Float64 for c in cols[4:]}
        )
    return pl.concat(out).select(cols).with_columns(pl.col("patron", "target", "year").cast(pl.Int32))


def ledger_influence(
    ledger: Ledger, years: tuple[int, int], instruments: Sequence[str] | None = None
) -> pl.DataFrame:
    """Wide ``patron, target, year, score_<instrument>…, influence``: equal-weight composite of the
    instrument channels; a channel counts as 0 for a dyad-year inside its covered years and is left
    out of the mean (NA) outside them."""
    win = windows(ledger)
    scores = ledger_scores(ledger, years, instruments, win)
    if scores.height == 0:
        return pl.DataFrame(
            schema={"patron": pl.Int32, "target": pl.Int32, "year": pl.Int32, "influence": pl.Float64}
        )
    channels = sorted(scores["channel"].unique().to_list())
    grid = scores.select("patron", "year").unique()
    cover = pl.concat(
        grid.with_columns(
            pl.lit(c).alias("channel"), pl.col("year").is_between(win[c][0], win[c][1]).alias("covered")
        )
        for c in channels
    )
    return composite(scores, dict.fromkeys(channels, 1.0), coverage=cover)


def ledger_edges(ledger: Ledger, instrument: str, years: tuple[int, int]) -> pl.DataFrame:
    """Edges ``ccode1, ccode2, year, weight`` of one instrument: decayed stocks of engagement counts
    (directed patron → target for a directed instrument, else ``ccode1 < ccode2``)."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown instrument {instrument!r}; expected one of {sorted(INSTRUMENTS)}")
    win = windows(ledger).get(instrument)
    if win is None:
        return pl.DataFrame(schema=EDGE_SCHEMA)
    edges = _stocks(ledger, instrument, years, win).select(
        pl.col("patron").alias("ccode1"),
        pl.col("target").alias("ccode2"),
        "year",
        pl.col("stock").alias("weight"),
    )
    if not INSTRUMENTS[instrument].directed:
        edges = edges.filter(pl.col("ccode1") < pl.col("ccode2"))
    return edges.cast(EDGE_SCHEMA).sort("year", "ccode1", "ccode2")
