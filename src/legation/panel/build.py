"""State-year and dyad-year frames from state-system membership spells.

A state is in year *y* when one of its spells covers any day of *y*; a dyad is in year *y* when both
states are **at the same time** on some day of *y*. That second rule is what leaves out the false
dyads peacesciencer documents (two states that each existed in 1945 or 1990, but never at once);
it needs day-level spells (the COW ``states2016`` list), which `legation data import-dir` prefers.
Spells that run to the end of the list (end NULL) are carried forward to the last year asked for,
as peacesciencer does with the 2016 list.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from legation.errors import PanelError
from legation.ledger import joins
from legation.ledger.sources import STATES
from legation.ledger.store import Ledger
from legation.panel.channels import SYSTEMS
from legation.panel.frame import Kind, Panel, System
from legation.panel.keys import dyad_key, year_range
from legation.years import panel_years

if TYPE_CHECKING:
    import pandas as pd

LedgerLike = Ledger | str | Path | None


def _open(ledger: LedgerLike) -> tuple[Ledger, bool]:
    if isinstance(ledger, Ledger):
        return ledger, False
    return Ledger(ledger, read_only=True), True


def _spells(led: Ledger, system: System) -> tuple[pl.DataFrame, str]:
    spells, source = led.state_list(system)
    if source is None:
        raise PanelError(
            f"the ledger {led.path} has no {system.upper()} state list; import it with "
            f"`legation data import-dir DIR --only {SYSTEMS[system]}`"
        )
    if source == STATES.id:
        warnings.warn(
            f"{led.path} holds only legation's bundled subset of COW states: the panel lacks every other "
            "state. Import the COW system "
            f"(`legation data import-dir DIR --only {SYSTEMS['cow']}`).",
            stacklevel=3,
        )
    return spells.select("code", "start_date", "end_date"), source


def _years(years: tuple[int, int] | None) -> tuple[int, int]:
    lo, hi = years if years is not None else panel_years()
    if lo > hi:
        raise PanelError(f"years {lo}–{hi}: the first year is after the last")
    return int(lo), int(hi)


def _state_years(spells: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """(code, year, first day, last day in the system that year), one row per spell-year."""
    last = pl.coalesce(pl.col("end_date").dt.year(), pl.lit(hi))
    return (
        spells.filter(pl.col("start_date").dt.year() <= hi, last >= lo)
        .with_columns(
            pl.int_ranges(
                pl.max_horizontal(pl.col("start_date").dt.year(), pl.lit(lo)), pl.min_horizontal(last, hi) + 1
            ).alias("year")
        )
        .explode("year")
        .select(
            pl.col("code").cast(pl.Int16),
            pl.col("year").cast(pl.Int16),
            pl.max_horizontal("start_date", pl.date("year", 1, 1)).alias("a"),
            pl.min_horizontal(
                pl.coalesce("end_date", pl.date("year", 12, 31)), pl.date("year", 12, 31)
            ).alias("b"),
        )
    )


def state_years(
    ledger: LedgerLike = None, *, system: System = "cow", years: tuple[int, int] | None = None
) -> Panel:
    """Every (state, year) of the system's membership in ``years`` (default 1816 to last year)."""
    led, close = _open(ledger)
    try:
        lo, hi = _years(years)
        spells, source = _spells(led, system)
        sy = _state_years(spells, lo, hi).select("code", "year").unique().sort("code", "year")
        key = "ccode" if system == "cow" else "gwcode"
        frame = sy.rename({"code": key})
        if system == "gw":
            frame = _with_cow_codes(frame, ["gwcode"], ["ccode"])
        return Panel(
            frame,
            "state",
            False,
            system,
            (lo, hi),
            led.path,
            (led.source(source),),
            open_ledger=None if close else led,
        )
    finally:
        if close:
            led.close()


def dyad_years(
    ledger: LedgerLike = None,
    *,
    system: System = "cow",
    years: tuple[int, int] | None = None,
    directed: bool = True,
) -> Panel:
    """Every dyad of states that co-existed in each year of ``years``.

    Directed frames hold (a, b) and (b, a); undirected ones each pair once with ``ccode1 < ccode2``.
    """
    led, close = _open(ledger)
    try:
        lo, hi = _years(years)
        spells, source = _spells(led, system)
        sy = _state_years(spells, lo, hi)
        pairs = _pairs(led, sy, directed)
        if system == "cow":
            frame = pairs.rename({"c1": "ccode1", "c2": "ccode2"})
        else:
            frame = _with_cow_codes(
                pairs.rename({"c1": "gwcode1", "c2": "gwcode2"}), ["gwcode1", "gwcode2"], ["ccode1", "ccode2"]
            )
        return Panel(
            frame,
            "dyad",
            directed,
            system,
            (lo, hi),
            led.path,
            (led.source(source),),
            open_ledger=None if close else led,
        )
    finally:
        if close:
            led.close()


def _pairs(led: Ledger, sy: pl.DataFrame, directed: bool) -> pl.DataFrame:
    """Pairs of states in the system at the same time in a year, sorted (c1, c2, year).

    DuckDB runs this self-join in a quarter of the memory a polars join takes."""
    pairs = joins.coexisting_pairs(led, sy, directed)
    return pairs.sort(dyad_key("c1", "c2"))  # one Int64 key: faster than DuckDB's ORDER BY 1, 2, 3


def _with_cow_codes(frame: pl.DataFrame, gw: list[str], cow: list[str]) -> pl.DataFrame:
    """Add the COW code of each GW code on 1 July of the row's year (verbs join on COW codes)."""
    from legation.states.resolve import from_gw

    keys = pl.concat([frame.select(pl.col(g).alias("g"), "year") for g in gw]).unique()
    table = keys.with_columns(
        pl.struct("g", "year")
        .map_elements(lambda r: from_gw(int(r["g"]), date(int(r["year"]), 7, 1)), return_dtype=pl.Int16)
        .alias("c")
    )
    for g, c in zip(gw, cow, strict=True):
        frame = frame.join(table.rename({"g": g, "c": c}), on=[g, "year"], how="left")
    return frame


def from_frame(
    frame: pl.DataFrame | pd.DataFrame,
    ledger: LedgerLike = None,
    *,
    directed: bool | None = None,
    system: System = "cow",
) -> Panel:
    """Wrap your own dyad-year (``ccode1, ccode2, year``) or state-year (``ccode, year``) frame, polars
    or pandas, so the verbs can add to it. Undirected frames must hold each pair once, ccode1 < ccode2."""
    df = frame if isinstance(frame, pl.DataFrame) else pl.from_pandas(frame)
    if {"ccode1", "ccode2", "year"} <= set(df.columns):
        kind: Kind = "dyad"
        keys = ["ccode1", "ccode2", "year"]
    elif {"ccode", "year"} <= set(df.columns):
        kind, keys = "state", ["ccode", "year"]
    else:
        raise PanelError(
            "a panel needs columns ccode1, ccode2, year (dyad-years) or ccode, year (state-years); "
            f"got {df.columns}"
        )
    nulls = [k for k in keys if df[k].null_count()]
    if nulls:
        raise PanelError(f"key columns {nulls} have missing values")
    dup = df.select(keys).is_duplicated()
    if dup.any():
        first = df.filter(dup).row(0, named=True)
        raise PanelError(f"{int(dup.sum())} rows repeat a key, e.g. { ({k: first[k] for k in keys}) }")
    if kind == "dyad":
        forward = bool((df["ccode1"] < df["ccode2"]).all())
        if directed is None:
            directed = not forward
        elif not directed and not forward:
            raise PanelError("an undirected dyad-year frame must hold each pair once with ccode1 < ccode2")
    df = df.with_columns(pl.col(k).cast(pl.Int16) for k in keys)
    led, close = _open(ledger)
    try:
        lo, hi = year_range(df)
        return Panel(
            df,
            kind,
            bool(directed) if kind == "dyad" else False,
            system,
            (lo, hi),
            led.path,
            (),
            open_ledger=None if close else led,
        )
    finally:
        if close:
            led.close()
