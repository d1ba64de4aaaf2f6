"""What the server computes from a ledger: one function per route, each returning plain frames.

Measures come from the research datasets when the ledger holds them (ATOP, SIPRI, MME, US troops and
visits: `legation.measures.influence` and `networks`) and otherwise from the ledger's own
engagements, one channel per instrument (`legation.measures.activity`); every answer says which
(``basis``). Nothing here knows about HTTP.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import igraph as ig
import polars as pl

from legation.instruments import INSTRUMENTS
from legation.ledger.store import Ledger
from legation.measures import activity as act
from legation.measures import influence as inf
from legation.measures import networks as nw
from legation.measures.alignment import dyad_alignment
from legation.measures.risk import arms_dependency
from legation.states.codes import by_iso3

MAJORS = (2, 710, 365, 200, 220)
"""The permanent five, the default patrons of contests and alignment: US, China, Russia, UK, France."""
RESEARCH_YEARS = (1946, 2020)
VOTES_SOURCE = "unvotes-voeten"
NETWORK_SOURCES = {"alliance": "atop-dyad-years", "arms": "sipri-tiv-360info", "exercise": "mme"}


class Unavailable(LookupError):
    """The ledger lacks the data a view needs; the message says what to import."""


# the ledger at a glance -------------------------------------------------------------------------------


def state_names(led: Ledger) -> pl.DataFrame:
    """``ccode, abb, name`` of every COW state (its most recent name)."""
    return led.query(
        "SELECT code::INTEGER AS ccode, arg_max(stateabb, start_date) AS abb, "
        "arg_max(statename, start_date) AS name, min(year(start_date))::INTEGER AS first_year, "
        "max(coalesce(year(end_date), 9999))::INTEGER AS last_year "
        "FROM states WHERE system = 'cow' GROUP BY code ORDER BY code"
    )


def source_rows(led: Ledger) -> dict[str, int]:
    """Rows each source contributed, over every table that holds data."""
    rows = led.query(
        "SELECT source_id, sum(n)::BIGINT AS n FROM ("
        "SELECT source_id, count(*) AS n FROM engagements GROUP BY ALL UNION ALL "
        "SELECT source_id, count(*) FROM state_attributes GROUP BY ALL UNION ALL "
        "SELECT source_id, count(*) FROM dyad_attributes GROUP BY ALL UNION ALL "
        "SELECT source_id, count(*) FROM votes GROUP BY ALL UNION ALL "
        "SELECT source_id, count(*) FROM states GROUP BY ALL) GROUP BY ALL"
    )
    return dict(zip(rows["source_id"].to_list(), rows["n"].to_list(), strict=True))


def has_source(led: Ledger, *sources: str) -> bool:
    """Whether the ledger holds any row of any of ``sources`` (stops at the first it finds)."""
    tables = ("engagements", "dyad_attributes", "state_attributes", "votes")
    exists = " OR ".join(f"EXISTS (SELECT 1 FROM {t} WHERE source_id IN (SELECT unnest(?)))" for t in tables)
    return bool(led.query(f"SELECT {exists} AS found", [list(sources)] * len(tables))["found"][0])


def basis(led: Ledger) -> str:
    """``"research"`` when the ledger holds any influence channel's dataset, else ``"ledger"``."""
    wanted = {s for spec in inf.CHANNELS.values() for s in spec.sources}
    return "research" if has_source(led, *sorted(wanted)) else "ledger"


def ledger_years(led: Ledger) -> tuple[int, int]:
    win = act.windows(led)
    if not win:
        raise Unavailable("the ledger has no engagements; import some, or run `legation demo`")
    return min(lo for lo, _ in win.values()), max(hi for _, hi in win.values())


# influence --------------------------------------------------------------------------------------------


def research_years(led: Ledger) -> tuple[int, int]:
    """The years every default influence channel covers (from its sources' coverage windows), so a
    time series never jumps where one channel's data end and the mean re-weights the others."""
    spans = []
    for spec in inf.CHANNELS.values():
        rows = led.query(
            "SELECT min(coalesce(coverage_start, ?)) AS lo, max(coalesce(coverage_end, ?)) AS hi "
            "FROM sources WHERE id IN (SELECT unnest(?)) AND id IN (SELECT DISTINCT source_id "
            "FROM engagements UNION SELECT DISTINCT source_id FROM dyad_attributes)",
            [RESEARCH_YEARS[0], RESEARCH_YEARS[1], list(spec.sources)],
        )
        if rows["lo"][0] is not None:
            spans.append((int(rows["lo"][0]), int(rows["hi"][0])))
    lo = max([RESEARCH_YEARS[0], *(a for a, _ in spans)])
    hi = min([RESEARCH_YEARS[1], *(b for _, b in spans)])
    return (lo, hi) if lo <= hi else RESEARCH_YEARS


def influence(led: Ledger) -> tuple[pl.DataFrame, str]:
    """The composite influence of every patron on every target and year, and its basis: on the
    research datasets over the years all their channels cover, else on the ledger's engagements."""
    b = basis(led)
    if b == "research":
        return inf.influence(led, research_years(led)), b
    return act.ledger_influence(led, ledger_years(led)), b


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


# networks ---------------------------------------------------------------------------------------------


def network_channels(led: Ledger) -> list[str]:
    """Channels with data: research ones whose dataset is present, then every instrument recorded."""
    research = [c for c, s in NETWORK_SOURCES.items() if has_source(led, s)]
    return research + sorted(act.windows(led))


def network(led: Ledger, channel: str, year: int) -> dict[str, object]:
    """Nodes (with centralities, bloc and a fixed layout), edges and blocs of one channel-year."""
    if channel in NETWORK_SOURCES and has_source(led, NETWORK_SOURCES[channel]):
        edges = nw.channel_edges(led, channel, (year, year))  # type: ignore[arg-type]
        directed, origin = nw.CHANNELS[channel], NETWORK_SOURCES[channel]
    elif channel in INSTRUMENTS:
        edges = act.ledger_edges(led, channel, (year, year))
        directed, origin = INSTRUMENTS[channel].directed, "ledger engagements"
    else:
        raise Unavailable(f"no data for channel {channel!r}; choose one of {network_channels(led)}")
    edges = edges.filter(pl.col("year") == year)
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
    if not has_source(led, VOTES_SOURCE):
        return pl.DataFrame()
    lo, hi = min(a, b), max(a, b)
    return dyad_alignment(led, years=years, source=VOTES_SOURCE, states=[lo, hi]).filter(
        (pl.col("ccode1") == lo) & (pl.col("ccode2") == hi)
    )


def dyad_engagements(led: Ledger, a: int, b: int, limit: int, offset: int) -> tuple[pl.DataFrame, int]:
    """Every engagement between two states, either way, oldest first, with its source's name."""
    where = (
        "FROM engagements e JOIN sources s ON s.id = e.source_id WHERE "
        "((actor_ccode = ? AND partner_ccode = ?) OR (actor_ccode = ? AND partner_ccode = ?)) "
        "AND actor_kind = 'state' AND partner_kind = 'state'"
    )
    params = [a, b, b, a]
    total = led.query(f"SELECT count(*) AS n {where}", params)["n"][0]
    rows = led.query(
        "SELECT e.id, e.instrument, e.actor_ccode::INTEGER AS actor_ccode, e.actor, "
        "e.partner_ccode::INTEGER AS partner_ccode, e.partner, e.start_date, e.end_date, e.magnitude, "
        f"e.unit, e.polarity, e.source_id, s.name AS source_name, e.source_ref, e.note {where} "
        "ORDER BY e.start_date, e.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return rows, int(total)


def profile(led: Ledger, ccode: int, arms: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """A state's engagements by instrument and year, top patrons and clients, arms dependency (from
    ``arms``, `arms_dependency` of every state, when given) and UN alignment with the major powers."""
    by_year = act.activity(led).filter(pl.col("ccode") == ccode).drop("ccode")
    partners = led.query(
        "SELECT other::INTEGER AS ccode, any_value(name) AS name, sum(out)::INTEGER AS outgoing, "
        "sum(inc)::INTEGER AS incoming FROM ("
        "SELECT partner_ccode AS other, partner AS name, 1 AS out, 0 AS inc FROM engagements "
        "WHERE actor_ccode = ? AND actor_kind = 'state' AND partner_kind = 'state' AND polarity > 0 "
        "UNION ALL SELECT actor_ccode, actor, 0, 1 FROM engagements "
        "WHERE partner_ccode = ? AND actor_kind = 'state' AND partner_kind = 'state' AND polarity > 0"
        ") GROUP BY other",
        [ccode, ccode],
    )
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
    """UN voting alignment of ``ccode`` with each major power (``major``) per year, in `MAJORS`' order:
    one pass over the votes of the six states (empty when the ledger has no roll calls)."""
    if not has_source(led, VOTES_SOURCE):
        return pl.DataFrame()
    majors = [m for m in MAJORS if m != ccode]
    pairs = dyad_alignment(led, years=RESEARCH_YEARS, source=VOTES_SOURCE, states=[ccode, *majors])
    other = pl.when(pl.col("ccode1") == ccode).then(pl.col("ccode2")).otherwise(pl.col("ccode1"))
    return (
        pairs.filter((pl.col("ccode1") == ccode) | (pl.col("ccode2") == ccode))
        .with_columns(other.cast(pl.Int32).alias("major"))
        .sort(pl.col("major").replace_strict({m: i for i, m in enumerate(majors)}), "year")
    )


def all_arms_dependency(led: Ledger) -> pl.DataFrame | None:
    """`arms_dependency` of every state-year, where SIPRI is in the ledger."""
    return arms_dependency(led, RESEARCH_YEARS) if has_source(led, "sipri-tiv-360info") else None


def arms_profile(led: Ledger, ccode: int, every: pl.DataFrame | None = None) -> pl.DataFrame:
    """``year, hhi, top_supplier, top_share, effective_suppliers``: SIPRI-based where SIPRI is in the
    ledger (``every``: `all_arms_dependency`, if already computed), else the shares of the state's
    arms-transfer engagements by supplier."""
    every = every if every is not None else all_arms_dependency(led)
    if every is not None:
        return every.filter(pl.col("ccode") == ccode).drop("ccode")
    rows = led.query(
        "SELECT year(start_date)::INTEGER AS year, actor_ccode::INTEGER AS supplier, count(*) AS n "
        "FROM engagements WHERE instrument = 'arms_transfer' AND partner_ccode = ? AND polarity > 0 "
        "AND actor_kind = 'state' GROUP BY ALL",
        [ccode],
    )
    if rows.height == 0:
        return pl.DataFrame()
    share = rows.with_columns((pl.col("n") / pl.col("n").sum().over("year")).alias("share"))
    return (
        share.sort("share", descending=True)
        .group_by("year")
        .agg(
            (pl.col("share") ** 2).sum().alias("hhi"),
            pl.col("supplier").first().alias("top_supplier"),
            pl.col("share").first().alias("top_share"),
        )
        .with_columns((1 / pl.col("hhi")).alias("effective_suppliers"))
        .sort("year")
    )


# the map ----------------------------------------------------------------------------------------------


def _ring_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def _clockwise(geometry: dict) -> dict:
    """Outer rings clockwise and holes counter-clockwise, the winding d3-geo (plotly.js) reads as
    "this area", not "everything but it" (one stray ring would otherwise fill the whole globe)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    fixed = [
        [ring if (_ring_area(ring) < 0) == (k == 0) else ring[::-1] for k, ring in enumerate(polygon)]
        for polygon in polygons
    ]
    multi = geometry["type"] == "MultiPolygon"
    return {"type": geometry["type"], "coordinates": fixed if multi else fixed[0]}


@cache
def world_geometry() -> str:
    """Country outlines as GeoJSON text, each feature's ``id`` its COW code (from the ``countryinfo``
    package's Natural Earth shapes: no request leaves the machine)."""
    folder = Path(str(resources.files("countryinfo") / "data"))
    codes = by_iso3()
    features = []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for feat in (doc.get("geoJSON") or {}).get("features", []):
            row = codes.get(str(feat.get("id")))
            if row is None or row.cown is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": row.cown,
                    "properties": {"name": row.name, "iso3": feat["id"]},
                    "geometry": _clockwise(feat["geometry"]),
                }
            )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
