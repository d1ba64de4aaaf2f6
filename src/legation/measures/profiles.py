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
from legation.panel.channels import CHANNELS, INFLUENCE, NETWORKS, basis, common_years, ledger_channels, span
from legation.years import VIEW_YEARS

RESEARCH_YEARS = VIEW_YEARS
"""The window of the views (`legation.years.VIEW_YEARS`): profiles, alignment with the majors, arms
profiles; the index is cut further to the years all its channels cover."""

NO_ENGAGEMENTS = "the ledger has no engagements; import some (`legation import FILE`), or run `legation demo`"


def state_names(led: Ledger) -> pl.DataFrame:
    """``ccode, abb, name, first_year, last_year`` of every COW state (its most recent name)."""
    return reads.state_names(led)


def ledger_years(led: Ledger) -> tuple[int, int]:
    """The span every instrument the ledger records covers, from the first to the last year."""
    spans = [s for ch in ledger_channels(led).values() if (s := span(led, ch)) is not None]
    if not spans:
        raise NeedsDataError(NO_ENGAGEMENTS)
    return min(lo for lo, _ in spans), max(hi for _, hi in spans)


def research_years(led: Ledger) -> tuple[int, int]:
    """The years every research channel of the index covers inside `RESEARCH_YEARS`."""
    return common_years(led, INFLUENCE, RESEARCH_YEARS)


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
    """Channels with data: research ones whose dataset is present, then every instrument recorded."""
    research = [c for c in NETWORKS if reads.has_data(led, [CHANNELS[c].source])]
    return research + sorted(ledger_channels(led))


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
    names = state_names(led).select("ccode", "abb", "name")
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


def profile(led: Ledger, ccode: int, arms: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """A state's engagements by instrument and year, top patrons and clients, arms dependency (from
    ``arms``, `all_arms_dependency`, when given) and UN alignment with the major powers."""
    by_year = reads.activity(led).filter(pl.col("ccode") == ccode).drop("ccode")
    partners = reads.partners(led, ccode)
    patrons = partners.filter(pl.col("incoming") > 0).sort(["incoming", "ccode"], descending=[True, False])
    clients = partners.filter(pl.col("outgoing") > 0).sort(["outgoing", "ccode"], descending=[True, False])
    return {
        "by_year": by_year,
        "patrons": patrons.head(10),
        "clients": clients.head(10),
        "arms": arms_profile(led, ccode, arms),
        "alignment": major_alignment(led, ccode),
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


def arms_profile(led: Ledger, ccode: int, every: pl.DataFrame | None = None) -> pl.DataFrame:
    """``year, hhi, top_supplier, top_share, effective_suppliers``: SIPRI-based where SIPRI is in the
    ledger (``every``: `all_arms_dependency`, if already computed), else the shares of the state's
    arms-transfer engagements by supplier."""
    every = every if every is not None else all_arms_dependency(led)
    if every is not None:
        return every.filter(pl.col("ccode") == ccode).drop("ccode")
    rows = reads.supplier_counts(led, ccode, "arms_transfer")
    if rows.height == 0:
        return pl.DataFrame()
    stats = hhi_table(rows, ["year"], "supplier", "n", "top_supplier")
    return stats.select(
        "year", "hhi", "top_supplier", "top_share", pl.col("effective").alias("effective_suppliers")
    ).sort("year")
