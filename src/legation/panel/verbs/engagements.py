"""Verbs for engagement channels: arms, exercises, troops, visits, major-power signals, peacekeeping
and CAMEO events."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from legation.instruments import INSTRUMENTS
from legation.ledger import reads
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel.attach import as_panel
from legation.panel.channels import CHANNELS, flows, window
from legation.panel.frame import Panel
from legation.panel.stocks import decayed
from legation.panel.verbs.common import add

MME_FLAGS = ("land", "sea", "air", "amphibious", "cyber", "warfighting", "peacekeeping", "humanitarian")
"""Per-exercise domain and mission flags MME records (``details``)."""

SIGNALS = {
    "dialogue": "mn_visit",
    "exercise": "mn_exercise",
    "arms_transfer": "mn_arms_tiv",
    "basing": "mn_troops",
    "alliance": "mn_pact",
}
"""McManus–Nieman signal instruments and their panel columns."""


def add_arms(panel: Panel, *, source: str | None = None, half_life: float | None = None) -> Panel:
    """Arms transfers from ccode1 to ccode2 (see `Panel.add_arms`)."""
    ch = CHANNELS["arms"]
    h = half_life or ch.half_life

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        flow = flows(led, replace(ch, sources=(src.id,)), p.years[1])
        totals = reads.inflows(led, src.id, "arms_transfer")
        first, last = window(src, p.years)
        stock = decayed(flow, h, first, last, ["ccode1", "ccode2"])
        total = decayed(totals, h, first, last, ["ccode2"]).rename({"stock": "_total"})
        out = stock.join(total.select("ccode2", "year", "_total"), on=["ccode2", "year"], how="left")
        return out.select(
            "ccode1",
            "ccode2",
            "year",
            pl.col("v").alias("arms_tiv"),
            pl.col("stock").alias("arms_stock"),
            pl.when(pl.col("_total") > 0)
            .then(pl.col("stock") / pl.col("_total"))
            .otherwise(0.0)
            .alias("arms_dependence"),
        )

    src = source or ch.source
    return add(panel, "add_arms", src, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def add_exercises(panel: Panel, *, source: str | None = None) -> Panel:
    """Joint military exercises of the two states (see `Panel.add_exercises`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        rows = reads.exercise_rows(led, src.id, p.years)
        pairs = rows.group_by("ex").len("_pairs")
        rows = rows.join(pairs, on="ex").with_columns(
            ((1 + (1 + 8 * pl.col("_pairs")).sqrt()) / 2).round().alias("_n")
        )
        lo, hi = pl.min_horizontal("ccode1", "ccode2"), pl.max_horizontal("ccode1", "ccode2")
        rows = rows.with_columns(lo.alias("ccode1"), hi.alias("ccode2"))
        aggs = [
            pl.col("ex").n_unique().cast(pl.Int32).alias("exercises"),
            (pl.col("_n") == 2).sum().cast(pl.Int32).alias("exercises_bilateral"),
            (pl.col("_n") > 2).sum().cast(pl.Int32).alias("exercises_multilateral"),
        ]
        if src.id == CHANNELS["exercise"].source:  # MME records domain and mission
            rows = rows.with_columns(
                pl.col("details").str.json_path_match(f"$.{f}").cast(pl.Int32).alias(f) for f in MME_FLAGS
            )
            aggs += [pl.col(f).sum().cast(pl.Int32).alias(f"exercises_{f}") for f in MME_FLAGS]
        return rows.group_by("ccode1", "ccode2", "year").agg(aggs)

    src = source or CHANNELS["exercise"].source
    return add(panel, "add_exercises", src, build, kinds=("dyad",), level="dyad", directed=False, fill=0)


def add_troops(panel: Panel, *, source: str | None = None) -> Panel:
    """Troops stationed by ccode1 in ccode2 (see `Panel.add_troops`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return reads.last_reports(led, src.id, "basing", p.years).rename({"v": "troops"})

    src = source or CHANNELS["basing"].source
    return add(panel, "add_troops", src, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def add_visits(panel: Panel, *, source: str | None = None) -> Panel:
    """Senior-leader visits from ccode1 to ccode2 (see `Panel.add_visits`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        rows = reads.flows(led, [src.id], "dialogue", until=p.years[1], flow="count")
        return rows.rename({"v": "visits"}).filter(pl.col("year") >= p.years[0])

    src = source or CHANNELS["visits"].source
    return add(panel, "add_visits", src, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def add_signals(panel: Panel, *, source: str | None = None) -> Panel:
    """McManus–Nieman major-power signals (see `Panel.add_signals`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return reads.largest_by_instrument(led, src.id, SIGNALS, p.years)

    src = source or CHANNELS["signals"].source
    return add(panel, "add_signals", src, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def add_peacekeeping(panel: Panel, *, source: str | None = None) -> Panel:
    """Peacekeeping contributions and co-deployments (see `Panel.add_peacekeeping`)."""
    panel = as_panel(panel, "add_peacekeeping")
    if panel.kind == "state":

        def per_state(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
            return reads.mean_by_actor(led, src.id, p.years, "pk_personnel")

        src = source or CHANNELS["peacekeeping"].source
        return add(panel, "add_peacekeeping", src, per_state, level="state", fill=0)

    def codeploy(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return reads.codeployments(led, src.id, p.years)

    src = source or CHANNELS["codeployment"].source
    return add(
        panel, "add_peacekeeping", src, codeploy, kinds=("dyad",), level="dyad", directed=False, fill=0
    )


def add_events(panel: Panel, *, source: str | None = None) -> Panel:
    """CAMEO-coded events (see `Panel.add_events`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        rows = reads.event_rows(led, src.id, p.years)
        aggs = [
            pl.len().cast(pl.Int32).alias("events"),
            pl.col("g").sum().alias("events_goldstein"),
            (pl.col("polarity") < 0).sum().cast(pl.Int32).alias("events_negative"),
        ]
        aggs += [(pl.col("instrument") == i).sum().cast(pl.Int32).alias(f"events_{i}") for i in INSTRUMENTS]
        return rows.group_by("ccode1", "ccode2", "year").agg(aggs)

    src = source or CHANNELS["events"].source
    return add(panel, "add_events", src, build, kinds=("dyad",), level="dyad", directed=True, fill=0)
