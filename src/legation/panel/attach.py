"""Joining a channel's values onto a panel, with coverage honoured.

`Values` are a frame keyed on dyad-years (directed or not) or state-years, taken from one source
(a channel's, see `legation.panel.channels`). `attach` joins them in the way the panel's kind and
directedness need, and then applies the source's coverage: outside its years, or for actors it does
not record (US troop data records only the US), a value is **NA**; inside, a dyad-year with no row
gets ``fill`` (0 for sources that record every event, NA for those that do not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from legation.errors import PanelError
from legation.ledger.joins import row_matches
from legation.ledger.sources import Source
from legation.panel.frame import Panel
from legation.panel.keys import dyad_key, year_range

_DYAD = ("ccode1", "ccode2", "year")
_STATE = ("ccode", "year")


@dataclass(frozen=True)
class Values:
    """Values from one source: keyed on ``ccode1, ccode2, year`` (level dyad) or ``ccode, year``."""

    values: pl.DataFrame
    source: Source
    level: str  # "dyad" or "state"
    directed: bool = True
    fill: float | None = 0
    years: tuple[int, int] | None = None
    """Coverage years when narrower than the source's (one variable of a source that ends early)."""

    @property
    def columns(self) -> list[str]:
        keys = _DYAD if self.level == "dyad" else _STATE
        return [c for c in self.values.columns if c not in keys]


def as_panel(obj: Panel | pl.DataFrame, verb: str, *, kinds: Sequence[str] = ("dyad", "state")) -> Panel:
    """The panel a verb works on; a bare frame is checked and described, with advice when wrong."""
    if isinstance(obj, Panel):
        panel = obj
    elif isinstance(obj, pl.DataFrame) or type(obj).__name__ == "DataFrame":
        raise PanelError(
            f"{verb} needs a legation Panel (it knows the frame's kind, directedness, system and ledger); "
            "build one with legation.panel.dyad_years(...) or state_years(...), or wrap your frame with "
            "legation.panel.from_frame(frame, ledger=..., directed=...)"
        )
    else:
        raise PanelError(f"{verb} needs a Panel, got {type(obj).__name__}")
    if panel.kind not in kinds:
        raise PanelError(
            f"{verb} works on {' or '.join(kinds)}-year panels, not on a {panel.kind}-year panel"
        )
    keys = _DYAD if panel.kind == "dyad" else _STATE
    missing = [k for k in keys if k not in panel.frame.columns]
    if missing:
        raise PanelError(f"{verb}: the panel lacks its key columns {missing}; it has {panel.frame.columns}")
    return panel


def attach(panel: Panel, channel: Values, verb: str) -> Panel:
    """The panel with the channel's columns, NA outside coverage, ``fill`` inside it."""
    clash = [c for c in channel.columns if c in panel.frame.columns or f"{c}1" in panel.frame.columns]
    if clash:
        raise PanelError(f"{verb}: the panel already has columns {clash}; drop them or add the verb once")
    frame, added = _join(panel, channel)
    frame = frame.with_columns(_covered(panel, channel, c) for c in added if _needs_cover(panel, channel))
    return panel.with_columns(frame, (channel.source,), {channel.source.id: tuple(added)})


def _join(panel: Panel, ch: Values) -> tuple[pl.DataFrame, list[str]]:
    """Left-join the channel on one Int64 key per row, keeping the panel's row order."""
    f = panel.frame
    cols = ch.columns
    v = ch.values
    if ch.level == "state":
        if panel.kind == "state":
            return _gather(f, v, cols, "ccode", {}), cols
        out = f
        for side in ("1", "2"):
            out = _gather(out, v, cols, f"ccode{side}", {c: f"{c}{side}" for c in cols})
        return out, [f"{c}{s}" for s in ("1", "2") for c in cols]
    if panel.kind != "dyad":
        raise PanelError("a dyad-level channel needs a dyad-year panel")
    right = v.select(dyad_key().alias("_k"), *cols)
    if not ch.directed:
        lo, hi = pl.min_horizontal("ccode1", "ccode2"), pl.max_horizontal("ccode1", "ccode2")
        key = lo.cast(pl.Int64) * (1 << 32) + hi.cast(pl.Int64) * (1 << 16) + pl.col("year").cast(pl.Int64)
        return _left(f, key, right), cols
    if panel.directed:
        return _left(f, dyad_key(), right), cols
    out = _left(f, dyad_key(), right.rename({c: f"{c}_12" for c in cols}))
    out = _left(out, dyad_key("ccode2", "ccode1"), right.rename({c: f"{c}_21" for c in cols}))
    return out, [f"{c}{s}" for s in ("_12", "_21") for c in cols]


def _gather(
    frame: pl.DataFrame, v: pl.DataFrame, cols: list[str], ccode: str, names: dict[str, str]
) -> pl.DataFrame:
    """State-year values looked up by position in a dense (ccode, year) table: no hash join, and
    no more memory than the new columns themselves."""
    if v.height == 0:
        return frame.with_columns(pl.lit(None, v.schema[c]).alias(names.get(c, c)) for c in cols)
    if v.select("ccode", "year").is_duplicated().any():
        raise PanelError("a channel has more than one row for a state-year: this is a bug in its verb")
    y0, y1 = year_range(v)
    span, cmax = y1 - y0 + 1, int(v.select(pl.col("ccode").max()).item())
    pos = (v["ccode"].cast(pl.Int64) * span + v["year"].cast(pl.Int64) - y0).to_numpy()
    c, y = pl.col(ccode).cast(pl.Int64), pl.col("year").cast(pl.Int64)
    idx = pl.when(c.is_between(0, cmax) & y.is_between(y0, y1)).then(c * span + y - y0).cast(pl.UInt32)
    dense = {}
    for col in cols:
        full = pl.Series(col, [None], dtype=v.schema[col]).extend_constant(None, (cmax + 1) * span - 1)
        dense[col] = full.scatter(pos, v[col])
    out = frame.with_columns(idx.alias("_ix"))
    return out.with_columns(
        pl.lit(dense[col]).gather(pl.col("_ix")).alias(names.get(col, col)) for col in cols
    ).drop("_ix")


def _left(frame: pl.DataFrame, key: pl.Expr, right: pl.DataFrame) -> pl.DataFrame:
    """Left-join ``right`` (``_k`` + value columns) on ``key``, keeping the frame's rows and order.

    DuckDB finds the panel row of each channel row, and the values are scattered into new
    full-length columns: a third of the memory of a polars left join on a million-row panel."""
    if right["_k"].is_duplicated().any():
        raise PanelError("a channel has more than one row for a key: this is a bug in its verb")
    cols = [c for c in right.columns if c != "_k"]
    hits = row_matches(frame.select(key.alias("_k"))["_k"], right)
    rows = hits["_i"].to_numpy()
    return frame.with_columns(
        pl.Series(c, [None], dtype=right.schema[c])
        .extend_constant(None, frame.height - 1)
        .scatter(rows, hits[c])
        for c in cols
    )


def _covered(panel: Panel, ch: Values, col: str) -> pl.Expr:
    lo, hi = ch.years or (ch.source.coverage_start, ch.source.coverage_end)
    value = pl.col(col) if ch.fill is None else pl.col(col).fill_null(ch.fill)
    ok = None
    if lo is not None and panel.years[0] < lo:
        ok = pl.col("year") >= lo
    if hi is not None and panel.years[1] > hi:
        ok = pl.col("year") <= hi if ok is None else ok & (pl.col("year") <= hi)
    actors = ch.source.coverage_actors
    if actors:
        inside = pl.col(_actor_column(panel, ch, col)).is_in(list(actors))
        ok = inside if ok is None else ok & inside
    if ok is None:  # the panel lies inside the coverage: only the fill
        return value.alias(col)
    return pl.when(ok).then(value).otherwise(None).alias(col)


def _needs_cover(panel: Panel, ch: Values) -> bool:
    lo, hi = ch.years or (ch.source.coverage_start, ch.source.coverage_end)
    outside = (lo is not None and panel.years[0] < lo) or (hi is not None and panel.years[1] > hi)
    return ch.fill is not None or outside or bool(ch.source.coverage_actors)


def _actor_column(panel: Panel, ch: Values, col: str) -> str:
    """Which of the panel's state columns is the actor a source's coverage names."""
    if panel.kind == "state":
        return "ccode"
    if ch.level == "state":
        return f"ccode{col[-1]}"
    if ch.directed and not panel.directed and col.endswith("_21"):
        return "ccode2"
    return "ccode1"
