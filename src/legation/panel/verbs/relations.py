"""Verbs for how states stand towards each other and at home: militarized disputes, arms races, the
peace scale, trade, and democracy scores (the inputs of the model's risks)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from legation.ledger import reads
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel.channels import CHANNELS
from legation.panel.frame import Panel
from legation.panel.verbs.common import add

MID_STORED = (
    "mid_dispnum",
    "mid_ongoing",
    "mid_onset",
    "mid_sidea",
    "mid_originator",
    "mid_hostlev",
    "mid_dispute_fatality",
)
"""The MID variables `add_mids` reads (the ledger holds more: docs/sources/conflict.md)."""
DEMOCRACY = ("v2x_polyarchy", "polity2", "xm_qudsest")
TRADE = ("trade_exports", "trade_exports_smooth")
_SIDES = ("_12", "_21")


def add_mids(panel: Panel, *, source: str | None = None) -> Panel:
    """Militarized interstate disputes (see `Panel.add_mids`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        out = reads.dyad_attributes(led, src.id, MID_STORED, p.years)
        return out.select(
            "ccode1",
            "ccode2",
            "year",
            pl.col("mid_dispnum").cast(pl.Int32),
            pl.col("mid_ongoing").cast(pl.Int8),
            pl.col("mid_onset").cast(pl.Int8),
            (pl.col("mid_sidea") * pl.col("mid_originator")).cast(pl.Int8).alias("mid_initiated"),
            pl.col("mid_hostlev").cast(pl.Int8),
            pl.col("mid_dispute_fatality").cast(pl.Int8).alias("mid_fatality"),
        )

    src = source or CHANNELS["mids"].source
    out = add(panel, "add_mids", src, build, kinds=("dyad",), level="dyad", directed=True, fill=None)
    return _no_dispute_is_zero(out, src, marker="mid_ongoing", keep=("mid_dispnum",))


def _no_dispute_is_zero(panel: Panel, source_id: str, *, marker: str, keep: tuple[str, ...]) -> Panel:
    """0 in every added column but ``keep`` where the source covers the year and has no row for the
    dyad-year (``marker`` is NA): a value the source reports missing inside a dispute stays NA."""
    src = next(s for s in panel.sources if s.id == source_id)
    lo = src.coverage_start if src.coverage_start is not None else panel.years[0]
    hi = src.coverage_end if src.coverage_end is not None else panel.years[1]
    inside = pl.col("year").is_between(lo, hi)
    frame = panel.frame
    fills = []
    for col in panel.columns_by_source[source_id]:
        side = col[-3:] if col[-3:] in _SIDES else ""
        if col.removesuffix(side) in keep:
            continue
        none = inside & pl.col(f"{marker}{side}").is_null()
        fills.append(pl.when(none).then(0).otherwise(pl.col(col)).cast(frame.schema[col]).alias(col))
    return replace(panel, frame=frame.with_columns(fills))


def add_arms_races(panel: Panel, *, source: str | None = None) -> Panel:
    """Arms races between the two states (see `Panel.add_arms_races`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        out = reads.dyad_attribute(led, src.id, ["arms_race"], p.years, name="arms_race")
        return out.with_columns(pl.col("arms_race").cast(pl.Int8))

    src = source or CHANNELS["arms_races"].source
    return add(panel, "add_arms_races", src, build, kinds=("dyad",), level="dyad", directed=False, fill=0)


def add_peace(panel: Panel, *, source: str | None = None) -> Panel:
    """The peace scale of the two states (see `Panel.add_peace`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return reads.dyad_attribute(led, src.id, ["peace_scale"], p.years, name="peace_scale")

    src = source or CHANNELS["peace"].source
    return add(panel, "add_peace", src, build, kinds=("dyad",), level="dyad", directed=False, fill=None)


def add_trade(panel: Panel, *, source: str | None = None) -> Panel:
    """Trade from ccode1 to ccode2 (see `Panel.add_trade`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return reads.dyad_attributes(led, src.id, TRADE, p.years)

    src = source or CHANNELS["trade"].source
    return add(panel, "add_trade", src, build, kinds=("dyad",), level="dyad", directed=True, fill=None)


def add_democracy(panel: Panel, *, source: str | None = None) -> Panel:
    """Democracy scores (see `Panel.add_democracy`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return reads.state_attributes(led, src.id, DEMOCRACY, p.years)

    src = source or CHANNELS["democracy"].source
    return add(panel, "add_democracy", src, build, level="state", fill=None)
