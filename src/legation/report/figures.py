"""Static charts as SVG (matplotlib, no browser): every one with a title, a unit and a source line.

Colours are the Okabe–Ito palette, which readers with any common colour-vision deficiency can tell
apart; series also differ in line style, so a brief printed in grey stays readable. An empty frame
gives no chart but a `Figure` whose ``statement`` says why, so a brief never shows a blank chart.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from legation.report.brief import Figure

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
"""Okabe & Ito (2008): blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow."""
STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), "-", "--")
WIDTH, HEIGHT = 6.8, 2.9
"""Inches: a chart fills the text width of an A4 or US Letter page at 100 %."""

_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, and the PDF renderer sets it in its fonts
    "svg.hashsalt": "legation",  # the same chart gives the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.5,
    "legend.frameon": False,
    "legend.fontsize": 7.5,
}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any, title: str, source: str, *, ylabel: str = "", xlabel: str = "") -> str:
    """The figure as inline SVG text, titled, its axes labelled, its source on the last line."""
    ax = fig.axes[0]
    ax.set_title(textwrap.fill(title, 80))
    ax.set_ylabel(textwrap.fill(ylabel, 40))
    ax.set_xlabel(xlabel)
    line = textwrap.fill(textwrap.shorten(f"Source: {source}", 300), 150)
    fig.supxlabel(line, x=0.01, ha="left", fontsize=6.5, color="#555555", linespacing=1.3)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    _pyplot().close(fig)
    text = buf.getvalue()
    return re.sub(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", "", text, flags=re.S)


def _empty(frame: pl.DataFrame, cols: Sequence[str]) -> bool:
    return frame.height == 0 or all(
        c not in frame.columns or frame[c].drop_nulls().drop_nans().len() == 0 for c in cols
    )


def _values(frame: pl.DataFrame, col: str) -> np.ndarray:
    return frame[col].cast(pl.Float64).fill_null(float("nan")).to_numpy()


def lines(
    key: str,
    title: str,
    unit: str,
    source: str,
    frame: pl.DataFrame,
    *,
    x: str,
    series: Mapping[str, str],
    empty: str,
    ylim: tuple[float | None, float | None] | None = None,
    notes: Sequence[str] = (),
    shade: tuple[float, float] | None = None,
    zero: bool = False,
) -> Figure:
    """A line chart of the ``series`` columns (column → label) over ``x``; a null is a gap, never a
    zero. ``shade`` marks a span of ``x`` (the reference year's five years), ``zero`` a zero line."""
    if _empty(frame, list(series)):
        return Figure(key, title, unit, source, frame, statement=empty, notes=tuple(notes))
    plt = _pyplot()
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT), layout="constrained")
        xs = frame[x].to_numpy()
        for i, (col, label) in enumerate(series.items()):
            if col not in frame.columns:
                continue
            ys = _values(frame, col)
            one = np.isfinite(ys).sum() == 1
            ax.plot(
                xs,
                ys,
                label=label,
                color=PALETTE[i % len(PALETTE)],
                linestyle=STYLES[i % len(STYLES)],
                linewidth=1.6,
                marker="o" if one else ".",
                markersize=3 if one else 2.5,
            )
        if shade is not None:
            ax.axvspan(*shade, color="#eeeeee", zorder=0, linewidth=0)
        if zero:
            ax.axhline(0, color="#888888", linewidth=0.8)
        if ylim is not None:
            ax.set_ylim(*ylim)
        elif all(
            np.nanmin(_values(frame, c)) >= 0 for c in series if c in frame.columns and not _empty(frame, [c])
        ):
            ax.set_ylim(bottom=0)  # a level, not a change: its axis starts at zero
        if len(series) > 1:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.xaxis.get_major_locator().set_params(integer=True)
        svg = _svg(fig, title, source, ylabel=unit)
        return Figure(key, title, unit, source, frame, svg=svg, notes=tuple(notes))


def bars(
    key: str,
    title: str,
    unit: str,
    source: str,
    frame: pl.DataFrame,
    *,
    label: str,
    stack: Mapping[str, str],
    empty: str,
    highlight: str | None = None,
    notes: Sequence[str] = (),
) -> Figure:
    """Horizontal bars, one per row (``label`` column, first row on top), stacked over the ``stack``
    columns (column → legend label); the ``highlight`` row's label is set in bold."""
    if _empty(frame, list(stack)):
        return Figure(key, title, unit, source, frame, statement=empty, notes=tuple(notes))
    plt = _pyplot()
    with plt.rc_context(_RC):
        height = max(1.6, 0.32 * frame.height + 1.0)
        fig, ax = plt.subplots(figsize=(WIDTH, height), layout="constrained")
        names = frame[label].cast(pl.String).to_list()
        ys = np.arange(len(names))[::-1]
        left = np.zeros(len(names))
        for i, (col, legend) in enumerate(stack.items()):
            vals = np.nan_to_num(_values(frame, col))
            ax.barh(ys, vals, left=left, color=PALETTE[i % len(PALETTE)], label=legend, height=0.7)
            left += vals
        ax.set_yticks(ys, names)
        for tick, name in zip(ax.get_yticklabels(), names, strict=True):
            if name == highlight:
                tick.set_fontweight("bold")
        ax.grid(axis="y", visible=False)
        ax.set_axisbelow(True)
        if len(stack) > 1:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        svg = _svg(fig, title, source, xlabel=unit)
        return Figure(key, title, unit, source, frame, svg=svg, notes=tuple(notes))


def fan(
    key: str,
    title: str,
    unit: str,
    source: str,
    frame: pl.DataFrame,
    *,
    x: str,
    bands: Sequence[tuple[str, str]],
    median: str,
    label: str,
    empty: str,
    notes: Sequence[str] = (),
) -> Figure:
    """A fan chart: the ``median`` line over shaded intervals ``bands`` (lower, upper column pairs,
    widest first), with a zero line: the difference a policy makes and its uncertainty."""
    if _empty(frame, [median]):
        return Figure(key, title, unit, source, frame, statement=empty, notes=tuple(notes))
    plt = _pyplot()
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT), layout="constrained")
        xs = frame[x].to_numpy()
        for i, (lo, hi) in enumerate(bands):
            ax.fill_between(
                xs, _values(frame, lo), _values(frame, hi), color=PALETTE[0], alpha=0.18 + 0.17 * i, lw=0
            )
        ax.plot(xs, _values(frame, median), color=PALETTE[0], linewidth=1.8, label=label)
        ax.axhline(0, color="#888888", linewidth=0.8)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="upper left")
        svg = _svg(fig, title, source, ylabel=unit)
        return Figure(key, title, unit, source, frame, svg=svg, notes=tuple(notes))
