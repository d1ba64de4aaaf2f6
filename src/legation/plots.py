"""Plotly figures of legation's frames, for notebooks and scripts: ``legation.plots.troops(
legation.troops(host="JPN"))``. Each builder takes the frame a function returns and gives a
``plotly.graph_objects.Figure`` with a title, labelled axes, a source line when given, one fixed colour
per instrument (the dashboard's palette) and whole-number ticks on count axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import polars as pl

from legation.errors import InvalidValueError
from legation.instruments import INSTRUMENTS

if TYPE_CHECKING:
    import plotly.graph_objects as go

PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#882255",
    "#117733",
    "#997700",
    "#332288",
    "#EE8866",
    "#56B4E9",
    "#CC6677",
    "#CCBB44",
    "#CC79A7",
    "#99DDFF",
    "#FFAABB",
    "#EEDD88",
    "#F0E442",
)
"""14 colours safe for colour-blind readers, in the dashboard's order (web/app.js ``PALETTE``; a test
keeps the two equal): instrument *i* of `legation.instruments` takes colour *i*."""


def colour(instrument: str) -> str:
    """The instrument's fixed colour (an unknown name takes the last one)."""
    names = list(INSTRUMENTS)
    return PALETTE[names.index(instrument) if instrument in names else len(PALETTE) - 1]


def engagements(
    rows: pl.DataFrame, *, title: str = "Engagements by year of start", source: str = ""
) -> go.Figure:
    """Engagements per year of start, stacked by instrument, from a `Ledger.engagements` frame."""
    _need(rows, ("instrument", "start_date"))
    counts = (
        rows.group_by(pl.col("start_date").dt.year().alias("year"), "instrument")
        .len()
        .sort("year", "instrument")
    )
    fig = _figure(title, "year of start", "engagements", source)
    for inst in [i for i in INSTRUMENTS if i in set(counts["instrument"])]:
        mine = counts.filter(pl.col("instrument") == inst)
        fig.add_bar(x=mine["year"].to_list(), y=mine["len"].to_list(), name=inst, marker_color=colour(inst))
    fig.update_layout(barmode="stack")
    return _whole_numbers(fig, counts.group_by("year").agg(pl.col("len").sum())["len"].max())


def troops(frame: pl.DataFrame, *, title: str = "US troops stationed abroad", source: str = "") -> go.Figure:
    """Troops by year, one line per host, from `legation.troops`; gaps where the data do not report."""
    _need(frame, ("name", "year", "troops"))
    fig = _figure(title, "year", "troops (personnel)", source)
    for i, (name, part) in enumerate(_groups(frame, "name")):
        part = part.sort("year")
        fig.add_scatter(
            x=part["year"].to_list(),
            y=part["troops"].to_list(),
            name=name,
            mode="lines",
            line_color=PALETTE[i % len(PALETTE)],
            connectgaps=False,
        )
    return _whole_numbers(fig, frame["troops"].max())


def arms(
    frame: pl.DataFrame, *, by: str = "name1", title: str = "Arms transfers (SIPRI TIV)", source: str = ""
) -> go.Figure:
    """Yearly TIV delivered, stacked by ``by`` (``name1``, the supplier, or ``name2``, the recipient),
    from `legation.arms`; the ten largest over the years are shown, the rest summed as "others"."""
    _need(frame, (by, "year", "arms_tiv"))
    flows = frame.filter(pl.col("arms_tiv") > 0)
    top = flows.group_by(by).agg(pl.col("arms_tiv").sum()).sort(["arms_tiv", by], descending=[True, False])
    keep = top[by].head(10).to_list()
    flows = flows.with_columns(pl.when(pl.col(by).is_in(keep)).then(pl.col(by)).otherwise(pl.lit("others")))
    fig = _figure(title, "year", "TIV (millions)", source)
    for i, name in enumerate([*keep, "others"]):
        part = flows.filter(pl.col(by) == name).group_by("year").agg(pl.col("arms_tiv").sum()).sort("year")
        if part.height:
            fig.add_bar(
                x=part["year"].to_list(), y=part["arms_tiv"].to_list(), name=name, marker_color=PALETTE[i]
            )
    fig.update_layout(barmode="stack")
    return fig


def contest(
    frame: pl.DataFrame,
    names: Mapping[int, str] | None = None,
    *,
    title: str = "Share of influence",
    source: str = "",
) -> go.Figure:
    """Each patron's share of the patrons' influence over a target, by year, from
    `legation.measures.influence.contest` (``patron, year, share``); years without any influence (or
    outside the index's usable window, which the caller cuts) are gaps, not 0."""
    _need(frame, ("patron", "year", "share"))
    fig = _figure(title, "year", "share of influence", source)
    for i, (patron, part) in enumerate(_groups(frame, "patron")):
        part = part.sort("year")
        fig.add_scatter(
            x=part["year"].to_list(),
            y=part["share"].to_list(),
            name=(names or {}).get(patron, str(patron)) if isinstance(patron, int) else str(patron),
            mode="lines+markers",
            line_color=PALETTE[i % len(PALETTE)],
            connectgaps=False,
        )
    fig.update_yaxes(range=[0, 1], tickformat=".0%")
    return fig


def series(
    frame: pl.DataFrame,
    column: str,
    *,
    by: str | Sequence[str] = "name",
    title: str | None = None,
    source: str = "",
) -> go.Figure:
    """One line per ``by`` value (a state's ``name``, or ``("name1", "name2")`` for dyads) of a
    panel column over the years: ``plots.series(p.add_names().frame, "cinc")``. NA years are gaps."""
    keys = [by] if isinstance(by, str) else list(by)
    _need(frame, (*keys, "year", column))
    label = pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=" → ")
    data = frame.with_columns(label.alias("_label"))
    fig = _figure(title or column, "year", column, source)
    for i, (name, part) in enumerate(_groups(data, "_label")):
        part = part.sort("year")
        fig.add_scatter(
            x=part["year"].to_list(),
            y=part[column].to_list(),
            name=name,
            mode="lines",
            line_color=PALETTE[i % len(PALETTE)],
            connectgaps=False,
        )
    return fig


def _figure(title: str, x: str, y: str, source: str) -> go.Figure:
    """An empty figure with the house layout: a title clear of the toolbar, labelled axes, the source
    line under the plot."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.update_layout(
        template="simple_white",
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.97, "yanchor": "top"},
        margin={"t": 70, "b": 80 if source else 50},
        legend={"orientation": "h", "y": -0.2 if source else -0.15},
        xaxis_title=x,
        yaxis_title=y,
    )
    if source:
        fig.add_annotation(
            text=f"Source: {source}",
            xref="paper",
            yref="paper",
            x=0,
            y=-0.32,
            showarrow=False,
            xanchor="left",
            font={"size": 10},
        )
    return fig


def _whole_numbers(fig: go.Figure, top: object) -> go.Figure:
    """Count axes show whole numbers only (never 0.5): one tick per unit up to 10, else integers."""
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    if isinstance(top, int | float) and top <= 10:
        fig.update_yaxes(dtick=1)
    return fig


def _groups(frame: pl.DataFrame, key: str) -> list[tuple[object, pl.DataFrame]]:
    """The frame's groups by ``key``, in the key's sorted order (so colours are stable)."""
    return [(k[0], part) for k, part in frame.sort(key).group_by(key, maintain_order=True)]


def _need(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    if missing := [c for c in columns if c not in frame.columns]:
        raise InvalidValueError(f"the frame lacks the column(s) {', '.join(missing)}; it has {frame.columns}")
