"""Recipes the faces share: which basis a ledger's measures stand on, a state's profile, alignment
with the major powers, arms profiles, national scores and one network drawn for reading.

The CLI, the REST API and reports call these, so the same question gets the same answer on any
ledger: the published research datasets when the ledger holds them (the research channel set),
else the ledger's own engagements (one channel per instrument). A ledger without what a question
needs raises `NeedsDataError` saying what to import.
"""

from __future__ import annotations

from typing import Any

import igraph as ig
import polars as pl

from legation.errors import NeedsDataError, NotFoundError
from legation.groups import majors
from legation.instruments import INSTRUMENTS
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.measures import influence as inf
from legation.measures import networks as nw
from legation.measures.alignment import dyad_alignment
from legation.measures.risk import arms_dependency, hhi_table
from legation.measures.scores import defence_networks
from legation.measures.window import NO_ENGAGEMENTS, ledger_years, research_years
from legation.panel.channels import (
    CHANNELS,
    NETWORKS,
    basis,
    ledger_channels,
    one_per_fact,
    span,
)
from legation.years import VIEW_YEARS

RESEARCH_YEARS = VIEW_YEARS
"""The window of the views (`legation.years.VIEW_YEARS`): profiles, alignment with the majors, arms
profiles; the index is cut further to the years all its channels cover (`window.research_years`)."""


def influence(led: Ledger, years: tuple[int, int] | None = None) -> tuple[pl.DataFrame, str]:
    """The composite influence of every patron on every target and year, and its basis: on the
    research channels (default years: those all of them cover), else on the ledger's engagements
    (default years: the span they cover)."""
    b = basis(led)
    if b == "research":
        return inf.influence(led, years or research_years(led)), b
    if not ledger_channels(led):
        raise NeedsDataError(NO_ENGAGEMENTS)
    return inf.ledger_influence(led, years or ledger_years(led)), b


def outward(frame: pl.DataFrame) -> pl.DataFrame:
    """``patron, year, outward, targets`` with the channel breakdown ``score_<channel>`` summed."""
    scores = [c for c in frame.columns if c.startswith("score_")]
    return (
        frame.group_by("patron", "year")
        .agg(
            pl.col("influence").sum().alias("outward"),
            (pl.col("influence") > 0).sum().alias("targets"),
            *[pl.col(c).sum() for c in scores],
        )
        .sort("year", "outward", descending=[False, True])
    )


def national_scores(led: Ledger, year: int) -> pl.DataFrame:
    """Defence-network scores of every state in ``year`` (needs the research datasets)."""
    if basis(led) != "research":
        raise NeedsDataError(
            "national scores need the research datasets (ATOP, SIPRI, MME, US visits, COW "
            "NMC): import them with `legation data import-dir DIR`"
        )
    return defence_networks(led, (year, year))


# networks ---------------------------------------------------------------------------------------------


def network_channels(led: Ledger) -> list[str]:
    """Channels with data, each once: research ones whose dataset is present, then every other
    instrument recorded (an instrument named like a research channel is drawn from its dataset)."""
    research = [c for c in NETWORKS if reads.has_data(led, [CHANNELS[c].source])]
    return research + [c for c in sorted(ledger_channels(led)) if c not in research]


def network_choices(led: Ledger) -> list[dict[str, Any]]:
    """``name, label, origin, first, last`` of each of `network_channels`: where its ties come from and
    the years they cover (inside `RESEARCH_YEARS`), for a menu."""
    own = ledger_channels(led)
    out = []
    for name in network_channels(led):
        if name in NETWORKS and reads.has_data(led, [CHANNELS[name].source]):
            origin = CHANNELS[name].source  # the one dataset `network_edges` reads
            src = led.source(origin)
            years = (src.coverage_start or RESEARCH_YEARS[0], src.coverage_end or RESEARCH_YEARS[1])
        else:
            origin, years = "ledger engagements", span(led, own[name]) or RESEARCH_YEARS
        first, last = max(years[0], RESEARCH_YEARS[0]), min(years[1], RESEARCH_YEARS[1])
        out.append(
            {"name": name, "label": f"{name} ({origin})", "origin": origin, "first": first, "last": last}
        )
    return out


def default_network(led: Ledger) -> dict[str, Any]:
    """The channel and year the network page opens on, chosen so it shows something: the first
    research channel in its last covered year; on a ledger of engagements only, the instrument that
    ties the most states, in the year its network has the most states (the latest on a tie)."""
    choices = network_choices(led)
    if not choices:
        raise NeedsDataError(NO_ENGAGEMENTS)
    first = choices[0]
    if first["name"] in NETWORKS and first["origin"] != "ledger engagements":
        return {"channel": first["name"], "year": first["last"]}

    def reach(c: dict[str, Any]) -> tuple[int, str]:
        rows = reads.positive_counts(led, c["name"], c["last"])
        return pl.concat([rows["ccode1"], rows["ccode2"]]).n_unique(), c["name"]

    best = max(choices, key=reach)
    edges = nw.ledger_edges(led, best["name"], (best["first"], best["last"]))
    ends = pl.concat([edges.select("year", c=pl.col(k)) for k in ("ccode1", "ccode2")]).unique()
    sizes = ends.group_by("year").len().sort("len", "year", descending=True)
    return {"channel": best["name"], "year": sizes["year"][0] if sizes.height else best["last"]}


def network_edges(led: Ledger, channel: str, year: int) -> tuple[pl.DataFrame, bool, str]:
    """One channel-year's edges, whether they are directed, and where they come from: a research
    channel's dataset when the ledger holds it, else the ledger's engagements of that instrument."""
    if channel in NETWORKS and reads.has_data(led, [CHANNELS[channel].source]):
        edges = nw.channel_edges(led, channel, (year, year))
        directed, origin = nw.directed(channel), CHANNELS[channel].source
    elif channel in INSTRUMENTS:
        edges = nw.ledger_edges(led, channel, (year, year))
        directed, origin = INSTRUMENTS[channel].directed, "ledger engagements"
    else:
        raise NotFoundError(
            f"no data for channel {channel!r}; choose one of {network_channels(led)}", what="channel"
        )
    return edges.filter(pl.col("year") == year), directed, origin


def network(led: Ledger, channel: str, year: int) -> dict[str, Any]:
    """Nodes (with centralities, bloc and a fixed layout), edges and blocs of one channel-year."""
    edges, directed, origin = network_edges(led, channel, year)
    graphs = nw.yearly_graphs(edges, directed=directed)
    head = {"channel": channel, "year": year, "directed": directed, "origin": origin}
    if year not in graphs:
        return {**head, "nodes": pl.DataFrame(), "edges": edges, "blocs": pl.DataFrame()}
    cent = nw.centrality(graphs)
    members = nw.blocs(graphs, seed=42)
    g = nw.symmetric(graphs[year])
    layout = g.layout_fruchterman_reingold(weights=None, niter=500, seed=_circle(g.vcount()))
    coords = pl.DataFrame(
        {"ccode": g.vs["ccode"], "x": [p[0] for p in layout.coords], "y": [p[1] for p in layout.coords]},
        schema={"ccode": pl.Int32, "x": pl.Float64, "y": pl.Float64},
    )
    names = reads.state_names(led).select("ccode", "abb", "name")
    nodes = (
        coords.join(cent.drop("year"), on="ccode", how="left")
        .join(members.drop("year"), on="ccode", how="left")
        .join(names, on="ccode", how="left")
    )
    sizes = nodes.group_by("bloc").len().sort("len", descending=True)
    return {**head, "nodes": nodes.sort("ccode"), "edges": edges, "blocs": sizes.rename({"len": "size"})}


def _circle(n: int) -> list[tuple[float, float]]:
    """A deterministic start for the layout, so the same network is always drawn the same way."""
    return ig.Graph.Ring(n).layout_circle().coords if n else []


# states and dyads -------------------------------------------------------------------------------------


def alignment(led: Ledger, a: int, b: int, years: tuple[int, int]) -> pl.DataFrame:
    """UN voting alignment of one pair per year (empty when the ledger has no roll calls)."""
    votes = CHANNELS["unga"].source
    if not reads.has_data(led, [votes]):
        return pl.DataFrame()
    lo, hi = min(a, b), max(a, b)
    return dyad_alignment(led, years=years, source=votes, states=[lo, hi]).filter(
        (pl.col("ccode1") == lo) & (pl.col("ccode2") == hi)
    )


def counted(led: Ledger, ccode: int | None = None, *, all_sources: bool = False) -> pl.DataFrame:
    """Engagements counted per source, instrument, parties and year (`reads.engagement_counts`), one
    source per fact (`one_per_fact`) unless ``all_sources``."""
    rows = reads.engagement_counts(led, ccode)
    return rows if all_sources else one_per_fact(led, rows)


def activity(rows: pl.DataFrame) -> pl.DataFrame:
    """``ccode, year, instrument, outgoing, incoming, suspensions`` per state from `counted` rows: the
    engagements it started as actor (positive polarity) or received as partner, and its suspensions."""
    keys = ["ccode", "year", "instrument"]
    out = (
        rows.filter(pl.col("actor_kind") == "state")
        .group_by(pl.col("actor_ccode").alias("ccode"), "year", "instrument")
        .agg(pl.col("positive").sum().alias("outgoing"), pl.col("negative").sum().alias("suspensions"))
    )
    inc = (
        rows.filter(pl.col("partner_kind") == "state")
        .group_by(pl.col("partner_ccode").alias("ccode"), "year", "instrument")
        .agg(pl.col("positive").sum().alias("incoming"))
    )
    both = out.join(inc, on=keys, how="full", coalesce=True)
    return both.select(
        pl.col("ccode", "year").cast(pl.Int32),
        "instrument",
        *(pl.col(c).fill_null(0).cast(pl.Int32) for c in ("outgoing", "incoming", "suspensions")),
    ).sort("year", "ccode", "instrument")


def partners(rows: pl.DataFrame, ccode: int) -> pl.DataFrame:
    """``ccode, name, outgoing, incoming``: each state ``ccode`` engaged (outgoing) or was engaged by
    (incoming), counting positive state-to-state engagements of `counted` rows."""
    pairs = rows.filter(
        (pl.col("actor_kind") == "state") & (pl.col("partner_kind") == "state") & (pl.col("positive") > 0)
    )
    mine = pl.col("actor_ccode") == ccode
    sides = pl.concat(
        [
            pairs.filter(mine).select(
                pl.col("partner_ccode").alias("ccode"),
                pl.col("partner").alias("name"),
                pl.col("positive").alias("outgoing"),
                pl.lit(0, pl.Int32).alias("incoming"),
            ),
            pairs.filter(pl.col("partner_ccode") == ccode).select(
                pl.col("actor_ccode").alias("ccode"),
                pl.col("actor").alias("name"),
                pl.lit(0, pl.Int32).alias("outgoing"),
                pl.col("positive").alias("incoming"),
            ),
        ]
    )
    return sides.group_by("ccode").agg(
        pl.col("name").min(), pl.col("outgoing").sum().cast(pl.Int32), pl.col("incoming").sum().cast(pl.Int32)
    )


def profile(
    led: Ledger, ccode: int, arms: pl.DataFrame | None = None, *, all_sources: bool = False
) -> dict[str, pl.DataFrame]:
    """A state's engagements by instrument and year, top patrons and clients (one source per fact
    unless ``all_sources``), arms dependency (from ``arms``, `all_arms_dependency`, when given) and UN
    alignment with the major powers; ``counted_sources`` says which sources the counts come from."""
    rows = counted(led, ccode, all_sources=all_sources)
    by_year = activity(rows).filter(pl.col("ccode") == ccode).drop("ccode")
    both = partners(rows, ccode)
    patrons = both.filter(pl.col("incoming") > 0).sort(["incoming", "ccode"], descending=[True, False])
    clients = both.filter(pl.col("outgoing") > 0).sort(["outgoing", "ccode"], descending=[True, False])
    sources = (
        rows.group_by("instrument")
        .agg(pl.col("source_id").unique().sort().alias("sources"))
        .sort("instrument")
    )
    return {
        "by_year": by_year,
        "patrons": patrons.head(10),
        "clients": clients.head(10),
        "arms": arms_profile(led, ccode, arms, all_sources=all_sources),
        "alignment": major_alignment(led, ccode),
        "counted_sources": sources,
    }


def major_alignment(led: Ledger, ccode: int) -> pl.DataFrame:
    """UN voting alignment of ``ccode`` with each major power (``major``) per year, in the majors'
    display order: one pass over the votes of the six states (empty when the ledger has no votes)."""
    votes = CHANNELS["unga"].source
    if not reads.has_data(led, [votes]):
        return pl.DataFrame()
    others = [m for m in majors() if m != ccode]
    pairs = dyad_alignment(led, years=RESEARCH_YEARS, source=votes, states=[ccode, *others])
    other = pl.when(pl.col("ccode1") == ccode).then(pl.col("ccode2")).otherwise(pl.col("ccode1"))
    return (
        pairs.filter((pl.col("ccode1") == ccode) | (pl.col("ccode2") == ccode))
        .with_columns(other.cast(pl.Int32).alias("major"))
        .sort(pl.col("major").replace_strict({m: i for i, m in enumerate(others)}), "year")
    )


def all_arms_dependency(led: Ledger) -> pl.DataFrame | None:
    """`arms_dependency` of every state-year, where the arms channel's dataset is in the ledger."""
    return arms_dependency(led, RESEARCH_YEARS) if reads.has_data(led, [CHANNELS["arms"].source]) else None


def arms_profile(
    led: Ledger, ccode: int, every: pl.DataFrame | None = None, *, all_sources: bool = False
) -> pl.DataFrame:
    """``year, hhi, top_supplier, top_share, effective_suppliers``: SIPRI-based where SIPRI is in the
    ledger (``every``: `all_arms_dependency`, if already computed), else the shares of the state's
    arms-transfer engagements by supplier (one source per fact unless ``all_sources``)."""
    every = every if every is not None else all_arms_dependency(led)
    if every is not None:
        return every.filter(pl.col("ccode") == ccode).drop("ccode")
    rows = counted(led, ccode, all_sources=all_sources).filter(
        (pl.col("instrument") == "arms_transfer")
        & (pl.col("partner_ccode") == ccode)
        & (pl.col("actor_kind") == "state")
        & (pl.col("positive") > 0)
    )
    if rows.height == 0:
        return pl.DataFrame()
    n = rows.group_by("year", pl.col("actor_ccode").alias("supplier")).agg(
        pl.col("positive").sum().alias("n")
    )
    stats = hhi_table(n, ["year"], "supplier", "n", "top_supplier")
    return stats.select(
        "year", "hhi", "top_supplier", "top_share", pl.col("effective").alias("effective_suppliers")
    ).sort("year")
