"""An open bilateral influence index, in the spirit of FBIC (bandwidth × dependence).

For every directed dyad-year, patron *i* → target *j*, and every channel *c*:

- **stock** S_c(i, j, t): the channel's yearly flows accumulated with the instrument's decay
  half-life h_c, S_t = S_{t-1}·2^(-1/h_c) + flow_t (an exercise ten years ago counts less);
- **bandwidth** B_c = log(1 + S) / max over all dyads that year of log(1 + S): the channel's volume,
  normalised across dyads to [0, 1];
- **dependence** D_c = S_c(i, j, t) / Σ_k S_c(k, j, t): how much *j* relies on *i* in that channel
  (i's share of j's total from every patron the channel records);
- **score** = B_c × D_c, in [0, 1].

The composite is the weighted mean of the channel scores available for the dyad-year (a channel is
unavailable, NA, outside its sources' coverage: years, or patrons the source does not record), with
documented default weights or weights fitted to UN voting alignment (`weights.fit_weights`).

Channels come from the registry (`legation.panel.channels`): the research set over the published
datasets (`influence`), or one channel per instrument over the ledger's own engagements
(`ledger_influence`); both go through the same stocks, scores and composite.

This is **v1**, kept for comparison. The default index is **v2** (`legation.measures.influence_v2`):
graded ATOP obligations, a fixed reference scale per channel instead of the yearly maximum, and weights
chosen on how well each channel's changes foretell shifts in UN voting. ``index="v1"`` selects v1 in
`influence` and `composite`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from legation.errors import InvalidValueError
from legation.ledger.store import Ledger
from legation.measures import influence_v2
from legation.panel.channels import (
    INFLUENCE,
    Channel,
    channel,
    coverage,
    ledger_channels,
    stocks,
)
from legation.panel.keys import year_range
from legation.years import MEASURE_YEARS

DEFAULT_WEIGHTS: dict[str, float] = {
    "alliance": 0.30,
    "arms": 0.25,
    "basing": 0.15,
    "exercise": 0.15,
    "visits": 0.15,
}
"""Default composite weights: commitments first (alliances), then the material channel (arms), then
presence and contact. A judgement, documented in docs/influence.md; `weights.fit_weights` gives fitted
ones."""

INDEXES: tuple[str, ...] = ("v2", "v1")
"""The index versions, the default first."""

DEFAULT_INDEX = INDEXES[0]

MEANING = (
    "How much a patron's military engagements tie a target to it (0-1): graded alliance obligations "
    "and joint exercises, each as volume x the target's reliance on the patron, weighted by how well "
    "their changes foretold targets moving towards the patron at the UN (docs/validation.md)."
)
"""What the default index means, in one line, for the faces (CLI, API, dashboard)."""


def default_weights(index: str = DEFAULT_INDEX) -> dict[str, float]:
    """The default composite weights of an index version."""
    return dict(influence_v2.DEFAULT_WEIGHTS if check_index(index) == "v2" else DEFAULT_WEIGHTS)


def check_index(index: str) -> str:
    """``index`` if it is a known version; an error naming the known ones otherwise."""
    if index not in INDEXES:
        raise InvalidValueError(f"unknown index version {index!r}; use one of {', '.join(INDEXES)}")
    return index


ChannelLike = str | Channel
"""A research channel by name, or any `Channel` (a ledger channel from `ledger_channels`)."""


def _channel(c: ChannelLike) -> Channel:
    return c if isinstance(c, Channel) else channel(c)


def channel_scores(
    led: Ledger, years: tuple[int, int], channels: Sequence[ChannelLike] | None = None
) -> pl.DataFrame:
    """Long frame ``patron, target, year, channel, stock, bandwidth, dependence, score`` for every
    directed dyad-year with a positive stock, inside each channel's coverage (default: the research
    channels of the index)."""
    out = []
    for c in channels or INFLUENCE:
        ch = _channel(c)
        stock = stocks(led, ch, years)
        if stock.height:
            out.append(score_stocks(stock).with_columns(pl.lit(ch.name).alias("channel")))
    cols = ["patron", "target", "year", "channel", "stock", "bandwidth", "dependence", "score"]
    if not out:
        return pl.DataFrame(
            schema={"patron": pl.Int32, "target": pl.Int32, "year": pl.Int32, "channel": pl.String}
            | {c: pl.Float64 for c in cols[4:]}
        )
    return pl.concat(out).select(cols).with_columns(pl.col("patron", "target", "year").cast(pl.Int32))


def score_stocks(stock: pl.DataFrame) -> pl.DataFrame:
    """Bandwidth, dependence and score of each ``patron, target, year, stock`` row (one channel)."""
    logs = pl.col("stock").log1p()
    return stock.with_columns(
        pl.col("year").cast(pl.Int32),
        (logs / logs.max().over("year")).alias("bandwidth"),
        (pl.col("stock") / pl.col("stock").sum().over("target", "year")).alias("dependence"),
    ).with_columns((pl.col("bandwidth") * pl.col("dependence")).alias("score"))


def coverage_grid(
    led: Ledger, years: tuple[int, int], patrons: Sequence[int], channels: Sequence[ChannelLike]
) -> pl.DataFrame:
    """``patron, year, channel, covered`` for the given patrons: which channel scores are 0 (covered,
    no engagement) and which are NA (not recorded). A research channel covers a patron-year where one
    of its sources records the patron; a ledger channel covers the span of its sources' windows."""
    grid = pl.DataFrame({"patron": list(patrons)}, schema={"patron": pl.Int32}).join(
        pl.DataFrame({"year": list(range(years[0], years[1] + 1))}, schema={"year": pl.Int32}), how="cross"
    )
    parts = []
    for c in channels:
        ch = _channel(c)
        parts.append(grid.with_columns(pl.lit(ch.name).alias("channel"), coverage(led, ch).alias("covered")))
    return pl.concat(parts) if parts else grid.with_columns(channel=pl.lit(""), covered=pl.lit(False)).clear()


# the composite --------------------------------------------------------------------------------------


def composite(
    scores: pl.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    coverage: pl.DataFrame | None = None,
    index: str = DEFAULT_INDEX,
) -> pl.DataFrame:
    """Wide frame ``patron, target, year, score_<channel>…, influence``: the weighted mean of the
    channel scores available for each dyad-year (default weights: those of ``index``). With
    ``coverage`` (from `coverage_grid`), a channel the patron's sources record counts as 0 where the
    dyad has no stock, and NA (left out of the mean) where they do not; without it, only channels with
    a stock enter."""
    w = dict(weights or default_weights(index))
    channels = [c for c in w if w[c] > 0]
    wide = scores.filter(pl.col("channel").is_in(channels)).pivot(
        "channel", index=["patron", "target", "year"], values="score"
    )
    for c in channels:
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(c))
    if coverage is not None:
        cov = coverage.filter(pl.col("channel").is_in(channels)).pivot(
            "channel", index=["patron", "year"], values="covered"
        )
        wide = wide.join(
            cov.rename({c: f"_cov_{c}" for c in channels if c in cov.columns}),
            on=["patron", "year"],
            how="left",
        )
        wide = wide.with_columns(
            pl.when(pl.col(f"_cov_{c}")).then(pl.col(c).fill_null(0.0)).otherwise(pl.col(c)).alias(c)
            for c in channels
            if f"_cov_{c}" in wide.columns
        ).drop([f"_cov_{c}" for c in channels if f"_cov_{c}" in wide.columns])
    num = pl.sum_horizontal([pl.col(c).fill_null(0.0) * w[c] for c in channels])
    den = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Float64) * w[c] for c in channels])
    out = wide.with_columns(pl.when(den > 0).then(num / den).alias("influence"))
    return out.rename({c: f"score_{c}" for c in channels}).sort("patron", "target", "year")


def influence(
    ledger: Ledger,
    years: tuple[int, int] = MEASURE_YEARS,
    weights: Mapping[str, float] | None = None,
    channels: Sequence[str] | None = None,
    index: str = DEFAULT_INDEX,
) -> pl.DataFrame:
    """The composite influence of every patron on every target, per year, on the research channels:
    index v2 by default (`influence_v2`), v1 with ``index="v1"`` (see the module docstring)."""
    defaults = default_weights(index)
    chosen = list(channels or (weights or defaults).keys())
    if index == "v2":
        scores = influence_v2.channel_scores(ledger, years, chosen)
    else:
        scores = channel_scores(ledger, years, chosen)
    patrons = scores["patron"].unique().to_list() if scores.height else []
    cover = coverage_grid(ledger, years, patrons, chosen)
    w = weights or {c: defaults.get(c, 0.0) for c in chosen}
    return composite(scores, w, coverage=cover, index=index)


def ledger_influence(
    ledger: Ledger, years: tuple[int, int], instruments: Sequence[str] | None = None
) -> pl.DataFrame:
    """Wide ``patron, target, year, score_<instrument>…, influence`` on the ledger's own engagements:
    the equal-weight composite of one channel per instrument (`ledger_channels`), each 0 for a
    dyad-year inside its covered years and left out of the mean (NA) outside them. On the curated
    sample this demonstrates the method; it is not a finding."""
    every = ledger_channels(ledger)
    chosen = [every[i] for i in (instruments or sorted(every)) if i in every]
    scores = channel_scores(ledger, years, chosen) if chosen else pl.DataFrame()
    if scores.height == 0:
        return pl.DataFrame(
            schema={"patron": pl.Int32, "target": pl.Int32, "year": pl.Int32, "influence": pl.Float64}
        )
    names = sorted(scores["channel"].unique().to_list())
    cover = coverage_grid(ledger, years, scores["patron"].unique().to_list(), [every[n] for n in names])
    return composite(scores, dict.fromkeys(names, 1.0), coverage=cover)


# aggregates ---------------------------------------------------------------------------------------


def outward(infl: pl.DataFrame) -> pl.DataFrame:
    """Outward influence of each patron per year: the sum over its targets."""
    return (
        infl.group_by("patron", "year").agg(pl.col("influence").sum().alias("outward")).sort("year", "patron")
    )


def exposure(infl: pl.DataFrame) -> pl.DataFrame:
    """Inward exposure of each target per year: the sum over its patrons."""
    return (
        infl.group_by("target", "year")
        .agg(pl.col("influence").sum().alias("exposure"))
        .sort("year", "target")
    )


def contest(infl: pl.DataFrame, target: int, patrons: Sequence[int]) -> pl.DataFrame:
    """The influence contest over a target: each patron's share of the patrons' total influence on it,
    per year (e.g. the US, China and Russia over the Philippines)."""
    sub = infl.filter((pl.col("target") == target) & pl.col("patron").is_in(list(patrons)))
    grid = pl.DataFrame({"patron": list(patrons)}, schema={"patron": pl.Int32}).join(
        sub.select("year").unique(), how="cross"
    )
    sub = grid.join(
        sub.select("patron", "year", "influence"), on=["patron", "year"], how="left"
    ).with_columns(pl.col("influence").fill_null(0.0))
    return sub.with_columns(
        pl.when(pl.col("influence").sum().over("year") > 0)
        .then(pl.col("influence") / pl.col("influence").sum().over("year"))
        .alias("share")
    ).sort("year", "patron")


# on panels ----------------------------------------------------------------------------------------


def on_dyad_years(led: Ledger, infl: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """The composite spread onto a directed dyad-year frame (``ccode1, ccode2, year``): 0 where some
    channel records the patron that year and the dyad has no stock, NA where none does."""
    years = year_range(frame)
    patrons = frame["ccode1"].unique().to_list()
    covered = (
        coverage_grid(led, years, patrons, list(INFLUENCE))
        .group_by("patron", "year")
        .agg(pl.col("covered").any())
        .rename({"patron": "ccode1"})
    )
    keys = frame.with_columns(pl.col("ccode1", "ccode2", "year").cast(pl.Int32))
    out = keys.join(
        infl.select(pl.col("patron").alias("ccode1"), pl.col("target").alias("ccode2"), "year", "influence"),
        on=["ccode1", "ccode2", "year"],
        how="left",
    ).join(covered, on=["ccode1", "year"], how="left")
    return out.with_columns(
        pl.when(pl.col("covered")).then(pl.col("influence").fill_null(0.0)).otherwise(pl.col("influence"))
    ).drop("covered")
