"""The channel registry: every channel legation measures, the sources it reads, and how.

A **channel** is one kind of tie or attribute from named datasets: alliances from ATOP, arms from
SIPRI, exercises from MME and JME… Each entry says which sources record it (the first is the default
of readers that take one source: the panel verbs, the networks), its instrument and so its decay
half-life, whether it is directed, how a dyad-year's rows become one flow, and what it means. Its
coverage is read from the sources' own records (`Source`): outside their years, or for actors they
do not record, a channel is NA, never 0.

This module is the only place a dataset's id is tied to a channel: the ``add_*`` verbs, influence,
networks, risk, scores, validation and the faces look channels up here.

Two channel **sets** feed one influence pipeline:

- the **research** set (`INFLUENCE`): alliance, arms, exercise, basing, visits, from the published
  datasets, each covered where one of its sources covers the patron and year;
- the **ledger** set (`ledger_channels`): one channel per instrument from whatever engagements the
  ledger holds (the curated sample, an analyst's CSV), covered over the span of its sources' windows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from legation.errors import PanelError
from legation.instruments import INSTRUMENTS
from legation.ledger import reads
from legation.ledger.reads.engagements import Flow
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel.keys import to_patron_target
from legation.panel.stocks import decayed

Basis = Literal["research", "ledger"]


@dataclass(frozen=True)
class Channel:
    """One channel: where its values come from and how they aggregate."""

    name: str
    sources: tuple[str, ...]
    """Source ids recording it; the first is the default of single-source readers."""
    level: Literal["dyad", "state"] = "dyad"
    directed: bool = True
    """Directed dyad channels run ccode1 (patron) → ccode2 (target)."""
    instrument: str | None = None
    flow: Flow = "sum"
    """How a dyad-year's engagements become the flow its stock accumulates (see `reads.flows`)."""
    basis: Basis = "research"
    doc: str = ""

    @property
    def source(self) -> str:
        """The default source of readers that take one."""
        return self.sources[0]

    @property
    def half_life(self) -> float:
        """The decay half-life of the channel's instrument, in years."""
        if self.instrument is None:
            raise PanelError(f"channel {self.name!r} has no instrument and so no decay half-life")
        return INSTRUMENTS[self.instrument].half_life


CHANNELS: dict[str, Channel] = {
    c.name: c
    for c in (
        Channel(
            "alliance",
            ("atop-dyad-years",),
            instrument="alliance",
            doc="ATOP obligations of i to j each year: 1 for a defence pact, 0.5 for other obligations only",
        ),
        Channel("capabilities", ("cow-nmc",), level="state", doc="COW National Material Capabilities"),
        Channel("milex", ("sipri-milex",), level="state", doc="SIPRI military expenditure"),
        Channel("igos", ("cow-igo",), directed=False, doc="COW IGO memberships, shared and per state"),
        Channel("majors", ("cow-majors",), level="state", doc="COW major-power status"),
        Channel("contiguity", ("cow-contiguity",), doc="COW direct contiguity type"),
        Channel("distance", ("cow-mindist",), directed=False, doc="minimum distance (CShapes 2.0)"),
        Channel("rivalries", ("rivalries",), directed=False, doc="strategic rivalries (TD, TSS)"),
        Channel(
            "arms",
            ("sipri-tiv-360info",),
            instrument="arms_transfer",
            doc="SIPRI TIV delivered by i to j",
        ),
        Channel(
            "exercise",
            ("mme", "jme"),
            directed=False,
            instrument="exercise",
            flow="sum_or_one",
            doc="joint exercises of i and j (MME, JME)",
        ),
        Channel(
            "basing",
            ("us-troops", "mcmanus-nieman"),
            instrument="basing",
            flow="max_thousands",
            doc="i's troops in j, thousands (US troop data; McManus–Nieman for the other four patrons)",
        ),
        Channel(
            "visits",
            ("us-visits", "mcmanus-nieman"),
            instrument="dialogue",
            flow="sum_or_one",
            doc="senior-leader visits of i to j",
        ),
        Channel("signals", ("mcmanus-nieman",), doc="McManus–Nieman major-power signals"),
        Channel(
            "peacekeeping",
            ("ipi-peacekeeping",),
            level="state",
            instrument="peacekeeping",
            doc="IPI monthly UN peacekeeping contributions",
        ),
        Channel(
            "codeployment",
            ("ipi-peacekeeping-missions",),
            directed=False,
            instrument="peacekeeping",
            doc="UN missions both states sent personnel to (IPI contributor-by-mission)",
        ),
        Channel("events", ("icews-sample",), doc="CAMEO-coded events (ICEWS, GDELT)"),
        Channel("unga", ("unvotes-voeten",), directed=False, doc="UN General Assembly roll-call votes"),
        Channel("mids", ("cow-mid",), doc="COW militarized interstate disputes (MID 5.0), ccode1's side"),
        Channel("arms_races", ("grh-arms-races",), directed=False, doc="arms races among rivals (GRH 2005)"),
        Channel("democracy", ("democracy-scores",), level="state", doc="V-Dem, Polity and extended UDS"),
        Channel("trade", ("cow-trade",), doc="COW dyadic trade: exports of i to j, current USD millions"),
        Channel(
            "peace", ("peace-scale",), directed=False, doc="peace scale, Goertz–Diehl–Balas (non-commercial)"
        ),
    )
}
"""Every research channel by name."""

SYSTEMS: dict[str, str] = {"cow": "cow-system", "gw": "gw-states"}
"""The source of each state system's full membership list."""

INFLUENCE: tuple[str, ...] = ("alliance", "arms", "exercise", "basing", "visits")
"""The research channels of the influence index."""

NETWORKS: tuple[str, ...] = ("alliance", "arms", "exercise")
"""The research channels a defence network can be drawn of."""


EVENT_SOURCES: tuple[str, ...] = ("icews-sample", "gdelt-1", "gdelt-2")
"""Machine-coded event data: coarse, and recording what the curated datasets record, so they come
last for every instrument."""

PRECEDENCE: dict[str, tuple[str, ...]] = {
    name: (*first, *EVENT_SOURCES)
    for name, first in {
        **{i: () for i in INSTRUMENTS},
        "alliance": ("atop", "mcmanus-nieman"),
        "arms_transfer": ("sipri-tiv-360info", "sipri-trade-register", "mcmanus-nieman"),
        "basing": ("us-troops", "us-troops-v015", "mcmanus-nieman", "us-bases"),
        "dialogue": ("us-visits", "mcmanus-nieman"),
        "exercise": ("mme", "jme", "mcmanus-nieman"),
        "hadr": ("mme",),
        "peacekeeping": ("ipi-peacekeeping", "ipi-peacekeeping-missions"),
    }.items()
}
"""Which dataset counts an engagement when several record the same kind of fact, per instrument, first
first: a source's rows count only where no source before it covers the actor and year (its coverage
window and actors). US troop data and McManus–Nieman both report US troops in Japan; MME and JME list
the same exercise; ICEWS and GDELT code the same news. Sources not listed (an analyst's own, the
curated sample) always count. Counts and charts use this by default (`one_per_fact`); docs/data.md
gives the reasons for each order."""


def one_per_fact(
    led: Ledger, rows: pl.DataFrame, precedence: Mapping[str, Sequence[str]] | None = None
) -> pl.DataFrame:
    """The rows (``source_id, instrument, actor_ccode, year`` …) that count under ``precedence``
    (default `PRECEDENCE`): a row of a listed source is dropped where a source before it for the
    instrument covers the row's actor and year."""
    policy = PRECEDENCE if precedence is None else precedence
    known = {s.id: s for s in led.registered(sorted({s for order in policy.values() for s in order}))}
    drop = pl.lit(False)
    for instrument, order in policy.items():
        ranked = [known[s] for s in order if s in known]
        for k, src in enumerate(ranked[1:], start=1):
            mine = (pl.col("instrument") == instrument) & (pl.col("source_id") == src.id)
            drop |= mine & covered(ranked[:k], actor="actor_ccode")
    return rows.filter(~drop.fill_null(False))  # a non-state actor is in no source's actor list


def channel(name: str) -> Channel:
    """The research channel ``name``; a clear error naming the known ones otherwise."""
    try:
        return CHANNELS[name]
    except KeyError:
        raise PanelError(f"unknown channel {name!r}; known: {', '.join(sorted(CHANNELS))}") from None


def ledger_channels(led: Ledger) -> dict[str, Channel]:
    """The ledger set: one channel per instrument the ledger records, from every source recording it
    (counts of positive engagements; undirected instruments both ways)."""
    return {
        name: Channel(
            name,
            tuple(sources),
            directed=INSTRUMENTS[name].directed,
            instrument=name,
            basis="ledger",
            doc=INSTRUMENTS[name].definition,
        )
        for name, sources in sorted(reads.recording_sources(led).items())
    }


def basis(led: Ledger) -> Basis:
    """``"research"`` when the ledger holds any influence channel's dataset, else ``"ledger"``."""
    wanted = sorted({s for name in INFLUENCE for s in CHANNELS[name].sources})
    return "research" if reads.has_data(led, wanted) else "ledger"


# coverage --------------------------------------------------------------------------------------------


def registered(led: Ledger, ch: Channel) -> list[Source]:
    """The channel's sources registered in the ledger, in the channel's order."""
    return led.registered(ch.sources)


def window(src: Source, years: tuple[int, int]) -> tuple[int, int]:
    """``years`` clipped to the source's coverage (may come out empty: first > last)."""
    lo = max(years[0], src.coverage_start if src.coverage_start is not None else years[0])
    hi = min(years[1], src.coverage_end if src.coverage_end is not None else years[1])
    return lo, hi


def covered(sources: Sequence[Source], actor: str = "patron") -> pl.Expr:
    """True where one of ``sources`` records the ``actor`` column's state in the row's ``year``."""
    ok = pl.lit(False)
    for src in sources:
        cond = pl.lit(True)
        if src.coverage_start is not None:
            cond &= pl.col("year") >= src.coverage_start
        if src.coverage_end is not None:
            cond &= pl.col("year") <= src.coverage_end
        if src.coverage_actors:
            cond &= pl.col(actor).is_in(list(src.coverage_actors))
        ok |= cond
    return ok


def span(led: Ledger, ch: Channel) -> tuple[int, int] | None:
    """A ledger channel's covered years: from the earliest start to the latest end of its sources'
    windows (a source without a window counts from its first to its last engagement of the
    instrument); None when no source records it."""
    bounds = []
    for src in registered(led, ch):
        lo, hi = src.coverage_start, src.coverage_end
        if lo is None or hi is None:
            seen = reads.engagement_years(led, [src.id], ch.instrument or ch.name)
            if seen is None:
                continue
            lo, hi = lo if lo is not None else seen[0], hi if hi is not None else seen[1]
        bounds.append((lo, hi))
    if not bounds:
        return None
    return min(b[0] for b in bounds), max(b[1] for b in bounds)


def coverage(led: Ledger, ch: Channel) -> pl.Expr:
    """True where the channel records the row's ``patron`` in its ``year``: a research channel where
    one of its sources covers the patron and year, a ledger channel over its `span`."""
    if ch.basis == "ledger":
        lo, hi = span(led, ch) or (1, 0)
        return pl.col("year").is_between(lo, hi)
    return covered(registered(led, ch))


def common_years(led: Ledger, names: Sequence[str], default: tuple[int, int]) -> tuple[int, int]:
    """The years every one of the channels ``names`` covers inside ``default`` (from the windows of
    the sources that hold data), so a series never jumps where one channel's data end."""
    lo, hi = default
    for name in names:
        held = reads.sources_with_rows(led, CHANNELS[name].sources)
        if not held:
            continue
        srcs = led.registered(held)
        lo = max(lo, min(s.coverage_start if s.coverage_start is not None else default[0] for s in srcs))
        hi = min(hi, max(s.coverage_end if s.coverage_end is not None else default[1] for s in srcs))
    return (lo, hi) if lo <= hi else default


# flows and stocks -------------------------------------------------------------------------------------


def flows(led: Ledger, ch: Channel, until: int) -> pl.DataFrame:
    """``ccode1, ccode2, year, v``: the channel's yearly flows per directed dyad up to ``until``, from
    the start of its data (so stocks carry what came before). In the research set, several sources
    recording the same dyad-year (MME and JME; US troop data and McManus–Nieman) merge by the larger
    value, never add: they count the same engagements. A ledger channel counts its engagements one
    source per fact (`one_per_fact`). Undirected channels give both directions the same flow."""
    if ch.basis == "ledger":
        instrument = ch.instrument or ch.name
        rows = reads.positive_counts(led, instrument, until).with_columns(
            pl.lit(instrument).alias("instrument"), pl.col("ccode1").alias("actor_ccode")
        )
        out = (
            one_per_fact(led, rows)
            .group_by("ccode1", "ccode2", "year", maintain_order=True)
            .agg(pl.col("v").sum())
        )
        if not ch.directed:
            back = out.select(pl.col("ccode2").alias("ccode1"), pl.col("ccode1").alias("ccode2"), "year", "v")
            out = pl.concat([out, back]).group_by("ccode1", "ccode2", "year").agg(pl.col("v").max())
        return out
    if ch.name == "alliance":
        ob = reads.obligations(led, ch.source, until=until)
        return ob.select(
            "ccode1",
            "ccode2",
            "year",
            pl.when(pl.col("atop_defense") > 0).then(1.0).otherwise(0.5).alias("v"),
        )
    if ch.instrument is None:
        raise PanelError(f"channel {ch.name!r} has no engagement flows")
    if len(ch.sources) == 1 and ch.directed:
        return reads.flows(led, ch.sources, ch.instrument, until=until, flow=ch.flow)
    out = reads.flows(led, ch.sources, ch.instrument, until=until, flow=ch.flow, by_source=True)
    if not ch.directed:
        back = out.with_columns(pl.col("ccode2").alias("ccode1"), pl.col("ccode1").alias("ccode2"))
        out = pl.concat([out, back])
    return (
        out.group_by("source_id", "ccode1", "ccode2", "year")
        .agg(pl.col("v").sum())
        .group_by("ccode1", "ccode2", "year")
        .agg(pl.col("v").max())
    )


def _member_years(led: Ledger, years: tuple[int, int]) -> pl.DataFrame:
    """``ccode, year``: the state system's members in each year of ``years`` (a member for any day)."""
    spells = led.states().spells
    return (
        spells.select(
            pl.col("code").cast(pl.Int32).alias("ccode"),
            pl.int_ranges(
                pl.max_horizontal(pl.col("start_date").dt.year(), pl.lit(years[0])),
                pl.min_horizontal(pl.col("end_date").dt.year().fill_null(years[1]), pl.lit(years[1])) + 1,
            ).alias("year"),
        )
        .explode("year")
        .drop_nulls()
        .with_columns(pl.col("year").cast(pl.Int32))
        .unique()
    )


def _among_states(led: Ledger, stock: pl.DataFrame, years: tuple[int, int]) -> pl.DataFrame:
    """The stocks of dyad-years whose two states both exist: a stock decays past its last flow, but
    not past a state's end (the GDR holds no arms stock in 2015)."""
    alive = _member_years(led, years)
    for side in ("patron", "target"):
        stock = stock.join(alive, left_on=[side, "year"], right_on=["ccode", "year"], how="semi")
    return stock


def stocks(led: Ledger, ch: Channel, years: tuple[int, int]) -> pl.DataFrame:
    """``patron, target, year, stock``: the channel's decayed stocks (its instrument's half-life) for
    every directed dyad-year in ``years`` with a positive stock, inside the channel's coverage, while
    both states exist."""
    schema = {"patron": pl.Int32, "target": pl.Int32, "year": pl.Int32, "stock": pl.Float64}
    if ch.basis == "ledger":
        win = span(led, ch)
        lo, hi = (max(years[0], win[0]), min(years[1], win[1])) if win else (1, 0)
        raw = flows(led, ch, hi) if lo <= hi else pl.DataFrame()
        if raw.height == 0:
            return pl.DataFrame(schema=schema)
        stock = decayed(to_patron_target(raw), ch.half_life, lo, hi, ["patron", "target"])
        return _among_states(led, stock.filter(pl.col("stock") > 1e-9), (lo, hi))
    raw = flows(led, ch, years[1])
    if raw.height == 0:
        return pl.DataFrame(schema=schema)
    raw = to_patron_target(raw).with_columns(
        pl.col("patron", "target", "year").cast(pl.Int32), pl.col("v").cast(pl.Float64)
    )
    stock = decayed(raw, ch.half_life, years[0], years[1], ["patron", "target"])
    return _among_states(led, stock.filter(pl.col("stock") > 1e-9).filter(coverage(led, ch)), years)
