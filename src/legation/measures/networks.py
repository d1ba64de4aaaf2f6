"""Defence networks: yearly graphs of a channel, centralities, and blocs with labels stable across years.

    from legation.measures import networks as nw
    edges = nw.channel_edges(led, "alliance", (1946, 2015))     # ccode1, ccode2, year, weight
    graphs = nw.yearly_graphs(edges)                            # {year: igraph.Graph}
    cent = nw.centrality(graphs)                                # ccode, year, degree, strength, ...
    members = nw.blocs(graphs, seed=42)                         # ccode, year, bloc
    cohesion = nw.bloc_cohesion(graphs, members)                # year, bloc, size, density, ...

Channels (``channel_edges``; their sources come from the registry, `legation.panel.channels`):

- ``"alliance"``: ATOP obligations (``atop-dyad-years``), undirected, weight 1 per pair-year with a
  defence obligation (``obligation="defense"``, the default) or any obligation (``"any"``: defence,
  offence, neutrality, non-aggression or consultation) in either direction.
- ``"arms"``: SIPRI TIV transfers (``sipri-tiv-360info``), directed supplier → recipient, weight the
  decayed stock (half-life of the ``arms_transfer`` instrument, 8 years), 1950–2021.
- ``"exercise"``: joint exercises (``mme``), undirected, weight the year's count of exercises the
  pair held together, or with ``decay=True`` a decayed stock (``exercise`` half-life, 3 years).

``composite`` combines any weighted edge frames (each channel scaled to [0, 1] per year, then a
weighted sum), e.g. the influence module's own. Years outside a source's coverage have no edges
(and so no graph): absence of a graph is "not observed", not "no ties".

Centralities (``centrality``): degree and strength (weighted degree; in/out for directed graphs),
eigenvector centrality (weighted, on the symmetrised graph, scaled so the year's maximum is 1),
betweenness (weighted, **distances = 1 / weight**, so strong ties are short; directed paths on
directed graphs) and Burt's constraint (weighted; low constraint = a broker spanning structural
holes). Blocs (``blocs``): Leiden modularity communities per year with a fixed seed, labels carried
from the previous year by maximum Jaccard overlap (Hungarian assignment). See docs/networks.md.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

import igraph as ig
import numpy as np
import polars as pl
from scipy.optimize import linear_sum_assignment

from legation.errors import MeasureError
from legation.instruments import INSTRUMENTS
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.panel.channels import CHANNELS, NETWORKS, flows, ledger_channels, stocks, window
from legation.panel.keys import to_dyad
from legation.panel.stocks import decayed

EDGE_SCHEMA = pl.Schema({"ccode1": pl.Int32, "ccode2": pl.Int32, "year": pl.Int32, "weight": pl.Float64})


class NetworkError(MeasureError):
    """A bad edge frame or an unknown channel."""


# edges ----------------------------------------------------------------------------------------


def _edge_frame(df: pl.DataFrame) -> pl.DataFrame:
    return df.select(pl.col(c).cast(t) for c, t in EDGE_SCHEMA.items())


def _undirect(df: pl.DataFrame, how: Literal["max", "sum"] = "sum") -> pl.DataFrame:
    lo, hi = pl.min_horizontal("ccode1", "ccode2"), pl.max_horizontal("ccode1", "ccode2")
    agg = pl.col("weight").max() if how == "max" else pl.col("weight").sum()
    df = df.with_columns(lo.alias("ccode1"), hi.alias("ccode2"))
    return df.group_by("ccode1", "ccode2", "year").agg(agg).sort("year", "ccode1", "ccode2")


def channel_edges(
    ledger: Ledger,
    channel: str,
    years: tuple[int, int],
    *,
    source: str | None = None,
    obligation: Literal["defense", "any"] = "defense",
    decay: bool = False,
    half_life: float | None = None,
) -> pl.DataFrame:
    """Edges (ccode1, ccode2, year, weight > 0) of one channel for ``years`` (inclusive), from the ledger.

    ``alliance`` and ``exercise`` edges are undirected (``ccode1 < ccode2``); ``arms`` edges run
    supplier (ccode1) → recipient (ccode2). Years outside the source's coverage yield no rows."""
    if channel not in NETWORKS:
        raise NetworkError(f"unknown channel {channel!r}; expected one of {sorted(NETWORKS)}")
    ch = CHANNELS[channel]
    src = source or ch.source
    lo, hi = window(ledger.source(src), years)
    if channel == "alliance":
        ob = reads.obligations(ledger, src, since=lo, until=hi).filter(pl.col("ccode1") != pl.col("ccode2"))
        flags = ("atop_defense",) if obligation == "defense" else reads.OBLIGATIONS
        df = ob.filter(pl.any_horizontal(pl.col(f) > 0 for f in flags)).select(
            "ccode1", "ccode2", "year", pl.lit(1.0).alias("weight")
        )
        return _edge_frame(_undirect(_edge_frame(df), "max"))
    if channel == "arms":
        h = half_life or ch.half_life
        rows = flows(ledger, replace(ch, sources=(src,)), hi).filter(pl.col("ccode1") != pl.col("ccode2"))
        if hi < lo or rows.height == 0:
            return pl.DataFrame(schema=EDGE_SCHEMA)
        stock = decayed(rows, h, lo, hi, ["ccode1", "ccode2"]).rename({"stock": "weight"})
        return _edge_frame(stock.filter(pl.col("weight") > 0)).sort("year", "ccode1", "ccode2")
    # exercise: count distinct exercises per unordered pair-year, as the panel's add_exercises does
    rows = reads.exercise_counts(ledger, src, hi)
    if hi < lo or rows.height == 0:
        return pl.DataFrame(schema=EDGE_SCHEMA)
    rows = rows.with_columns(pl.col("v").cast(pl.Float64))
    if decay:
        h = half_life or ch.half_life
        stock = decayed(rows, h, lo, hi, ["ccode1", "ccode2"])
        return _edge_frame(stock.rename({"stock": "weight"}).filter(pl.col("weight") > 0)).sort(
            "year", "ccode1", "ccode2"
        )
    rows = rows.filter(pl.col("year").is_between(lo, hi)).rename({"v": "weight"})
    return _edge_frame(rows).sort("year", "ccode1", "ccode2")


def directed(channel: str) -> bool:
    """Whether `channel_edges` gives directed edges: arms run supplier → recipient; an alliance edge
    joins two allies whichever of them holds the obligation, and exercises are joint."""
    return channel != "alliance" and CHANNELS[channel].directed


def ledger_edges(ledger: Ledger, instrument: str, years: tuple[int, int]) -> pl.DataFrame:
    """Edges ``ccode1, ccode2, year, weight`` of one instrument from the ledger's own engagements:
    decayed stocks of engagement counts (the ledger channel of `ledger_channels`; directed patron →
    target for a directed instrument, else ``ccode1 < ccode2``)."""
    if instrument not in INSTRUMENTS:
        raise NetworkError(f"unknown instrument {instrument!r}; expected one of {sorted(INSTRUMENTS)}")
    ch = ledger_channels(ledger).get(instrument)
    if ch is None:
        return pl.DataFrame(schema=EDGE_SCHEMA)
    edges = to_dyad(stocks(ledger, ch, years)).rename({"stock": "weight"})
    if not ch.directed:
        edges = edges.filter(pl.col("ccode1") < pl.col("ccode2"))
    return edges.select(*EDGE_SCHEMA).cast(EDGE_SCHEMA).sort("year", "ccode1", "ccode2")


def composite(
    edges: pl.DataFrame | Mapping[str, pl.DataFrame],
    weights: Mapping[str, float] | None = None,
    *,
    directed: bool = False,
    normalize: bool = True,
    weight: str = "weight",
) -> pl.DataFrame:
    """One weighted edge frame from several channels' (or any single weighted frame).

    Each frame (ccode1, ccode2, year and a ``weight`` column) is scaled so its largest weight in each
    year is 1 (``normalize=True``), multiplied by ``weights[name]`` (default 1) and summed per
    pair-year. ``directed=False`` folds (a, b) and (b, a) into one edge ``ccode1 < ccode2`` (summing)."""
    frames = {"edges": edges} if isinstance(edges, pl.DataFrame) else dict(edges)
    parts = []
    for name, df in frames.items():
        missing = {"ccode1", "ccode2", "year", weight} - set(df.columns)
        if missing:
            raise NetworkError(f"edge frame {name!r} lacks columns {sorted(missing)}")
        df = df.select("ccode1", "ccode2", "year", pl.col(weight).cast(pl.Float64).alias("weight"))
        df = df.filter(pl.col("weight").is_not_null() & (pl.col("weight") != 0))
        if (df["weight"] < 0).any():
            raise NetworkError(f"edge frame {name!r} has negative weights")
        if normalize:
            df = df.with_columns(pl.col("weight") / pl.col("weight").max().over("year"))
        w = 1.0 if weights is None else float(weights.get(name, 1.0))
        parts.append(_edge_frame(df.with_columns(pl.col("weight") * w)))
    out = pl.concat(parts) if parts else pl.DataFrame(schema=EDGE_SCHEMA)
    if not directed:
        return _edge_frame(_undirect(out, "sum"))
    out = out.group_by("ccode1", "ccode2", "year").agg(pl.col("weight").sum())
    return _edge_frame(out).sort("year", "ccode1", "ccode2")


# graphs ---------------------------------------------------------------------------------------


def yearly_graphs(
    edges: pl.DataFrame, *, weight: str = "weight", directed: bool = False
) -> dict[int, ig.Graph]:
    """One igraph graph per year from an edge frame (ccode1, ccode2, year, ``weight``).

    Vertices are the states with at least one tie that year (vertex attribute ``ccode``, and ``name``
    the code as text); edges with a null, zero or negative weight, and self-ties, are dropped. An
    undirected graph sums the weights of (a, b) and (b, a); the edge attribute is ``weight``."""
    missing = {"ccode1", "ccode2", "year", weight} - set(edges.columns)
    if missing:
        raise NetworkError(f"edge frame lacks columns {sorted(missing)}")
    df = edges.select(
        pl.col("ccode1").cast(pl.Int32),
        pl.col("ccode2").cast(pl.Int32),
        pl.col("year").cast(pl.Int32),
        pl.col(weight).cast(pl.Float64).alias("weight"),
    ).filter(pl.col("weight").is_not_null() & (pl.col("weight") > 0) & (pl.col("ccode1") != pl.col("ccode2")))
    df = (
        _undirect(df, "sum")
        if not directed
        else df.group_by("ccode1", "ccode2", "year").agg(pl.col("weight").sum())
    )
    graphs: dict[int, ig.Graph] = {}
    for (year,), part in df.sort("year", "ccode1", "ccode2").group_by("year", maintain_order=True):
        a, b, w = part["ccode1"].to_numpy(), part["ccode2"].to_numpy(), part["weight"].to_list()
        codes = np.unique(np.concatenate([a, b]))
        index = np.searchsorted(codes, np.stack([a, b], axis=1))
        g = ig.Graph(n=len(codes), edges=index.tolist(), directed=directed)
        g.vs["ccode"] = codes.tolist()
        g.vs["name"] = [str(c) for c in codes]
        g.es["weight"] = w
        graphs[int(year)] = g
    return graphs


def symmetric(g: ig.Graph) -> ig.Graph:
    """The graph undirected, (a, b) and (b, a) merged with their weights summed (as is if undirected)."""
    return g.as_undirected(mode="collapse", combine_edges={"weight": "sum"}) if g.is_directed() else g


# centrality -----------------------------------------------------------------------------------


def centrality(graphs: Mapping[int, ig.Graph]) -> pl.DataFrame:
    """Per ccode-year: ``degree`` (number of partners), ``strength`` (sum of tie weights), for directed
    graphs also ``degree_out/_in`` and ``strength_out/_in``; ``eigenvector`` (weighted, on the
    symmetrised graph, largest = 1; computed on the whole graph, so states outside the main component
    score near 0), ``betweenness`` (weighted with distance = 1/weight, unnormalised;
    directed paths on directed graphs) and ``constraint`` (Burt's, weighted; null for isolates)."""
    frames = []
    for year, g in sorted(graphs.items()):
        if g.vcount() == 0:
            continue
        w = g.es["weight"]
        u = symmetric(g)
        cols: dict[str, object] = {
            "ccode": g.vs["ccode"],
            "year": [year] * g.vcount(),
            "degree": u.degree(),
            "strength": u.strength(weights="weight"),
        }
        if g.is_directed():
            cols |= {
                "degree_out": g.degree(mode="out"),
                "degree_in": g.degree(mode="in"),
                "strength_out": g.strength(mode="out", weights="weight"),
                "strength_in": g.strength(mode="in", weights="weight"),
            }
        with warnings.catch_warnings():  # igraph warns on disconnected graphs; see the docstring
            warnings.simplefilter("ignore", RuntimeWarning)
            cols["eigenvector"] = (
                u.eigenvector_centrality(weights="weight") if u.ecount() else [0.0] * u.vcount()
            )
        cols["betweenness"] = g.betweenness(weights=[1.0 / x for x in w], directed=g.is_directed())
        cols["constraint"] = [None if math.isnan(c) else c for c in g.constraint(weights="weight")]
        frames.append(pl.DataFrame(cols, strict=False))
    schema = {"ccode": pl.Int32, "year": pl.Int32, "degree": pl.Int32}
    if not frames:
        return pl.DataFrame(schema=schema | {"strength": pl.Float64, "eigenvector": pl.Float64})
    out = pl.concat(frames, how="diagonal_relaxed")
    return out.with_columns(pl.col(c).cast(t) for c, t in schema.items()).with_columns(
        pl.col(c).cast(pl.Float64) for c in ("strength", "eigenvector", "betweenness", "constraint")
    )


# blocs ----------------------------------------------------------------------------------------


def _leiden(g: ig.Graph, resolution: float, seed: int, restarts: int) -> list[int]:
    """The best (highest modularity) of ``restarts`` Leiden runs seeded ``seed``, ``seed + 1``, …: one
    run can stop in a local optimum (e.g. merging the heaviest edge first on small graphs)."""
    best: tuple[float, list[int]] | None = None
    try:
        for r in range(max(1, restarts)):
            ig.set_random_number_generator(random.Random(seed + r))
            part = g.community_leiden(
                objective_function="modularity", weights="weight", resolution=resolution, n_iterations=-1
            )
            q = g.modularity(part.membership, weights="weight", resolution=resolution)
            if best is None or q > best[0] + 1e-12:
                best = (q, part.membership)
    finally:
        ig.set_random_number_generator(random)
    assert best is not None  # at least one run
    return best[1]


def _order(communities: list[set[int]]) -> list[int]:
    """Indexes of communities, largest first, ties by smallest member (deterministic new labels)."""
    return sorted(range(len(communities)), key=lambda i: (-len(communities[i]), min(communities[i])))


def match_labels(
    previous: Mapping[int, set[int]], current: list[set[int]], next_label: int
) -> tuple[list[int], int]:
    """Labels for ``current`` communities: each takes the label of the previous year's community it
    overlaps most (Jaccard), one-to-one, by Hungarian assignment maximising total Jaccard; a community
    with no overlapping predecessor gets a new label (``next_label``, ``next_label + 1``, …)."""
    labels = [-1] * len(current)
    prev_labels = list(previous)
    if prev_labels and current:
        jac = np.zeros((len(current), len(prev_labels)))
        for i, c in enumerate(current):
            for j, lab in enumerate(prev_labels):
                p = previous[lab]
                inter = len(c & p)
                if inter:
                    jac[i, j] = inter / len(c | p)
        rows, cols = linear_sum_assignment(jac, maximize=True)
        for i, j in zip(rows, cols, strict=True):
            if jac[i, j] > 0:
                labels[i] = prev_labels[j]
    for i in _order(current):
        if labels[i] < 0:
            labels[i] = next_label
            next_label += 1
    return labels, next_label


def blocs(
    graphs: Mapping[int, ig.Graph], *, resolution: float = 1.0, seed: int = 42, restarts: int = 10
) -> pl.DataFrame:
    """Leiden modularity communities per year (ccode, year, bloc), labels stable across years.

    Directed graphs are symmetrised (weights summed). The first year's blocs are labelled 0, 1, …
    from the largest; each later year's are matched to the previous graph-year's by maximum Jaccard
    overlap (``match_labels``); new communities take fresh labels, never reused. Each year keeps the best
    of ``restarts`` Leiden runs by modularity. Reproducible: igraph's random generator is seeded from
    ``seed`` for every year (and restored afterwards)."""
    rows: list[tuple[int, int, int]] = []
    previous: dict[int, set[int]] = {}
    next_label = 0
    for year, g in sorted(graphs.items()):
        if g.vcount() == 0:
            continue
        u = symmetric(g)
        membership = _leiden(u, resolution, seed, restarts)
        codes = u.vs["ccode"]
        groups: dict[int, set[int]] = {}
        for code, m in zip(codes, membership, strict=True):
            groups.setdefault(m, set()).add(code)
        current = list(groups.values())
        labels, next_label = match_labels(previous, current, next_label)
        previous = {lab: c for lab, c in zip(labels, current, strict=True)}
        rows += [(code, year, lab) for lab, c in previous.items() for code in c]
    out = pl.DataFrame(rows, schema={"ccode": pl.Int32, "year": pl.Int32, "bloc": pl.Int32}, orient="row")
    return out.sort("year", "bloc", "ccode")


def bloc_cohesion(graphs: Mapping[int, ig.Graph], membership: pl.DataFrame) -> pl.DataFrame:
    """Per bloc-year, on the symmetrised graph: ``size``, ``internal_weight`` (sum of tie weights inside
    the bloc), ``density`` (internal weight / possible internal pairs n(n-1)/2; null for a bloc of one)
    and ``internal_share`` (share of the members' total strength on ties inside the bloc,
    2·internal weight / Σ members' strength; 1 for a bloc with no outside ties)."""
    out = []
    bloc_of = {(r[0], r[1]): r[2] for r in membership.select("ccode", "year", "bloc").iter_rows()}
    for year, g in sorted(graphs.items()):
        u = symmetric(g)
        labels = [bloc_of.get((c, year)) for c in u.vs["ccode"]]
        stats: dict[int, list[float]] = {}
        for lab, s in zip(labels, u.strength(weights="weight"), strict=True):
            if lab is not None:
                st = stats.setdefault(lab, [0, 0.0, 0.0])
                st[0] += 1
                st[2] += s
        for e in u.es:
            a, b = labels[e.source], labels[e.target]
            if a is not None and a == b:
                stats[a][1] += e["weight"]
        for lab, (n, internal, strength) in stats.items():
            pairs = n * (n - 1) / 2
            out.append(
                (
                    year,
                    lab,
                    n,
                    internal,
                    internal / pairs if pairs else None,
                    2 * internal / strength if strength else None,
                )
            )
    schema = {
        "year": pl.Int32,
        "bloc": pl.Int32,
        "size": pl.Int32,
        "internal_weight": pl.Float64,
        "density": pl.Float64,
        "internal_share": pl.Float64,
    }
    return pl.DataFrame(out, schema=schema, orient="row").sort("year", "bloc")
